"""Tests for tfdocs_helpers.callbacks: the lazily built EpochLogger."""

from __future__ import annotations

import re
import subprocess
import sys

import keras
import numpy as np
import pytest

import tfdocs_helpers.callbacks as callbacks_module
from tfdocs_helpers.callbacks import EpochLogger


def fit(epochs: int, **options: object) -> list[str]:
    """Fit a model whose loss is exactly (1 - bias)**2 and return the lines."""
    lines: list[str] = []
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    x, y = np.zeros((8, 2)), np.ones((8, 1))
    logger = EpochLogger(print_fn=lines.append, **options)
    model.fit(
        x,
        y,
        batch_size=8,
        epochs=epochs,
        verbose=0,
        validation_data=(x, y),
        callbacks=[logger],
    )
    return lines


def test_every_epoch() -> None:
    assert fit(3) == [
        "epoch 1/3  loss 1.0000  mae 1.0000  val_loss 0.6400  val_mae 0.8000",
        "epoch 2/3  loss 0.6400  mae 0.8000  val_loss 0.4096  val_mae 0.6400",
        "epoch 3/3  loss 0.4096  mae 0.6400  val_loss 0.2621  val_mae 0.5120",
    ]


def test_every_two_epochs_includes_the_last() -> None:
    lines = fit(5, every=2, precision=2)
    assert [line.split("  ")[0] for line in lines] == [
        "epoch 2/5",
        "epoch 4/5",
        "epoch 5/5",
    ]
    assert lines[0] == "epoch 2/5  loss 0.64  mae 0.80  val_loss 0.41  val_mae 0.64"


def test_epoch_numbers_are_aligned() -> None:
    lines = fit(10, every=5, metrics="loss", precision=2)
    assert lines == [
        "epoch  5/10  loss 0.17  val_loss 0.11",
        "epoch 10/10  loss 0.02  val_loss 0.01",
    ]


@pytest.mark.parametrize(
    ("metrics", "first_line"),
    [
        (["mae"], "epoch 1/3  mae 1.0000  val_mae 0.8000"),
        (
            ("mae", "loss"),
            "epoch 1/3  loss 1.0000  mae 1.0000  val_loss 0.6400  val_mae 0.8000",
        ),
        ("val_loss", "epoch 1/3  val_loss 0.6400"),
        (["mae", "val_loss"], "epoch 1/3  mae 1.0000  val_loss 0.6400  val_mae 0.8000"),
    ],
)
def test_metrics_selection(metrics: object, first_line: str) -> None:
    assert fit(3, metrics=metrics)[0] == first_line


def test_unknown_metric_fails_during_fit() -> None:
    message = (
        "EpochLogger(metrics=...): 'accuracy' is not in the logs; "
        "available: loss, mae, val_loss, val_mae"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        fit(1, metrics=["accuracy"])


def test_prints_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    logger = EpochLogger()
    logger.on_epoch_end(0, {"loss": np.float32(0.25)})
    assert capsys.readouterr().out == "epoch 1  loss 0.2500\n"


def test_without_params_or_logs() -> None:
    lines: list[str] = []
    logger = EpochLogger(print_fn=lines.append, every=2)
    logger.on_epoch_end(0)  # not due: every=2 and the number of epochs is unknown
    logger.on_epoch_end(1)
    logger.on_epoch_end(3, {"loss": 1.0, "note": "text", "shape": [1, 2]})
    assert lines == ["epoch 2", "epoch 4  loss 1.0000"]


def test_selection_matches_whole_names_only() -> None:
    lines: list[str] = []
    logs = {"loss": 0.5, "mse_loss": 0.1, "val_loss": 0.6, "val_mse_loss": 0.2}
    EpochLogger(print_fn=lines.append, metrics="loss").on_epoch_end(0, logs)
    assert lines == ["epoch 1  loss 0.5000  val_loss 0.6000"]


def test_order_of_logged_values() -> None:
    lines: list[str] = []
    logs = {"val_auc": 0.5, "val_loss": 0.3, "auc": 0.9, "loss": 0.2, "val_extra": 1}
    EpochLogger(print_fn=lines.append, precision=1).on_epoch_end(0, logs)
    assert lines == [
        "epoch 1  loss 0.2  auc 0.9  val_loss 0.3  val_auc 0.5  val_extra 1.0"
    ]


def test_is_a_cached_keras_callback() -> None:
    assert issubclass(EpochLogger, keras.callbacks.Callback)
    assert isinstance(EpochLogger(), keras.callbacks.Callback)
    assert callbacks_module.EpochLogger is EpochLogger
    assert EpochLogger.__module__ == "tfdocs_helpers.callbacks"
    assert EpochLogger.__qualname__ == "EpochLogger"
    assert "deterministic" in (EpochLogger.__doc__ or "")
    assert "EpochLogger" in dir(callbacks_module)
    assert callbacks_module.__all__ == ["EpochLogger"]


def test_unknown_module_attribute() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        callbacks_module.Nope  # noqa: B018


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"every": 0}, ValueError, "EpochLogger(every=...) must be at least 1; got 0"),
        ({"every": 1.5}, TypeError, "EpochLogger(every=...) expects an int; got float"),
        ({"every": True}, TypeError, "EpochLogger(every=...) expects an int; got bool"),
        ({"precision": -1}, ValueError, "(precision=...) must be at least 0; got -1"),
        ({"precision": "4"}, TypeError, "(precision=...) expects an int; got str"),
        ({"metrics": [1]}, TypeError, "(metrics=...) expects a metric name or a list"),
        ({"metrics": 3}, TypeError, "list of names; got int"),
        ({"metrics": []}, ValueError, "(metrics=...) expects at least one name"),
    ],
)
def test_bad_options(
    options: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        EpochLogger(**options)


def test_importing_the_modules_is_cheap() -> None:
    code = (
        "import sys, tfdocs_helpers.callbacks, tfdocs_helpers.history; "
        "heavy = {'keras', 'matplotlib', 'tensorflow'} & set(sys.modules); "
        "assert not heavy, heavy; "
        "assert 'EpochLogger' in dir(tfdocs_helpers.callbacks)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
