"""TensorFlow and Keras, imported on first use.

Importing TensorFlow takes several seconds of a fresh server's CPU. The attack
modules name ``tf`` and ``keras`` everywhere, but a page that only attacks
advlab's own networks (:class:`~advlab.models.MLPModel`, run in NumPy by
:mod:`advlab.attacks`) never needs them: these stand-ins import
:mod:`advlab._tf` (TensorFlow with advlab's settings) the first time one of
their attributes is read, and are the real modules' attributes from then on.
"""

from __future__ import annotations

import importlib

__all__ = ["keras", "tf"]


class _OnFirstUse:
    __slots__ = ("_name",)

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str):
        return getattr(getattr(importlib.import_module("advlab._tf"), self._name), attr)

    def __repr__(self) -> str:
        return f"<{self._name}, imported on first use>"


tf = _OnFirstUse("tf")
keras = _OnFirstUse("keras")
