"""Reproducible randomness for pages, gallery examples and doctests.

:func:`seed_everything` seeds Python, NumPy, TensorFlow and Keras in one call
and turns on TensorFlow's op determinism. :func:`reset_gallery_state` is the
sphinx-gallery hook that gives every example a fresh Keras session and the
same seeds. Keras and TensorFlow are imported only when a function is called.

Python's string hashing (``PYTHONHASHSEED``) is fixed when the interpreter
starts, so it cannot be seeded from here; set it in the build environment if
an example's output depends on the order of a ``set``.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import os
    from collections.abc import Mapping

__all__ = ["reset_gallery_state", "seed_everything"]

_MAX_SEED = 2**32 - 1  # the largest seed NumPy's legacy global RNG accepts


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        msg = f"seed must be an int; got {type(seed).__name__} {seed!r}"
        raise TypeError(msg)
    if not 0 <= int(seed) <= _MAX_SEED:
        msg = f"seed must be in [0, {_MAX_SEED}]; got {seed}"
        raise ValueError(msg)
    return int(seed)


def _check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        msg = f"{name} must be a bool; got {type(value).__name__} {value!r}"
        raise TypeError(msg)
    return value


def seed_everything(seed: int = 0, *, deterministic: bool = True) -> None:
    """Seed Python, NumPy, TensorFlow and Keras, and make TensorFlow ops repeatable.

    Calls ``keras.utils.set_random_seed``, which seeds :mod:`random`,
    NumPy's global RNG (``np.random``) and TensorFlow's global seed
    (``tf.random``, ``tf.data`` shuffles, weight initialisers), and resets the
    global Keras ``SeedGenerator`` behind unseeded ``keras.random`` calls.

    Parameters
    ----------
    seed : int
        The seed, in ``[0, 2**32 - 1]``.
    deterministic : bool
        Also call ``tf.config.experimental.enable_op_determinism()``, so
        ops pick deterministic kernels and ``tf.data`` keeps its order. This
        is process-wide and cannot be undone from here; ``False`` leaves the
        current setting as it is. Op determinism can make a few GPU ops raise
        and slows some down; on CPU it costs little.

    Returns
    -------
    None
        Only global random state changes.

    Raises
    ------
    TypeError
        If `seed` is not an int (``bool`` is refused) or `deterministic` is
        not a bool.
    ValueError
        If `seed` is negative or larger than ``2**32 - 1``.

    Examples
    --------
    >>> import random
    >>> seed_everything(42)
    >>> first = random.random(), np.random.rand(), keras.random.uniform((3,))
    >>> seed_everything(42)
    >>> second = random.random(), np.random.rand(), keras.random.uniform((3,))
    >>> first[0] == second[0], first[1] == second[1]
    (True, True)
    >>> bool(keras.ops.all(first[2] == second[2]))
    True
    """
    seed = _check_seed(seed)
    deterministic = _check_bool("deterministic", deterministic)
    import keras

    keras.utils.set_random_seed(seed)
    if deterministic:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def reset_gallery_state(
    gallery_conf: Mapping[str, Any], fname: str | os.PathLike[str] | None, when: str
) -> None:
    """Give the next sphinx-gallery example a clean Keras session and seed 0.

    Before an example it clears the Keras session (models, layer-name
    counters, the global seed) with ``keras.backend.clear_session()``, then
    calls ``seed_everything(0)``. After an example it does nothing: the next
    example's call clears the session, and each clear costs a full garbage
    collection (a fraction of a second once TensorFlow is loaded). Matplotlib
    is left to sphinx-gallery's own ``"matplotlib"`` reset. In ``conf.py`` list it by its fully qualified
    name, which sphinx-gallery imports::

        sphinx_gallery_conf = {
            "reset_modules": (
                "matplotlib",
                "tfdocs_helpers.seeding.reset_gallery_state",
            ),
        }

    Parameters
    ----------
    gallery_conf : Mapping
        The sphinx-gallery configuration (unused).
    fname : str or os.PathLike or None
        The example about to run or just run; ``None`` when sphinx-gallery
        enters a directory of examples (unused).
    when : str
        ``"before"`` or ``"after"`` the example. sphinx-gallery passes this
        third argument only to hooks whose third parameter is named ``when``.

    Returns
    -------
    None
        Only Keras and random state change, and only before an example.

    Examples
    --------
    >>> keras.layers.Dense(1).name.startswith("dense")
    True
    >>> reset_gallery_state({}, "plot_intro.py", "before")
    >>> keras.layers.Dense(1).name
    'dense'
    """
    if when == "after":
        return
    import keras

    keras.backend.clear_session()
    seed_everything(0)
