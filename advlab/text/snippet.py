"""The "show the code" text of the Text lab: a script that reproduces the page's result."""

from __future__ import annotations

from .config import TextAttackConfig, TextNetConfig

__all__ = ["snippet"]


_DEFENSE = {
    "none": "",
    "normalize": "from advlab.text.defenses import Normalized\n\nclf = Normalized(clf)  # spelling fixed before the model reads\n",
    "augment": "from advlab.text.defenses import train_augmented\n\n"
               "clf = train_augmented({lang!r}, epochs={epochs}, seed={seed})  # with perturbed copies\n",
}


def snippet(net: TextNetConfig, cfg: TextAttackConfig, sentence: str, *, defense: str = "none") -> str:
    """Python that trains the page's model, applies its defense and runs its attack on ``sentence``."""
    if defense not in _DEFENSE:
        raise ValueError(f"defense must be one of {', '.join(_DEFENSE)}, got {defense!r}")
    extra = (f", source={cfg.source!r}" if cfg.attack == "greedy" else "") + \
        (f", max_chars={cfg.chars}" if cfg.chars else "")
    guard = _DEFENSE[defense].format(lang=net.corpus, epochs=net.epochs, seed=net.seed)
    return f'''from advlab.text import load, run, tokenize, train

corpus = load({net.corpus!r})
clf = train(corpus.train_texts, corpus.y_train, lang={net.corpus!r}, epochs={net.epochs}, seed={net.seed})
{guard}print("test accuracy", round(clf.accuracy(corpus.test_texts, corpus.y_test), 3))

tokens = tokenize({sentence!r}, {net.corpus!r})
res = run({cfg.attack!r}, clf, tokens, budget={cfg.budget}, protect_stop={cfg.protect}{extra})
print("before", res.p_before.round(3), "after", res.p_after.round(3), "queries", res.queries)
for i in res.changed:
    print(i, res.tokens[i], "->", res.adv_tokens[i])
'''
