"""advlab: adversarial examples you can train, attack and see.

The core package. It never imports streamlit, so notebooks and scripts use it
directly::

    from advlab import data, models, attacks
    ds = data.load("moons", n_samples=400, noise=0.2, seed=0)
    model = models.train_mlp(ds.x_train, ds.y_train, epochs=30)
    x_adv = attacks.pgd(model, ds.x_test, ds.y_test, eps=0.3)

Model convention (used everywhere in advlab): a model maps float32 inputs of
shape ``(N, D)`` to *logits*. ``(N, 1)`` means two classes through a sigmoid
(the logit of class 1); ``(N, K)`` means K classes through a softmax.
"""

__version__ = "0.1.0"
