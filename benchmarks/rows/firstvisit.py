"""A first visit to the Playground with a seed nobody has trained yet: the model
work the server does for it (train the default network, attack it, draw its
decision map, score it), after a warm-up so graph tracing is not counted. The
Keras model the network no longer builds on this path is timed beside it."""

from __future__ import annotations

import itertools

from benchmarks.rows import best_of


def rows(ref_seconds: float) -> list[dict]:
    from advlab import evaluation, models, projections
    from advlab.attacks import ATTACKS, run_attack
    from advlab.config import AttackConfig, DataConfig, NetConfig

    ds = DataConfig().load()
    net = NetConfig()
    cfg = AttackConfig(eps=0.2)
    lim = projections.plot_limits(ds.x_train, ds.x_test, pad=0.6)
    seeds = itertools.count(1)

    def fit():
        return models.fit_mlp(ds.x_train, ds.y_train, **{**net.fit_kwargs(), "seed": next(seeds)})

    def visit():
        m = fit().mlp
        run_attack(cfg.attack, m, ds.x_test, ds.y_test, seed=0, return_path=ATTACKS[cfg.attack].iterative,
                   **cfg.run_kwargs())
        projections.boundary_grid(m, lim, 150)
        evaluation.accuracy(m, ds.x_train, ds.y_train)

    visit()
    t_visit = best_of(visit)
    t_fit = best_of(fit)
    trained = [fit() for _ in range(5)]
    built = iter(trained)
    t_keras = best_of(lambda: next(built).model)
    setting = (f"moons, {len(ds.x_train)} training points, MLP {net.hidden} {net.act}, {net.epochs} epochs, "
               f"batch {net.batch}")
    return [
        {"case": "Playground first visit, new seed: train, PGD-40 with paths, 150×150 map, accuracy",
         "seconds": t_visit, "budget_ratio": 0.5, "note": f"{setting}; graphs warm, no Keras model built"},
        {"case": "Playground default network: `fit_mlp` (new seed)", "seconds": t_fit, "budget_ratio": 0.25,
         "note": setting},
        {"case": "Playground default network: its Keras model, built on first use of `Trained.model`",
         "seconds": t_keras, "budget_seconds": None,
         "note": f"{t_keras / t_fit:.2f}x the training; a first visit no longer pays it"},
    ]
