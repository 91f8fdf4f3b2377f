"""Tests for tfdocs_helpers.history: training curves and learning-rate schedules."""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import re
from types import SimpleNamespace

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from tfdocs_helpers.history import plot_history, plot_schedule

HISTORY = {
    "loss": [1.0, 0.6, 0.4, 0.3],
    "accuracy": [0.5, 0.7, 0.8, 0.9],
    "val_loss": [1.1, 0.7, 0.65, 0.8],
    "val_accuracy": [0.4, 0.6, 0.75, 0.7],
}


@pytest.fixture
def ax() -> Axes:
    return Figure().subplots()


def legend_texts(ax: Axes, *, best: bool = False) -> list[str]:
    """The legend's entries, without their "(best ... @ epoch)" notes unless ``best``."""
    legend = ax.get_legend()
    assert legend is not None
    texts = [text.get_text() for text in legend.get_texts()]
    return texts if best else [re.sub(r" \(best .* @ \d+\)$", "", t) for t in texts]


def test_train_solid_val_dashed_same_colour(ax: Axes) -> None:
    assert plot_history(HISTORY, ax=ax) is ax
    lines = ax.get_lines()
    assert [line.get_linestyle() for line in lines] == ["-", "--", "-", "--"]
    assert lines[0].get_color() == lines[1].get_color()
    assert lines[2].get_color() == lines[3].get_color()
    assert lines[0].get_color() != lines[2].get_color()
    assert legend_texts(ax) == ["loss", "val_loss", "accuracy", "val_accuracy"]
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3, 4])
    assert isinstance(ax.xaxis.get_major_locator(), MaxNLocator)
    ticks = ax.xaxis.get_major_locator().tick_values(1, 4)
    np.testing.assert_array_equal(ticks, np.round(ticks))
    assert ax.get_xlabel() == "epoch"
    assert ax.get_ylabel() == "value"
    assert ax.get_yscale() == "linear"


def test_default_metrics_loss_first_without_learning_rate(ax: Axes) -> None:
    history = {"accuracy": [0.5, 0.6], "loss": [1.0, 0.9], "learning_rate": [0.1, 0.1]}
    plot_history(history, ax=ax)
    assert legend_texts(ax) == ["loss", "accuracy"]


def test_best_epoch_marked_on_validation_curve(ax: Axes) -> None:
    plot_history(HISTORY, ax=ax)
    loss_marker, accuracy_marker = ax.collections
    np.testing.assert_allclose(loss_marker.get_offsets(), [[3, 0.65]])
    np.testing.assert_allclose(accuracy_marker.get_offsets(), [[3, 0.75]])
    # The values are in the legend, not next to the dots where curves cross them.
    assert legend_texts(ax, best=True) == [
        "loss",
        "val_loss (best 0.65 @ 3)",
        "accuracy",
        "val_accuracy (best 0.75 @ 3)",
    ]
    assert not ax.texts


def test_without_validation_marks_training_curve(ax: Axes) -> None:
    plot_history({"loss": [1.0, 0.2, 0.5], "mae": [0.9, 0.3, 0.1]}, ax=ax)
    assert [line.get_linestyle() for line in ax.get_lines()] == ["-", "-"]
    offsets = [c.get_offsets().tolist() for c in ax.collections]
    assert offsets == [[[2, 0.2]], [[3, 0.1]]]


def test_single_metric_and_options(ax: Axes) -> None:
    plot_history(HISTORY, metrics="accuracy", ax=ax, log_scale=True, mark_best=False)
    assert legend_texts(ax) == ["accuracy", "val_accuracy"]
    assert ax.get_ylabel() == "accuracy"
    assert ax.get_yscale() == "log"
    assert not ax.collections
    assert not ax.texts


def test_validation_metric_alone_is_dashed(ax: Axes) -> None:
    plot_history(HISTORY, metrics=["val_loss"], ax=ax)
    [line] = ax.get_lines()
    assert line.get_linestyle() == "--"
    np.testing.assert_allclose(ax.collections[0].get_offsets(), [[3, 0.65]])


def test_only_validation_keys(ax: Axes) -> None:
    plot_history({"val_loss": [2.0, 1.0]}, ax=ax)
    assert legend_texts(ax) == ["val_loss"]


def test_all_nan_curve_is_not_marked(ax: Axes) -> None:
    plot_history({"loss": [float("nan"), float("nan")]}, ax=ax)
    assert len(ax.get_lines()) == 1
    assert not ax.collections


def test_several_runs(ax: Axes) -> None:
    small = {"loss": [1.0, 0.5], "val_loss": [1.2, 0.9]}
    plot_history([HISTORY, small], metrics="loss", ax=ax)
    assert legend_texts(ax) == [
        "run 1: loss",
        "run 1: val_loss",
        "run 2: loss",
        "run 2: val_loss",
    ]
    colours = [line.get_color() for line in ax.get_lines()]
    assert colours[0] == colours[1] != colours[2] == colours[3]
    assert len(ax.collections) == 2


def test_several_runs_default_metrics_and_labels(ax: Axes) -> None:
    runs = ({"loss": [1.0, 0.5]}, {"loss": [1.0, 0.4], "accuracy": [0.5, 0.6]})
    plot_history(runs, labels=["adam", "sgd"], ax=ax)
    assert legend_texts(ax) == ["adam: loss", "sgd: loss", "sgd: accuracy"]


def test_one_run_with_label(ax: Axes) -> None:
    plot_history({"loss": [1.0, 0.5]}, labels=["adam"], ax=ax)
    assert legend_texts(ax) == ["adam: loss"]


def test_history_objects(ax: Axes) -> None:
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.zeros((4, 2)), np.ones((4, 1)), epochs=2, verbose=0)
    assert isinstance(history, keras.callbacks.History)
    assert legend_texts(plot_history(history)) == ["loss"]
    duck = SimpleNamespace(history={"loss": [3.0, 2.0]})
    plot_history([history, duck], ax=ax)
    assert legend_texts(ax) == ["run 1: loss", "run 2: loss"]


def test_no_pyplot_figure_when_ax_is_none() -> None:
    before = plt.get_fignums()
    ax = plot_history({"loss": [1.0, 0.5]})
    schedule_ax = plot_schedule(0.1, steps=3)
    assert plt.get_fignums() == before
    assert isinstance(ax, Axes)
    assert isinstance(ax.figure, Figure)
    assert schedule_ax.figure is not ax.figure


def test_renders_to_png(tmp_path) -> None:
    ax = plot_history([HISTORY, {"loss": [1.2, 0.8, 0.5, 0.45]}], labels=["a", "b"])
    path = tmp_path / "history.png"
    ax.figure.savefig(path)
    assert path.stat().st_size > 1000


@pytest.mark.parametrize(
    ("history", "error", "message"),
    [
        (
            [0.5, 0.4],
            TypeError,
            (
                "plot_history(history=...) expects a keras.callbacks.History, a dict "
                "of per-epoch lists, or a list of those; got list of float"
            ),
        ),
        ([], TypeError, "got empty list"),
        ([{"loss": [1.0]}, 3], TypeError, "got list of dict and int"),
        ("loss", TypeError, "got str"),
        ({}, ValueError, "plot_history(history=...): the history is empty"),
        ({"loss": []}, ValueError, "the history is empty"),
        (
            [{"loss": [1.0]}, {"loss": []}],
            ValueError,
            "plot_history(history=...): run 2: the history is empty",
        ),
        (
            {"loss": 0.5},
            TypeError,
            "entry 'loss' must be a list of numbers per epoch; got float",
        ),
        ({"loss": ["a"]}, TypeError, "entry 'loss' must be a list of numbers"),
        ({1: [1.0]}, TypeError, "entry 1 must be a list of numbers"),
    ],
)
def test_bad_history(history: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        plot_history(history)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"metrics": "accuracy"},
            ValueError,
            "metrics: 'accuracy' is not in the history; available: loss, val_loss",
        ),
        ({"metrics": []}, ValueError, "metrics: expected at least one metric name"),
        ({"metrics": 3}, TypeError, "metrics: expected a metric name or a list"),
        ({"metrics": ["loss", 3]}, TypeError, "got list of int and str"),
        ({"labels": ["a", "b"]}, ValueError, "labels: got 2 label(s) for 1 run(s)"),
        ({"labels": "run"}, TypeError, "labels: expected a list of run names"),
        ({"ax": "axes"}, TypeError, "plot_history(ax=...) expects a matplotlib Axes"),
        ({"ax": Figure()}, TypeError, "got Figure (pass a single Axes"),
    ],
)
def test_bad_options(kwargs: dict[str, object], error: type[Exception], message: str):
    with pytest.raises(error, match=re.escape(message)):
        plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}, **kwargs)  # type: ignore[arg-type]


def test_metric_missing_from_one_run() -> None:
    message = "metrics: 'mae' is not in the history of run 2; available: loss"
    with pytest.raises(ValueError, match=re.escape(message)):
        plot_history([{"loss": [1.0], "mae": [1.0]}, {"loss": [1.0]}], metrics="mae")


SCHEDULES = keras.optimizers.schedules


@pytest.mark.parametrize(
    "schedule",
    [
        SCHEDULES.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5),
        SCHEDULES.PiecewiseConstantDecay([10, 20], [0.1, 0.05, 0.01]),
        SCHEDULES.CosineDecay(0.1, decay_steps=30),
        SCHEDULES.CosineDecay(0.0, 30, warmup_target=0.1, warmup_steps=10),
    ],
    ids=["exponential", "piecewise", "cosine", "cosine-warmup"],
)
def test_keras_schedules_match_direct_calls(schedule: object, ax: Axes) -> None:
    assert plot_schedule(schedule, steps=40, ax=ax) is ax
    [line] = ax.get_lines()
    expected = [float(keras.ops.convert_to_numpy(schedule(step))) for step in range(40)]
    np.testing.assert_array_equal(line.get_xdata(), np.arange(40))
    np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-6)
    assert ax.get_xlabel() == "step"
    assert ax.get_ylabel() == "learning rate"
    assert ax.get_legend() is None


def test_warmup_rises_then_decays(ax: Axes) -> None:
    schedule = SCHEDULES.CosineDecay(0.0, 30, warmup_target=0.1, warmup_steps=10)
    values = plot_schedule(schedule, steps=40, ax=ax).get_lines()[0].get_ydata()
    assert int(np.argmax(values)) == 10
    assert values[0] == 0.0


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        (lambda step: 0.1 if step < 2 else 0.01, [0.1, 0.1, 0.01, 0.01]),
        (lambda step: np.float32(0.5) ** step, [1.0, 0.5, 0.25, 0.125]),
        (0.01, [0.01] * 4),
        (np.float32(0.5), [0.5] * 4),
        (1, [1.0] * 4),
    ],
)
def test_callables_and_constants(schedule: object, expected: list[float], ax: Axes):
    plot_schedule(schedule, steps=4, ax=ax, log_scale=True, label="lr")
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), expected)
    assert ax.get_yscale() == "log"
    assert legend_texts(ax) == ["lr"]


def test_callable_without_signature(ax: Axes) -> None:
    # Some builtins expose no signature (str does not); they are called anyway
    # and what they return is converted: str(1) == "1" becomes 1.0.
    plot_schedule(str, steps=2, ax=ax)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.0, 1.0])


def scheduler_fn(epoch: int, lr: float) -> float:
    return lr * 0.9


@pytest.mark.parametrize(
    ("schedule", "steps", "error", "message"),
    [
        (0.1, 0, ValueError, "plot_schedule(steps=...) must be at least 1; got 0"),
        (0.1, 2.0, TypeError, "plot_schedule(steps=...) expects an int; got float"),
        (0.1, True, TypeError, "expects an int; got bool"),
        (
            "0.1",
            3,
            TypeError,
            (
                "plot_schedule(schedule=...) expects a keras LearningRateSchedule, a "
                "callable step -> learning rate, or a number; got str"
            ),
        ),
        (True, 3, TypeError, "got bool"),
        (
            scheduler_fn,
            3,
            TypeError,
            (
                "expects a callable of one argument (the step); "
                "got scheduler_fn(epoch: 'int', lr: 'float') -> 'float'. "
                "For a LearningRateScheduler function (epoch, lr), pass "
                "lambda epoch: fn(epoch, initial_lr)"
            ),
        ),
        (lambda step: "fast", 3, TypeError, "schedule(0) returned str; expected a"),
        (lambda step: [0.1, 0.2], 3, TypeError, "schedule(0) returned list of float"),
    ],
)
def test_bad_schedule_input(
    schedule: object, steps: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        plot_schedule(schedule, steps=steps)  # type: ignore[arg-type]


def test_schedule_bad_ax() -> None:
    with pytest.raises(TypeError, match=re.escape("plot_schedule(ax=...) expects")):
        plot_schedule(0.1, steps=2, ax=np.array([1]))  # type: ignore[arg-type]
