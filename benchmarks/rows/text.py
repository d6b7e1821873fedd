"""Timings behind the Text lab: training the sentiment classifier against training the
Seed Lab network in the same run (at most 10x), one greedy word-substitution attack on
one sentence against that training (at most 0.2x), and the success curve on 100 test
sentences (no budget: it shows progress and is cached).

``bench`` compares ``seconds / ref`` with ``budget_seconds``, so a budget relative to
another row measured here is written as ``ratio * other_seconds / ref``."""

from __future__ import annotations

from advlab import data, models, seedlab
from advlab.text import corpus, evaluation, run, train
from benchmarks.bench import median_seconds

REPEATS = 5
TRAIN_RATIO = 10.0
ATTACK_RATIO = 0.2


def rows(ref_seconds: float) -> list[dict]:
    blog = data.blog_data()

    def train_blog():
        return models.train_mlp(blog.x_train, blog.y_train, hidden=seedlab.BLOG_HIDDEN, epochs=seedlab.BLOG_EPOCHS,
                                batch_size=seedlab.BLOG_BATCH, lr=seedlab.BLOG_LR, seed=seedlab.BLOG_SEED)

    t_seed = median_seconds(train_blog, REPEATS)
    out = []
    for lang in corpus.LANGS:
        c = corpus.load(lang)
        clf = train(c.train_texts, c.y_train, lang=lang)
        t_train = median_seconds(lambda c=c, lang=lang: train(c.train_texts, c.y_train, lang=lang), REPEATS)
        acc = clf.accuracy(c.test_texts, c.y_test)
        sentence = corpus.tokenize(c.test_texts[evaluation.correct_sample(clf, c.test_texts, c.y_test, n=1)[0]],
                                   lang)
        t_attack = median_seconds(lambda clf=clf, s=sentence: run("greedy", clf, s, budget=3), REPEATS * 4)
        t_curve = median_seconds(lambda clf=clf, c=c: evaluation.success_curve(
            clf, c.test_texts, c.y_test, attack="greedy", budget_max=6, n=100), 1, warmup=0)
        out += [
            {"case": f"Text lab ({lang}): train the classifier, 5 epochs on {len(c.train_texts)} sentences",
             "seconds": t_train, "budget_seconds": TRAIN_RATIO * t_seed / ref_seconds,
             "note": f"{t_train / t_seed:.1f}x the Seed Lab network's training ({t_seed:.3f} s; budget "
                     f"{TRAIN_RATIO:g}x); test accuracy {acc:.3f}; the corpus is tokenized once per process"},
            {"case": f"Text lab ({lang}): one greedy substitution attack, one sentence, budget 3",
             "seconds": t_attack, "budget_seconds": ATTACK_RATIO * t_train / ref_seconds,
             "note": f"{t_attack / t_train:.3f}x the text training (budget {ATTACK_RATIO:g}x), "
                     f"{len(sentence)} words"},
            {"case": f"Text lab ({lang}): success curve, greedy, 100 test sentences, budgets 1-6",
             "seconds": t_curve, "budget_seconds": None, "note": "runs with a progress bar, then cached"},
        ]
    return out
