"""The "show the code" text of the Text lab: a script that reproduces the page's result."""

from __future__ import annotations

from .config import TextAttackConfig, TextNetConfig

__all__ = ["snippet"]


def snippet(net: TextNetConfig, cfg: TextAttackConfig, sentence: str) -> str:
    extra = f", source={cfg.source!r}" if cfg.attack == "greedy" else ""
    return f'''from advlab.text import load, run, tokenize, train

corpus = load({net.corpus!r})
clf = train(corpus.train_texts, corpus.y_train, lang={net.corpus!r}, epochs={net.epochs}, seed={net.seed})
print("test accuracy", round(clf.accuracy(corpus.test_texts, corpus.y_test), 3))

tokens = tokenize({sentence!r}, {net.corpus!r})
res = run({cfg.attack!r}, clf, tokens, budget={cfg.budget}, protect_stop={cfg.protect}{extra})
print("before", res.p_before.round(3), "after", res.p_after.round(3), "queries", res.queries)
for i in res.changed:
    print(i, res.tokens[i], "->", res.adv_tokens[i])
'''
