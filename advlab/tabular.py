"""A learner's own table: read a CSV or TSV file, check it, and make a Dataset.

Two steps, so a page can show the columns before the learner picks them:

* :func:`read_table` turns the uploaded bytes into a :class:`Table` (column
  names and cells as text). It finds the encoding (UTF-8 with or without a
  byte-order mark, UTF-16 as spreadsheets write "Unicode text", and GBK /
  GB18030 as a Chinese spreadsheet exports CSV), reads Windows line endings,
  and tells commas from tabs.
* :func:`prepare` takes the label column and the feature columns and returns a
  :class:`~advlab.data.Dataset` like the built-in ones: a seeded, stratified
  train/test split, features standardized with the training split's mean and
  scale, class names kept from the labels' own text.

Every bad input raises :class:`TableError`, a ``ValueError`` whose message
says what is wrong and what is allowed, in English by ``str()`` and in any
language by ``message(lang)``. Nothing here writes anything to disk.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import _validate as v
from .data import Dataset
from .i18n import t

__all__ = ["LIMITS", "MissingValues", "Table", "TableError", "UploadConfig", "prepare", "prepared_csv",
           "read_table", "register"]

MAX_BYTES = 5 * 2**20
MAX_ROWS = 50_000
MAX_COLUMNS = 120  # a label, up to 100 features, and a few columns left out (an id, a date)
MIN_FEATURES, MAX_FEATURES = 2, 100
MIN_CLASSES, MAX_CLASSES = 2, 10
LIMITS = {"max_mb": MAX_BYTES // 2**20, "max_rows": MAX_ROWS, "max_columns": MAX_COLUMNS,
          "min_features": MIN_FEATURES, "max_features": MAX_FEATURES, "min_classes": MIN_CLASSES,
          "max_classes": MAX_CLASSES}
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "-", "#n/a"})
_DELIMITERS = {",": "comma", "\t": "tab"}
_OTHER_DELIMITERS = (";", "|", ":")


class TableError(ValueError):
    """A table that cannot be used: ``key`` names the message (see the
    ``owndata`` catalogues), ``fmt`` fills its placeholders."""

    def __init__(self, key: str, **fmt):
        self.key, self.fmt = key, fmt
        super().__init__(t(key, "en", **fmt))

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.fmt)


class MissingValues(TableError):
    """Rows with empty or missing cells in the chosen columns; ``prepare(...,
    drop_missing=True)`` leaves them out."""

    def __init__(self, *, rows: int, total: int, columns: str):
        super().__init__("own_err_missing", rows=rows, total=total, columns=columns)
        self.rows = rows


@dataclass(frozen=True, eq=False)
class Table:
    """An uploaded table as text: its columns, its rows of cells, how it was read."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    delimiter: str
    encoding: str
    digest: str  # SHA-256 of the uploaded bytes

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[str]:
        j = self.columns.index(name)
        return [r[j] for r in self.rows]

    def numeric_columns(self) -> list[str]:
        """Columns whose filled cells all read as finite numbers (the likely features)."""
        out = []
        for j, name in enumerate(self.columns):
            cells = [r[j].strip() for r in self.rows[:2000]]
            if all(_number(c) is not None for c in cells if c.lower() not in MISSING):
                out.append(name)
        return out


# ----------------------------------------------------------------- reading ---

def _decode(raw: bytes) -> tuple[str, str]:
    """The text of ``raw`` and the encoding it was read in."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise TableError("own_err_not_text") from None
    if b"\x00" in raw:
        raise TableError("own_err_not_text")
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "UTF-8 (BOM)"
        except UnicodeDecodeError:
            raise TableError("own_err_not_text") from None
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        raise TableError("own_err_not_text") from None
    return text, "GBK"


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    return bad <= len(sample) // 100


def _delimiter(header: str) -> str:
    """Comma or tab, whichever splits the header into more columns; a header
    that neither splits but another sign does is read with the wrong one."""
    tabs, commas = header.count("\t"), header.count(",")
    if tabs == 0 and commas == 0:
        other = max(_OTHER_DELIMITERS, key=header.count)
        if header.count(other) > 0:
            raise TableError("own_err_delimiter", sign=other)
        raise TableError("own_err_one_column")
    return "\t" if tabs > commas else ","


def read_table(raw: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS,
               max_columns: int = MAX_COLUMNS) -> Table:
    """Read an uploaded CSV or TSV file (``raw``, its bytes) into a :class:`Table`.

    The first row is the header. Raises :class:`TableError` for an empty
    file, one larger than ``max_bytes``, one that is not text, one that has a
    single column (a separator other than comma or tab), only a header, rows
    with a different number of cells than the header, duplicated column
    names, or more than ``max_rows`` rows or ``max_columns`` columns.
    """
    if not isinstance(raw, (bytes, bytearray)):
        raise TypeError(f"raw must be bytes, got {type(raw).__name__}")
    if len(raw.strip()) == 0:
        raise TableError("own_err_empty")
    if len(raw) > max_bytes:
        raise TableError("own_err_bytes", mb=len(raw) / 2**20, max_mb=max_bytes / 2**20)
    text, encoding = _decode(bytes(raw))
    if not _looks_like_text(text):
        raise TableError("own_err_not_text")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    delim = _delimiter(lines[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        rows = [tuple(r) for r in reader if any(c.strip() for c in r)]
    except csv.Error as e:
        raise TableError("own_err_csv", msg=str(e)) from None
    header = tuple(c.strip() or f"column {j + 1}" for j, c in enumerate(rows[0]))
    body = rows[1:]
    if len(header) > max_columns:
        raise TableError("own_err_columns", n=len(header), max=max_columns)
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise TableError("own_err_duplicate", names=", ".join(twice))
    if not body:
        raise TableError("own_err_header_only")
    if len(body) > max_rows:
        raise TableError("own_err_rows", n=len(body), max=max_rows)
    for i, r in enumerate(body):
        if len(r) != len(header):
            raise TableError("own_err_ragged", row=i + 1, got=len(r), want=len(header))
    return Table(header, tuple(body), delim, encoding, hashlib.sha256(raw).hexdigest())


# ---------------------------------------------------------------- preparing ---

def _number(cell: str) -> float | None:
    try:
        return float(cell.replace("\u2212", "-"))
    except ValueError:
        return None


def _features(table: Table, features: Sequence[str], keep: np.ndarray) -> np.ndarray:
    """The chosen columns as numbers (rows ``keep``), naming the first bad cell."""
    x = np.empty((int(keep.sum()), len(features)), np.float64)
    for j, name in enumerate(features):
        col = table.column(name)
        k = 0
        for i, cell in enumerate(col):
            if not keep[i]:
                continue
            val = _number(cell.strip())
            if val is None:
                raise TableError("own_err_not_numeric", column=name, row=i + 1, value=cell.strip()[:40])
            if not math.isfinite(val):
                raise TableError("own_err_infinite", column=name, row=i + 1, value=cell.strip()[:40])
            x[k, j] = val
            k += 1
    return x


def _labels(cells: list[str]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Class indices and names: numbers in numeric order, text in alphabetical order."""
    names = sorted(set(cells))
    nums = [_number(c) for c in names]
    if all(n is not None for n in nums):
        names = [c for _, c in sorted(zip(nums, names))]
    if len(names) < MIN_CLASSES:
        raise TableError("own_err_one_class", value=names[0] if names else "", min=MIN_CLASSES)
    if len(names) > MAX_CLASSES:
        raise TableError("own_err_classes", n=len(names), max=MAX_CLASSES,
                         some=", ".join(names[:5]))
    index = {c: i for i, c in enumerate(names)}
    return np.array([index[c] for c in cells], np.int64), tuple(names)


def _check_choice(table: Table, label: str, features: Sequence[str]) -> None:
    if label not in table.columns:
        raise TableError("own_err_no_column", name=label)
    for f in features:
        if f not in table.columns:
            raise TableError("own_err_no_column", name=f)
    if label in features:
        raise TableError("own_err_label_feature", name=label)
    if len(set(features)) != len(features):
        raise TableError("own_err_duplicate", names=", ".join(sorted({f for f in features if features.count(f) > 1})))
    if not MIN_FEATURES <= len(features) <= MAX_FEATURES:
        raise TableError("own_err_n_features", n=len(features), min=MIN_FEATURES, max=MAX_FEATURES)


def _missing_rows(table: Table, columns: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Which rows have a missing cell in ``columns``, and which columns have any."""
    miss = np.zeros(table.n_rows, bool)
    where = []
    for name in columns:
        col = np.array([c.strip().lower() in MISSING for c in table.column(name)])
        if col.any():
            where.append(name)
        miss |= col
    return miss, where


def prepare(table: Table, *, label: str, features: Sequence[str], drop_missing: bool = False, seed: int = 0,
            test_size: float = 0.3) -> Dataset:
    """The :class:`~advlab.data.Dataset` of ``table``: class labels from the
    column ``label`` (numbers or text, 2 to 10 classes), inputs from the
    columns ``features`` (2 to 100 numeric columns, the label not among
    them), split with ``seed`` (a share ``test_size`` of every class for
    testing) and standardized on the training split.

    Rows with a missing cell in those columns raise :class:`MissingValues`
    (which counts them) unless ``drop_missing``. Infinities and text among
    the features raise :class:`TableError` naming the column and the first
    bad row (rows counted from 1 under the header).
    """
    features = list(features)
    _check_choice(table, label, features)
    seed = v.number("seed", seed, lo=0, hi=2**31 - 1, integer=True)
    test_size = v.number("test_size", test_size, lo=0.05, hi=0.9)
    miss, where = _missing_rows(table, [label, *features])
    if miss.any() and not drop_missing:
        raise MissingValues(rows=int(miss.sum()), total=table.n_rows, columns=", ".join(where))
    keep = ~miss
    x = _features(table, features, keep)
    y, names = _labels([c.strip() for c, k in zip(table.column(label), keep) if k])
    counts = np.bincount(y, minlength=len(names))
    if counts.min() < 2 or len(y) < 10:
        small = names[int(np.argmin(counts))]
        raise TableError("own_err_few_rows", n=len(y), name=small, count=int(counts.min()))
    n_test = max(len(names), round(len(y) * test_size))
    from sklearn.model_selection import train_test_split  # here: a page without uploads never imports it
    from sklearn.preprocessing import StandardScaler

    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=min(n_test, len(y) - len(names)),
                                              random_state=seed, stratify=y)
    scaler = StandardScaler().fit(x_tr)
    return Dataset(
        name="upload",
        x_train=scaler.transform(x_tr).astype(np.float32), y_train=y_tr,
        x_test=scaler.transform(x_te).astype(np.float32), y_test=y_te,
        class_names=names, feature_names=tuple(features),
        info={"digest": table.digest, "label": label, "dropped": int(miss.sum()), "rows": len(y),
              "mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist(), "encoding": table.encoding,
              "seed": seed},
    )


def prepared_csv(ds: Dataset) -> str:
    """The prepared data as CSV: a ``split`` column (train or test), the label
    by its class name, then the standardized features."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["split", ds.info.get("label", "label"), *ds.feature_names])
    for split, x, y in (("train", ds.x_train, ds.y_train), ("test", ds.x_test, ds.y_test)):
        for row, k in zip(x, y):
            w.writerow([split, ds.class_names[int(k)], *(f"{float(val):.6g}" for val in row)])
    return buf.getvalue()


# ------------------------------------------------------- shared, in memory ---

class _Registry:
    """Prepared datasets by key, in memory only and bounded (least recently
    used go first): a page registers the learner's prepared data under its
    content hash, and the config below finds it again for the shared caches."""

    def __init__(self, max_items: int = 16):
        self.max_items = max_items
        self._items: OrderedDict[tuple, Dataset] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, key: tuple, ds: Dataset) -> None:
        with self._lock:
            self._items[key] = ds
            self._items.move_to_end(key)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)

    def get(self, key: tuple) -> Dataset | None:
        with self._lock:
            ds = self._items.get(key)
            if ds is not None:
                self._items.move_to_end(key)
            return ds


REGISTRY = _Registry()


@dataclass(frozen=True)
class UploadConfig:
    """An uploaded dataset as the shared caches know it: the hash of the file
    and of the choices made on it (never the data itself, so it is small to
    hash and never goes into a link). ``dataset`` reads "upload" like a
    :class:`~advlab.config.DataConfig`'s name."""

    key: str
    dseed: int = 0
    dataset: str = "upload"

    def canonical(self) -> UploadConfig:
        return self

    def load(self) -> Dataset:
        ds = REGISTRY.get((self.key, self.dseed))
        if ds is None:
            raise TableError("own_err_gone")
        return ds


def register(ds: Dataset, *, label: str, features: Sequence[str], drop_missing: bool) -> UploadConfig:
    """Keep ``ds`` (prepared from an upload) in memory for the shared caches
    and return the config that names it."""
    h = hashlib.sha256(repr((ds.info.get("digest"), label, tuple(features), bool(drop_missing))).encode())
    cfg = UploadConfig(h.hexdigest()[:32], int(ds.info.get("seed", 0)))
    REGISTRY.put((cfg.key, cfg.dseed), ds)
    return cfg
