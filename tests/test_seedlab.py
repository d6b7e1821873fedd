"""The Seed Lab core: the blog's experiment reproduced and finished, the code
snippets that run as shown, the decision slice, the PCA view, the curves, and
the figures both the Seed Lab and the Digits pages draw."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from sklearn.decomposition import PCA

from advlab import data, evaluation, export, projections, seedlab
from advlab.attacks import fgsm, loss_gradient, proba, run_attack
from advlab.figures import lab as figs
from advlab.i18n import TABLES


def naming(param: str) -> str:
    """``pytest.raises(match=...)`` pattern: the message names ``param`` as a word."""
    return rf"(?<![\w.]){re.escape(param)}(?!\w)"


@pytest.fixture(scope="module")
def blog_run():
    return seedlab.run_snippet(seedlab.blog_snippet("en"))


@pytest.fixture(scope="module")
def no_show(monkeypatch_module):
    monkeypatch_module.setattr(go.Figure, "show", lambda self, *a, **k: None)


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


# ------------------------------------------------------ the blog's setting ---

def test_blog_snippet_reproduces_the_blogs_setting(blog_run):
    ns = blog_run.namespace
    assert ns["X"].shape == (1000, 20)
    assert ns["X_train"].shape == (800, 20) and ns["X_test"].shape == (200, 20)
    m = ns["model"]
    sizes = [int(m.inputs[0].shape[-1])] + [int(layer.units) for layer in m.layers]
    assert sizes == [20, 64, 32, 1]
    assert [layer.activation.__name__ for layer in m.layers] == ["relu", "relu", "linear"]
    # the same data advlab serves as "blog": split and scaling included
    ds = data.blog_data()
    np.testing.assert_array_equal(ns["X_train"].astype(np.float32), ds.x_train)
    np.testing.assert_array_equal(ns["X_test"].astype(np.float32), ds.x_test)
    np.testing.assert_array_equal(ns["y_test"], ds.y_test)
    assert ns["clean_acc"] >= 0.92
    assert ns["adv_acc"] < ns["clean_acc"] - 0.03, "FGSM at 0.1 must visibly hurt"


def test_blog_snippet_prints_the_numbers_it_computes(blog_run):
    ns = blog_run.namespace
    printed = [float(x) for x in re.findall(r"(\d\.\d{3})\s*$", blog_run.stdout, flags=re.MULTILINE)]
    assert printed == [round(ns["clean_acc"], 3), round(ns["adv_acc"], 3)]


def test_blog_attack_is_exactly_fgsm(blog_run):
    ns = blog_run.namespace
    ref = fgsm(ns["model"], ns["X_test"], ns["y_test"], eps=0.1)
    np.testing.assert_allclose(ns["X_adv"], ref, atol=1e-6)
    assert np.allclose(np.abs(ns["X_adv"] - ns["X_test"]), 0.1), "every feature moves by exactly epsilon"


def test_blog_snippet_in_chinese_is_the_same_code_with_the_same_numbers(blog_run):
    en, zh = seedlab.blog_snippet("en"), seedlab.blog_snippet("zh")

    def code(s):
        return [ln for ln in s.splitlines() if not ln.strip().startswith("#") and "print(" not in ln]

    assert code(en) == code(zh)
    assert "生成训练集" in zh, "the blog's own comment"
    run = seedlab.run_snippet(zh)
    assert run.namespace["clean_acc"] == blog_run.namespace["clean_acc"]
    assert run.namespace["adv_acc"] == blog_run.namespace["adv_acc"]


def test_blog_snippet_rejects_unknown_language():
    with pytest.raises(ValueError, match=naming("lang")):
        seedlab.blog_snippet("fr")


def test_run_snippet_rejects_empty_code():
    with pytest.raises(ValueError, match=naming("code")):
        seedlab.run_snippet("   ")


# ---------------------------------------------------------- view snippet ---

@pytest.mark.parametrize("settings", [
    dict(attack="fgsm", eps=0.1, point=3),
    dict(attack="pgd", eps=0.25, norm="l2", params=(("restarts", 1), ("steps", 10)), hidden=(32,), epochs=5,
         seed=7, point=12, lang="zh"),
    dict(attack="deepfool", eps=None, norm="l2", params={"overshoot": 0.02, "steps": 30}, eps_hi=3.0),
])
def test_generated_view_snippet_runs_and_matches_a_direct_run(no_show, settings):
    code = export.seed_lab_code(**settings)
    run = seedlab.run_snippet(code)
    ns = run.namespace
    res = ns["res"]
    assert f"clean {res.clean_accuracy:.3f} -> attacked {res.adv_accuracy:.3f}" in run.stdout
    ds = data.blog_data()
    from advlab import models

    model = models.train_mlp(ds.x_train, ds.y_train, hidden=settings.get("hidden", (64, 32)),
                             epochs=settings.get("epochs", 10), seed=settings.get("seed", 0))
    kw = dict(settings.get("params", ()))
    direct = run_attack(settings["attack"], model, ds.x_test, ds.y_test, eps=settings["eps"],
                        norm=settings.get("norm", "linf"), seed=settings.get("seed", 0), **kw)
    assert res.adv_accuracy == direct.adv_accuracy
    for name in ("fig_curve", "fig_bars", "fig_slice", "fig_pca"):
        assert isinstance(ns[name], go.Figure) and len(ns[name].data) > 0
    assert len(ns["curve"]) == len(ns["eps_values"])


def test_view_snippet_checks_its_settings():
    with pytest.raises(ValueError, match=naming("attack")):
        export.seed_lab_code(attack="magic", eps=0.1)
    with pytest.raises(ValueError, match=naming("eps")):
        export.seed_lab_code(attack="fgsm", eps=2.0, eps_hi=1.0)
    with pytest.raises(ValueError, match=naming("params")):
        export.seed_lab_code(attack="fgsm", eps=0.1, params={"steps": 3})
    with pytest.raises(ValueError, match=naming("point")):
        export.seed_lab_code(attack="fgsm", eps=0.1, point=200)


# ------------------------------------------------------------ the slice ---

@pytest.fixture(scope="module")
def blog_attack(blog_case):
    return run_attack("fgsm", blog_case.model, blog_case.x, blog_case.y, eps=0.1)


def test_slice_is_centred_on_the_point_along_the_attack(blog_case, blog_attack):
    r = blog_attack
    i = int(np.nonzero(r.pred_adv != r.y)[0][0])
    d, from_grad = projections.slice_direction(blog_case.model, r.x[i], r.x_adv[i], r.y[i])
    assert not from_grad
    sl = projections.decision_slice(blog_case.model, r.x[i], d, res=41, seed=0)
    assert sl.proba.shape == (41, 41, 2)
    assert np.isclose(np.linalg.norm(sl.u), 1) and np.isclose(np.linalg.norm(sl.v), 1)
    assert abs(sl.u @ sl.v) < 1e-9
    np.testing.assert_allclose(sl.u, d / np.linalg.norm(d))
    # the centre cell is the clean point itself
    np.testing.assert_allclose(sl.proba[20, 20], proba(blog_case.model, r.x[i:i + 1])[0], atol=1e-6)
    # the adversarial point lies in the plane, |d| along the first axis
    ca = sl.coords(r.x_adv[i])[0]
    assert ca == pytest.approx([np.linalg.norm(d), 0.0], abs=1e-6)
    # and the slice is wide enough to show it, on the other side of the boundary
    assert sl.a[-1] > ca[0]
    j = int(np.argmin(np.abs(sl.a - ca[0])))
    assert sl.proba[20, j].argmax() == r.pred_adv[i] != r.y[i]
    # the L-inf ball's section passes through the FGSM corner
    assert sl.linf[20, j] == pytest.approx(0.1, abs=0.05)


def test_slice_random_direction_follows_the_seed(blog_case, blog_attack):
    r = blog_attack
    d, _ = projections.slice_direction(blog_case.model, r.x[0], r.x_adv[0], r.y[0])
    a = projections.decision_slice(blog_case.model, r.x[0], d, res=11, seed=1)
    b = projections.decision_slice(blog_case.model, r.x[0], d, res=11, seed=1)
    c = projections.decision_slice(blog_case.model, r.x[0], d, res=11, seed=2)
    np.testing.assert_array_equal(a.v, b.v)
    assert not np.allclose(a.v, c.v)


def test_slice_falls_back_to_the_gradient_when_the_attack_did_not_move(blog_case):
    x, y = blog_case.x[0], blog_case.y[0]
    d, from_grad = projections.slice_direction(blog_case.model, x, x, y)
    assert from_grad and np.isclose(np.linalg.norm(d), 1)
    g = loss_gradient(blog_case.model, x, y)
    np.testing.assert_allclose(d, g / np.linalg.norm(g), atol=1e-6)


def test_fgsm_moves_share_one_slice_until_the_adversarial_point_needs_a_wider_one(blog_case):
    """An ε move of the Seed Lab reuses the slice the move before it drew when the attack's direction
    is the same (FGSM's is at every ε) and the rounded extent still fits the adversarial point."""
    i = 3
    plans = {}
    for eps in (0.15, 0.16, 0.17, 0.60):
        r = run_attack("fgsm", blog_case.model, blog_case.x[i:i + 1], blog_case.y[i:i + 1], eps=eps)
        plans[eps] = p = projections.slice_plan(blog_case.model, r.x[0], r.x_adv[0], r.y[0])
        step = np.linalg.norm(r.x_adv[0] - r.x[0])
        # the rounded extent is on the ladder, covers the adversarial point, and is at most one step wider
        # than the extent decision_slice fits by itself
        rung = np.log2(p.extent) * projections.EXTENT_STEPS
        assert rung == pytest.approx(round(rung), abs=1e-6)
        fitted = projections.decision_slice(blog_case.model, r.x[0], r.x_adv[0] - r.x[0], res=11)
        assert fitted.a[-1] <= p.extent < fitted.a[-1] * 2 ** (1 / projections.EXTENT_STEPS) + 1e-9
        assert p.extent > step
        # the plan's slice is the slice along its direction
        sl = p.slice(blog_case.model, r.x[0], res=21, seed=2)
        ref = projections.decision_slice(blog_case.model, r.x[0], p.direction, extent=p.extent, res=21, seed=2)
        np.testing.assert_array_equal(sl.proba, ref.proba)
        assert sl.coords(r.x_adv[0])[0] == pytest.approx([step, 0.0], abs=1e-4)
    assert plans[0.15].key == plans[0.16].key == plans[0.17].key  # three moves, one slice
    assert plans[0.60].key != plans[0.15].key and plans[0.60].extent > plans[0.15].extent
    # a different direction (another attack) is another slice
    r = run_attack("pgd", blog_case.model, blog_case.x[i:i + 1], blog_case.y[i:i + 1], eps=0.16, norm="l2")
    assert projections.slice_plan(blog_case.model, r.x[0], r.x_adv[0], r.y[0]).key != plans[0.16].key


def test_slice_rejects_bad_arguments(blog_case):
    x = blog_case.x[0]
    with pytest.raises(ValueError, match=naming("direction")):
        projections.decision_slice(blog_case.model, x, np.zeros_like(x))
    with pytest.raises(ValueError, match=naming("direction")):
        projections.decision_slice(blog_case.model, x, np.ones(3))
    with pytest.raises(ValueError, match=naming("res")):
        projections.decision_slice(blog_case.model, x, np.ones_like(x), res=5)
    with pytest.raises(ValueError, match=naming("extent")):
        projections.decision_slice(blog_case.model, x, np.ones_like(x), extent=-1.0)
    with pytest.raises(ValueError, match=naming("x_adv")):
        projections.slice_direction(blog_case.model, x, np.ones(3), 0)


# -------------------------------------------------------------- the PCA ---

def test_pca_projection_is_sklearns_pca_fit_on_clean_training_data(blog_case, blog_attack):
    ds = blog_case.ds
    p = projections.pca_projection(ds.x_train, blog_attack.x, blog_attack.x_adv)
    ref = PCA(n_components=2, svd_solver="full").fit(ds.x_train.astype(np.float64))
    np.testing.assert_allclose(p.clean, ref.transform(blog_attack.x.astype(np.float64)), atol=1e-5)
    np.testing.assert_allclose(p.adv, ref.transform(blog_attack.x_adv.astype(np.float64)), atol=1e-5)
    assert p.explained[0] >= p.explained[1] > 0 and p.explained.sum() < 1
    # a 20-D perturbation mostly leaves the 2-D picture
    assert 0 < p.in_plane < 0.8


def test_pca_projection_of_unmoved_points_and_bad_shapes(blog_case):
    ds = blog_case.ds
    p = projections.pca_projection(ds.x_train, ds.x_test, ds.x_test)
    np.testing.assert_allclose(p.clean, p.adv)
    assert p.in_plane == 0.0
    with pytest.raises(ValueError, match=naming("x_adv")):
        projections.pca_projection(ds.x_train, ds.x_test, ds.x_test[:5])
    with pytest.raises(ValueError, match=naming("x")):
        projections.pca_projection(ds.x_train, ds.x_test[:, :5], ds.x_test[:, :5])


# ------------------------------------------------------------ the curves ---

def test_accuracy_curve_starts_clean_and_falls_faster_than_noise(blog_case):
    grid = seedlab.eps_grid(1.0, 6)
    c = evaluation.accuracy_curve(blog_case.model, blog_case.x, blog_case.y, attack="fgsm", eps_values=grid)
    n = evaluation.accuracy_curve(blog_case.model, blog_case.x, blog_case.y, attack="noise", eps_values=grid)
    clean = blog_case.accuracy()
    assert c[0] == pytest.approx(clean) and n[0] == pytest.approx(clean)
    assert c[-1] < 0.3 < n[-1]
    assert np.all(c[1:] <= n[1:] + 1e-9)


def test_accuracy_within_turns_minimal_perturbations_into_a_curve(blog_case):
    r = run_attack("deepfool", blog_case.model, blog_case.x, blog_case.y)
    b = np.array([0.0, np.median(r.l2[r.success]), 100.0])
    acc = evaluation.accuracy_within(r, b, norm="l2")
    assert acc[0] == pytest.approx(r.clean_accuracy)
    # with room for every perturbation, only the points the attack failed on remain; DeepFool also
    # "fixes" some misclassified points, which an attacker would not do, so those count as lost
    assert acc[-1] == pytest.approx(np.mean((r.pred_clean == r.y) & (r.pred_adv == r.y)))
    assert acc[-1] <= r.adv_accuracy
    assert acc[0] > acc[1] > acc[2]
    curve = evaluation.accuracy_curve(blog_case.model, blog_case.x, blog_case.y, attack="deepfool", eps_values=b,
                                   norm="l2")
    np.testing.assert_allclose(curve, acc)
    with pytest.raises(ValueError, match=naming("budgets")):
        evaluation.accuracy_within(r, [-1.0])


def test_curve_and_grid_arguments_are_checked(blog_case):
    with pytest.raises(ValueError, match=naming("eps_values")):
        evaluation.accuracy_curve(blog_case.model, blog_case.x, blog_case.y, attack="fgsm", eps_values=[-0.1])
    with pytest.raises(ValueError, match=naming("attack")):
        evaluation.accuracy_curve(blog_case.model, blog_case.x, blog_case.y, attack="nope", eps_values=[0.1])
    with pytest.raises(ValueError, match=naming("eps_hi")):
        seedlab.eps_grid(0.0)
    with pytest.raises(ValueError, match=naming("n")):
        seedlab.eps_grid(1.0, 1)


# ------------------------------------------------------- tables, gallery ---

def test_results_csv_has_one_row_per_point(blog_attack):
    df = pd.read_csv(io.StringIO(export.results_csv(blog_attack, feature_names=[f"f{j}" for j in range(20)])))
    assert len(df) == 200
    assert {"index", "true", "pred_clean", "pred_adv", "fooled", "linf", "l2", "adv_f0", "adv_f19"} <= set(df)
    assert df["fooled"].sum() == int(np.sum(blog_attack.pred_adv != blog_attack.y))
    with pytest.raises(ValueError, match=naming("feature_names")):
        export.results_csv(blog_attack, feature_names=["a"])


def test_gallery_indices_wrap_around():
    np.testing.assert_array_equal(seedlab.gallery_indices(10, start=8, count=4), [8, 9, 0, 1])
    with pytest.raises(ValueError, match=naming("start")):
        seedlab.gallery_indices(10, start=10)


# ------------------------------------------------------------- figures ---

def test_feature_bars_tell_informative_from_redundant(blog_case, blog_attack):
    roles = blog_case.ds.info["roles"]
    delta = blog_attack.x_adv[0] - blog_attack.x[0]
    fig = figs.feature_bars(delta, roles, grad=np.ones(20), eps=0.1)
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert [tr.name for tr in bars] == ["informative feature", "redundant feature"]
    assert [len(tr.x) for tr in bars] == [10, 10]
    assert bars[0].marker.color != bars[1].marker.color
    with pytest.raises(ValueError, match=naming("roles")):
        figs.feature_bars(delta, roles[:5])


def test_slice_map_marks_both_points_and_the_boundary(blog_case, blog_attack):
    r = blog_attack
    d, _ = projections.slice_direction(blog_case.model, r.x[3], r.x_adv[3], r.y[3])
    sl = projections.decision_slice(blog_case.model, r.x[3], d, res=21)
    fig = figs.slice_map(sl, r.x_adv[3], y_true=int(r.y[3]), eps=0.1, lang="zh")
    names = [tr.name for tr in fig.data]
    assert "决策边界" in names and "干净的点" in names and "对抗点" in names
    assert fig.layout.yaxis.scaleanchor == "x", "one unit is as long across as up"


def _toy_slice() -> projections.DecisionSlice:
    a = b = np.linspace(-0.6, 0.6, 31)
    aa, bb = np.meshgrid(a, b)
    p1 = 1 / (1 + np.exp(-8 * (aa - 0.2)))
    return projections.DecisionSlice(a=a, b=b, proba=np.stack([1 - p1, p1], -1), u=np.array([1.0, 0.0]),
                                      v=np.array([0.0, 1.0]), origin=np.zeros(2), linf=np.maximum(abs(aa), abs(bb)))


def _path_points(path: str) -> np.ndarray:
    return np.array([[float(v) for v in xy.split(",")] for xy in re.findall(r"[ML]\s*([-\d.e]+,[-\d.e]+)", path)])


@pytest.mark.parametrize("norm", ["linf", "l2"])
def test_slice_map_moves_only_its_marks_when_epsilon_moves(norm):
    """On the same slice, a new ε moves the ball and the adversarial point, drawn as shapes, and leaves every
    trace (the heatmap, the boundary, the legend) as it was, so the browser does not redraw them."""
    sl = _toy_slice()
    figs_by_eps = {}
    for eps, adv in ((0.2, [0.2, 0.0]), (0.3, [0.3, 0.1])):
        fig = figs.slice_map(sl, np.array(adv), y_true=0, eps=eps, norm=norm)
        shapes = {s.name: s for s in fig.layout.shapes}
        ball = _path_points(shapes["ball"].path)
        size = np.max(np.abs(ball), axis=1) if norm == "linf" else np.hypot(*ball.T)
        assert len(ball) >= 8 and np.allclose(size, eps, atol=0.01), "the dashed line is the ball's edge"
        for name in ("adversarial outline", "adversarial"):  # a cross centred on the adversarial point
            cross = shapes[name]
            assert (cross.xanchor, cross.yanchor) == pytest.approx(adv) and cross.xsizemode == "pixel"
        assert shapes["adversarial"].line.color == figs.VERMILLION
        arrow = fig.layout.annotations[0]
        assert (arrow.x, arrow.y, arrow.ax, arrow.ay) == pytest.approx([*adv, 0, 0]), "arrow from the clean point"
        names = [tr.name for tr in fig.data]
        assert {f"ε-ball ({'L∞' if norm == 'linf' else 'L2'}), cross-section", "adversarial point"} <= set(names)
        figs_by_eps[eps] = fig
    lo, hi = figs_by_eps.values()
    assert lo.to_plotly_json()["data"] == hi.to_plotly_json()["data"]


def test_digit_views_are_grey_square_and_centred_on_zero():
    x = np.linspace(0, 1, 64)
    xa = np.clip(x + 0.1 * np.sign(np.sin(np.arange(64))), 0, 1)
    fig = figs.digit_views(x, xa, titles=("a", "b", "c"), scale=0.1)
    orig, pert, adv = fig.data
    for img in (orig, adv):
        assert img.zmin == 0 and img.zmax == 1
        assert img.colorscale[0][1].lower() == "#ffffff" and img.colorscale[-1][1].lower() == "#000000"
        assert img.zsmooth in (None, False), "no blur between pixels"
    assert pert.zmid == 0 and pert.zmin == -pert.zmax == -0.1
    for ax in ("yaxis", "yaxis2", "yaxis3"):
        assert fig.layout[ax].autorange == "reversed" and fig.layout[ax].scaleanchor is not None


def test_gallery_frames_exactly_the_fooled_images():
    rng = np.random.default_rng(0)
    y = np.arange(12) % 10
    pred = y.copy()
    pred[[1, 4, 7]] = (pred[[1, 4, 7]] + 1) % 10
    images = rng.uniform(0, 1, (12, 64))
    fig = figs.digit_gallery(images, indices=np.arange(12), y=y, pred_adv=pred, conf_adv=np.full(12, 0.9), ncols=6)
    shown = figs.gallery_images(fig)
    assert len(shown) == 12 and all(np.allclose(s, im.reshape(8, 8), atol=1e-6) for s, im in zip(shown, images))
    tiles = fig.layout.meta["tiles"]
    assert len({r for r, _ in tiles}) == 2 and len({c for _, c in tiles}) == 6  # two rows of six

    def framed(f):  # the images a red frame goes around
        return sorted(j for s in f.layout.shapes if s.name == "fooled"
                      for j, (r, c) in enumerate(f.layout.meta["tiles"]) if s.x0 < c < s.x1 and s.y0 < r < s.y1)

    assert framed(fig) == [1, 4, 7]
    red = [a.text for a in fig.layout.annotations if a.font.color == figs.VERMILLION]
    assert red == [f"<b>#{j}: {y[j]} → {pred[j]}</b>" for j in (1, 4, 7)]
    # every image keeps a thin frame, and its hover label names it
    assert sum(s.name == "frame" for s in fig.layout.shapes) == 12
    assert "test image #4" in fig.data[1].text[4] and "90%" in fig.data[1].text[4]
    # targeted: only the images now read as the target count
    fig = figs.digit_gallery(rng.uniform(0, 1, (12, 64)), indices=np.arange(12), y=y, pred_adv=pred,
                             conf_adv=np.full(12, 0.9), target=int(pred[4]))
    assert framed(fig) == [4]


def test_class_bars_name_true_and_target():
    fig = figs.class_bars(np.full(10, 0.1), np.full(10, 0.1), true=3, target=5)
    texts = {a.text for a in fig.layout.annotations}
    assert texts == {"<b>true</b>", "<b>target</b>"}


def test_accuracy_chart_marks_the_current_epsilon():
    fig = figs.accuracy_vs_eps(np.linspace(0, 1, 5), [0.9, 0.7, 0.5, 0.3, 0.1], baseline=[0.9] * 5, attack="pgd",
                               eps=0.25, now=0.7)
    assert {tr.name for tr in fig.data} >= {"PGD", "random noise (same budget)", "current ε"}
    assert any("70.0%" in a.text for a in fig.layout.annotations)
    mark = next(s for s in fig.layout.shapes if s.name == "now")
    assert (mark.xanchor, mark.yanchor) == (0.25, 0.7)
    # another ε moves only the layout's marks: the traces stay as they were (the browser redraws less)
    again = figs.accuracy_vs_eps(np.linspace(0, 1, 5), [0.9, 0.7, 0.5, 0.3, 0.1], baseline=[0.9] * 5,
                                 attack="pgd", eps=0.5, now=0.5)
    assert json.loads(again.to_json())["data"] == json.loads(fig.to_json())["data"]
    assert next(s for s in again.layout.shapes if s.name == "now").xanchor == 0.5


# ---------------------------------------------------------- translations ---

@pytest.mark.parametrize("prefix", ["sl_", "dg_"])  # the Seed Lab's and the Digits page's strings
def test_both_languages_have_the_same_keys_and_placeholders(prefix):
    import string

    en = {k: v for k, v in TABLES["en"].items() if k.startswith(prefix)}
    zh = {k: v for k, v in TABLES["zh"].items() if k.startswith(prefix)}
    assert en and set(en) == set(zh)

    def fields(s):
        return sorted({f for _, f, _, _ in string.Formatter().parse(s) if f})

    for k, text in en.items():
        assert fields(text) == fields(zh[k]), k


@pytest.mark.parametrize("act,outputs", [("relu", 1), ("tanh", 3), ("sigmoid", 1)])
def test_every_cell_of_a_slice_is_the_network_at_that_point(act, outputs):
    """The slice's cells are computed from the plane's three vectors through the first layer,
    never from the points: each must still be what the network says at its point."""
    from advlab import models

    rng = np.random.default_rng(3)
    spec = models.MLPSpec(12, (16, 8), act, outputs)
    net = models.MLPModel(spec, models.NumpyMLP(spec, rng).weights())
    x = rng.normal(size=12)
    d = rng.normal(size=12)
    sl = projections.decision_slice(net, x, d, res=15, extent=2.5, seed=4)
    ga, gb = np.meshgrid(sl.a, sl.b)
    offs = ga.ravel()[:, None] * sl.u + gb.ravel()[:, None] * sl.v
    want = proba(net, (x + offs).astype(np.float32)).reshape(15, 15, -1)
    np.testing.assert_allclose(sl.proba, want, atol=2e-5)
    np.testing.assert_allclose(sl.linf, np.abs(offs).max(1).reshape(15, 15), rtol=1e-12)
