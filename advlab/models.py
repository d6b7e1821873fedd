"""Multi-layer perceptrons: a spec, a fast training loop, and the Keras model.

Every model advlab returns maps float32 inputs ``(N, D)`` to logits: ``(N, 1)``
for two classes (sigmoid of the logit of class 1) and ``(N, K)`` for K classes
(softmax). Training runs in NumPy on the CPU (:class:`NumpyMLP`, the one NumPy
form of the network) and does Keras' mathematics: Glorot-uniform init, zero
biases, Adam with Keras' defaults, mini-batches reshuffled every epoch, L2 as
``l2 * sum(W**2)``. :func:`fit_mlp` keeps the trained weights as an
:class:`MLPModel`, which the attacks, decision maps and scores take as it is;
``Trained.model`` (and :func:`train_mlp`) loads them into a plain
``keras.Sequential`` on first use, so every notebook sees a real Keras model.

Why NumPy and not Keras: ``make bench`` times a Keras-native loop (a whole epoch
in one ``tf.function``, ``stateless_call``, Keras' Adam; ``benchmarks/keras_loop.py``)
against this one on the seed network. Warm, the two are on par; but the
compiled loop traces a graph for every new architecture, and that first call
costs several times a whole NumPy training, which a learner pays at every
change of width, depth or activation. The README's speed section has the numbers.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import _validate as v
from . import numerics

__all__ = ["ACTIVATIONS", "MLPModel", "MLPSpec", "NumpyMLP", "Trained", "TrainingDiverged", "fit_mlp", "n_outputs",
           "numpy_logits", "single_thread_blas", "to_keras", "train_mlp"]

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
    """The one NumPy form of an MLP: its parameters in one flat float32 buffer
    (every kernel, then every bias; so an Adam step is a few vector ops over
    one array and L2 acts on one slice of it), the forward pass, and the backward pass that
    gives the weight gradients (training) or the input gradient (attacks during
    adversarial training, :mod:`advlab.defenses`).

    ``NumpyMLP(spec, rng)`` draws Glorot-uniform kernels and zero biases, as
    Keras' ``Dense`` does; ``NumpyMLP(spec, weights=...)`` holds given weights
    (Keras' order: kernel, bias, per layer).
    """

    def __init__(self, spec: MLPSpec, rng: np.random.Generator | None = None, *,
                 weights: list[np.ndarray] | None = None):
        if (rng is None) == (weights is None):
            raise ValueError("give NumpyMLP either rng (to draw initial weights) or weights")
        self.spec = spec
        shapes = []
        for a, b in itertools.pairwise(spec.sizes):
            shapes += [(a, b), (b,)]
        if weights is not None and [tuple(np.shape(w)) for w in weights] != shapes:
            raise ValueError(f"weights must have the shapes {shapes} of {spec}, "
                             f"got {[tuple(np.shape(w)) for w in weights]}")
        total = sum(math.prod(s) for s in shapes)
        self.flat = np.zeros(total, np.float32)
        self.grad = np.zeros(total, np.float32)
        # every kernel first, then every bias: the kernels (what L2 acts on) are one slice, flat[:n_kernel]
        self.n_kernel = sum(math.prod(s) for s in shapes[0::2])
        self.kernel_mask = np.zeros(total, bool)
        self.kernel_mask[:self.n_kernel] = True
        self.params, self.grads = [None] * len(shapes), [None] * len(shapes)
        offsets = itertools.accumulate([math.prod(s) for s in shapes[0::2] + shapes[1::2]], initial=0)
        for j, off in zip([*range(0, len(shapes), 2), *range(1, len(shapes), 2)], offsets, strict=False):
            s, n = shapes[j], math.prod(shapes[j])
            self.params[j] = self.flat[off:off + n].reshape(s)
            self.grads[j] = self.grad[off:off + n].reshape(s)
        for j, s in enumerate(shapes):
            if weights is not None:
                self.params[j][...] = weights[j]
            elif len(s) == 2:
                limit = math.sqrt(6.0 / (s[0] + s[1]))  # Glorot uniform, as Keras' Dense
                self.params[j][...] = rng.uniform(-limit, limit, size=s).astype(np.float32)
        self.n_layers = len(shapes) // 2
        act = spec.activation
        if act == "relu":
            self._act = lambda z: np.maximum(z, 0, out=z)
            self._dact = lambda a: (a > 0)
        elif act == "tanh":
            self._act = lambda z: np.tanh(z, out=z)
            self._dact = lambda a: 1 - a * a
        else:
            self._act = lambda z: numerics.sigmoid(z, out=z)
            self._dact = lambda a: a * (1 - a)

    def weights(self) -> list[np.ndarray]:
        return [p.copy() for p in self.params]

    def forward(self, x):
        """Every layer's output, input first and logits last."""
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

    def logits_after_first(self, z):
        """The logits from the first layer's pre-activation ``z`` (``x @ kernel + bias``,
        ``(N, width)``): for inputs on a plane that is a sum of three vectors per point,
        far cheaper than the product (:func:`advlab.projections.decision_slice`)."""
        a = np.asarray(z, np.float32)
        for i in range(self.n_layers):
            if i:
                a = a @ self.params[2 * i]
                a += self.params[2 * i + 1]
            if i < self.n_layers - 1:
                a = self._act(a)
        return a

    @staticmethod
    def dlogits(z, y):
        """Per-example gradient of the cross-entropy w.r.t. the logits ``z``
        (``sigmoid(z) - y`` for one logit, ``softmax(z) - onehot(y)`` for K)."""
        if z.shape[1] == 1:
            return (numerics.sigmoid(z[:, 0]) - y.astype(np.float32))[:, None]
        d = numerics.softmax(z)
        d[np.arange(len(y)), y] -= 1
        return d

    def loss_and_dlogits(self, z, y):
        """Mean cross-entropy, its gradient w.r.t. the logits (already / batch), and the count of correct
        predictions."""
        loss = float(np.mean(numerics.cross_entropy(z, y)))
        correct = int(np.sum((z[:, 0] > 0) == (y == 1))) if z.shape[1] == 1 else int(np.sum(np.argmax(z, 1) == y))
        d = self.dlogits(z, y)
        d /= z.shape[0]
        return loss, d, correct

    def backward(self, acts, d, *, weight_grads: bool = True, want_input: bool = False):
        """Back-propagate ``d`` (dL/dlogits) through the layers of ``acts`` (from :meth:`forward`):
        fill ``self.grad`` with the weight gradients when ``weight_grads``, and return dL/dx when
        ``want_input``."""
        for i in range(self.n_layers - 1, -1, -1):
            if weight_grads:
                np.matmul(acts[i].T, d, out=self.grads[2 * i])
                np.sum(d, axis=0, out=self.grads[2 * i + 1])
            if i > 0 or want_input:
                d = d @ self.params[2 * i].T
                if i > 0:
                    d *= self._dact(acts[i])
        return d if want_input else None

    def input_grad(self, x, y):
        """Per-example gradient of the cross-entropy w.r.t. the input ``x`` (what FGSM and PGD
        follow); the weight gradients are not computed."""
        acts = self.forward(np.asarray(x, np.float32))
        return self.backward(acts, self.dlogits(acts[-1], y), weight_grads=False, want_input=True)


class MLPModel:
    """A trained MLP as its spec and NumPy weights (Keras' order, read-only).

    The attack engine (:mod:`advlab.attacks`) runs it from the weights, so
    attacking it, its decision map and its accuracy need no Keras model;
    :meth:`keras` builds that model on first call (once, whichever thread asks).
    Like a fitted scikit-learn classifier it has ``predict``, ``predict_proba``
    and ``classes_``. Safe to share between threads: nothing in it changes
    except the Keras model it builds once.
    """

    def __init__(self, spec: MLPSpec, weights: list[np.ndarray]):
        NumpyMLP(spec, weights=weights)  # checks the shapes
        self.spec = spec
        self.weights = tuple(np.array(w, np.float32) for w in weights)
        for w in self.weights:
            w.flags.writeable = False
        self._keras = None
        self._lock = threading.Lock()

    def keras(self):
        """The ``keras.Sequential`` of these weights (:func:`to_keras`), built once."""
        if self._keras is None:
            with self._lock:
                if self._keras is None:
                    self._keras = to_keras(self.spec, list(self.weights))
        return self._keras

    def get_weights(self) -> list[np.ndarray]:
        return [w.copy() for w in self.weights]

    @property
    def classes_(self) -> np.ndarray:
        return np.arange(2 if self.spec.n_out == 1 else self.spec.n_out)

    def predict(self, x) -> np.ndarray:
        """Predicted classes ``(N,)``."""
        from .attacks import predict
        return predict(self, x)

    def predict_proba(self, x) -> np.ndarray:
        """Class probabilities ``(N, K)`` (K = 2 for a one-logit model)."""
        from .attacks import proba
        return proba(self, x)


class _KerasOfTrained:
    """``Trained.model``: the Keras model given, or the one its ``mlp`` builds on first use."""

    def __get__(self, obj, owner=None):
        if obj is None:
            return None  # the field's default
        model = obj.__dict__.get("_model")
        if model is None and obj.mlp is not None:
            return obj.mlp.keras()
        return model

    def __set__(self, obj, value) -> None:
        # the dataclass' __init__ passes this descriptor itself when no model is given
        obj.__dict__["_model"] = None if isinstance(value, _KerasOfTrained) else value


@dataclass
class Trained:
    """A trained model with what the page shows about its training.

    ``model`` is a ``keras.Model``. :func:`fit_mlp` gives ``mlp`` (the network
    as an :class:`MLPModel`) and ``model`` is built from it on first use: a
    page that only attacks and draws the network never builds it."""

    model: object = field(default=_KerasOfTrained(), repr=False, compare=False)  # keras.Model
    spec: MLPSpec | None = None
    history: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    mlp: MLPModel | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        if self.__dict__.get("_model") is None and self.mlp is None:
            raise ValueError("Trained needs a model or an mlp")
        if self.spec is None:
            raise ValueError("Trained needs the spec of its network")


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
    step (adversarial training, :mod:`advlab.defenses`); ``net`` is the
    :class:`NumpyMLP` being trained (``net.input_grad`` is the attack gradient).
    """
    x, y, k, hidden, epochs, batch_size, lr, l2, seed = _check_fit_args(
        x, y, hidden, activation, epochs, batch_size, lr, l2, seed)
    t0 = time.perf_counter()
    spec = MLPSpec(x.shape[1], hidden, activation, n_outputs(k))
    rng = np.random.default_rng(seed)
    net = NumpyMLP(spec, rng)
    with single_thread_blas():
        history = _adam(net, x, y, rng, epochs=epochs, batch_size=batch_size, lr=lr, l2=l2, on_epoch=on_epoch,
                        perturb=perturb)
    return Trained(spec=spec, history=history, seconds=time.perf_counter() - t0,
                   mlp=MLPModel(spec, net.params))


class _Step:
    """One mini-batch size's forward and backward pass into preallocated arrays.

    The same arithmetic as :meth:`NumpyMLP.forward`, :meth:`NumpyMLP.dlogits`
    and :meth:`NumpyMLP.backward`, op for op (so the same weights, bit for
    bit), without allocating: these networks are tiny and a training step is
    a few dozen NumPy calls, so their overhead is what a step costs.
    """

    def __init__(self, net: NumpyMLP, b: int):
        self.net, self.b = net, b
        widths = net.spec.sizes[1:]
        self.z = [np.empty((b, w), np.float32) for w in widths]  # each layer's output
        self.d = [np.empty((b, w), np.float32) for w in widths]  # dL/d(layer output)
        self.tmp = [np.empty((b, w), np.float32 if net.spec.activation != "relu" else bool) for w in widths]
        self.t, self.u, self.p = (np.empty(b, np.float32) for _ in range(3))
        self.ge = np.empty(b, bool)

    def forward(self, x) -> list[np.ndarray]:
        net, a = self.net, x
        for i in range(net.n_layers):
            z = self.z[i]
            np.dot(a, net.params[2 * i], out=z)
            np.add(z, net.params[2 * i + 1], out=z)
            if i < net.n_layers - 1:
                net._act(z)
            a = z
        return [x, *self.z]

    def dlogits(self, z, yf, onehot) -> np.ndarray:
        """``NumpyMLP.dlogits(z, y) / batch`` (``yf``: the labels as float32, ``onehot``: as one-hot rows)."""
        d = self.d[-1]
        if z.shape[1] == 1:  # numerics.sigmoid, split by sign, then minus the label
            t, u, p = self.t, self.u, self.p
            np.abs(z[:, 0], out=t)
            np.negative(t, out=t)
            np.exp(t, out=t)
            np.add(1, t, out=u)
            np.divide(1, u, out=p)
            np.divide(t, u, out=t)
            np.greater_equal(z[:, 0], 0, out=self.ge)
            np.copyto(t, p, where=self.ge)
            np.subtract(t, yf, out=d[:, 0])
        else:
            np.subtract(numerics.softmax(z), onehot, out=d)
        np.divide(d, self.b, out=d)
        return d

    def backward(self, acts, d) -> None:
        net, act = self.net, self.net.spec.activation
        for i in range(net.n_layers - 1, -1, -1):
            np.dot(acts[i].T, d, out=net.grads[2 * i])
            np.add.reduce(d, axis=0, out=net.grads[2 * i + 1])
            if i == 0:
                return
            dn, a, t = self.d[i - 1], acts[i], self.tmp[i - 1]
            np.dot(d, net.params[2 * i].T, out=dn)
            if act == "relu":  # d *= (a > 0)
                np.greater(a, 0, out=t)
            elif act == "tanh":  # d *= 1 - a * a
                np.multiply(a, a, out=t)
                np.subtract(1, t, out=t)
            else:  # d *= a * (1 - a)
                np.subtract(1, a, out=t)
                np.multiply(a, t, out=t)
            np.multiply(dn, t, out=dn)
            d = dn


def _adam(net: NumpyMLP, x, y, rng, *, epochs, batch_size, lr, l2, on_epoch, perturb) -> list[dict]:
    """Train ``net`` in place: Adam with Keras' defaults, mini-batches reshuffled every epoch."""
    n = x.shape[0]
    steps = {b: _Step(net, b) for b in {min(batch_size, n), n % batch_size or min(batch_size, n)}}
    adam = _AdamState(net, lr)
    history = []
    loss0 = net.loss_and_dlogits(net.forward(x)[-1], y)[0]
    blowup = _BLOWUP * max(loss0, math.log(max(net.spec.n_out, 2)))
    z_epoch = np.empty((n, net.spec.n_out), np.float32)
    eye = np.eye(net.spec.n_out, dtype=np.float32)
    for epoch in range(1, epochs + 1):
        perm = rng.permutation(n)
        xp, yp = x[perm], y[perm]
        yf, onehot = yp.astype(np.float32), (eye[yp] if net.spec.n_out > 1 else None)
        l2_loss = 0.0
        for start in range(0, n, batch_size):
            stop = min(start + batch_size, n)
            step, xb = steps[stop - start], xp[start:stop]
            if perturb is not None:
                xb = perturb(net, xb, yp[start:stop], rng)
            acts = step.forward(xb)
            z_epoch[start:stop] = acts[-1]
            step.backward(acts, step.dlogits(acts[-1], yf[start:stop], None if onehot is None else onehot[start:stop]))
            if l2 > 0:
                kern = net.flat[:net.n_kernel]
                l2_loss += l2 * float(np.dot(kern, kern)) * (stop - start)
                net.grad[:net.n_kernel] += 2 * l2 * kern
            adam.step()
        data_loss = float(np.sum(numerics.cross_entropy(z_epoch, yp))) / n
        ep_loss = data_loss + l2_loss / n
        # the data term alone: a large l2 legitimately makes the total loss large
        if not math.isfinite(ep_loss) or not data_loss <= blowup or not np.all(np.isfinite(net.flat)):
            raise TrainingDiverged(epoch, lr)
        correct = int(np.sum((z_epoch[:, 0] > 0) == (yp == 1))) if net.spec.n_out == 1 else int(
            np.sum(np.argmax(z_epoch, 1) == yp))
        logs = {"loss": ep_loss, "accuracy": correct / n}
        history.append({"epoch": epoch, **logs})
        if on_epoch is not None:
            on_epoch(epoch, {**logs, "weights": net.weights()})
    return history


class _AdamState:
    """Keras' Adam (default betas and epsilon) over a network's one flat parameter buffer."""

    b1, b2, eps = 0.9, 0.999, 1e-7

    def __init__(self, net: NumpyMLP, lr: float):
        self.net, self.lr, self.t = net, lr, 0
        self.m, self.s, self.tmp = (np.zeros_like(net.flat) for _ in range(3))

    def step(self) -> None:
        b1, b2, m, s, tmp, flat, g = self.b1, self.b2, self.m, self.s, self.tmp, self.net.flat, self.net.grad
        self.t += 1
        m *= b1
        np.multiply(g, 1 - b1, out=tmp)
        m += tmp
        s *= b2
        np.multiply(g, g, out=tmp)
        tmp *= (1 - b2)
        s += tmp
        alpha = self.lr * math.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)
        np.sqrt(s, out=tmp)
        tmp += self.eps
        np.divide(m, tmp, out=tmp)
        tmp *= alpha
        flat -= tmp


_blas_lock = threading.Lock()
_blas_users = 0
_blas_limit = None


@contextlib.contextmanager
def single_thread_blas():
    """Run NumPy's BLAS on one thread.

    The matrices of these networks are tiny; on a busy machine a multi-threaded
    BLAS spends its time waiting for cores (measured: the blog network's
    training 2-3x slower under load, a 128-wide MLP 15x). The limit is
    process-wide, so it is counted: concurrent users (server sessions) share it
    and the last one out restores the original setting.
    """
    global _blas_users, _blas_limit
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn brings threadpoolctl
        yield
        return
    with _blas_lock:
        if _blas_users == 0:
            _blas_limit = threadpool_limits(limits=1, user_api="blas")
        _blas_users += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_users -= 1
            if _blas_users == 0 and _blas_limit is not None:
                _blas_limit.restore_original_limits()
                _blas_limit = None


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

    # Explicit names: Keras' automatic ones come from a counter that concurrent
    # server sessions share, and a Sequential refuses two layers of one name.
    layers = [keras.Input((spec.n_in,), name="inputs")]
    layers += [keras.layers.Dense(h, activation=spec.activation, name=f"hidden_{i}") for i, h in enumerate(spec.hidden)]
    layers += [keras.layers.Dense(spec.n_out, name="logits")]
    model = keras.Sequential(layers, name="mlp")
    model.set_weights(weights)
    return model


def numpy_logits(spec: MLPSpec, weights: list[np.ndarray], x) -> np.ndarray:
    """Logits of an MLP given as a spec and weights (as ``on_epoch`` hands them
    out), in NumPy: draws the boundary mid-training without building a model."""
    return NumpyMLP(spec, weights=weights).logits(x)
