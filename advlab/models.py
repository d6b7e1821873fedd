"""Multi-layer perceptrons: a spec, a fast training loop, and the Keras model.

Every model advlab returns maps float32 inputs ``(N, D)`` to logits: ``(N, 1)``
for two classes (sigmoid of the logit of class 1) and ``(N, K)`` for K classes
(softmax). Training runs in NumPy on the CPU: for networks this small Keras'
per-step dispatch costs far more than the arithmetic, and the loop here does
the same mathematics (Glorot-uniform init, zero biases, Adam with Keras'
defaults, mini-batches reshuffled every epoch, L2 as ``l2 * sum(W**2)``)
in a few milliseconds. The trained weights are then loaded into a plain
``keras.Sequential`` so every attack and every notebook sees a real Keras model.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import _validate as v

__all__ = ["ACTIVATIONS", "MLPSpec", "Trained", "TrainingDiverged", "fit_mlp", "n_outputs", "to_keras",
           "train_mlp"]

ACTIVATIONS = ("relu", "tanh", "sigmoid")


class TrainingDiverged(ValueError):
    """The loss exploded (NaN, infinite, or far above where it started); the run's weights are unusable."""

    def __init__(self, epoch: int, lr: float):
        self.epoch = epoch
        self.lr = lr
        super().__init__(f"training diverged: the loss exploded in epoch {epoch} "
                         f"(learning rate {lr:g}); try a learning rate below {max(lr / 10, 1e-4):g}")


# An epoch whose mean cross-entropy exceeds this multiple of the starting loss
# (or of chance level, ln K, if that is larger) has blown up. Adam's steps are
# bounded by the learning rate and the loss is computed stably, so a too-large
# learning rate almost never yields NaN: it throws the weights thousands of
# units away, the loss jumps by orders of magnitude and the net ends at chance.
_BLOWUP = 1000.0


def n_outputs(n_classes: int) -> int:
    """Width of the logit layer: 1 for two classes, K otherwise."""
    return 1 if n_classes == 2 else n_classes


@dataclass(frozen=True)
class MLPSpec:
    n_in: int
    hidden: tuple[int, ...]
    activation: str
    n_out: int

    @property
    def sizes(self) -> tuple[int, ...]:
        return (self.n_in, *self.hidden, self.n_out)


class NumpyMLP:
    """The MLP's parameters in one flat float32 buffer (so Adam is four vector ops)."""

    def __init__(self, spec: MLPSpec, rng: np.random.Generator):
        self.spec = spec
        sizes = spec.sizes
        shapes = []
        for a, b in itertools.pairwise(sizes):
            shapes += [(a, b), (b,)]
        total = sum(math.prod(s) for s in shapes)
        self.flat = np.zeros(total, np.float32)
        self.grad = np.zeros(total, np.float32)
        self.params, self.grads, self.kernel_mask = [], [], np.zeros(total, bool)
        off = 0
        for s in shapes:
            n = math.prod(s)
            self.params.append(self.flat[off:off + n].reshape(s))
            self.grads.append(self.grad[off:off + n].reshape(s))
            if len(s) == 2:
                self.kernel_mask[off:off + n] = True
                limit = math.sqrt(6.0 / (s[0] + s[1]))  # Glorot uniform, as Keras' Dense
                self.params[-1][...] = rng.uniform(-limit, limit, size=s).astype(np.float32)
            off += n
        self.n_layers = len(shapes) // 2
        act = spec.activation
        if act == "relu":
            self._act = lambda z: np.maximum(z, 0, out=z)
            self._dact = lambda a: (a > 0)
        elif act == "tanh":
            self._act = lambda z: np.tanh(z, out=z)
            self._dact = lambda a: 1 - a * a
        else:
            self._act = lambda z: _sigmoid(z, out=z)
            self._dact = lambda a: a * (1 - a)

    def weights(self) -> list[np.ndarray]:
        return [p.copy() for p in self.params]

    def forward(self, x):
        acts = [x]
        a = x
        for i in range(self.n_layers):
            z = a @ self.params[2 * i]
            z += self.params[2 * i + 1]
            if i < self.n_layers - 1:
                a = self._act(z)
            else:
                a = z
            acts.append(a)
        return acts

    def logits(self, x):
        return self.forward(np.asarray(x, np.float32))[-1]

    def loss_and_dlogits(self, z, y):
        """Mean cross-entropy and its gradient w.r.t. the logits (already / batch)."""
        n = z.shape[0]
        if z.shape[1] == 1:
            zz = z[:, 0]
            yf = y.astype(np.float32)
            # softplus(z) - y z, stable
            loss = float(np.mean(np.maximum(zz, 0) - zz * yf + np.log1p(np.exp(-np.abs(zz)))))
            d = (_sigmoid(zz.copy()) - yf) / n
            correct = int(np.sum((zz > 0) == (y == 1)))
            return loss, d[:, None], correct
        m = z.max(1, keepdims=True)
        e = np.exp(z - m)
        s = e.sum(1, keepdims=True)
        logp = z - m - np.log(s)
        idx = np.arange(n)
        loss = float(-np.mean(logp[idx, y]))
        d = e / s
        d[idx, y] -= 1
        d /= n
        correct = int(np.sum(np.argmax(z, 1) == y))
        return loss, d, correct

    def backward(self, acts, d, want_input=False):
        """Fill self.grad from dL/dlogits; optionally return dL/dx."""
        for i in range(self.n_layers - 1, -1, -1):
            a_in = acts[i]
            np.matmul(a_in.T, d, out=self.grads[2 * i])
            np.sum(d, axis=0, out=self.grads[2 * i + 1])
            if i > 0 or want_input:
                d = d @ self.params[2 * i].T
                if i > 0:
                    d *= self._dact(acts[i])
        return d if want_input else None

    def input_grad(self, x, y):
        """dL/dx of the mean loss, times the batch size (per-example gradients)."""
        acts = self.forward(x)
        _, d, _ = self.loss_and_dlogits(acts[-1], y)
        return self.backward(acts, d, want_input=True) * x.shape[0]


def _sigmoid(z, out=None):
    # split by sign so exp never overflows
    out = np.empty_like(z) if out is None else out
    pos = z >= 0
    ez = np.exp(-np.abs(z))
    np.copyto(out, np.where(pos, 1 / (1 + ez), ez / (1 + ez)))
    return out


@dataclass
class Trained:
    """A trained model with what the page shows about its training."""

    model: object  # keras.Model
    spec: MLPSpec
    history: list[dict] = field(default_factory=list)
    seconds: float = 0.0


def _check_fit_args(x, y, hidden, activation, epochs, batch_size, lr, l2, seed):
    x = v.features("x", x)
    y = v.labels("y", y, x.shape[0])
    k = int(y.max()) + 1
    if len(np.unique(y)) < 2:
        raise ValueError("y must contain at least two classes")
    if isinstance(hidden, int | np.integer):
        hidden = (int(hidden),)
    hidden = tuple(hidden)
    if not 1 <= len(hidden) <= 4:
        raise ValueError(f"hidden must list 1 to 4 layer widths, got {len(hidden)}")
    hidden = tuple(v.number("hidden width", h, lo=1, hi=1024, integer=True) for h in hidden)
    v.choice("activation", activation, ACTIVATIONS)
    epochs = v.number("epochs", epochs, lo=1, hi=2000, integer=True)
    batch_size = v.number("batch_size", batch_size, lo=1, hi=100_000, integer=True)
    lr = v.number("lr", lr, lo=0, hi=100, lo_open=True)
    l2 = v.number("l2", l2, lo=0, hi=10)
    seed = v.number("seed", seed, lo=0, hi=2**31 - 1, integer=True)
    return x, y, k, hidden, epochs, batch_size, lr, l2, seed


def fit_mlp(x, y, *, hidden=(64, 32), activation: str = "relu", epochs: int = 10, batch_size: int = 32,
            lr: float = 1e-3, l2: float = 0.0, seed: int = 0,
            on_epoch: Callable[[int, dict], None] | None = None,
            perturb: Callable | None = None) -> Trained:
    """Train an MLP and return it with its history (see :func:`train_mlp`).

    ``perturb(net, xb, yb, rng) -> xb`` may replace each mini-batch before the
    step (adversarial training, :mod:`advlab.defenses`).
    """
    x, y, k, hidden, epochs, batch_size, lr, l2, seed = _check_fit_args(
        x, y, hidden, activation, epochs, batch_size, lr, l2, seed)
    t0 = time.perf_counter()
    spec = MLPSpec(x.shape[1], hidden, activation, n_outputs(k))
    rng = np.random.default_rng(seed)
    net = NumpyMLP(spec, rng)
    m = np.zeros_like(net.flat)
    s = np.zeros_like(net.flat)
    b1, b2, eps = 0.9, 0.999, 1e-7
    kmask = net.kernel_mask
    n = x.shape[0]
    history = []
    step = 0
    tmp = np.empty_like(net.flat)
    loss0 = net.loss_and_dlogits(net.forward(x)[-1], y)[0]
    blowup = _BLOWUP * max(loss0, math.log(max(k, 2)))
    for epoch in range(1, epochs + 1):
        perm = rng.permutation(n)
        tot_loss, tot_data_loss, tot_correct = 0.0, 0.0, 0
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]
            xb, yb = x[idx], y[idx]
            if perturb is not None:
                xb = perturb(net, xb, yb, rng)
            acts = net.forward(xb)
            loss, d, correct = net.loss_and_dlogits(acts[-1], yb)
            tot_data_loss += loss * len(idx)
            net.backward(acts, d)
            if l2 > 0:
                loss += l2 * float(np.dot(net.flat[kmask], net.flat[kmask]))
                net.grad[kmask] += 2 * l2 * net.flat[kmask]
            step += 1
            m *= b1
            m += (1 - b1) * net.grad
            s *= b2
            np.multiply(net.grad, net.grad, out=tmp)
            tmp *= (1 - b2)
            s += tmp
            alpha = lr * math.sqrt(1 - b2 ** step) / (1 - b1 ** step)
            np.sqrt(s, out=tmp)
            tmp += eps
            np.divide(m, tmp, out=tmp)
            tmp *= alpha
            net.flat -= tmp
            tot_loss += loss * len(idx)
            tot_correct += correct
        ep_loss = tot_loss / n
        # the data term alone: a large l2 legitimately makes the total loss large
        if not math.isfinite(ep_loss) or not tot_data_loss / n <= blowup or not np.all(np.isfinite(net.flat)):
            raise TrainingDiverged(epoch, lr)
        logs = {"loss": ep_loss, "accuracy": tot_correct / n}
        history.append({"epoch": epoch, **logs})
        if on_epoch is not None:
            on_epoch(epoch, {**logs, "weights": net.weights()})
    model = to_keras(spec, net.weights())
    return Trained(model=model, spec=spec, history=history, seconds=time.perf_counter() - t0)


def train_mlp(x, y, *, hidden=(64, 32), activation: str = "relu", epochs: int = 10, batch_size: int = 32,
              lr: float = 1e-3, l2: float = 0.0, seed: int = 0,
              on_epoch: Callable[[int, dict], None] | None = None):
    """Train a multi-layer perceptron classifier and return a ``keras.Model``.

    ``x`` is ``(N, D)`` float features and ``y`` integer labels ``(N,)``;
    the number of classes is ``max(y) + 1``. ``hidden`` gives 1 to 4 layer
    widths; ``activation`` is ``"relu"``, ``"tanh"`` or ``"sigmoid"``.
    Optimizer: Adam (``lr``), mini-batches of ``batch_size``, reshuffled each
    epoch; ``l2`` adds ``l2 * sum(W**2)`` over the kernels to the loss.
    ``on_epoch(epoch, logs)`` is called after every epoch with ``logs`` holding
    ``loss``, ``accuracy`` (running means over the epoch, as Keras reports them)
    and ``weights`` (a copy, to draw the boundary while it learns).
    The same arguments and seed give the same model, bit for bit.
    Raises :class:`TrainingDiverged` (a ``ValueError``) when the loss explodes:
    NaN, infinite, or over 1000 times its starting value (e.g. ``lr=10``).
    """
    return fit_mlp(x, y, hidden=hidden, activation=activation, epochs=epochs, batch_size=batch_size,
                   lr=lr, l2=l2, seed=seed, on_epoch=on_epoch).model


def to_keras(spec: MLPSpec, weights: list[np.ndarray]):
    """A ``keras.Sequential`` of Dense layers (logits out) holding ``weights``."""
    from ._tf import keras

    layers = [keras.Input((spec.n_in,))]
    layers += [keras.layers.Dense(h, activation=spec.activation) for h in spec.hidden]
    layers += [keras.layers.Dense(spec.n_out)]
    model = keras.Sequential(layers)
    model.set_weights(weights)
    return model


def numpy_logits(spec: MLPSpec, weights: list[np.ndarray], x) -> np.ndarray:
    """Logits of an MLP given as a spec and weights (as ``on_epoch`` hands them
    out), in NumPy: draws the boundary mid-training without building a model."""
    a = np.asarray(x, np.float32)
    n_layers = len(weights) // 2
    for i in range(n_layers):
        a = a @ weights[2 * i] + weights[2 * i + 1]
        if i < n_layers - 1:
            if spec.activation == "relu":
                a = np.maximum(a, 0)
            elif spec.activation == "tanh":
                a = np.tanh(a)
            else:
                a = _sigmoid(a)
    return a
