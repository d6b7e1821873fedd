"""What building each Plotly figure costs the server, on the Playground's
default setting (moons, 400 points of which 120 are test points, a 150 x 150
decision grid, PGD-40 at ε = 0.2, 100 epochs) and at the other pages' usual
sizes.

Every ε move rebuilds the Playground's attack map and histogram (and other
pages' figures on their own sliders), so each figure should cost a few
milliseconds. Plotly's validation, not the numbers, is what costs: each is
compared with a reference measured in the same run, a ``go.Figure`` of one
120-point scatter trace in the app's template (the least a figure costs),
called in turn with the figure so both see the same load.
The last row is ``plotly.io.to_json`` of the attack map, what sending the
figure to the browser costs on top.

Inputs are drawn here rather than computed by a model: the time depends on
the sizes, not on the values. Medians of 15 calls after a warm-up.
"""

from __future__ import annotations

import statistics
import time
from types import SimpleNamespace

import numpy as np

REPEATS = 15


def _paired_seconds(fn, ref, repeats: int = REPEATS) -> tuple[float, float]:
    """Median seconds of ``fn()`` and of ``ref()``, called in turn so that both see the
    same load on a shared machine."""
    for _ in range(2):  # warm-up: imports, the template, first validators
        fn()
        ref()
    times, ref_times = [], []
    for _ in range(repeats):
        for f, acc in ((fn, times), (ref, ref_times)):
            t0 = time.perf_counter()
            f()
            acc.append(time.perf_counter() - t0)
    return statistics.median(times), statistics.median(ref_times)


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _grid(lim, res: int, k: int = 2):
    """A smooth class-probability grid over the plot's limits (moons-like boundary)."""
    xs = np.linspace(lim[0], lim[1], res)
    ys = np.linspace(lim[2], lim[3], res)
    gx, gy = np.meshgrid(xs, ys)
    f = 3.0 * (gy - 0.5 * np.sin(2.2 * gx) - 0.1)
    z = np.stack([f * (c - (k - 1) / 2) for c in range(k)], -1)
    return xs, ys, _softmax(z)


def _playground_inputs():
    from advlab import data

    ds = data.load("moons", n_samples=400, noise=0.2, seed=0)
    rng = np.random.default_rng(0)
    pts = np.concatenate([ds.x_train, ds.x_test])
    pad = 0.6
    lim = (pts[:, 0].min() - pad, pts[:, 0].max() + pad, pts[:, 1].min() - pad, pts[:, 1].max() + pad)
    xs, ys, p = _grid(lim, 150)
    eps = 0.2
    x, y = ds.x_test, ds.y_test
    x_adv = x + eps * np.sign(rng.normal(size=x.shape))
    pred_adv = np.where(rng.random(len(y)) < 0.4, 1 - y, y)
    path = x[0] + np.cumsum(rng.uniform(-eps / 8, eps / 8, (41, 2)), 0)
    path = np.clip(path, x[0] - eps, x[0] + eps)
    linf = np.abs(x_adv - x).max(1)
    l2 = np.linalg.norm(x_adv - x, axis=1)
    history = [{"epoch": e + 1, "loss": 0.7 / (1 + 0.05 * e), "accuracy": 0.5 + 0.45 * (1 - np.exp(-e / 20))}
               for e in range(100)]
    return SimpleNamespace(ds=ds, lim=lim, xs=xs, ys=ys, p=p, eps=eps, x=x, y=y, x_adv=x_adv, pred_adv=pred_adv,
                           path=path, linf=linf, l2=l2, history=history, names=["class 0", "class 1"])


def _cases() -> list[tuple[str, object, str]]:
    """(case, thunk, what it stands for) for every figure function."""
    from advlab import figures
    from advlab.figures import defense as dfig
    from advlab.figures import lab
    from advlab.figures import robustness as rfig

    P = _playground_inputs()
    rng = np.random.default_rng(1)

    def page_map():
        fig = figures.decision_map(P.xs, P.ys, P.p)
        figures.add_points(fig, P.ds.x_train, P.ds.y_train, split="train", class_names=P.names)
        figures.add_points(fig, P.ds.x_test, P.ds.y_test, split="test", class_names=P.names)
        return fig

    def attack_map():
        fig = figures.decision_map(P.xs, P.ys, P.p)
        figures.add_adversarial(fig, P.x, P.x_adv, P.y, P.pred_adv, class_names=P.names)
        figures.add_path(fig, P.path, P.x[0], eps=P.eps, norm="linf")
        return fig

    # Seed Lab: 21 budgets, 20 features, an 81 x 81 slice, 200 points in the PCA plane
    eps21 = np.linspace(0, 1, 21)
    acc21 = np.linspace(0.95, 0.1, 21)
    delta = rng.uniform(-0.1, 0.1, 20)
    roles = ["informative"] * 5 + ["redundant"] * 15
    a = np.linspace(-1.5, 1.5, 81)
    ga, gb = np.meshgrid(a, a)
    p1 = 1 / (1 + np.exp(-(3 * ga - 1 + 0.5 * np.sin(3 * gb))))
    sl = SimpleNamespace(a=a, b=a, proba=np.stack([1 - p1, p1], -1), linf=np.maximum(abs(ga), abs(gb)) * 0.3,
                         coords=lambda pts: np.atleast_2d(np.asarray(pts))[:, :2])
    x_adv20 = np.r_[0.45, 0.1, np.zeros(18)]
    proj = SimpleNamespace(clean=rng.normal(size=(200, 2)), adv=rng.normal(size=(200, 2)),
                           explained=np.array([0.3, 0.1]))
    y200 = rng.integers(0, 2, 200)
    pa200 = np.where(rng.random(200) < 0.3, 1 - y200, y200)
    # Digits: 8 x 8 images, a gallery of 16
    img = rng.uniform(0, 1, 64)
    imgs = rng.uniform(0, 1, (16, 64))
    y16 = np.arange(16) % 10
    pa16 = np.where(np.arange(16) % 3 == 0, (y16 + 1) % 10, y16)
    pb = np.full(10, 0.02)
    pb[3] = 0.82
    pa10 = np.full(10, 0.05)
    pa10[5] = 0.55
    # Robustness: 5 attacks at 20 budgets, minimal distances of 120 points for 2 methods
    eps20 = np.linspace(0, 1, 20)
    curves = {n: np.linspace(0.95, lo, 20) for n, lo in
              (("noise", 0.85), ("fgsm", 0.4), ("bim", 0.2), ("mim", 0.15), ("pgd", 0.05))}
    dist = {"deepfool": np.r_[rng.uniform(0.1, 1, 118), 6.0, np.inf], "cw": np.r_[rng.uniform(0.1, 0.9, 119), np.inf]}
    # Defenses and Transferability: 11 budgets, 7 trade-off models, 7 transfer curves, 7 boundary panels
    eps11 = np.linspace(0, 0.5, 11)
    success = np.stack([np.linspace(0, 1, 11) ** (i + 1) for i in range(7)])
    gx, gy, gp = _grid(P.lim, 90)
    panels = [dict(xs=gx, ys=gy, proba=gp, title=f"model {i}: 40%", fooled=rng.random(len(P.y)) < 0.4)
              for i in range(7)]

    return [
        ("Playground: decision map (150 x 150 grid)", lambda: figures.decision_map(P.xs, P.ys, P.p),
         "the base of both maps"),
        ("Playground: the map with train and test points", page_map, "decision_map + add_points x 2"),
        ("Playground: attack map (on every ε move)", attack_map,
         "decision_map + add_adversarial (120 arrows) + add_path (PGD-40)"),
        ("Playground: perturbation histogram (on every ε move)",
         lambda: figures.perturbation_histogram(P.linf, P.l2, eps=P.eps), "two panels, ε line"),
        ("Playground: training curve", lambda: figures.training_curve(P.history), "100 epochs, two y axes"),
        ("Seed Lab: accuracy against ε", lambda: lab.accuracy_vs_eps(eps21, acc21, attack="pgd", eps=0.3, now=0.6,
                                                                    baseline=acc21 * 0 + 0.9), "21 budgets"),
        ("Seed Lab: feature bars", lambda: lab.feature_bars(delta, roles, grad=rng.normal(size=20), eps=0.1),
         "20 features, gradient, ±ε"),
        ("Seed Lab: decision slice", lambda: lab.slice_map(sl, x_adv20, y_true=1, eps=0.1), "81 x 81"),
        ("Seed Lab: PCA scatter", lambda: lab.pca_scatter(proj, y200, pa200, chosen=3), "200 points"),
        ("Digits: original, perturbation, adversarial", lambda: lab.digit_views(img, np.clip(img + 0.05, 0, 1),
                                                                               titles=("a", "b", "c")), "3 panels"),
        ("Digits: class probabilities", lambda: lab.class_bars(pb, pa10, true=3, target=5), "10 classes"),
        ("Digits: gallery", lambda: lab.digit_gallery(imgs, indices=np.arange(16), y=y16, pred_adv=pa16,
                                                      conf_adv=np.full(16, 0.7)), "16 images"),
        ("Robustness: curves against ε", lambda: rfig.robustness_curves(eps20, curves, clean=0.95, chance=0.5,
                                                                        mark_eps=0.3), "5 attacks x 20 budgets"),
        ("Robustness: minimal-distance histogram", lambda: rfig.distance_histogram(dist, mark_eps=0.5),
         "2 methods x 120 points"),
        ("Robustness: flipped within d", lambda: rfig.flip_curve(dist, mark_eps=0.5), "2 methods x 120 points"),
        ("Defenses: adversarial training curves", lambda: dfig.adv_training_curves(
            eps11, curves["pgd"][:11], curves["fgsm"][:11], train_eps=0.3, eval_eps=0.2), "11 budgets"),
        ("Defenses: trade-off chart", lambda: dfig.tradeoff_chart(eps11[:7], np.linspace(0.97, 0.85, 7),
                                                                  np.linspace(0.3, 0.7, 7), eval_eps=0.4,
                                                                  current=0.2), "7 models"),
        ("Defenses: gradient-masking chart", lambda: dfig.masking_chart(eps11, curves["noise"][:11],
                                                                        curves["fgsm"][:11], curves["pgd"][:11],
                                                                        eval_eps=0.25), "3 curves"),
        ("Transferability: success against ε", lambda: dfig.transfer_chart(eps11, success,
                                                                           [f"model {i}" for i in range(7)],
                                                                           eps_mark=0.25), "7 models x 11 budgets"),
        ("Transferability: boundary gallery", lambda: dfig.boundary_gallery(panels, P.x_adv, P.y),
         "7 panels of 90 x 90, 120 points each"),
    ], attack_map


def rows(ref_seconds: float) -> list[dict]:
    import plotly.graph_objects as go
    import plotly.io as pio

    import advlab.figures  # noqa: F401 - registers the "advlab" template

    cases, attack_map = _cases()
    x = np.linspace(0, 1, 120)

    def reference():
        return go.Figure(data=[dict(type="scatter", x=x, y=x, mode="markers")], layout=dict(template="advlab"))

    ref, _ = _paired_seconds(reference, reference)
    out = [{"case": "Figures: reference, go.Figure of one 120-point scatter", "seconds": ref, "budget_seconds": None,
            "note": "the least a figure costs; the rows below are given as multiples of it, measured in turn with it"}]
    for case, fn, what in cases:
        s, r = _paired_seconds(fn, reference)
        out.append({"case": f"Figure: {case}", "seconds": s, "budget_seconds": None,
                    "note": f"{s / r:.1f}x the reference; {what}"})
    fig = attack_map()
    s, r = _paired_seconds(lambda: pio.to_json(fig, validate=False), reference)
    out.append({"case": "Figures: plotly.io.to_json of the attack map", "seconds": s, "budget_seconds": None,
                "note": f"{s / r:.1f}x the reference; sending it, paid on top of building it"})
    return out
