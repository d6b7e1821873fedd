"""Timing of the Robustness page's heavy work on the blog data and model.

The budget row is the whole curve set the page draws by default: 5 attacks
(noise, FGSM, BIM, PGD, MI-FGSM) at 20 epsilons on 200 test points. Graph
tracing happens once per architecture and process and is timed separately
(the first visitor pays it once; every later one does not).
"""

from __future__ import annotations

import time

from advlab import data, evaluation, models, robustness
from benchmarks.bench import median_seconds

BUDGET_SECONDS = 3.0
N_POINTS = 200


def _time(fn, repeats: int) -> float:
    return median_seconds(fn, repeats, warmup=0)


def rows(ref_seconds: float | None = None) -> list[dict]:
    ds = data.blog_data()
    model = models.fit_mlp(ds.x_train, ds.y_train, hidden=(64, 32), epochs=10, seed=0).model
    x, y = ds.x_test[:N_POINTS], ds.y_test[:N_POINTS]
    eps = evaluation.eps_grid(eps_max=1.0, n=20)

    def curves():
        return evaluation.robustness_curves(model, x, y, eps_values=eps)

    t0 = time.perf_counter()
    evaluation.robustness_curves(model, x[:4], y[:4], eps_values=[0.0, 0.5])
    trace = time.perf_counter() - t0
    seconds = _time(curves, 3)
    c = curves()
    noise_end, pgd_end = float(c.curve("noise")[-1]), float(c.curve("pgd")[-1])

    def minimal():
        for m in ("deepfool", "cw"):
            evaluation.minimal_distances(model, x, y, method=m)

    evaluation.minimal_distances(model, x[:4], y[:4], method="deepfool")
    evaluation.minimal_distances(model, x[:4], y[:4], method="cw")
    min_seconds = _time(minimal, 1)
    n_cells = len(c.attacks) * len(eps)
    table = _table_rows(model, x, y)
    return table + [
        {"case": f"robustness curves: 5 attacks x 20 eps x {len(x)} points (blog 64-32)", "seconds": seconds,
         "budget_seconds": BUDGET_SECONDS,
         "note": f"{n_cells} cells, median of 3 after a warm-up; first call traced graphs in {trace:.2f} s; "
                 f"accuracy at eps=1: noise {noise_end:.0%}, PGD {pgd_end:.0%}"},
        {"case": f"minimal perturbations: DeepFool + C&W L2 on {len(x)} points (blog 64-32)",
         "seconds": min_seconds, "budget_seconds": None,
         "note": "the page's second section, default settings (C&W: 8 binary steps x 100 iterations)"},
    ]


def _table_rows(model, x, y) -> list[dict]:
    """The table's ε: the five cells one move ran before, and the batched runs over the slider's values
    around it that replace them (the first move into a block; every later move reads them)."""
    values = {"pgd_steps": 40, "pgd_restarts": 1, "bim_steps": 10, "mim_steps": 10, "mim_decay": 1.0}
    cfgs = robustness.cell_configs(values, evaluation.CURVE_ATTACKS, eps_values=[0.3])
    one = _time(lambda: [evaluation.attack_cell(model, x, y, attack=c.attack, eps=0.3, params=dict(c.params))
                         for c in cfgs], 3)
    items, _, _ = robustness.table_items(model, "bench", x, y, cfgs, eps=0.3, eps_max=1.0, tr=lambda k, **kw: k)
    block = robustness.table_block(0.3, eps_max=1.0, n_points=len(x), n_features=x.shape[1])
    swept = _time(lambda: [compute() for _, compute in items], 2)
    return [
        {"case": f"robustness table: 5 attacks at one eps, {len(x)} points (what each move of its eps ran)",
         "seconds": one, "budget_seconds": None, "note": "noise, FGSM, BIM-10, PGD-40, MI-FGSM-10"},
        {"case": f"robustness table: the same 5 attacks at all {len(block)} eps of its block, batched",
         "seconds": swept, "budget_seconds": 0.25 * len(block) * one,
         "note": f"{swept / one:.1f}x one move for {len(block)} eps ({len(block) * one / swept:.0f}x cheaper than "
                 f"a move each); paid on the first move into a block, shared by every session"},
    ]


if __name__ == "__main__":
    for r in rows():
        print(f"{r['case']}: {r['seconds']:.3f} s (budget {r['budget_seconds']}) {r['note']}")
