"""Random noise within the attack's budget: the baseline that shows
adversarial directions are special."""

from __future__ import annotations

import numpy as np

from .. import _validate as v
from . import _engine as E


def noise(model, x, y, *, eps: float, norm: str = "linf", seed: int = 0, clip=None) -> np.ndarray:
    """Random perturbation with the same budget as an attack.

    ``norm="linf"``: uniform in the box ``[-eps, eps]^D``, so within the
    budget but not of the attack's size: its L2 length is about
    ``eps * sqrt(D / 3)``, against ``eps * sqrt(D)`` for an FGSM step (a
    corner of the box). ``norm="l2"``: a Gaussian direction scaled to L2
    length exactly ``eps``. Then clipped to ``clip``. No gradient is used:
    comparing it with FGSM/PGD at the same
    epsilon shows that high-dimensional models are robust to random noise
    yet fragile along a few chosen directions (Szegedy et al. 2014,
    https://arxiv.org/abs/1312.6199; Fawzi et al. 2016,
    https://arxiv.org/abs/1608.08967).
    """
    eps = E.check_eps(eps)
    norm = E.check_norm(norm)
    seed = v.number("seed", seed, lo=0, hi=2**63 - 1, integer=True)
    x, y, _, lo, hi = E.check_inputs(E.shape_of(model), x, y, clip=clip)
    d = E.random_delta(np.random.default_rng(seed), x.shape, eps=eps, norm=norm, sphere=True)
    return np.clip(x + d.astype(np.float32), lo, hi).astype(np.float32)
