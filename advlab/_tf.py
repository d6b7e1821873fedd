"""TensorFlow import with the environment advlab needs, set before TF starts."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # reproducible sums on CPU
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import tensorflow as tf

try:  # Thread pools can only be sized before TF runs its first op.
    _threads = int(os.environ.get("ADVLAB_TF_THREADS", "2"))
    tf.config.threading.set_intra_op_parallelism_threads(_threads)
    tf.config.threading.set_inter_op_parallelism_threads(_threads)
except RuntimeError:
    pass
tf.get_logger().setLevel("ERROR")

import keras

__all__ = ["keras", "tf"]
