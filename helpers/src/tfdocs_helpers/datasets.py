"""Small offline datasets for the pages: bundled scikit-learn data and generators.

Nothing here downloads. The loaders read the files shipped inside scikit-learn
(never a ``fetch_*`` function) and the generators are seeded NumPy code, so a
given ``seed`` always gives the same arrays. Loaders return a :class:`Split`
with train/validation/test parts (stratified for classification);
:meth:`Split.as_datasets` turns it into ``tf.data`` pipelines. Features are left unscaled (except the digit
images) because the pages teach ``keras.layers.Normalization``.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import tensorflow as tf

__all__ = [
    "Split",
    "load_breast_cancer",
    "load_diabetes",
    "load_digits",
    "load_wine",
    "make_windows",
    "seasonal_series",
    "tiny_text_corpus",
    "two_spirals",
]

_MAX_SEED = 2**32 - 1  # what NumPy and scikit-learn accept


def _type_error(name: str, expected: str, value: object) -> TypeError:
    msg = f"{name} must be {expected}; got {type(value).__name__} {value!r}"
    return TypeError(msg)


def _check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _type_error(name, "a bool", value)
    return value


def _check_int(
    name: str, value: object, *, minimum: int, maximum: float = math.inf
) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise _type_error(name, "an int", value)
    if not minimum <= int(value) <= maximum:
        bounds = f"in [{minimum}, {maximum}]" if maximum < math.inf else f">= {minimum}"
        msg = f"{name} must be {bounds}; got {value}"
        raise ValueError(msg)
    return int(value)


def _check_real(name: str, value: object, *, minimum: float = -math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _type_error(name, "a real number", value)
    if not (math.isfinite(value) and float(value) >= minimum):
        msg = f"{name} must be a finite number >= {minimum}; got {value}"
        raise ValueError(msg)
    return float(value)


def _check_fraction(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _type_error(name, "a float in (0, 1)", value)
    if not 0 < float(value) < 1:
        msg = f"{name} must be in (0, 1); got {value}"
        raise ValueError(msg)
    return float(value)


@dataclass(frozen=True, eq=False, repr=False)
class Split:
    """A dataset cut into train, validation and test parts (NumPy arrays).

    Attributes
    ----------
    x_train, y_train, x_val, y_val, x_test, y_test : numpy.ndarray
        Features and targets of each part; shapes and dtypes are given by the
        function that made the split.
    feature_names : tuple of str
        One name per feature column.
    target_names : tuple of str
        Class names indexed by class id; empty for regression.
    name : str
        Short dataset name, e.g. ``"digits"``.

    Examples
    --------
    >>> load_wine()
    Split('wine', x_train=(124, 13), y_train=(124,), x_val=(27, 13), y_val=(27,),
          x_test=(27, 13), y_test=(27,))
    """

    x_train: npt.NDArray[Any]
    y_train: npt.NDArray[Any]
    x_val: npt.NDArray[Any]
    y_val: npt.NDArray[Any]
    x_test: npt.NDArray[Any]
    y_test: npt.NDArray[Any]
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]
    name: str

    def __repr__(self) -> str:
        """Show the name and the shape of every array."""
        fields = ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")
        shapes = ", ".join(f"{f}={getattr(self, f).shape}" for f in fields)
        return f"Split({self.name!r}, {shapes})"

    def as_datasets(
        self, *, batch_size: int = 32, shuffle: bool = True, seed: int = 0
    ) -> tuple[tf.data.Dataset, tf.data.Dataset, tf.data.Dataset]:
        """Wrap the three parts as batched, prefetched ``tf.data`` pipelines.

        Parameters
        ----------
        batch_size : int
            Samples per batch; the last batch may be smaller.
        shuffle : bool
            Shuffle the training part (whole-set buffer, new order each epoch,
            reproducible from `seed`). Validation and test keep their order.
        seed : int
            Seed of the shuffle.

        Returns
        -------
        tuple of tf.data.Dataset
            ``(train, val, test)``, each yielding ``(x, y)`` batches with the
            arrays' dtypes (``tf.string`` for text) and a leading batch axis.

        Examples
        --------
        >>> train, val, test = load_digits().as_datasets(batch_size=64)
        >>> x, y = next(iter(train))
        >>> x.shape, x.dtype, y.shape, y.dtype
        (TensorShape([64, 8, 8, 1]), tf.float32, TensorShape([64]), tf.int32)
        """
        batch_size = _check_int("batch_size", batch_size, minimum=1)
        shuffle = _check_bool("shuffle", shuffle)
        seed = _check_int("seed", seed, minimum=0, maximum=_MAX_SEED)
        import tensorflow as tf

        def pipeline(x: npt.NDArray[Any], y: npt.NDArray[Any], mix: bool) -> Any:
            ds = tf.data.Dataset.from_tensor_slices((x, y))
            if mix:
                ds = ds.shuffle(
                    max(len(y), 1), seed=seed, reshuffle_each_iteration=True
                )
            return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)

        return (
            pipeline(self.x_train, self.y_train, shuffle),
            pipeline(self.x_val, self.y_val, False),
            pipeline(self.x_test, self.y_test, False),
        )


def _split_options(
    val_fraction: object, test_fraction: object, seed: object
) -> dict[str, Any]:
    """Validate the options every loader shares; return them as keywords."""
    val = _check_fraction("val_fraction", val_fraction)
    test = _check_fraction("test_fraction", test_fraction)
    if val + test >= 1:
        msg = f"val_fraction + test_fraction must be < 1; got {val} + {test}"
        raise ValueError(msg)
    seed = _check_int("seed", seed, minimum=0, maximum=_MAX_SEED)
    return {"val_fraction": val, "test_fraction": test, "seed": seed}


def _split(
    name: str,
    x: npt.NDArray[Any],
    y: npt.NDArray[Any],
    feature_names: tuple[str, ...],
    target_names: tuple[str, ...],
    *,
    val_fraction: float,
    test_fraction: float,
    seed: int,
) -> Split:
    """Cut ``x, y`` in three, stratified on ``y`` when there are `target_names`."""
    from sklearn.model_selection import train_test_split

    n = len(y)  # round() first: 0.15 * 400 is 60.000000000000007
    n_val, n_test = (math.ceil(round(f * n, 9)) for f in (val_fraction, test_fraction))
    need = len(target_names) or 1  # stratifying puts every class in every part
    if min(n - n_val - n_test, n_val, n_test) < need:
        msg = (
            f"{name}: {n} samples are too few to split with val_fraction="
            f"{val_fraction} and test_fraction={test_fraction}; each of the "
            f"train, validation and test parts needs at least {need}"
        )
        raise ValueError(msg)
    x_rest, x_test, y_rest, y_test = train_test_split(
        x, y, test_size=n_test, random_state=seed, stratify=y if need > 1 else None
    )
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest,
        y_rest,
        test_size=n_val,
        random_state=seed,
        stratify=y_rest if need > 1 else None,
    )
    arrays = (x_train, y_train, x_val, y_val, x_test, y_test)
    return Split(*arrays, feature_names, target_names, name)


def _bundled(name: str, options: dict[str, Any], *, images: bool = False) -> Split:
    """Load scikit-learn's bundled ``load_<name>`` data (no download) and split it."""
    from sklearn import datasets

    targets: tuple[str, ...] = ()  # regression
    if name == "diabetes":
        bunch = datasets.load_diabetes(scaled=False)  # raw units, not standardised
        y = bunch.target.astype(np.float32)
    else:
        bunch = getattr(datasets, f"load_{name}")()
        y, targets = bunch.target.astype(np.int32), tuple(map(str, bunch.target_names))
    x = bunch.data.astype(np.float32)
    if images:
        x = (x / 16).reshape(-1, 8, 8, 1)
    features = tuple(map(str, bunch.feature_names))
    return _split(name, x, y, features, targets, **options)


def load_digits(
    *,
    val_fraction: float = 0.15,
    test_fraction: float = 0.15,
    seed: int = 0,
    images: bool = True,
) -> Split:
    """Load the 1,797 8x8 handwritten digits bundled with scikit-learn.

    Parameters
    ----------
    val_fraction, test_fraction : float
        Shares of the samples in the validation and test parts, each in (0, 1)
        with a sum below 1. Every part keeps the class balance.
    seed : int
        Seed of the split.
    images : bool
        Give 8x8x1 images scaled to [0, 1] instead of 64 raw pixel counts (0-16).

    Returns
    -------
    Split
        ``x``: float32, shape ``(n, 8, 8, 1)`` in [0, 1] if `images`, else
        ``(n, 64)`` in [0, 16]. ``y``: int32 class ids 0-9, shape ``(n,)``;
        `target_names` ``"0"`` to ``"9"``. Parts of 1257/270/270 by default.

    Examples
    --------
    >>> data = load_digits()
    >>> data.x_train.shape, data.x_train.dtype, data.y_train.dtype
    ((1257, 8, 8, 1), dtype('float32'), dtype('int32'))
    >>> load_digits(images=False).x_val.shape
    (270, 64)
    """
    images = _check_bool("images", images)
    options = _split_options(val_fraction, test_fraction, seed)
    return _bundled("digits", options, images=images)


def load_wine(
    *, val_fraction: float = 0.15, test_fraction: float = 0.15, seed: int = 0
) -> Split:
    """Load the 178 wines (13 chemical measurements, 3 cultivars).

    Parameters
    ----------
    val_fraction, test_fraction, seed
        As in :func:`load_digits`.

    Returns
    -------
    Split
        ``x``: float32, shape ``(n, 13)``, raw units. ``y``: int32 class ids
        0-2, shape ``(n,)``. Parts of 124/27/27 by default.

    Examples
    --------
    >>> data = load_wine()
    >>> data.x_train.shape, data.x_train.dtype, data.target_names
    ((124, 13), dtype('float32'), ('class_0', 'class_1', 'class_2'))
    """
    return _bundled("wine", _split_options(val_fraction, test_fraction, seed))


def load_breast_cancer(
    *, val_fraction: float = 0.15, test_fraction: float = 0.15, seed: int = 0
) -> Split:
    """Load the 569 Wisconsin breast-cancer biopsies (30 features, 2 classes).

    Parameters
    ----------
    val_fraction, test_fraction, seed
        As in :func:`load_digits`.

    Returns
    -------
    Split
        ``x``: float32, shape ``(n, 30)``, raw units. ``y``: int32, shape
        ``(n,)``; 0 is ``"malignant"``, 1 ``"benign"``. Parts of 397/86/86.

    Examples
    --------
    >>> data = load_breast_cancer()
    >>> data.x_test.shape, data.y_test.dtype, data.target_names
    ((86, 30), dtype('int32'), ('malignant', 'benign'))
    """
    return _bundled("breast_cancer", _split_options(val_fraction, test_fraction, seed))


def load_diabetes(
    *, val_fraction: float = 0.15, test_fraction: float = 0.15, seed: int = 0
) -> Split:
    """Load the 442 diabetes patients (10 features; regression target).

    Parameters
    ----------
    val_fraction, test_fraction, seed
        As in :func:`load_digits`; the split is random, not stratified.

    Returns
    -------
    Split
        ``x``: float32, shape ``(n, 10)`` in raw units (age in years, ...).
        ``y``: float32 disease progression after one year (25-346), shape
        ``(n,)``. `target_names` is empty. Parts of 308/67/67 by default.

    Examples
    --------
    >>> data = load_diabetes()
    >>> data.x_train.shape, data.y_train.dtype, data.target_names
    ((308, 10), dtype('float32'), ())
    """
    return _bundled("diabetes", _split_options(val_fraction, test_fraction, seed))


def two_spirals(
    n_samples: int = 400,
    *,
    noise: float = 0.1,
    turns: float = 1.5,
    val_fraction: float = 0.15,
    test_fraction: float = 0.15,
    seed: int = 0,
) -> Split:
    """Generate two interleaved spirals, a classic non-linear binary problem.

    Parameters
    ----------
    n_samples : int
        Number of points, shared equally between the two spirals.
    noise : float
        Standard deviation of the Gaussian noise added to each coordinate
        (the arms are ``1 / (2 * turns)`` apart).
    turns : float
        How many times each arm winds around the centre.
    val_fraction, test_fraction, seed
        As in :func:`load_digits`; `seed` also seeds the points.

    Returns
    -------
    Split
        ``x``: float32, shape ``(n, 2)``, roughly in [-1, 1]. ``y``: int32
        labels 0/1, shape ``(n,)``. Parts of 280/60/60 by default.

    Examples
    --------
    >>> data = two_spirals()
    >>> data.x_train.shape, data.x_train.dtype, data.y_train.dtype
    ((280, 2), dtype('float32'), dtype('int32'))
    """
    n_samples = _check_int("n_samples", n_samples, minimum=1)
    noise = _check_real("noise", noise, minimum=0.0)
    turns = _check_real("turns", turns, minimum=0.0)
    if turns == 0:
        msg = "turns must be > 0; got 0.0"
        raise ValueError(msg)
    options = _split_options(val_fraction, test_fraction, seed)
    rng = np.random.default_rng(options["seed"])
    y = (np.arange(n_samples) % 2).astype(np.int32)
    radius = np.sqrt(rng.uniform(0.0, 1.0, n_samples))  # even density over the disc
    angle = 2 * np.pi * turns * radius
    x = radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    x[y == 1] *= -1  # the second arm is the first turned half a revolution
    x += rng.normal(0.0, noise, x.shape)
    classes = ("spiral_a", "spiral_b")
    return _split(
        "two_spirals", x.astype(np.float32), y, ("x0", "x1"), classes, **options
    )


def seasonal_series(
    n_steps: int = 730,
    *,
    period: int = 50,
    amplitude: float = 1.0,
    trend: float = 0.005,
    noise: float = 0.2,
    seed: int = 0,
) -> npt.NDArray[np.float32]:
    """Generate a time series: linear trend + sine season + Gaussian noise.

    Parameters
    ----------
    n_steps : int
        Length of the series.
    period : int
        Steps per seasonal cycle (at least 2).
    amplitude : float
        Amplitude of the seasonal sine.
    trend : float
        Change of the level per step (may be negative).
    noise : float
        Standard deviation of the noise.
    seed : int
        Seed of the noise.

    Returns
    -------
    numpy.ndarray
        float32, shape ``(n_steps,)``: ``trend * t + amplitude *
        sin(2 pi t / period) + noise * N(0, 1)`` for ``t = 0, 1, ...``.

    Examples
    --------
    >>> series = seasonal_series()
    >>> series.shape, series.dtype
    ((730,), dtype('float32'))
    """
    n_steps = _check_int("n_steps", n_steps, minimum=1)
    period = _check_int("period", period, minimum=2)
    amplitude = _check_real("amplitude", amplitude, minimum=0.0)
    trend = _check_real("trend", trend)
    noise = _check_real("noise", noise, minimum=0.0)
    seed = _check_int("seed", seed, minimum=0, maximum=_MAX_SEED)
    t = np.arange(n_steps)
    season = amplitude * np.sin(2 * np.pi * t / period)
    values = (
        trend * t + season + noise * np.random.default_rng(seed).normal(size=n_steps)
    )
    return values.astype(np.float32)


def make_windows(
    series: npt.ArrayLike, *, window: int, horizon: int = 1
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Cut a series into overlapping (past window, future horizon) pairs.

    Parameters
    ----------
    series : array_like
        A 1-D sequence of real numbers.
    window : int
        Steps the model sees.
    horizon : int
        Steps to predict, right after each window.

    Returns
    -------
    x : numpy.ndarray
        float32, shape ``(n, window, 1)`` with ``n = len(series) - window -
        horizon + 1``; ``x[i, :, 0] == series[i : i + window]``.
    y : numpy.ndarray
        float32, shape ``(n, horizon)``: the `horizon` steps after ``x[i]``.

    Examples
    --------
    >>> x, y = make_windows(np.arange(6), window=3, horizon=2)
    >>> x.shape, y.shape, x.dtype
    ((2, 3, 1), (2, 2), dtype('float32'))
    >>> x[1, :, 0], y[1]
    (array([1., 2., 3.], dtype=float32), array([4., 5.], dtype=float32))
    """
    window = _check_int("window", window, minimum=1)
    horizon = _check_int("horizon", horizon, minimum=1)
    array = np.asarray(series)
    if array.dtype.kind not in "iuf":
        msg = f"series must hold real numbers; got an array of dtype {array.dtype}"
        raise TypeError(msg)
    if array.ndim != 1:
        msg = f"series must be a 1-D array; got shape {array.shape}"
        raise ValueError(msg)
    if len(array) < window + horizon:
        msg = (
            f"series has {len(array)} steps, too short for window={window} plus "
            f"horizon={horizon}; it needs at least {window + horizon}"
        )
        raise ValueError(msg)
    frames = np.lib.stride_tricks.sliding_window_view(
        array.astype(np.float32), window + horizon
    )
    return frames[:, :window, None].copy(), frames[:, window:].copy()


_NOUNS = ("blender", "kettle", "lamp", "backpack", "keyboard", "headset", "chair",
          "toaster", "jacket", "speaker", "desk", "mouse")  # fmt: skip
_WORDS = (  # per class: adjectives, then closing remarks; index 0 negative
    (("terrible", "awful", "flimsy", "disappointing", "useless", "cheap", "noisy",
      "faulty", "clumsy", "uncomfortable"),
     ("i sent it back", "avoid it", "what a waste of money", "never again")),
    (("great", "excellent", "sturdy", "reliable", "lovely", "solid", "quiet",
      "comfortable", "handy", "impressive"),
     ("i love it", "highly recommended", "worth every penny", "would buy again")),
)  # fmt: skip
_TEMPLATES = (  # {a}, {b}: adjectives of the label; {o}: of the other class
    "the {n} is {a}",
    "this {n} is {a} and {b}",
    "i bought a {n} and it is {a}, {c}",
    "the {n} seemed {o} at first but it is {a}",
    "the {n} is not {o}",
    "my new {n} is {a}. {c}",
)


def tiny_text_corpus(
    *,
    n_samples: int = 400,
    val_fraction: float = 0.15,
    test_fraction: float = 0.15,
    seed: int = 0,
) -> Split:
    """Generate short, distinct product reviews labelled negative or positive.

    Sentences come from templates filled with class-specific words. Some use
    negation ("not awful") or contrast ("seemed noisy at first but it is
    quiet"), so a bag-of-words model does well but not perfectly, and a
    sequence model can do better.

    Parameters
    ----------
    n_samples : int
        Number of sentences (2 to 2000), half of each class.
    val_fraction, test_fraction, seed
        As in :func:`load_digits`; `seed` also picks the sentences.

    Returns
    -------
    Split
        ``x``: object arrays of Python ``str``, shape ``(n,)`` (``tf.string``
        in :meth:`Split.as_datasets`). ``y``: int32, shape ``(n,)``; 0 is
        ``"negative"``, 1 ``"positive"``. Parts of 280/60/60 by default.

    Examples
    --------
    >>> data = tiny_text_corpus()
    >>> data.x_train.shape, data.x_train.dtype, data.y_train.dtype
    ((280,), dtype('O'), dtype('int32'))
    >>> data.target_names
    ('negative', 'positive')
    >>> for text, label in zip(data.x_train[:3], data.y_train):
    ...     print(data.target_names[label], "|", text)
    positive | i bought a jacket and it is impressive, would buy again
    negative | the backpack is not quiet
    negative | this blender is flimsy and uncomfortable
    """
    n_samples = _check_int("n_samples", n_samples, minimum=2, maximum=2000)
    options = _split_options(val_fraction, test_fraction, seed)
    rng = np.random.default_rng(options["seed"])
    y = (np.arange(n_samples) % 2).astype(np.int32)
    seen: set[str] = set()
    texts: list[str] = []
    for label in y:
        (adjectives, closings), (others, _) = _WORDS[label], _WORDS[1 - label]
        sentence = ""
        while not sentence or sentence in seen:  # thousands of choices per class
            a, b = rng.choice(adjectives, size=2, replace=False)
            sentence = str(rng.choice(_TEMPLATES)).format(
                n=rng.choice(_NOUNS),
                a=a,
                b=b,
                o=rng.choice(others),
                c=rng.choice(closings),
            )
        seen.add(sentence)
        texts.append(sentence)
    x = np.array(texts, dtype=object)
    return _split(
        "tiny_text_corpus", x, y, ("text",), ("negative", "positive"), **options
    )
