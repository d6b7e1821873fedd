"""Adversarial attacks on any Keras model that outputs logits.

Every attack is ``attack(model, x, y, *, ...) -> np.ndarray`` (float32, the
shape of x). See :data:`ATTACKS` for the list and :func:`run_attack` to run one
by name with its bookkeeping, including the questions it asked the model
(:func:`count_queries` counts them around any call).

The threat models side by side (``ATTACKS[k].knows``): white-box attacks read
gradients (FGSM, BIM, PGD, MI-FGSM, DeepFool, C&W, JSMA, and the universal
perturbation while it is fitted); the Square attack sees only scores;
HopSkipJump sees only labels; AdvGAN trains a generator once
(:func:`train_advgan`) and then attacks without asking the model anything.
"""

from ..numerics import norms
from ._engine import NORMS, QueryTrace, count_queries, logits, predict, proba
from .advgan import AdvGenerator, advgan, build_generator, train_advgan
from .cw import cw_l2
from .deepfool import deepfool
from .gradient import bim, fgsm, iterate, loss_gradient, mim, pgd
from .hopskipjump import hopskipjump
from .jsma import jsma
from .noise import noise
from .registry import ALL_NORMS, ATTACKS, EPS, KNOWS, AttackResult, AttackSpec, Param, check_params, run_attack
from .square import square
from .universal import UniversalPerturbation, fit_universal, universal

__all__ = ["ALL_NORMS", "ATTACKS", "EPS", "KNOWS", "NORMS", "AdvGenerator", "AttackResult", "AttackSpec", "Param",
           "QueryTrace", "UniversalPerturbation", "advgan", "bim", "build_generator", "check_params", "count_queries",
           "cw_l2", "deepfool", "fgsm", "fit_universal", "hopskipjump", "iterate", "jsma", "logits", "loss_gradient",
           "mim", "noise", "norms", "pgd", "predict", "proba", "run_attack", "square", "train_advgan", "universal"]
