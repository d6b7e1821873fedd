"""Compiled model arithmetic shared by all attacks.

Attack loops are ``tf.function`` graphs traced once per *architecture*, not
per model: the weights go in as tensors through Keras'
``stateless_call``. Retraining a network of the same shape therefore costs no
new tracing, and moving a slider never traces at all.

The small helpers the graphs call (the forward pass, the cross-entropy, the
predicted class) branch only on static shapes, so they are kept out of
AutoGraph's source conversion (:data:`static`): converting them cost about
0.2 s of a cold server's first attack and changed nothing in the graph.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import hashlib
import json
import threading
import weakref
from collections import OrderedDict

import numpy as np

from .. import _validate as v
from .._lazytf import keras, tf
from ..models import MLPModel, NumpyMLP, to_keras
from ..numerics import probs_from_logits

NORMS = ("linf", "l2")


def static(f):
    """Mark ``f`` (called inside the graphs; plain Python over static shapes) as
    one AutoGraph calls as it is instead of converting its source. This is what
    ``tf.autograph.experimental.do_not_convert`` sets (AutoGraph calls any
    function carrying ``autograph_info__`` unconverted), without importing
    TensorFlow when this module is imported: were the mark ever ignored, the
    helpers would only be converted again, a little slower to trace."""
    f.autograph_info__ = None
    return f

_lock = threading.Lock()
# Each architecture's graphs cost about 5 MB (measured): a server keeps the
# ones used last, so a class trying every width and depth stays bounded.
MAX_ENGINES = 16
_engines: OrderedDict[str, Engine] = OrderedDict()
_model_keys: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# The architecture key of each MLP spec seen last (that of its Keras model; about 1 KB each)
MAX_SPEC_KEYS = 512
_spec_keys: OrderedDict = OrderedDict()


def _strip_names(obj):
    if isinstance(obj, dict):
        return {k: _strip_names(val) for k, val in obj.items() if k not in ("name",)}
    if isinstance(obj, list | tuple):
        return [_strip_names(val) for val in obj]
    return obj


def _arch_key(model) -> str:
    if isinstance(model, MLPModel):
        return _spec_key(model)
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


def _spec_key(mlp: MLPModel) -> str:
    """The architecture key of ``mlp``'s Keras model, computed once per spec: an
    :class:`~advlab.models.MLPModel` shares the graphs of the Keras models of its
    shape without building one of its own."""
    with _lock:
        key = _spec_keys.get(mlp.spec)
    if key is None:
        template = to_keras(mlp.spec, list(mlp.weights))
        key = _arch_key(template)
        with _lock:
            _spec_keys[mlp.spec] = key
            while len(_spec_keys) > MAX_SPEC_KEYS:
                _spec_keys.popitem(last=False)
            if key not in _engines:
                _engines[key] = Engine(template)
                _trim_engines()
    return key


def check_model(model) -> None:
    """Raise ValueError when ``model`` is not a Keras model (or an
    :class:`~advlab.models.MLPModel`) that outputs logits."""
    if isinstance(model, MLPModel):
        return
    if not isinstance(model, keras.Model):
        # ValueError like every other bad argument: pages catch one exception type
        raise ValueError(f"model must be a keras.Model mapping inputs to logits (or an advlab MLPModel), got {type(model).__name__}")  # noqa: TRY004
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
        self.n_in = template.inputs[0].shape[-1] if getattr(template, "inputs", None) else None
        self.x_sig = tf.TensorSpec((None, self.n_in), tf.float32)
        out = template.outputs[0].shape[-1] if getattr(template, "outputs", None) else None
        self.n_out = out

    # the forward pass with explicit weights
    @static
    def logits_fn(self, w, x):
        out, _ = self.template.stateless_call(w[0], w[1], x, training=False)
        return tf.cast(out, tf.float32)

    def fn(self, name: str, builder, *extra_sig, autograph: bool = True):
        """The graph ``name`` of this architecture, built by ``builder`` once. ``autograph=False``
        for a builder whose Python control flow is all static (its loops are ``tf.while_loop``):
        AutoGraph's rewriting of the source was about two thirds of tracing the default attack,
        which a fresh server's first visitor waits for."""
        key = (name,)
        f = self._fns.get(key)
        if f is None:
            with _lock:
                f = self._fns.get(key)
                if f is None:
                    f = tf.function(builder(self), input_signature=[self.w_sig, *extra_sig], reduce_retracing=True,
                                    autograph=autograph)
                    self._fns[key] = f
        return f


def engine_for(model):
    """(engine, weights) for ``model`` (a Keras model or an
    :class:`~advlab.models.MLPModel`); the engine is shared by same-shaped
    models. The :data:`MAX_ENGINES` architectures used last keep their graphs."""
    check_model(model)
    key = _arch_key(model)
    with _lock:
        eng = _engines.get(key)
        if eng is None and not isinstance(model, MLPModel):
            eng = _engines[key] = Engine(model)
            _trim_engines()
        elif eng is not None:
            _engines.move_to_end(key)
    if eng is None:  # an MLP whose architecture's graphs were dropped: a template of its shape, not its own model
        template = to_keras(model.spec, list(model.weights))
        with _lock:
            eng = _engines.setdefault(key, Engine(template))
            _engines.move_to_end(key)
            _trim_engines()
    if isinstance(model, MLPModel):
        return eng, _mlp_tensors(model)
    w = ([tf.convert_to_tensor(vv.value if hasattr(vv, "value") else vv, tf.float32)
          for vv in model.trainable_variables],
         [tf.convert_to_tensor(vv.value if hasattr(vv, "value") else vv) for vv in model.non_trainable_variables])
    return eng, w


def _trim_engines() -> None:
    """Forget the architectures used longest ago beyond :data:`MAX_ENGINES` (the caller holds ``_lock``)."""
    while len(_engines) > MAX_ENGINES:
        _engines.popitem(last=False)


def _mlp_tensors(mlp: MLPModel):
    """``mlp``'s weights as the engine's inputs (a Dense stack's trainable
    variables are its kernels and biases in Keras' order; it has no others),
    made once per model: its weights never change."""
    w = getattr(mlp, "_engine_weights", None)
    if w is None:
        w = ([tf.constant(a) for a in mlp.weights], [])
        mlp._engine_weights = w  # a race makes equal tensors twice; either is kept
    return w


# ----------------------------------------------------------------- helpers ---

@static
def per_example_ce(z, labels):
    """The model's own cross-entropy per example: sigmoid for (N, 1), softmax for (N, K)."""
    if z.shape[-1] == 1:
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.cast(labels, tf.float32), logits=z[:, 0])
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=z)


@static
def predict_from_logits(z):
    if z.shape[-1] == 1:
        return tf.cast(z[:, 0] > 0, tf.int32)
    return tf.cast(tf.argmax(z, axis=1), tf.int32)


def n_classes_of(eng: Engine | Shape) -> int:
    return 2 if eng.n_out == 1 else int(eng.n_out)


@dataclasses.dataclass(frozen=True)
class Shape:
    """What the input checks need of a model: its input and logit widths."""

    n_in: int | None
    n_out: int | None


def shape_of(model) -> Engine | Shape:
    """``model``'s input and logit widths (:class:`Shape`, or its :class:`Engine`,
    which has them too). An :class:`~advlab.models.MLPModel` is read from its
    spec: no graph, no TensorFlow."""
    if isinstance(model, MLPModel):
        return Shape(model.spec.n_in, model.spec.n_out)
    return engine_for(model)[0]


def numpy_net(mlp: MLPModel) -> NumpyMLP:
    """``mlp`` as the :class:`~advlab.models.NumpyMLP` that runs it, made once per
    model (its weights never change). Its forward and backward passes write
    only arrays they create, so threads share it safely."""
    net = getattr(mlp, "_numpy_net", None)
    if net is None:
        net = NumpyMLP(mlp.spec, weights=list(mlp.weights))
        mlp._numpy_net = net  # a race makes two equal nets; either is kept
    return net


def logits(model, x) -> np.ndarray:
    """Logits of ``model`` on ``x`` as a NumPy array: an
    :class:`~advlab.models.MLPModel` in NumPy, any other model through its
    compiled graph."""
    if isinstance(model, MLPModel):
        return numpy_net(model).logits(np.asarray(x, np.float32))
    eng, w = engine_for(model)
    f = eng.fn("logits", lambda e: (lambda w_, x_: e.logits_fn(w_, x_)), eng.x_sig, autograph=False)
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

def check_inputs(eng: Engine | Shape, x, y, *, clip=None, target=None, targeted=False):
    """Validate x, y, clip, target for a model of ``eng``'s shape (:func:`shape_of`);
    return arrays ready for the graphs."""
    x = v.features("x", x)
    n, d = x.shape
    if eng.n_in is not None and d != eng.n_in:
        raise ValueError(f"x must have {eng.n_in} features for this model, got {d}")
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


def check_query_attack(model, x, y, *, queries, max_queries: int, seed, clip=None, target=None, targeted=False):
    """The checks every query-budget attack (score- or decision-based) makes:
    ``queries`` per point in ``[1, max_queries]``, the ``seed``, the model and
    the inputs (:func:`check_inputs`). Returns ``(queries, seed, x, y, t, lo, hi)``."""
    queries = v.number("queries", queries, lo=1, hi=max_queries, integer=True)
    seed = v.number("seed", seed, lo=0, hi=2**63 - 1, integer=True)
    x, y, t, lo, hi = check_inputs(shape_of(model), x, y, clip=clip, target=target, targeted=targeted)
    return queries, seed, x, y, t, lo, hi


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


# ---------------------------------------------------------------- queries ---
# What an attacker asks the model, counted per point: forward passes (scores or
# labels) and backward passes (gradients). An attack adds to the log that is
# active in its context; with none active, counting costs nothing.

class QueryLog:
    """Per point, the questions one attack asked the model, and what it recorded
    along the way (``trace``: how its result improved with queries; ``info``:
    attack-specific extras such as a universal perturbation)."""

    def __init__(self):
        self.forward: np.ndarray | None = None
        self.backward: np.ndarray | None = None
        self.trace = None
        self.info: dict = {}

    def add(self, n: int, forward=0, backward=0, rows=None) -> None:
        if self.forward is None:
            self.forward = np.zeros(n, np.int64)
            self.backward = np.zeros(n, np.int64)
        if n != self.forward.shape[0]:
            raise RuntimeError(f"query log sized for {self.forward.shape[0]} points got a tally for {n}")
        for arr, val in ((self.forward, forward), (self.backward, backward)):
            val = np.asarray(val, np.int64)
            if rows is None:
                arr += np.broadcast_to(val, arr.shape)
            else:
                rows = np.asarray(rows)
                np.add.at(arr, rows, np.broadcast_to(val, rows.shape))

    @property
    def queries(self) -> np.ndarray | None:
        """Forward plus backward passes, per point."""
        return None if self.forward is None else self.forward + self.backward


_LOG: contextvars.ContextVar[QueryLog | None] = contextvars.ContextVar("advlab_query_log", default=None)


@contextlib.contextmanager
def count_queries():
    """Count the model calls of the attacks run inside the block::

        with count_queries() as log:
            x_adv = square(model, x, y, eps=0.1)
        log.queries  # per point: forward + backward passes
    """
    log = QueryLog()
    token = _LOG.set(log)
    try:
        yield log
    finally:
        _LOG.reset(token)


def tally(n: int, *, forward=0, backward=0, rows=None) -> None:
    """Add model calls to the active log (``rows``: which of the ``n`` points
    they were for; scalar counts apply to each of them)."""
    log = _LOG.get()
    if log is not None:
        log.add(n, forward, backward, rows)


def record(*, trace=None, **info) -> None:
    """Attach a query trace or attack-specific extras to the active log."""
    log = _LOG.get()
    if log is not None:
        if trace is not None:
            log.trace = trace
        log.info.update(info)


class Oracle:
    """The model as a black box: it answers scores (logits) or labels, nothing
    else, and counts each question against the point it was asked for. The
    score- and decision-based attacks see the model only through this."""

    def __init__(self, model, n: int):
        check_model(model)
        self._model = model
        self.n = n
        self.n_classes = n_classes_of(shape_of(model))

    def scores(self, x, rows=None) -> np.ndarray:
        """Logits ``(M, K)`` (``(M, 1)`` for a one-logit model); ``rows`` ``(M,)``
        says which point each query is for (default: row i is point i)."""
        z = logits(self._model, x)
        tally(self.n, forward=1, rows=rows)
        return z

    def labels(self, x, rows=None) -> np.ndarray:
        z = self.scores(x, rows)
        return (z[:, 0] > 0).astype(np.int64) if z.shape[1] == 1 else np.argmax(z, 1).astype(np.int64)


def margin(z: np.ndarray, labels: np.ndarray, *, targeted: bool = False) -> np.ndarray:
    """How far each point still is from being adversarial on the logits ``z``
    (< 0: it is): ``Z_y - max_{j != y} Z_j`` (untargeted, ``labels`` = y) or
    ``max_{j != t} Z_j - Z_t`` (targeted, ``labels`` = t). A one-logit model's
    logits count as ``(0, z)``."""
    z = np.asarray(z, np.float64)
    if z.shape[1] == 1:
        z = np.concatenate([np.zeros_like(z), z], axis=1)
    idx = np.arange(z.shape[0])
    own = z[idx, labels]
    other = z.copy()
    other[idx, labels] = -np.inf
    best_other = other.max(1)
    return best_other - own if targeted else own - best_other


def fingerprint(model) -> str:
    """A digest of ``model``'s architecture and weights: artefacts trained
    against one model (an AdvGAN generator, a universal perturbation) carry it
    and refuse another. An :class:`~advlab.models.MLPModel` and its Keras
    model have the same fingerprint."""
    h = hashlib.sha256(_arch_key(model).encode())
    ws = model.weights if isinstance(model, MLPModel) else [wv.value if hasattr(wv, "value") else wv
                                                            for wv in model.weights]
    for wv in ws:
        h.update(np.ascontiguousarray(np.asarray(wv, np.float32)).tobytes())
    return h.hexdigest()[:16]


@dataclasses.dataclass(frozen=True)
class QueryTrace:
    """How an attack's result improved as it asked more questions: row ``i``
    is the state after ``queries[i, j]`` questions about point ``j``.

    ``distance[i, j]`` is the size (in ``norm``) of point j's current
    candidate and ``fooled[i, j]`` whether that candidate fools the model
    (reaches the target). The pages draw success, accuracy or median distance
    against the mean number of queries.
    """

    queries: np.ndarray  # (T, N) int64
    distance: np.ndarray  # (T, N) float64
    fooled: np.ndarray  # (T, N) bool
    norm: str

    def mean_queries(self) -> np.ndarray:
        """(T,) questions per point, on average, at each recorded moment."""
        return self.queries.mean(1)

    def success_rate(self, among=None) -> np.ndarray:
        """(T,) share of the points ``among`` (a mask; default all) fooled so far."""
        f = self.fooled if among is None else self.fooled[:, np.asarray(among, bool)]
        return f.mean(1) if f.shape[1] else np.zeros(f.shape[0])

    def success_within(self, eps: float, among=None) -> np.ndarray:
        """(T,) share of the points ``among`` with a fooling candidate no larger
        than ``eps``: a decision-based attack's success at a page's budget."""
        mask = np.ones(self.fooled.shape[1], bool) if among is None else np.asarray(among, bool)
        if not mask.any():
            return np.zeros(self.fooled.shape[0])
        fits = self.distance <= eps * (1 + 1e-5) + 1e-7
        return (self.fooled & fits)[:, mask].mean(1)

    def median_distance(self, among=None) -> np.ndarray:
        """(T,) median size of the fooling candidates among ``among`` (NaN while there is none)."""
        mask = np.ones(self.fooled.shape[1], bool) if among is None else np.asarray(among, bool)
        d = np.where(self.fooled & mask[None, :], self.distance, np.nan)
        out = np.full(d.shape[0], np.nan)
        has = np.any(np.isfinite(d), axis=1)
        if has.any():
            out[has] = np.nanmedian(d[has], axis=1)
        return out


class TraceRecorder:
    """Collects the rows of a :class:`QueryTrace` as an attack runs."""

    def __init__(self, norm: str):
        self.norm = norm
        self.rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, queries, delta, fooled) -> None:
        delta = np.asarray(delta, np.float64)
        size = np.abs(delta).max(1) if self.norm == "linf" else (
            (np.abs(delta) > 1e-6).sum(1).astype(np.float64) if self.norm == "l0" else np.linalg.norm(delta, axis=1))
        self.rows.append((np.array(queries, np.int64), size, np.array(fooled, bool)))

    def trace(self) -> QueryTrace:
        q, d, f = (np.stack(col) for col in zip(*self.rows, strict=True))
        return QueryTrace(queries=q, distance=d, fooled=f, norm=self.norm)
