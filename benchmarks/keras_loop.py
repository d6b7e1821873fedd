"""The Keras-native training loop that ``make bench`` measures against advlab's NumPy loop.

A whole epoch runs inside one ``tf.function``: a ``tf.while_loop`` over the
mini-batches of a permutation drawn per epoch from the seeded NumPy generator,
the forward pass through ``model.stateless_call`` with the weights passed in,
the gradient from ``tf.GradientTape`` and the step from
``keras.optimizers.Adam.stateless_apply``. The weights travel as one flat
float32 vector (split into the layers' shapes for ``stateless_call``), so Adam
is one update on one tensor, as in the NumPy loop. The graph is traced once per
architecture: data size, batch size, learning rate and l2 are inputs.

It does what :func:`advlab.models.fit_mlp` does (same Glorot draw from the same
generator, same batch order, same loss, same divergence check, same ``on_epoch``
logs), so the two can be timed on equal terms; the weights agree to about 1e-6.
The README's speed section says which loop advlab trains with, and why.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from keras.src.optimizers import base_optimizer

from advlab import models
from advlab._tf import keras, tf


class StatelessAdam(keras.optimizers.Adam):
    """``keras.optimizers.Adam`` with ``stateless_apply`` on the TensorFlow backend.

    Keras' TensorFlow optimizer refuses ``stateless_apply`` because its update
    goes through ``tf.distribute`` and writes the ``tf.Variable`` directly. With
    no distribution strategy the backend-neutral path (the one Keras runs on JAX)
    is valid: updates go through ``keras.Variable.assign*``, which a
    ``StatelessScope`` records instead of applying. The update rule is Keras'
    own ``Adam.update_step``.
    """

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        return base_optimizer.BaseOptimizer.stateless_apply(self, optimizer_variables, grads, trainable_variables)

    def assign(self, variable, value):
        variable.assign(value)

    def assign_add(self, variable, value):
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        variable.assign_sub(value)

    def _var_key(self, variable):
        return id(variable)

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        base_optimizer.BaseOptimizer._backend_update_step(self, grads, trainable_variables, learning_rate)


@dataclass
class _Graph:
    """The compiled epoch of one architecture."""

    spec: models.MLPSpec
    template: object  # a keras model of this architecture; only its structure is used
    optimizer: StatelessAdam
    shapes: list[tuple[int, ...]]
    sizes: list[int]
    epoch: Callable
    lr_index: int

    def unflat(self, flat):
        return [tf.reshape(p, s) for p, s in zip(tf.split(flat, self.sizes), self.shapes, strict=True)]


_graphs: dict[models.MLPSpec, _Graph] = {}
_lock = threading.Lock()


def _make_graph(spec: models.MLPSpec, template) -> _Graph:
    shapes = [tuple(int(d) for d in v.shape) for v in template.trainable_variables]
    sizes = [math.prod(s) for s in shapes]
    flat = keras.Variable(np.zeros(sum(sizes), np.float32), name="params", trainable=True)
    opt = StatelessAdam(learning_rate=1e-3)
    opt.build([flat])
    lr_index = next(i for i, v in enumerate(opt.variables) if v.path.endswith("learning_rate"))
    kmask = tf.constant(np.concatenate([np.full(n, len(s) == 2, np.float32) for n, s in zip(sizes, shapes,
                                                                                          strict=True)]))
    binary = spec.n_out == 1
    g = _Graph(spec, template, opt, shapes, sizes, None, lr_index)

    def loss_fn(w, xb, yb, l2):
        z, _ = template.stateless_call(g.unflat(w), [], xb, training=True)
        if binary:
            per = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.cast(yb, tf.float32), logits=z[:, 0])
            pred = tf.cast(z[:, 0] > 0, tf.int32)
        else:
            per = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=yb, logits=z)
            pred = tf.argmax(z, 1, output_type=tf.int32)
        data_loss = tf.reduce_mean(per)
        correct = tf.reduce_sum(tf.cast(tf.equal(pred, yb), tf.float32))
        return data_loss + l2 * tf.reduce_sum(tf.square(w) * kmask), (data_loss, correct)

    def epoch(w, opt_vars, x, y, perm, batch_size, l2):
        n = tf.shape(perm)[0]
        n_batches = (n + batch_size - 1) // batch_size

        def body(i, w, opt_vars, sums, first):
            idx = perm[i * batch_size:tf.minimum((i + 1) * batch_size, n)]
            with tf.GradientTape() as tape:
                tape.watch(w)
                loss, (data_loss, correct) = loss_fn(w, tf.gather(x, idx), tf.gather(y, idx), l2)
            (w,), opt_vars = opt.stateless_apply(opt_vars, [tape.gradient(loss, w)], [w])
            m = tf.cast(tf.shape(idx)[0], tf.float32)
            first = tf.where(tf.equal(i, 0), data_loss, first)
            return i + 1, w, opt_vars, sums + tf.stack([loss * m, data_loss * m, correct]), first

        _, w, opt_vars, sums, first = tf.while_loop(
            lambda i, *_: i < n_batches, body,
            (tf.constant(0), w, opt_vars, tf.zeros(3, tf.float32), tf.constant(0.0)))
        return w, opt_vars, sums, first, tf.reduce_all(tf.math.is_finite(w))

    o_sig = [tf.TensorSpec(v.shape, v.dtype) for v in opt.variables]
    g.epoch = tf.function(epoch, autograph=False, input_signature=[
        tf.TensorSpec((sum(sizes),), tf.float32), o_sig, tf.TensorSpec((None, spec.n_in), tf.float32),
        tf.TensorSpec((None,), tf.int32), tf.TensorSpec((None,), tf.int32), tf.TensorSpec((), tf.int32),
        tf.TensorSpec((), tf.float32)])
    return g


def _graph_for(spec: models.MLPSpec, template) -> _Graph:
    g = _graphs.get(spec)
    if g is None:
        with _lock:
            g = _graphs.get(spec)
            if g is None:
                g = _graphs[spec] = _make_graph(spec, template)
    return g


def fit(x, y, *, hidden=(64, 32), activation: str = "relu", epochs: int = 10, batch_size: int = 32,
        lr: float = 1e-3, l2: float = 0.0, seed: int = 0,
        on_epoch: Callable[[int, dict], None] | None = None) -> models.Trained:
    """:func:`advlab.models.fit_mlp` with the epoch compiled in Keras (no ``perturb`` hook)."""
    x, y, k, hidden, epochs, batch_size, lr, l2, seed = models._check_fit_args(
        x, y, hidden, activation, epochs, batch_size, lr, l2, seed)
    t0 = time.perf_counter()
    spec = models.MLPSpec(x.shape[1], hidden, activation, models.n_outputs(k))
    rng = np.random.default_rng(seed)
    init = []
    for a, b in zip(spec.sizes[:-1], spec.sizes[1:], strict=True):
        limit = math.sqrt(6.0 / (a + b))  # Glorot uniform, drawn as the NumPy loop draws it
        init += [rng.uniform(-limit, limit, size=(a, b)).astype(np.float32), np.zeros(b, np.float32)]
    model = models.to_keras(spec, init)
    g = _graph_for(spec, model)
    w = tf.constant(np.concatenate([a.ravel() for a in init]))
    opt_vars = [tf.zeros(v.shape, v.dtype) for v in g.optimizer.variables]
    opt_vars[g.lr_index] = tf.constant(lr, tf.float32)
    xt, yt = tf.constant(x), tf.constant(y.astype(np.int32))
    bs, l2t = tf.constant(batch_size, tf.int32), tf.constant(l2, tf.float32)
    n = x.shape[0]
    history, blowup = [], None
    for ep in range(1, epochs + 1):
        perm = tf.constant(rng.permutation(n).astype(np.int32))
        w, opt_vars, sums, first, finite = g.epoch(w, opt_vars, xt, yt, perm, bs, l2t)
        tot_loss, tot_data, correct = (float(s) for s in sums.numpy())
        if blowup is None:
            blowup = models._BLOWUP * max(float(first), math.log(max(k, 2)))
        ep_loss = tot_loss / n
        if not math.isfinite(ep_loss) or not tot_data / n <= blowup or not bool(finite):
            raise models.TrainingDiverged(ep, lr)
        logs = {"loss": ep_loss, "accuracy": correct / n}
        history.append({"epoch": ep, **logs})
        if on_epoch is not None:
            on_epoch(ep, {**logs, "weights": [a.numpy() for a in g.unflat(w)]})
    model.set_weights([a.numpy() for a in g.unflat(w)])
    return models.Trained(model=model, spec=spec, history=history, seconds=time.perf_counter() - t0)
