"""Text lab: fool a sentiment classifier by changing a word or a letter, in English or Chinese."""

from __future__ import annotations

from functools import partial

import streamlit as st

from advlab import ui
from advlab.figures import text as figs
from advlab.state import Field, Note, PageState, shown
from advlab.text import corpus, defenses, importance
from advlab.text.attacks import TEXT_ATTACKS, homophones_available, run
from advlab.text.config import MAX_CHARS, SentenceError, TextAttackConfig, TextField, TextNetConfig, check_sentence
from advlab.text.model import corpus_vocab
from advlab.text.snippet import snippet
from advlab.ui import text as svc
from advlab.ui.controls import columns, guarded_fragment, metric_row

DEFENSES = ("none", "normalize", "augment")
N_PICK = 200
STATE = PageState("tx", [
    *TextNetConfig.fields(),
    *TextAttackConfig.fields(),
    Field("defense", "none", "choice", choices=DEFENSES),
    Field("compare", False, "bool"),
    TextField("text", ""),
])
tr = ui.tr


def _default_sentence() -> str:
    return tr("tx_default_sentence")


def _follow_language() -> None:
    """The corpus follows the page's language; a sentence typed for the other one is swapped
    for this language's example, and so is a link's sentence the model cannot read (with a note)."""
    k, seen = ui.wkey("tx", "text"), st.session_state.get("_tx_lang")
    if seen != ui.lang():
        raw = st.session_state.get(k) or ""
        if raw and seen is None:
            try:
                check_sentence(raw, ui.lang(), maxlen=48, known=corpus_vocab(ui.lang()).known)
            except SentenceError as e:
                st.session_state.setdefault("_notes", []).append(Note("text", shown(raw), str(e)))
                raw = ""
        if not raw or seen is not None:
            st.session_state[k] = _default_sentence()
        st.session_state["_tx_lang"] = ui.lang()


def _use_pick(texts: tuple[str, ...]) -> None:
    i = st.session_state.get("tx_pick")
    if i is not None:
        st.session_state[ui.wkey("tx", "text")] = texts[int(i)]


def sidebar() -> None:
    sb = st.sidebar
    sb.subheader(tr("tx_model_title"))
    ui.slider(STATE, "epochs", tr("tx_epochs"), step=1, where=sb)
    ui.number(STATE, "seed", tr("tx_seed"), step=1, where=sb, help=tr("tx_seed_help"))
    sb.subheader(tr("tx_attack_title"))
    ui.select(STATE, "attack", tr("tx_attack"), fmt=lambda a: tr(f"tx_attack_{a}"), where=sb)
    if TEXT_ATTACKS[st.session_state[ui.wkey("tx", "attack")]].sources:
        ui.select(STATE, "source", tr("tx_source"), fmt=lambda s: tr(f"tx_source_{s}"), where=sb, radio=True,
                  help=tr("tx_source_help"))
    ui.toggle(STATE, "protect", tr("tx_protect"), where=sb, help=tr("tx_protect_help"))
    ui.slider(STATE, "chars", tr("tx_chars"), step=1, where=sb, help=tr("tx_chars_help"))
    sb.subheader(tr("tx_defense_title"))
    ui.select(STATE, "defense", tr("tx_defense"), fmt=lambda d: tr(f"tx_def_{d}"), where=sb,
              help=tr("tx_defense_help"))


def model_line(net: TextNetConfig, clf, c) -> None:
    acc = clf.accuracy(c.test_texts, c.y_test)
    st.info(tr("tx_model_line", acc=f"{acc:.1%}", n=len(c.test_texts), vocab=len(clf.vocab), epochs=net.epochs,
               seed=net.seed, s=f"{clf.seconds:.1f}"), icon=":material/model_training:")


def sentence_box(c) -> tuple[str, list[str] | None, object]:
    text = st.text_input(tr("tx_sentence"), key=ui.wkey("tx", "text"), max_chars=MAX_CHARS,
                         help=tr("tx_sentence_help", n=MAX_CHARS))
    left, right = columns([1, 1.4], gap="large", vertical_alignment="bottom")
    with left:
        ui.slider(STATE, "budget", tr("tx_budget"), step=1, help=tr("tx_budget_help"))
    with right:
        texts = c.test_texts[:N_PICK]
        st.selectbox(tr("tx_pick"), range(len(texts)), key="tx_pick", index=None, placeholder=tr("tx_pick_hint"),
                     format_func=lambda i: f"{tr(f'tx_class_{c.y_test[i]}')} · {texts[i][:70]}",
                     on_change=_use_pick, args=(texts,))
    return text, texts


def checked(text: str, clf) -> list[str] | None:
    try:
        return check_sentence(text, clf.lang, maxlen=clf.maxlen, known=clf.vocab.known)
    except SentenceError as e:
        st.error(tr(f"tx_bad_{e.code}", **e.info), icon=":material/error:")
        return None


def attack_section(target, model: tuple, cfg: TextAttackConfig, tokens: list[str], text: str, slot: str) -> None:
    """The attack on the sentence and what it changed, kept for every session under ``model``
    (the network and its defense), so a budget already seen is a lookup."""
    res = svc.cached(("tx-attack", model, tuple(tokens), cfg), partial(run, cfg.attack, target, tokens,
                                                                     **cfg.run_kwargs()))
    svc.remember(slot, (tokens, text))
    names = [tr("tx_class_0"), tr("tx_class_1")]
    cols = metric_row(4)
    for col, key, p in ((cols[0], "tx_m_before", res.p_before), (cols[1], "tx_m_after", res.p_after)):
        col.metric(tr(key), names[int(p.argmax())], f"{p.max():.0%}", delta_color="off", delta_arrow="off")
    cols[2].metric(tr("tx_m_changed"), f"{len(res.changed)} / {cfg.budget}", help=tr("tx_m_changed_help"))
    cols[3].metric(tr("tx_m_queries"), res.queries, help=tr("tx_m_queries_help"))
    (st.success if res.success else st.warning)(
        tr("tx_fooled" if res.success else "tx_not_fooled", k=len(res.changed)),
        icon=":material/check_circle:" if res.success else ":material/shield:")
    pres, lang = ui.presenter(), ui.lang()
    units = 46 if pres else 70
    ui.chart(figs.changed_sentence(res.tokens, res.adv_tokens, res.changed, lang=lang, presenter=pres,
                                   line_units=units), key="tx_changed", filename="advlab-text-adversarial")
    st.markdown(tr("tx_adv_plain"))
    st.text(corpus.rebuild(text, res.adv_tokens, lang))
    left, right = columns([1, 1.3], gap="large")
    with left:
        ui.chart(figs.probabilities(res.p_before, res.p_after, lang=lang, presenter=pres), key="tx_proba",
                 filename="advlab-text-probabilities")
    with right:
        scores = svc.cached(("tx-importance", model, tuple(tokens), res.label),
                            partial(importance, target, tokens, label=res.label))
        ui.chart(figs.importance_sentence(tokens, scores, lang=lang, presenter=pres, line_units=units / 1.3),
                 key="tx_importance", filename="advlab-text-importance")
        st.caption(tr("tx_fig_importance_note"))
        rows = [{tr("tx_col_pos"): i, tr("tx_col_old"): res.tokens[i], tr("tx_col_new"): res.adv_tokens[i]}
                for i in res.changed]
        if rows:
            st.dataframe(rows, hide_index=True, width="stretch")
        st.download_button(tr("tx_csv_one"), svc.rows_csv(rows or [{tr("tx_col_pos"): ""}]),
                           file_name="advlab-text-changes.csv", mime="text/csv", key="tx_one_dl")
    if cfg.attack == "greedy" and cfg.source == "embedding":
        st.caption(tr("tx_embedding_note"))
    if cfg.attack == "typo" and lang == "zh":
        st.caption(tr("tx_homophone_note") if homophones_available() else tr("tx_no_homophones"))


def curve_section(net: TextNetConfig, clf, cfg: TextAttackConfig) -> None:
    st.header(tr("tx_curve_title"))
    st.caption(tr("tx_curve_caption", n=svc.CURVE_N))
    found = svc.curves(("tx-model", net), clf, net.corpus, cfg, variants=(("plain", ("tx-model", net), clf),))
    rates = {tr(f"tx_attack_{a}"): c.rates for (_, a), c in found.items() if not isinstance(c, Exception)}
    budgets = next(c.budgets for c in found.values() if not isinstance(c, Exception))
    left, right = columns([1.2, 1], gap="large")
    with left:
        ui.chart(figs.success_curves(budgets, rates, now=cfg.budget, lang=ui.lang(), presenter=ui.presenter()),
                 key="tx_curve", filename="advlab-text-success-vs-budget")
        rows = [{tr("tx_col_budget"): int(b), **{a: round(float(r[k]), 4) for a, r in rates.items()}}
                for k, b in enumerate(budgets)]
        st.download_button(tr("tx_csv_curve"), svc.rows_csv(rows), file_name="advlab-text-curve.csv",
                           mime="text/csv", key="tx_curve_dl")
    with right:
        chosen = found[("plain", cfg.attack)]
        fooled = [{tr("tx_col_before"): t, tr("tx_col_after"): corpus.rebuild(t, r.adv_tokens, net.corpus),
                   tr("tx_col_changes"): ", ".join(f"{r.tokens[i]}→{r.adv_tokens[i]}" for i in r.changed),
                   tr("tx_col_queries"): r.queries}
                  for r, t in zip(chosen.results, chosen.texts, strict=True)
                  if r.success and r.flipped_at <= cfg.budget]
        st.markdown(tr("tx_fooled_table", n=len(fooled), total=len(chosen.results),
                       attack=tr(f"tx_attack_{cfg.attack}"), b=cfg.budget, q=f"{chosen.mean_queries:.0f}"))
        st.dataframe(fooled[:50], hide_index=True, width="stretch", height=300)
        st.download_button(tr("tx_csv_fooled"), svc.rows_csv(fooled or [{tr("tx_col_before"): ""}]),
                           file_name="advlab-text-fooled.csv", mime="text/csv", key="tx_fooled_dl")


def defense_section(net: TextNetConfig, clf, cfg: TextAttackConfig) -> None:
    st.header(tr("tx_defense_section"))
    st.markdown(tr("tx_defense_intro"))
    if not ui.toggle(STATE, "compare", tr("tx_compare")):
        return
    aug = svc.augmented(net)
    c = corpus.load(net.corpus)
    st.caption(tr("tx_aug_line", acc=f"{aug.accuracy(c.test_texts, c.y_test):.1%}",
                  plain=f"{clf.accuracy(c.test_texts, c.y_test):.1%}"))
    plain_key, aug_key = ("tx-model", net), ("tx-model-aug", net)
    found = svc.curves(plain_key, clf, net.corpus, cfg, variants=(
        ("plain-d", plain_key, clf), ("normalize", plain_key, clf), ("augment", aug_key, aug),
        ("augment+normalize", aug_key, aug)))
    found = {("plain" if v == "plain-d" else v, a): r for (v, a), r in found.items()}
    st.dataframe(svc.defense_rows(found, cfg.budget), hide_index=True, width="stretch")
    st.caption(tr("tx_defense_caption", n=svc.DEFENSE_N, b=cfg.budget))


def main() -> None:
    ui.bind(STATE)
    _follow_language()
    st.title(tr("tx_title"))
    st.caption(tr("tx_intro"))
    ui.show_notes()
    sidebar()
    net = TextNetConfig.from_values(ui.values(STATE), corpus=ui.lang())
    c = corpus.load(net.corpus)
    clf = svc.classifier(net)
    model_line(net, clf, c)
    explore(net, clf, c)


@guarded_fragment
def explore(net: TextNetConfig, clf, c) -> None:
    """The sentence, the attack and everything after: a move of the budget or a new sentence
    reruns only this (the model is the sidebar's, trained before)."""
    v = ui.values(STATE)
    cfg = TextAttackConfig.from_values(v)
    target = clf
    if v["defense"] == "normalize":
        target = defenses.Normalized(clf)
    elif v["defense"] == "augment":
        target = svc.augmented(net)
    st.header(tr("tx_try_title"))
    text, _ = sentence_box(c)
    slot = f"{net.corpus}"
    tokens = checked(text, clf)
    if tokens is None and svc.last_good(slot) is not None:
        tokens, text = svc.last_good(slot)
        st.caption(tr("tx_kept_previous"))
        st.text(text)
    if tokens is not None:
        attack_section(target, (net, v["defense"]), cfg, tokens, text, slot)
    curve_section(net, clf, cfg)
    defense_section(net, clf, cfg)
    st.header(tr("tx_code_title"))
    with st.expander(tr("tx_code_expander"), expanded=not ui.presenter()):
        sentence = text.strip() if tokens else _default_sentence()
        st.code(snippet(net, cfg, sentence, defense=v["defense"]), language="python")
    st.header(tr("tx_lesson_title"))
    st.markdown(tr("tx_lesson"))
    keep = {"epochs", "seed", "attack", "budget", "protect", "chars", "defense", "compare", "text"}
    if TEXT_ATTACKS[cfg.attack].sources:
        keep.add("source")
    ui.sync_url(STATE, v, keep)


try:
    main()
except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
    st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
