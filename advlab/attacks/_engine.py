"""Compiled model arithmetic shared by all attacks.

Attack loops are ``tf.function`` graphs traced once per *architecture*, not
per model: the weights go in as tensors through Keras'
``stateless_call``. Retraining a network of the same shape therefore costs no
new tracing, and moving a slider never traces at all.
"""

from __future__ import annotations

import json
import threading
import weakref

import numpy as np

from .. import _validate as v
from .._tf import keras, tf
from ..numerics import probs_from_logits

NORMS = ("linf", "l2")
_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_model_keys: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _strip_names(obj):
    if isinstance(obj, dict):
        return {k: _strip_names(val) for k, val in obj.items() if k not in ("name",)}
    if isinstance(obj, list | tuple):
        return [_strip_names(val) for val in obj]
    return obj


def _arch_key(model) -> str:
    try:
        key = _model_keys.get(model)
    except TypeError:
        key = None
    if key is None:
        cfg = _strip_names(model.get_config())
        shapes = [tuple(w.shape) for w in model.weights]
        key = json.dumps([model.__class__.__name__, cfg, shapes], sort_keys=True, default=str)
        try:
            _model_keys[model] = key
        except TypeError:
            pass
    return key


def check_model(model) -> None:
    """Raise ValueError when ``model`` is not a Keras model that outputs logits."""
    if not isinstance(model, keras.Model):
        # ValueError like every other bad argument: pages catch one exception type
        raise ValueError(f"model must be a keras.Model mapping inputs to logits, got {type(model).__name__}")  # noqa: TRY004
    last = model.layers[-1] if model.layers else None
    act = getattr(last, "activation", None)
    act_name = getattr(act, "__name__", "")
    if isinstance(last, keras.layers.Softmax):  # a layer of its own, with no .activation
        act_name = "softmax"
    if act_name in ("softmax", "sigmoid", "log_softmax"):
        raise ValueError(f"model must output logits (no final activation), but its last layer applies "
                         f"'{act_name}': build the model with a linear output layer")


class Engine:
    """Graphs for one architecture; every call takes the weights as tensors."""

    def __init__(self, template):
        self.template = template
        self.n_trainable = len(template.trainable_variables)
        self._fns: dict = {}
        w_sig = [tf.TensorSpec(vv.shape, tf.float32) for vv in template.trainable_variables]
        nw_sig = [tf.TensorSpec(vv.shape, vv.dtype) for vv in template.non_trainable_variables]
        self.w_sig = (w_sig, nw_sig)
        n_in = template.inputs[0].shape[-1] if getattr(template, "inputs", None) else None
        self.x_sig = tf.TensorSpec((None, n_in), tf.float32)
        out = template.outputs[0].shape[-1] if getattr(template, "outputs", None) else None
        self.n_out = out

    # the forward pass with explicit weights
    def logits_fn(self, w, x):
        out, _ = self.template.stateless_call(w[0], w[1], x, training=False)
        return tf.cast(out, tf.float32)

    def fn(self, name: str, builder, *extra_sig):
        key = (name,)
        f = self._fns.get(key)
        if f is None:
            with _lock:
                f = self._fns.get(key)
                if f is None:
                    f = tf.function(builder(self), input_signature=[self.w_sig, *extra_sig], reduce_retracing=True)
                    self._fns[key] = f
        return f


def engine_for(model):
    """(engine, weights) for ``model``; the engine is shared by same-shaped models."""
    check_model(model)
    key = _arch_key(model)
    eng = _engines.get(key)
    if eng is None:
        with _lock:
            eng = _engines.get(key)
            if eng is None:
                eng = Engine(model)
                _engines[key] = eng
    w = ([tf.convert_to_tensor(vv.value if hasattr(vv, "value") else vv, tf.float32)
          for vv in model.trainable_variables],
         [tf.convert_to_tensor(vv.value if hasattr(vv, "value") else vv) for vv in model.non_trainable_variables])
    return eng, w


# ----------------------------------------------------------------- helpers ---

def per_example_ce(z, labels):
    """The model's own cross-entropy per example: sigmoid for (N, 1), softmax for (N, K)."""
    if z.shape[-1] == 1:
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.cast(labels, tf.float32), logits=z[:, 0])
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=z)


def predict_from_logits(z):
    if z.shape[-1] == 1:
        return tf.cast(z[:, 0] > 0, tf.int32)
    return tf.cast(tf.argmax(z, axis=1), tf.int32)


def n_classes_of(eng: Engine) -> int:
    return 2 if eng.n_out == 1 else int(eng.n_out)


def logits(model, x) -> np.ndarray:
    """Logits of ``model`` on ``x`` as a NumPy array, through the compiled graph."""
    eng, w = engine_for(model)
    f = eng.fn("logits", lambda e: (lambda w_, x_: e.logits_fn(w_, x_)), eng.x_sig)
    x = np.asarray(x, np.float32)
    return f(w, x).numpy()


def predict(model, x) -> np.ndarray:
    z = logits(model, x)
    return (z[:, 0] > 0).astype(np.int64) if z.shape[1] == 1 else np.argmax(z, 1).astype(np.int64)


def proba(model, x) -> np.ndarray:
    """Class probabilities ``(N, K)`` (K = 2 for a one-logit model)."""
    return probs_from_logits(logits(model, x))


def random_delta(rng: np.random.Generator, shape: tuple[int, int], *, eps, norm: str,
                 sphere: bool = False) -> np.ndarray:
    """Random perturbations ``(N, D)`` (float64) of size at most ``eps``:
    uniform in the L-inf box, or uniform in the L2 ball (``sphere=True``: on its
    surface, L2 length exactly ``eps``). The start of PGD and the noise baseline."""
    if norm == "linf":
        return rng.uniform(-eps, eps, size=shape)
    g = rng.normal(size=shape)
    g /= np.maximum(np.linalg.norm(g, axis=1, keepdims=True), 1e-12)
    if not sphere:
        g *= rng.uniform(0, 1, size=(shape[0], 1)) ** (1.0 / shape[1])
    return g * eps


# ------------------------------------------------------------- validation ---

def check_inputs(eng: Engine, x, y, *, clip=None, target=None, targeted=False):
    """Validate x, y, clip, target; return arrays ready for the graphs."""
    x = v.features("x", x)
    n, d = x.shape
    if eng.x_sig.shape[-1] is not None and d != eng.x_sig.shape[-1]:
        raise ValueError(f"x must have {eng.x_sig.shape[-1]} features for this model, got {d}")
    k = n_classes_of(eng)
    y = v.labels("y", y, n, k).astype(np.int32)
    lo, hi = clip_bounds(clip, d)
    if np.any(x < lo - 1e-6) or np.any(x > hi + 1e-6):
        raise ValueError("x must lie inside clip=(lo, hi); got values outside it")
    t = y
    if targeted:
        if target is None:
            raise ValueError("target must be given (a class index or one per point) when targeted=True")
        t = np.broadcast_to(np.asarray(target), (n,))
        if not np.all(np.equal(np.mod(t, 1), 0)) or t.min() < 0 or t.max() >= k:
            raise ValueError(f"target must be a class in [0, {k - 1}] for this {k}-class model, got {target!r}")
        t = t.astype(np.int32)
    return x, y, t, lo, hi


def clip_bounds(clip, d: int):
    """Per-feature (lo, hi) float32 arrays; +-inf when ``clip`` is None."""
    if clip is None:
        return np.full(d, -np.inf, np.float32), np.full(d, np.inf, np.float32)
    try:
        lo, hi = clip
    except (TypeError, ValueError):
        raise ValueError("clip must be None or a pair (lo, hi) of scalars or per-feature arrays") from None
    lo = np.broadcast_to(np.asarray(lo, np.float32), (d,)).copy()
    hi = np.broadcast_to(np.asarray(hi, np.float32), (d,)).copy()
    if np.any(np.isnan(lo)) or np.any(np.isnan(hi)) or np.any(lo > hi):
        raise ValueError("clip must satisfy lo <= hi for every feature")
    return lo, hi


def check_eps(eps, hi=100.0):
    return v.number("eps", eps, lo=0.0, hi=hi)


def check_norm(norm):
    return v.choice("norm", norm, NORMS)
