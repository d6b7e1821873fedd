"""The Text lab's core: the corpora, the classifier, the attacks' budgets and protected
words, their success on sentences the model gets right, the importance of a planted
word, the defenses, and the code the page shows."""

from __future__ import annotations

import numpy as np
import pytest

from advlab.text import corpus, defenses, evaluation
from advlab.text.attacks import TEXT_ATTACKS, greedy, homophones, importance, run, typo_variants
from advlab.text.config import SentenceError, TextAttackConfig, TextField, TextNetConfig, check_sentence
from advlab.text.model import train
from advlab.text.snippet import snippet


@pytest.fixture(scope="module", params=corpus.LANGS)
def lab(request):
    lang = request.param
    c = corpus.load(lang)
    clf = train(c.train_texts, c.y_train, lang=lang, seed=0)
    idx = evaluation.correct_sample(clf, c.test_texts, c.y_test, n=60)
    return lang, c, clf, [corpus.tokenize(c.test_texts[i], lang) for i in idx]


def test_corpora_are_real_balanced_and_split_apart():
    for lang in corpus.LANGS:
        c = corpus.load(lang)
        n = len(c.train_texts) + len(c.test_texts)
        assert n > 10_000
        assert 0.4 < np.mean(np.concatenate([c.y_train, c.y_test])) < 0.6
        assert not set(c.train_texts) & set(c.test_texts)
        assert len({t for text in c.train_texts for t in corpus.tokenize(text, lang)}) > 2000


def test_tokens_words_for_english_characters_for_chinese_and_an_oov_id():
    assert corpus.tokenize("It's a GOOD film, isn't it?", "en") == ["it's", "a", "good", "film", "isn't", "it"]
    assert corpus.tokenize("房间很干净，wifi快！", "zh") == ["房", "间", "很", "干", "净", "wifi", "快"]
    v = corpus.Vocab.build([["good", "film"], ["good", "plot"]], "en", min_count=1, max_size=10)
    assert v.ids(["good", "zzzz"]) == [v.index["good"], corpus.OOV]
    assert v.encode([["good"]], 3).tolist() == [[v.index["good"], corpus.PAD, corpus.PAD]]
    with pytest.raises(ValueError, match="lang must be one of en, zh"):
        corpus.tokenize("hi", "fr")


def test_same_seed_same_model_and_keras_agrees(lab):
    lang, c, clf, _ = lab
    again = train(c.train_texts, c.y_train, lang=lang, seed=0)
    other = train(c.train_texts, c.y_train, lang=lang, seed=1)
    assert all(np.array_equal(clf.weights[k], again.weights[k]) for k in clf.weights)
    assert not np.array_equal(clf.weights["emb"], other.weights["emb"])
    assert clf.accuracy(c.test_texts, c.y_test) > (0.70 if lang == "en" else 0.76)
    ids = clf.encode([corpus.tokenize(t, lang) for t in c.test_texts[:20]])
    keras_logits = np.asarray(clf.model(ids, training=False))
    np.testing.assert_allclose(keras_logits, clf.logits_ids(ids), atol=1e-4)


def test_training_reports_every_epoch():
    c = corpus.load("zh")
    seen = []
    train(c.train_texts[:500], c.y_train[:500], lang="zh", epochs=3, on_epoch=lambda ep, logs: seen.append(ep))
    assert seen == [1, 2, 3]
    with pytest.raises(ValueError, match="epochs must be between 1 and 60"):
        train(c.train_texts[:50], c.y_train[:50], lang="zh", epochs=0)


@pytest.mark.parametrize("name", list(TEXT_ATTACKS))
def test_each_attack_keeps_its_budget_and_never_touches_a_protected_word(lab, name):
    lang, _, clf, sample = lab
    stops = corpus.stop_words(lang)
    for budget in (1, 2):
        for toks in sample[:25]:
            res = run(name, clf, toks, budget=budget, protect_stop=True, source="embedding")
            diff = [i for i, (a, b) in enumerate(zip(res.tokens, res.adv_tokens, strict=True)) if a != b]
            assert len(diff) <= budget and sorted(diff) == sorted(res.changed)
            assert not [i for i in diff if res.tokens[i] in stops]
            assert res.queries >= len(toks) or name == "hotflip"
            if res.success:
                assert res.p_after.argmax() != res.label and res.flipped_at == len(res.changed)


@pytest.mark.parametrize(("name", "source"), [("greedy", "embedding"), ("hotflip", None), ("typo", None)])
def test_each_attack_fools_a_clear_majority_at_a_moderate_budget(lab, name, source):
    """Budget 6 of sentences that average about 20 words (Chinese: 24 characters)."""
    _, _, clf, sample = lab
    wins = [run(name, clf, t, budget=6, source=source or "synonyms").success for t in sample]
    assert np.mean(wins) >= 0.6, f"{name} flipped {np.mean(wins):.0%}"


def test_synonyms_keep_meaning_and_fool_less_than_embedding_neighbours(lab):
    _, _, clf, sample = lab
    syn = np.mean([greedy(clf, t, budget=4, source="synonyms").success for t in sample])
    emb = np.mean([greedy(clf, t, budget=4, source="embedding").success for t in sample])
    assert 0 < syn < emb


def test_deletion_importance_ranks_a_planted_decisive_word_first(lab):
    lang, c, clf, _ = lab
    neutral = corpus.tokenize(c.test_texts[0], lang)[:12]
    word = "masterpiece" if lang == "en" else "赞"
    planted = neutral[:5] + [word] + neutral[5:]
    scores = importance(clf, planted, label=1)
    assert int(np.argmax(scores)) == 5
    masked = importance(clf, planted, label=1, mode="mask")
    assert int(np.argmax(masked)) == 5


def test_attacks_explain_bad_arguments(lab):
    _, _, clf, sample = lab
    with pytest.raises(ValueError, match="budget must be a whole number from 1 to 10"):
        run("greedy", clf, sample[0], budget=0)
    with pytest.raises(ValueError, match="attack must be one of greedy, hotflip, typo"):
        run("pgd", clf, sample[0])
    with pytest.raises(ValueError, match="source must be one of synonyms, embedding"):
        greedy(clf, sample[0], source="wordnet")
    with pytest.raises(ValueError, match="tokens must hold at least one word"):
        run("typo", clf, [])


def test_typos_and_homophones():
    assert set(typo_variants("good")) >= {"ogod", "god", "goood", "godo"}
    assert "good" not in typo_variants("good")
    same = homophones("好")
    assert same and "好" not in same
    from pypinyin import Style, lazy_pinyin
    assert all(lazy_pinyin(ch, style=Style.TONE)[0] == "hǎo" for ch in same[:3])


def test_spelling_normalization_undoes_typos_but_not_homophones(lab):
    lang, _, clf, sample = lab
    if lang == "en":
        assert defenses.normalize(["a", "wonderfl", "film"], clf.vocab) == ["a", "wonderful", "film"]
        typo_res = [run("typo", clf, t, budget=3) for t in sample[:30]]
        fixed = defenses.Normalized(clf)
        back = [r for r in typo_res if r.success and fixed.proba([r.adv_tokens])[0].argmax() == r.label]
        assert len(back) >= 0.5 * sum(r.success for r in typo_res)
    else:
        assert defenses.normalize(["房", "间", "很", "干", "静"], clf.vocab) == ["房", "间", "很", "干", "静"]


def test_augmented_copies_keep_length_and_change_a_word():
    rng = np.random.default_rng(0)
    toks = corpus.tokenize("a funny , smart and charming film", "en")
    out = [defenses.augment(toks, "en", rng) for _ in range(20)]
    assert all(len(o) == len(toks) for o in out)
    assert sum(o != toks for o in out) >= 15


def test_success_curve_rises_with_the_budget(lab):
    _, c, clf, _ = lab
    cur = evaluation.success_curve(clf, c.test_texts, c.y_test, attack="typo", budget_max=4, n=20)
    assert len(cur.results) == 20 and list(cur.budgets) == [1, 2, 3, 4]
    assert np.all(np.diff(cur.rates) >= 0) and cur.rates[-1] > cur.rates[0]
    assert cur.mean_queries > 0


def test_bad_sentences_get_a_reason():
    known = {"good", "film"}.__contains__
    for text, code in [("   ", "empty"), ("x" * 241, "too_long"), ("good\x07 film", "control"),
                       ("<b>good</b> film", "markup"), ("good &amp; film", "markup"), ("!!! ???", "no_words"),
                       ("zzqx wvvq", "unknown"), ("ok " * 49, "too_many_words")]:
        with pytest.raises(SentenceError) as e:
            check_sentence(text, "en", maxlen=48, known=known)
        assert e.value.code == code, text
    assert check_sentence("  good film ", "en", maxlen=48, known=known) == ["good", "film"]
    f = TextField("text", "")
    assert f.parse("good film") == "good film"
    with pytest.raises(ValueError, match="at most 240 are allowed"):
        f.parse("y" * 300)
    with pytest.raises(ValueError, match="looks like markup"):
        f.parse("<script>alert(1)</script>")
    with pytest.raises(ValueError, match="no word that the model of either language knows"):
        f.parse("1e309")
    assert f.parse("房间很好") == "房间很好" and f.parse(" ") == ""


def test_the_shown_code_reproduces_the_attack():
    net, cfg = TextNetConfig(corpus="en", epochs=2, seed=3), TextAttackConfig(attack="typo", budget=2)
    code = snippet(net, cfg, "A funny, smart and 'charming' film.")
    ns: dict = {}
    exec(compile(code, "<snippet>", "exec"), ns)  # noqa: S102 - the page's own code
    c = corpus.load("en")
    clf = train(c.train_texts, c.y_train, lang="en", epochs=2, seed=3)
    direct = run("typo", clf, corpus.tokenize("A funny, smart and 'charming' film.", "en"), budget=2)
    assert ns["res"].adv_tokens == direct.adv_tokens and ns["res"].queries == direct.queries
    guarded: dict = {}
    exec(compile(snippet(net, cfg, "A funny, smart and charming film.", defense="normalize"), "<s>", "exec"),  # noqa: S102
         guarded)
    assert type(guarded["clf"]).__name__ == "Normalized"
    with pytest.raises(ValueError, match="defense must be one of none, normalize, augment"):
        snippet(net, cfg, "x", defense="magic")


@pytest.mark.parametrize("name", list(TEXT_ATTACKS))
def test_a_character_budget_caps_the_letters_changed(lab, name):
    _, _, clf, sample = lab
    for toks in sample[:20]:
        res = run(name, clf, toks, budget=5, max_chars=3, protect_stop=False, source="embedding")
        assert res.chars_changed <= 3 and len(res.changed) <= 5
    with pytest.raises(ValueError, match=r"max_chars must be a whole number from 0 \(no limit\) to 60"):
        run(name, clf, sample[0], max_chars=-1)
