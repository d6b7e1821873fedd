"""AdvGAN: a generator network trained to turn any input into its adversarial perturbation."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import _validate as v
from .._lazytf import keras, tf
from . import _engine as E

GEN_HIDDEN = (64, 64)
DISC_HIDDEN = (32,)
_TINY = 1e-12
_templates: dict[tuple, object] = {}
_templates_lock = threading.Lock()


def _mlp(n_in: int, hidden: tuple[int, ...], n_out: int, *, name: str, prefix: str, out_activation=None):
    """A small Keras MLP with explicit layer names (automatic ones come from a
    counter that concurrent sessions share)."""
    layers = [keras.Input((n_in,), name=f"{prefix}_input")]
    layers += [keras.layers.Dense(h, activation="relu", name=f"{prefix}_hidden_{i}") for i, h in enumerate(hidden)]
    layers += [keras.layers.Dense(n_out, activation=out_activation, name=f"{prefix}_out")]
    return keras.Sequential(layers, name=name)


def build_generator(n_in: int, n_features: int, hidden: tuple[int, ...] = GEN_HIDDEN):
    """The generator: ``n_in`` inputs (the features, plus a one-hot target for a
    targeted generator) to a direction in ``[-1, 1]^D`` (tanh); the attack
    scales it to the epsilon-ball."""
    return _mlp(n_in, hidden, n_features, name="advgan_generator", prefix="gen", out_activation="tanh")


def build_discriminator(n_features: int, hidden: tuple[int, ...] = DISC_HIDDEN):
    """The discriminator: an input to one logit, "is this a clean input?"."""
    return _mlp(n_features, hidden, 1, name="advgan_discriminator", prefix="disc")


def _template(kind: str, n_in: int, n_out: int, hidden: tuple[int, ...]):
    """One model per architecture whose ``stateless_call`` the compiled
    training uses (the weights go in as tensors), so a new generator of the
    same shape trains without tracing again."""
    key = (kind, n_in, n_out, hidden)
    m = _templates.get(key)
    if m is None:
        with _templates_lock:
            m = _templates.get(key)
            if m is None:
                m = build_generator(n_in, n_out, hidden) if kind == "gen" else build_discriminator(n_in, hidden)
                _templates[key] = m
    return m


def _glorot(rng: np.random.Generator, model) -> list[np.ndarray]:
    """Glorot-uniform kernels and zero biases from ``rng``: the seed alone fixes the start."""
    out = []
    for wv in model.weights:
        shape = tuple(wv.shape)
        if len(shape) == 2:
            lim = np.sqrt(6.0 / (shape[0] + shape[1]))
            out.append(rng.uniform(-lim, lim, size=shape).astype(np.float32))
        else:
            out.append(np.zeros(shape, np.float32))
    return out


def _bound(u, eps, l2: bool):
    """Directions in [-1, 1]^D to perturbations inside the epsilon-ball."""
    if l2:
        n = tf.sqrt(tf.reduce_sum(u * u, axis=1, keepdims=True))
        return eps * u / tf.maximum(n, 1.0)
    return eps * u


def _adv_loss(z, y, t, targeted: bool, kappa):
    """Carlini-Wagner's margin, floored at ``-kappa`` (a one-logit model's logits are (0, z))."""
    if z.shape[-1] == 1:
        z = tf.concat([tf.zeros_like(z), z], axis=1)
    k = z.shape[-1]
    lab = t if targeted else y
    one = tf.one_hot(lab, k)
    own = tf.reduce_sum(one * z, 1)
    other = tf.reduce_max(z - 1e9 * one, 1)
    m = other - own if targeted else own - other
    return tf.maximum(m, -kappa), m < 0


def _adam(params, grads, m, s, step, lr):
    b1, b2 = 0.9, 0.999
    new_p, new_m, new_s = [], [], []
    for p, g, mm, ss in zip(params, grads, m, s, strict=True):
        mm = b1 * mm + (1 - b1) * g
        ss = b2 * ss + (1 - b2) * g * g
        mh = mm / (1 - b1 ** step)
        sh = ss / (1 - b2 ** step)
        new_p.append(p - lr * mh / (tf.sqrt(sh) + 1e-7))
        new_m.append(mm)
        new_s.append(ss)
    return new_p, new_m, new_s


def _epoch_builder(gen, disc, l2: bool, targeted: bool, k: int):
    def build(e):
        def f(w, gw, dw, gm, gs, dm, ds, step, xs, ys, ts, eps, batch, lr, gan_weight, hinge_weight, bound, kappa,
              lo, hi):
            n = tf.shape(xs)[0]
            n_batches = (n + batch - 1) // batch
            tot = tf.zeros((6,), tf.float32)  # loss, adv, gan, hinge, d_loss, fooled
            for b in tf.range(n_batches):
                xb = xs[b * batch:(b + 1) * batch]
                yb = ys[b * batch:(b + 1) * batch]
                tb = ts[b * batch:(b + 1) * batch]
                inp = tf.concat([xb, tf.one_hot(tb, k)], 1) if targeted else xb
                step = step + 1.0
                with tf.GradientTape() as tape:
                    tape.watch(gw)
                    u, _ = gen.stateless_call(gw, [], inp, training=True)
                    xa = tf.clip_by_value(xb + _bound(u, eps, l2), lo, hi)
                    z = e.logits_fn(w, xa)
                    adv, fooled = _adv_loss(z, yb, tb, targeted, kappa)
                    d_fake, _ = disc.stateless_call(dw, [], xa, training=True)
                    gan = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(d_fake), logits=d_fake)[:, 0]
                    size = tf.sqrt(tf.reduce_sum((xa - xb) ** 2, 1) + _TINY)
                    hinge = tf.maximum(size - bound, 0.0)
                    loss = tf.reduce_mean(adv + gan_weight * gan + hinge_weight * hinge)
                gw, gm, gs = _adam(gw, tape.gradient(loss, gw), gm, gs, step, lr)
                xa = tf.stop_gradient(xa)
                with tf.GradientTape() as tape:
                    tape.watch(dw)
                    d_real, _ = disc.stateless_call(dw, [], xb, training=True)
                    d_fake, _ = disc.stateless_call(dw, [], xa, training=True)
                    d_loss = tf.reduce_mean(
                        tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(d_real), logits=d_real)
                        + tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(d_fake), logits=d_fake))
                dw, dm, ds = _adam(dw, tape.gradient(d_loss, dw), dm, ds, step, lr)
                nb = tf.cast(tf.shape(xb)[0], tf.float32)
                tot = tot + nb * tf.stack([loss, tf.reduce_mean(adv), tf.reduce_mean(gan), tf.reduce_mean(hinge),
                                           d_loss, tf.reduce_mean(tf.cast(fooled, tf.float32))])
            return gw, dw, gm, gs, dm, ds, step, tot / tf.cast(n, tf.float32)
        return f
    return build


@dataclass(eq=False)
class AdvGenerator:
    """A trained AdvGAN generator and what it was trained for.

    ``model`` is the Keras generator (inputs: the features, plus a one-hot
    target when ``targeted``; outputs: directions in ``[-1, 1]^D``);
    ``perturb`` scales them to the epsilon-ball. ``target_model`` is the
    fingerprint of the model it was trained against; ``history`` holds the
    per-epoch logs and ``seconds`` the training time.
    """

    model: object
    eps: float
    norm: str
    targeted: bool
    n_classes: int
    target_model: str
    seed: int
    history: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def _inputs(self, x, target):
        if not self.targeted:
            return x
        t = np.broadcast_to(np.asarray(target), (len(x),)).astype(np.int64)
        return np.concatenate([x, np.eye(self.n_classes, dtype=np.float32)[t]], axis=1)

    def perturb(self, x, target=None) -> np.ndarray:
        """The perturbations of ``x`` (float32, inside the epsilon-ball): one
        forward pass of the generator, no question to the attacked model."""
        x = v.features("x", x)
        u = np.asarray(self.model(self._inputs(x, target), training=False), np.float32)
        if self.norm == "l2":
            return (self.eps * u / np.maximum(np.linalg.norm(u, axis=1, keepdims=True), 1.0)).astype(np.float32)
        return (self.eps * u).astype(np.float32)

    def check(self, model, *, eps, norm, targeted) -> None:
        """ValueError unless this generator was trained against ``model`` for this budget and goal."""
        if self.target_model != E.fingerprint(model):
            raise ValueError("generator was trained against another model: train a new one for this model")
        if not np.isclose(self.eps, eps) or self.norm != norm:
            raise ValueError(f"generator was trained for eps={self.eps:g} ({self.norm}); got eps={eps:g} ({norm}): "
                             "train a new one for this budget")
        if bool(targeted) != self.targeted:
            raise ValueError(f"generator was trained {'with' if self.targeted else 'without'} a target; "
                             f"got targeted={bool(targeted)}")


def _epoch_fn(eng, gen_t, disc_t, gw, dw, *, norm: str, targeted: bool, k: int, n_in: int, hidden):
    """The compiled training epoch for these networks, norm and goal: traced
    once per architecture, the weights and optimizer state go in as tensors."""
    ws = lambda ts: [tf.TensorSpec(a.shape, tf.float32) for a in ts]
    f32 = tf.TensorSpec((), tf.float32)
    i32 = tf.TensorSpec((None,), tf.int32)
    fvec = tf.TensorSpec((None,), tf.float32)
    name = f"advgan-{norm}-{targeted}-{n_in}-{hidden}"
    return eng.fn(name, _epoch_builder(gen_t, disc_t, norm == "l2", targeted, k), ws(gw), ws(dw), ws(gw), ws(gw),
                  ws(dw), ws(dw), f32, eng.x_sig, i32, i32, f32, tf.TensorSpec((), tf.int32), f32, f32, f32, f32,
                  f32, fvec, fvec)


def _train_epochs(fn, w, gw, dw, rng, x, y, hyper, *, epochs: int, k: int, targeted: bool, lr: float,
                  on_epoch=None, frames=None):
    """Run ``epochs`` epochs of ``fn`` from the weights ``gw``, ``dw`` (Adam
    starts at zero); ``hyper`` are its trailing arguments (eps, batch size,
    lr, weights, bound, kappa, lo, hi). Returns the generator's weights and
    the per-epoch logs."""
    n = len(x)
    gm, gs = [tf.zeros_like(a) for a in gw], [tf.zeros_like(a) for a in gw]
    dm, ds = [tf.zeros_like(a) for a in dw], [tf.zeros_like(a) for a in dw]
    step = np.float32(0.0)
    history = []
    yi = y.astype(np.int32)
    for epoch in range(1, epochs + 1):
        perm = rng.permutation(n)
        ts = yi[perm]
        if targeted:  # a random other class per point and epoch: the generator learns every target
            ts = ((ts + rng.integers(1, k, size=n)) % k).astype(np.int32)
        gw, dw, gm, gs, dm, ds, step, tot = fn(w, gw, dw, gm, gs, dm, ds, step, x[perm], yi[perm], ts, *hyper)
        tot = tot.numpy()
        logs = dict(zip(("loss", "adv_loss", "gan_loss", "hinge_loss", "d_loss", "fooled"), map(float, tot),
                        strict=True))
        if not np.isfinite(logs["loss"]):
            raise ValueError(f"training diverged in epoch {epoch}: lower lr (got {lr:g})")
        history.append({"epoch": epoch, **logs})
        if frames is not None:
            frames(gw)
        if on_epoch is not None:
            on_epoch(epoch, dict(logs))
    return gw, history


def train_advgan(model, x, y, *, eps: float, norm: str = "linf", epochs: int = 40, batch_size: int = 32,
                 lr: float = 1e-3, gan_weight: float = 0.1, hinge_weight: float = 1.0, hinge_bound: float = 0.5,
                 kappa: float = 1.0, targeted: bool = False, clip=None, seed: int = 0,
                 hidden: tuple[int, ...] = GEN_HIDDEN,
                 on_epoch: Callable[[int, dict], None] | None = None, _frames=None) -> AdvGenerator:
    """Train an AdvGAN generator against ``model`` on the points ``(x, y)``
    (see :func:`advgan` for the method). ``on_epoch(epoch, logs)`` reports
    each epoch: ``loss``, ``adv_loss``, ``gan_loss``, ``hinge_loss``,
    ``d_loss`` and ``fooled`` (the share of the epoch's points fooled as they
    were generated). The same arguments and seed give the same generator."""
    eps = E.check_eps(eps)
    norm = E.check_norm(norm)
    epochs = v.number("epochs", epochs, lo=1, hi=10_000, integer=True)
    batch_size = v.number("batch_size", batch_size, lo=1, hi=100_000, integer=True)
    lr = v.number("lr", lr, lo=0, hi=10, lo_open=True)
    gan_weight = v.number("gan_weight", gan_weight, lo=0.0, hi=1e4)
    hinge_weight = v.number("hinge_weight", hinge_weight, lo=0.0, hi=1e4)
    hinge_bound = v.number("hinge_bound", hinge_bound, lo=0.0, hi=1.0)
    kappa = v.number("kappa", kappa, lo=0.0, hi=1e4)
    seed = v.number("seed", seed, lo=0, hi=2**63 - 1, integer=True)
    hidden = tuple(v.number("hidden width", h, lo=1, hi=4096, integer=True) for h in hidden)
    eng, w = E.engine_for(model)
    x, y, _, lo, hi = E.check_inputs(eng, x, y, clip=clip)
    n, d = x.shape
    k = E.n_classes_of(eng)
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    n_in = d + (k if targeted else 0)
    gen_t = _template("gen", n_in, d, hidden)
    disc_t = _template("disc", d, 1, DISC_HIDDEN)
    gw = [tf.constant(a) for a in _glorot(rng, gen_t)]
    dw = [tf.constant(a) for a in _glorot(rng, disc_t)]
    # the largest L2 the ball allows; the hinge starts to pull at hinge_bound of it
    bound = hinge_bound * (eps * np.sqrt(d) if norm == "linf" else eps)
    fn = _epoch_fn(eng, gen_t, disc_t, gw, dw, norm=norm, targeted=targeted, k=k, n_in=n_in, hidden=hidden)
    hyper = (np.float32(eps), np.int32(batch_size), np.float32(lr), np.float32(gan_weight),
             np.float32(hinge_weight), np.float32(bound), np.float32(kappa), lo, hi)
    gw, history = _train_epochs(fn, w, gw, dw, rng, x, y, hyper, epochs=epochs, k=k, targeted=targeted, lr=lr,
                                on_epoch=on_epoch, frames=_frames)
    # every training point: a forward and a backward pass of the attacked model per epoch
    E.tally(n, forward=epochs, backward=epochs)
    gen = build_generator(n_in, d, hidden)
    gen.set_weights([a.numpy() for a in gw])
    return AdvGenerator(model=gen, eps=float(eps), norm=norm, targeted=bool(targeted), n_classes=k,
                        target_model=E.fingerprint(model), seed=int(seed), history=history,
                        seconds=time.perf_counter() - t0)


def _check_generator(generator, model, width: int, *, eps, norm, targeted) -> None:
    """ValueError unless ``generator`` is an AdvGenerator trained against
    ``model`` for this budget, goal and input width."""
    if not isinstance(generator, AdvGenerator):
        # ValueError like every other bad argument: pages catch one exception type
        raise ValueError(f"generator must be an AdvGenerator from train_advgan, got {type(generator).__name__}")  # noqa: TRY004
    generator.check(model, eps=eps, norm=norm, targeted=targeted)
    if generator.model.inputs[0].shape[-1] != width + (generator.n_classes if targeted else 0):
        raise ValueError("generator was trained on inputs of another width")


def _train_here(model, eng, x, y, t, lo, hi, *, eps, norm, epochs, targeted, clip, seed, on_epoch,
                return_path: bool):
    """Train a generator on the attacked points themselves. Returns
    ``(generator, frames, seconds)``; with ``return_path``, ``frames`` holds
    the points it makes from its untrained start and after each epoch."""
    frames = []
    n_in = x.shape[1] + (E.n_classes_of(eng) if targeted else 0)
    hidden = GEN_HIDDEN
    gen_t = _template("gen", n_in, x.shape[1], hidden)
    inp = x if not targeted else np.concatenate([x, np.eye(E.n_classes_of(eng), dtype=np.float32)[t]], 1)

    def frame(gw):
        u, _ = gen_t.stateless_call(gw, [], inp, training=False)
        u = _bound(tf.cast(u, tf.float32), np.float32(eps), norm == "l2")
        frames.append(np.clip(x + u.numpy(), lo, hi).astype(np.float32))

    t0 = time.perf_counter()
    generator = train_advgan(model, x, y, eps=eps, norm=norm, epochs=epochs, targeted=targeted, clip=clip,
                             seed=seed, on_epoch=on_epoch, _frames=frame if return_path else None)
    train_seconds = time.perf_counter() - t0
    if return_path:
        rng = np.random.default_rng(seed)
        start = [tf.constant(a) for a in _glorot(rng, gen_t)]
        frame(start)
        frames.insert(0, frames.pop())
    return generator, frames, train_seconds


def _apply(generator: AdvGenerator, x, t, lo, hi, *, targeted: bool, train_seconds: float) -> np.ndarray:
    """The generator's adversarial points, its timings and training success to the query log."""
    t0 = time.perf_counter()
    out = np.clip(x + generator.perturb(x, t if targeted else None), lo, hi).astype(np.float32)
    E.record(train_seconds=train_seconds, attack_seconds=time.perf_counter() - t0,
             train_fooled=generator.history[-1]["fooled"] if generator.history else float("nan"))
    return out


def _path(frames: list, x, out) -> np.ndarray:
    """The path ``advgan`` returns: the training frames ending at ``out``, or ``(x, out)``."""
    if not frames:  # a generator trained elsewhere: the path is the one step it takes
        frames = [x, out]
    frames[-1] = out
    return np.stack(frames)


def advgan(model, x, y, *, eps: float, norm: str = "linf", epochs: int = 40, seed: int = 0, targeted: bool = False,
           target=None, clip=None, generator: AdvGenerator | None = None,
           on_epoch: Callable[[int, dict], None] | None = None, return_path: bool = False):
    """AdvGAN: a generator network that maps an input to its adversarial perturbation.

    Xiao, Li, Zhu, He, Liu & Song, "Generating Adversarial Examples with
    Adversarial Networks", IJCAI 2018 (https://arxiv.org/abs/1801.02610).

    A generator ``G`` (a small Keras MLP, :func:`build_generator`) is trained
    against the attacked model, which stays fixed, together with a
    discriminator ``D`` that tells clean inputs from ``x + G(x)``; the
    generator minimizes ``L_adv + alpha * L_GAN + beta * L_hinge``:
    Carlini-Wagner's margin on the attacked model's logits (untargeted:
    ``max(Z_y - max_{j != y} Z_j, -kappa)``; targeted: the target's), the
    non-saturating GAN loss ``-log D(x + G(x))``, and the paper's hinge
    ``max(0, ||G(x)||_2 - c)`` on the perturbation's size. The output is a
    tanh scaled to the epsilon-ball (``eps * tanh`` for L-inf, projected onto
    the L2 ball for L2) and clipped to ``clip``. Once trained it attacks a
    whole set in one forward pass and asks the attacked model nothing.

    With a trained ``generator`` (:func:`train_advgan`, e.g. on training
    data) it only runs it; one trained against another model, for another
    ``eps``/``norm``, or with(out) a target when the call is the other way
    raises ValueError. Without one, a generator is trained here on the points
    ``(x, y)`` themselves for ``epochs`` epochs (``seed`` fixes it: the same
    seed gives the same generator), and the model calls of that training are
    counted against them. ``on_epoch(epoch, logs)`` reports training.

    Deviations and simplifications: both networks are small MLPs, not the
    paper's convolutional nets; the size bound is the tanh scaling (the paper
    clips), so the hinge with ``c`` at half the ball's largest L2 only pulls
    perturbations below that; ``alpha = 0.1``, ``beta = 1``, ``kappa = 1``,
    Adam at 1e-3, batches of 32. Targeted: one generator for every target,
    given the target as a one-hot input and trained on a random other class
    per point and epoch (the paper trains one generator per target).

    With ``return_path`` returns ``(x_adv, path)``: when training here, path
    ``(epochs + 1, N, D)`` holds the adversarial points the generator makes
    after each epoch, from its untrained start; with a trained ``generator``
    it is ``(x, x_adv)``.
    """
    eps = E.check_eps(eps)
    norm = E.check_norm(norm)
    epochs = v.number("epochs", epochs, lo=1, hi=10_000, integer=True)
    eng, _ = E.engine_for(model)
    x, y, t, lo, hi = E.check_inputs(eng, x, y, clip=clip, target=target, targeted=targeted)
    if generator is not None:
        _check_generator(generator, model, x.shape[1], eps=eps, norm=norm, targeted=targeted)
    if eps == 0:
        return (x.copy(), x[None].copy()) if return_path else x.copy()
    frames, train_seconds = [], 0.0
    if generator is None:
        generator, frames, train_seconds = _train_here(
            model, eng, x, y, t, lo, hi, eps=eps, norm=norm, epochs=epochs, targeted=targeted, clip=clip, seed=seed,
            on_epoch=on_epoch, return_path=return_path)
    out = _apply(generator, x, t, lo, hi, targeted=targeted, train_seconds=train_seconds)
    return (out, _path(frames, x, out)) if return_path else out
