"""Tests for tfdocs_helpers.seeding: one-call seeding and the sphinx-gallery hook."""

from __future__ import annotations

import inspect
import random
from typing import Any

import numpy as np
import pytest

from tfdocs_helpers.seeding import reset_gallery_state, seed_everything


def _draws() -> dict[str, Any]:
    """One draw from every random source the pages use."""
    import keras
    import tensorflow as tf

    dense = keras.layers.Dense(2)
    dense.build((None, 3))
    return {
        "python": random.random(),
        "numpy": np.random.rand(3).tolist(),  # noqa: NPY002 - the global RNG is the point
        "tf": tf.random.uniform((3,)).numpy().tolist(),
        "keras": keras.ops.convert_to_numpy(keras.random.uniform((3,))).tolist(),
        "dense": dense.kernel.numpy().tolist(),
        "init": keras.ops.convert_to_numpy(
            keras.initializers.GlorotUniform()((3, 2))
        ).tolist(),
        "shuffle": [
            int(v) for v in tf.data.Dataset.range(8).shuffle(8).as_numpy_iterator()
        ],
    }


def test_seed_everything_reproduces_every_source() -> None:
    seed_everything(123)
    first = _draws()
    seed_everything(123)
    assert _draws() == first
    seed_everything(124)
    other = _draws()
    for source in ("python", "numpy", "tf", "keras", "dense", "init", "shuffle"):
        assert other[source] != first[source], source


def test_seed_everything_accepts_numpy_integers() -> None:
    seed_everything(np.int64(7))
    first = _draws()
    seed_everything(7)
    assert _draws() == first


def test_op_determinism_is_enabled() -> None:
    # TF 2.21 has no public getter; tf.config.experimental only has the setter.
    from tensorflow.python.framework.config import is_op_determinism_enabled

    seed_everything(0)
    assert is_op_determinism_enabled()


def test_deterministic_false_leaves_op_determinism_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tensorflow as tf

    calls: list[str] = []
    monkeypatch.setattr(
        tf.config.experimental,
        "enable_op_determinism",
        lambda: calls.append("enable"),
    )
    seed_everything(5, deterministic=False)
    assert calls == []
    value = random.random()
    seed_everything(5)
    assert calls == ["enable"]
    assert random.random() == value


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"seed": "1"}, TypeError, "seed must be an int; got str '1'"),
        ({"seed": 1.0}, TypeError, "seed must be an int; got float 1.0"),
        ({"seed": True}, TypeError, "seed must be an int; got bool True"),
        ({"seed": None}, TypeError, "seed must be an int; got NoneType None"),
        ({"seed": -1}, ValueError, r"seed must be in \[0, 4294967295\]; got -1"),
        ({"seed": 2**32}, ValueError, "seed must be in .*got 4294967296"),
        ({"deterministic": 1}, TypeError, "deterministic must be a bool; got int 1"),
    ],
)
def test_seed_everything_bad_input(
    kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        seed_everything(**kwargs)


def test_reset_gallery_state_clears_session_and_reseeds() -> None:
    import keras

    keras.layers.Dense(1)
    assert keras.layers.Dense(1).name != "dense"
    seed_everything(0)
    expected = _draws()
    random.random()  # move every source on, as an example would
    keras.random.uniform((2,))
    reset_gallery_state({}, "examples/plot_intro.py", "before")
    assert keras.layers.Dense(1).name == "dense"
    assert keras.layers.Dense(1).name == "dense_1"
    # After an example nothing changes: the next example's call clears.
    reset_gallery_state({}, "examples/plot_intro.py", "after")
    assert keras.layers.Dense(1).name == "dense_2"
    reset_gallery_state({}, None, "before")
    assert _draws() == expected


def test_reset_gallery_state_fits_sphinx_gallery() -> None:
    import keras

    params = list(inspect.signature(reset_gallery_state).parameters)
    assert params == ["gallery_conf", "fname", "when"]
    scrapers = pytest.importorskip("sphinx_gallery.scrapers")
    conf = {"reset_modules": ("tfdocs_helpers.seeding.reset_gallery_state",)}
    keras.layers.Dense(1)
    scrapers.clean_modules(conf, None, "before")
    assert keras.layers.Dense(1).name == "dense"
