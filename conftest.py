"""Root conftest: the doctest namespace and a quiet TensorFlow for every test."""

from __future__ import annotations

import os

import pytest

from tfdocs_sphinx.locations import BUILD_ENVIRONMENT

# The build's environment (quiet TensorFlow, deterministic results) for every
# test and what it starts, before anything imports TensorFlow.
for _name, _value in BUILD_ENVIRONMENT.items():
    os.environ.setdefault(_name, _value)


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
