"""Root conftest: the doctest namespace and a quiet TensorFlow for every test."""

from __future__ import annotations

import os

import pytest

# Quiet TensorFlow's C++ start-up logging before anything imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


@pytest.fixture(autouse=True)
def _doctest_namespace(
    request: pytest.FixtureRequest, doctest_namespace: dict[str, object]
) -> None:
    """Put ``np``, ``tf`` and ``keras`` into every doctest's namespace."""
    if not isinstance(request.node, pytest.DoctestItem):
        return  # plain tests import what they use; don't pay for TensorFlow
    import keras
    import numpy as np
    import tensorflow as tf

    doctest_namespace.update(np=np, tf=tf, keras=keras)
