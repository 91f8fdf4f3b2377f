"""Tests for tfdocs_helpers.datasets: offline loaders, generators and splits."""

from __future__ import annotations

import math
import socket
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from tfdocs_helpers import datasets as ds

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

BUNDLED = {  # loader: (sklearn loader name, x shape per sample, n, n_classes)
    ds.load_digits: ("load_digits", (8, 8, 1), 1797, 10),
    ds.load_wine: ("load_wine", (13,), 178, 3),
    ds.load_breast_cancer: ("load_breast_cancer", (30,), 569, 2),
    ds.load_diabetes: ("load_diabetes", (10,), 442, 0),
}
GENERATED = {
    ds.two_spirals: ((2,), 400, 2),
    ds.tiny_text_corpus: ((), 400, 2),
}
ALL = {**{f: v[1:] for f, v in BUNDLED.items()}, **GENERATED}
CLASSIFIERS = [f for f, (_, _, k) in ALL.items() if k]
PARTS = ("train", "val", "test")


def _parts(split: ds.Split) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(getattr(split, f"x_{p}"), getattr(split, f"y_{p}")) for p in PARTS]


def _rows(x: np.ndarray, y: np.ndarray) -> list[tuple[Any, ...]]:
    """One hashable key per sample: its features and its target."""
    if x.dtype == object:
        return [(str(a), float(b)) for a, b in zip(x, y, strict=True)]
    flat = x.reshape(len(x), -1).astype(np.float64)
    return [(*row, float(b)) for row, b in zip(flat.tolist(), y, strict=True)]


@pytest.mark.parametrize("loader", ALL, ids=lambda f: f.__name__)
def test_shapes_and_dtypes(loader: Callable[..., ds.Split]) -> None:
    shape, n, n_classes = ALL[loader]
    split = loader()
    sizes = [len(y) for _, y in _parts(split)]
    assert sum(sizes) == n
    assert sizes[1:] == [math.ceil(round(0.15 * n, 9))] * 2
    for x, y in _parts(split):
        assert x.shape == (len(y), *shape)
        assert y.shape == (len(y),)
        assert x.dtype == (object if shape == () else np.float32)
        assert y.dtype == (np.int32 if n_classes else np.float32)
    assert len(split.target_names) == n_classes
    assert all(isinstance(t, str) for t in split.feature_names + split.target_names)
    if shape != (8, 8, 1):
        assert len(split.feature_names) == max(1, math.prod(shape))
    assert repr(split).startswith(f"Split({split.name!r}, x_train=")
    assert f"y_test=({sizes[2]},)" in repr(split)


def test_value_ranges() -> None:
    images = ds.load_digits()
    assert images.x_train.min() == 0.0
    assert images.x_train.max() == 1.0
    flat = ds.load_digits(images=False)
    assert flat.x_train.shape[1:] == (64,)
    assert flat.x_train.max() == 16.0
    assert np.array_equal(flat.x_train, np.round(flat.x_train))
    assert np.allclose(images.x_train.reshape(-1, 64) * 16, flat.x_train)
    assert images.target_names == tuple("0123456789")
    for split in (ds.load_digits(), ds.load_wine(), ds.load_breast_cancer()):
        assert set(np.unique(split.y_train)) == set(range(len(split.target_names)))
    # not standardised: raw units, e.g. ages in years and wine proline in the 100s
    diabetes = ds.load_diabetes()
    assert 19 <= diabetes.x_train[:, 0].min() < diabetes.x_train[:, 0].max() <= 79
    assert 25 <= diabetes.y_train.min() < diabetes.y_train.max() <= 346
    assert ds.load_wine().x_train[:, -1].mean() > 100


@pytest.mark.parametrize("loader", BUNDLED, ids=lambda f: f.__name__)
def test_bundled_splits_partition_the_data(loader: Callable[..., ds.Split]) -> None:
    from sklearn import datasets

    name = BUNDLED[loader][0]
    bunch = getattr(datasets, name)(**({"scaled": False} if "diabetes" in name else {}))
    split = loader(images=False) if loader is ds.load_digits else loader()
    got = sorted(r for x, y in _parts(split) for r in _rows(x, y))
    want = sorted(_rows(bunch.data.astype(np.float32), bunch.target))
    assert got == want  # every sample exactly once, values unchanged


@pytest.mark.parametrize("loader", ALL, ids=lambda f: f.__name__)
def test_no_overlap_between_parts(loader: Callable[..., ds.Split]) -> None:
    keys = [set(_rows(x, y)) for x, y in _parts(loader())]
    assert sum(map(len, keys)) == len(set().union(*keys))


@pytest.mark.parametrize("loader", CLASSIFIERS, ids=lambda f: f.__name__)
def test_stratified(loader: Callable[..., ds.Split]) -> None:
    split = loader()
    k = len(split.target_names)
    y_all = np.concatenate([y for _, y in _parts(split)])
    overall = np.bincount(y_all, minlength=k) / len(y_all)
    for _, y in _parts(split):
        share = np.bincount(y, minlength=k) / len(y)
        assert np.all(np.abs(share - overall) <= 2 / len(y))


@pytest.mark.parametrize("loader", ALL, ids=lambda f: f.__name__)
def test_deterministic(loader: Callable[..., ds.Split]) -> None:
    first, again, other = loader(seed=3), loader(seed=3), loader(seed=4)
    for (x1, y1), (x2, y2) in zip(_parts(first), _parts(again), strict=True):
        assert np.array_equal(x1, x2)
        assert np.array_equal(y1, y2)
    assert not np.array_equal(first.x_train, other.x_train)


def test_custom_fractions() -> None:
    split = ds.load_breast_cancer(val_fraction=0.1, test_fraction=0.3)
    assert [len(y) for _, y in _parts(split)] == [341, 57, 171]


def test_loaders_need_no_network(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        msg = "network access attempted"
        raise AssertionError(msg)

    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path))
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    for loader in ALL:
        assert len(loader().y_train) > 0
    assert not list(tmp_path.iterdir())  # nothing downloaded or cached


def test_import_is_cheap() -> None:
    code = (
        "import sys, tfdocs_helpers.datasets, tfdocs_helpers.seeding\n"
        "heavy = {'tensorflow', 'keras', 'sklearn', 'matplotlib'} & set(sys.modules)\n"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- tf.data ----------------------------------------------------------------


@pytest.mark.parametrize("loader", ALL, ids=lambda f: f.__name__)
def test_as_datasets_batches(loader: Callable[..., ds.Split]) -> None:
    import tensorflow as tf

    split = loader()
    for data, (x, y) in zip(
        split.as_datasets(batch_size=50), _parts(split), strict=True
    ):
        batches = list(data)
        assert [len(b[1]) for b in batches[:-1]] == [50] * (len(batches) - 1)
        xb, yb = batches[0]
        assert tuple(xb.shape[1:]) == x.shape[1:]
        assert xb.dtype == (tf.string if x.dtype == object else tf.float32)
        assert yb.dtype == tf.as_dtype(y.dtype)
        assert sum(len(b[1]) for b in batches) == len(y)


def test_as_datasets_covers_every_sample_once_per_epoch() -> None:
    split = ds.load_wine()
    train, val, test = split.as_datasets(batch_size=16, seed=1)
    epochs = [np.concatenate([y.numpy() for _, y in train]) for _ in range(2)]
    xs = np.concatenate([x.numpy() for x, _ in train])
    assert sorted(map(tuple, xs.tolist())) == sorted(map(tuple, split.x_train.tolist()))
    for order in epochs:
        assert sorted(order) == sorted(split.y_train)
    assert not np.array_equal(epochs[0], epochs[1])  # reshuffled each epoch
    again = split.as_datasets(batch_size=16, seed=1)[0]
    assert np.array_equal(np.concatenate([y.numpy() for _, y in again]), epochs[0])
    other = split.as_datasets(batch_size=16, seed=2)[0]
    assert not np.array_equal(np.concatenate([y.numpy() for _, y in other]), epochs[0])
    # validation and test keep their order; so does train without shuffling
    assert np.array_equal(np.concatenate([y for _, y in val]), split.y_val)
    assert np.array_equal(np.concatenate([y for _, y in test]), split.y_test)
    unshuffled = split.as_datasets(shuffle=False)[0]
    assert np.array_equal(np.concatenate([y for _, y in unshuffled]), split.y_train)


# --- generators ---------------------------------------------------------------


def test_two_spirals_geometry() -> None:
    turns = 1.5
    split = ds.two_spirals(200, noise=0.0, turns=turns)
    x = np.concatenate([x for x, _ in _parts(split)]).astype(np.float64)
    y = np.concatenate([y for _, y in _parts(split)])
    assert np.bincount(y).tolist() == [100, 100]
    radius = np.hypot(x[:, 0], x[:, 1])
    assert radius.max() <= 1.0 + 1e-6
    # without noise each point lies on its arm: angle = 2 pi turns r (+ pi for b)
    expected = 2 * np.pi * turns * radius + np.pi * y
    gap = np.angle(np.exp(1j * (np.arctan2(x[:, 1], x[:, 0]) - expected)))
    assert np.abs(gap).max() < 1e-4
    noisy = ds.two_spirals(200, noise=0.3)
    assert np.hypot(*noisy.x_train.T).max() > 1.0
    assert ds.two_spirals(14).x_test.shape == (3, 2)  # the smallest usable size


def test_seasonal_series() -> None:
    series = ds.seasonal_series()
    assert series.shape == (730,)
    assert series.dtype == np.float32
    assert np.array_equal(series, ds.seasonal_series())
    assert not np.array_equal(series, ds.seasonal_series(seed=1))
    pure = ds.seasonal_series(200, period=20, trend=0.0, noise=0.0, amplitude=2.0)
    assert np.allclose(pure[20:], pure[:-20], atol=1e-5)
    assert pure.max() == pytest.approx(2.0, abs=1e-3)
    line = ds.seasonal_series(100, amplitude=0.0, trend=-0.5, noise=0.0)
    assert np.allclose(line, -0.5 * np.arange(100))
    residual = series - ds.seasonal_series(noise=0.0)
    assert residual.std() == pytest.approx(0.2, rel=0.15)


def test_make_windows() -> None:
    series = np.arange(10, dtype=np.float64) ** 2
    x, y = ds.make_windows(series, window=4, horizon=3)
    assert x.shape == (4, 4, 1)
    assert y.shape == (4, 3)
    assert x.dtype == y.dtype == np.float32
    for i in range(4):
        assert np.array_equal(x[i, :, 0], series[i : i + 4])
        assert np.array_equal(y[i], series[i + 4 : i + 7])
    x, y = ds.make_windows([1, 2, 3], window=2)
    assert x.tolist() == [[[1.0], [2.0]]]
    assert y.tolist() == [[3.0]]
    x, _ = ds.make_windows(ds.seasonal_series(), window=30, horizon=5)
    assert x.shape == (696, 30, 1)
    x[0, 0, 0] = 99  # a copy, not a view of the series
    assert ds.make_windows(series, window=4)[0][0, 0, 0] == 0


def test_tiny_text_corpus() -> None:
    split = ds.tiny_text_corpus()
    texts = [t for x, _ in _parts(split) for t in x]
    assert all(type(t) is str for t in texts)
    assert len(set(texts)) == len(texts) == 400
    assert all(t == t.lower() and 3 <= len(t.split()) <= 15 for t in texts)
    big = ds.tiny_text_corpus(n_samples=2000, seed=5)
    assert len(set(big.x_train)) == len(big.x_train)


def test_tiny_text_corpus_is_learnable_but_not_trivial() -> None:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    split = ds.tiny_text_corpus()
    words = CountVectorizer().fit(split.x_train)
    model = LogisticRegression(max_iter=1000)
    model.fit(words.transform(split.x_train), split.y_train)
    accuracy = model.score(words.transform(split.x_test), split.y_test)
    assert 0.7 < accuracy < 1.0  # well above chance, yet bag-of-words errs


# --- bad input ----------------------------------------------------------------

BAD_INPUT = [
    (ds.load_digits, {"val_fraction": 1.5}, ValueError, r"val_fraction must be in \(0, 1\); got 1.5"),
    (ds.load_wine, {"test_fraction": 0}, ValueError, r"test_fraction must be in \(0, 1\); got 0"),
    (ds.load_wine, {"test_fraction": "0.2"}, TypeError, r"test_fraction must be a float in \(0, 1\); got str '0.2'"),
    (ds.load_diabetes, {"val_fraction": True}, TypeError, "val_fraction must be a float.*got bool"),
    (ds.load_breast_cancer, {"val_fraction": 0.5, "test_fraction": 0.5}, ValueError, r"val_fraction \+ test_fraction must be < 1"),
    (ds.load_digits, {"seed": -1}, ValueError, r"seed must be in \[0, 4294967295\]; got -1"),
    (ds.load_digits, {"seed": 1.0}, TypeError, "seed must be an int; got float 1.0"),
    (ds.load_digits, {"images": 1}, TypeError, "images must be a bool; got int 1"),
    (ds.two_spirals, {"n_samples": 0}, ValueError, "n_samples must be >= 1; got 0"),
    (ds.two_spirals, {"n_samples": 10.0}, TypeError, "n_samples must be an int; got float"),
    (ds.two_spirals, {"n_samples": 6}, ValueError, "two_spirals: 6 samples are too few.*at least 2"),
    (ds.two_spirals, {"noise": -0.1}, ValueError, "noise must be a finite number >= 0.0; got -0.1"),
    (ds.two_spirals, {"noise": None}, TypeError, "noise must be a real number; got NoneType None"),
    (ds.two_spirals, {"turns": 0}, ValueError, "turns must be > 0"),
    (ds.two_spirals, {"turns": math.inf}, ValueError, "turns must be a finite number"),
    (ds.seasonal_series, {"n_steps": -5}, ValueError, "n_steps must be >= 1; got -5"),
    (ds.seasonal_series, {"period": 1}, ValueError, "period must be >= 2; got 1"),
    (ds.seasonal_series, {"trend": "up"}, TypeError, "trend must be a real number; got str 'up'"),
    (ds.seasonal_series, {"amplitude": -1.0}, ValueError, "amplitude must be"),
    (ds.tiny_text_corpus, {"n_samples": 5000}, ValueError, r"n_samples must be in \[2, 2000\]; got 5000"),
    (ds.make_windows, {"series": np.zeros((3, 4)), "window": 2}, ValueError, r"series must be a 1-D array; got shape \(3, 4\)"),
    (ds.make_windows, {"series": np.zeros(5), "window": 4, "horizon": 2}, ValueError, "series has 5 steps, too short for window=4 plus horizon=2; it needs at least 6"),
    (ds.make_windows, {"series": ["a", "b", "c"], "window": 1}, TypeError, "series must hold real numbers; got an array of dtype <U1"),
    (ds.make_windows, {"series": np.zeros(5), "window": 0}, ValueError, "window must be >= 1; got 0"),
    (ds.make_windows, {"series": np.zeros(5), "window": 2, "horizon": 1.5}, TypeError, "horizon must be an int; got float 1.5"),
]  # fmt: skip


@pytest.mark.parametrize(("func", "kwargs", "error", "match"), BAD_INPUT)
def test_bad_input(func: Callable[..., Any], kwargs: dict[str, Any], error: type[Exception], match: str) -> None:  # fmt: skip
    with pytest.raises(error, match=match):
        func(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1; got 0"),
        ({"batch_size": 32.0}, TypeError, "batch_size must be an int; got float"),
        ({"shuffle": "yes"}, TypeError, "shuffle must be a bool; got str 'yes'"),
        ({"seed": 2**32}, ValueError, "seed must be in"),
    ],
)
def test_as_datasets_bad_input(
    kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        ds.load_wine().as_datasets(**kwargs)
