"""Timings behind the Seed Lab and Digits pages: training their networks, and
the work one new epsilon costs (attack, decision slice, PCA view), measured
after a warm-up so graph tracing is not counted."""

from __future__ import annotations

import numpy as np

from benchmarks.rows import best_of


def rows(ref_seconds: float) -> list[dict]:
    from advlab import data, models, seedlab
    from advlab.attacks import predict, run_attack

    blog = data.blog_data()
    digits = data.digits_data()

    def train_blog():
        return models.train_mlp(blog.x_train, blog.y_train, hidden=seedlab.BLOG_HIDDEN, epochs=seedlab.BLOG_EPOCHS,
                                batch_size=seedlab.BLOG_BATCH, lr=seedlab.BLOG_LR, seed=seedlab.BLOG_SEED)

    model = train_blog()
    t_train = best_of(train_blog)

    def new_eps(eps=0.17):
        r = run_attack("fgsm", model, blog.x_test, blog.y_test, eps=eps)
        d, _ = seedlab.slice_direction(model, r.x[3], r.x_adv[3], r.y[3])
        seedlab.decision_slice(model, r.x[3], d)
        seedlab.pca_projection(blog.x_train, r.x, r.x_adv)

    new_eps()
    t_eps = best_of(new_eps)

    def curve():
        seedlab.accuracy_curve(model, blog.x_test, blog.y_test, attack="pgd", eps_values=seedlab.eps_grid(1.0),
                               steps=40, restarts=1)

    curve()
    t_curve = best_of(curve, repeat=2)

    def train_digits():
        return models.train_mlp(digits.x_train, digits.y_train, hidden=(64,), epochs=30, seed=0)

    dm = train_digits()
    t_dtrain = best_of(train_digits, repeat=3)
    acc = float(np.mean(predict(dm, digits.x_test) == digits.y_test))

    def digits_eps():
        run_attack("fgsm", dm, digits.x_test, digits.y_test, eps=0.13, clip=(0.0, 1.0))

    digits_eps()
    t_deps = best_of(digits_eps)
    return [
        {"case": "Seed Lab: train the blog's 20-64-32-1 network (10 epochs)", "seconds": t_train,
         "budget_seconds": ref_seconds, "note": "must beat the Keras fit reference"},
        {"case": "Seed Lab: one new ε (FGSM on 200 points, 81×81 slice, PCA)", "seconds": t_eps,
         "budget_seconds": 0.150, "note": "what the fragment computes when ε moves"},
        {"case": "Seed Lab: accuracy-vs-ε curve, PGD-40 at 21 budgets", "seconds": t_curve, "budget_seconds": None,
         "note": "once per model and attack setting, then cached"},
        {"case": "Digits: train 64-64-10 (30 epochs)", "seconds": t_dtrain, "budget_seconds": 1.0,
         "note": f"test accuracy {acc:.3f} (goal at least 0.95)"},
        {"case": "Digits: one new ε (FGSM on 450 images)", "seconds": t_deps, "budget_seconds": 0.150,
         "note": "clip (0, 1)"},
    ]
