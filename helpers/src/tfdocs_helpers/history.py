"""Plot training curves and learning-rate schedules with Matplotlib.

Both helpers draw on an Axes and return it. They never touch pyplot's global
state: without ``ax`` they make a new :class:`~matplotlib.figure.Figure` that
pyplot does not know about. Pages and gallery scripts should therefore pass
an Axes from ``fig, ax = plt.subplots()``: sphinx-gallery's scraper only
collects figures registered with pyplot.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.typing import ColorType

__all__ = ["plot_history", "plot_schedule"]

#: A metric whose name contains one of these is better when lower.
_LOWER_IS_BETTER = re.compile(
    "loss|error|mse|mae|mape|msle|crossentropy|hinge|divergence|poisson|logcosh"
)
#: Logged values that are not metrics; left out when ``metrics=None``.
_NOT_METRICS = ("learning_rate", "lr")


def _describe(obj: object) -> str:
    """Name the type of ``obj`` for an error message, e.g. ``list of float``."""
    name = type(obj).__name__
    if isinstance(obj, list | tuple):
        inner = sorted({type(item).__name__ for item in obj})
        return f"{name} of {' and '.join(inner)}" if inner else f"empty {name}"
    return name


def _as_mapping(obj: object) -> Mapping[Any, Any] | None:
    """Return the per-epoch dict of a History (duck-typed) or a dict, else None."""
    data = getattr(obj, "history", None)
    if isinstance(data, Mapping):
        return data
    return obj if isinstance(obj, Mapping) else None


def _runs(history: object) -> list[dict[str, np.ndarray]]:
    """Validate ``history`` and return one ``{name: values}`` dict per run."""
    single = _as_mapping(history)
    many = (
        [_as_mapping(h) for h in history] if isinstance(history, list | tuple) else []
    )
    if single is not None:
        mappings = [single]
    elif many and all(m is not None for m in many):
        mappings = [m for m in many if m is not None]
    else:
        msg = (
            "plot_history(history=...) expects a keras.callbacks.History, a dict "
            f"of per-epoch lists, or a list of those; got {_describe(history)}"
        )
        raise TypeError(msg)
    runs = []
    for number, mapping in enumerate(mappings, start=1):
        where = f"run {number}: " if len(mappings) > 1 else ""
        run = {}
        for key, values in mapping.items():
            try:
                array = np.asarray(values, dtype=float)
            except (TypeError, ValueError):
                array = np.empty((0, 0))
            if not isinstance(key, str) or array.ndim != 1:
                msg = (
                    f"plot_history(history=...): {where}entry {key!r} must be a "
                    f"list of numbers per epoch; got {_describe(values)}"
                )
                raise TypeError(msg)
            if array.size:
                run[key] = array
        if not run:
            msg = f"plot_history(history=...): {where}the history is empty (no epochs)"
            raise ValueError(msg)
        runs.append(run)
    return runs


def _metric_names(
    runs: list[dict[str, np.ndarray]], metrics: str | Sequence[str] | None
) -> list[str]:
    """Resolve ``metrics`` to a list of names present in the runs."""
    if metrics is None:
        keys = list(dict.fromkeys(key for run in runs for key in run))
        names = [k for k in keys if not k.startswith("val_") and k not in _NOT_METRICS]
        names.sort(key=lambda name: name != "loss")  # stable: "loss" first
        return names or keys
    wanted = [metrics] if isinstance(metrics, str) else metrics
    # Checked at run time for untyped callers.
    if not isinstance(wanted, Sequence) or not all(isinstance(m, str) for m in wanted):  # type: ignore[redundant-expr]
        got = _describe(metrics)
        msg = f"metrics: expected a metric name or a list of names; got {got}"
        raise TypeError(msg)
    if not wanted:
        msg = "metrics: expected at least one metric name; got an empty list"
        raise ValueError(msg)
    for name in wanted:
        for number, run in enumerate(runs, start=1):
            if name not in run and f"val_{name}" not in run:
                where = f" of run {number}" if len(runs) > 1 else ""
                msg = (
                    f"metrics: {name!r} is not in the history{where}; "
                    f"available: {', '.join(run)}"
                )
                raise ValueError(msg)
    return list(dict.fromkeys(wanted))


def _axes(ax: object, func: str) -> Axes:
    """Return ``ax`` after checking it, or the Axes of a new unregistered Figure."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if ax is None:
        return Figure(layout="constrained").subplots()
    if not isinstance(ax, Axes):
        got = _describe(ax)
        if isinstance(ax, Figure | np.ndarray):
            got += " (pass a single Axes, e.g. fig.gca())"
        msg = f"{func}(ax=...) expects a matplotlib Axes or None; got {got}"
        raise TypeError(msg)
    return ax


def _finish(ax: Axes, xlabel: str, ylabel: str, *, log: bool, legend: bool) -> None:
    """Label the axes, use integer x ticks, add a grid and maybe a legend."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(
        MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True)
    )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.grid(True, alpha=0.3)
    if legend:
        ax.legend()


def _mark_best(ax: Axes, values: np.ndarray, name: str, color: ColorType) -> str:
    """Dot the best epoch of ``values`` (min or max by ``name``); describe it.

    The value goes into the curve's legend entry rather than next to the dot,
    where other curves would run through the text.
    """
    if np.isnan(values).all():
        return ""
    lower = _LOWER_IS_BETTER.search(name.lower()) is not None
    index = int(np.nanargmin(values) if lower else np.nanargmax(values))
    epoch, best = index + 1, float(values[index])
    ax.scatter([epoch], [best], s=36, color=color, edgecolors="black", zorder=3)
    return f" (best {best:.3g} @ {epoch})"


def plot_history(
    history: Any,
    *,
    metrics: str | Sequence[str] | None = None,
    ax: Axes | None = None,
    labels: Sequence[str] | None = None,
    log_scale: bool = False,
    mark_best: bool = True,
) -> Axes:
    """Plot per-epoch training and validation curves of one or several runs.

    Each (run, metric) pair gets one colour: the training curve is solid and
    its ``val_<metric>`` curve, when present, is dashed in the same colour.

    Parameters
    ----------
    history : keras.callbacks.History or dict or list of those
        What ``model.fit`` returns, its ``.history`` dict (metric name to one
        value per epoch), or a list of those to compare several runs.
    metrics : str or sequence of str, optional
        The metrics to draw. Default: every training metric (``loss`` first,
        ``learning_rate`` left out), each with its validation curve.
    ax : matplotlib.axes.Axes, optional
        Where to draw. When None a new Figure is made that pyplot does not
        know about: show it with ``ax.figure`` as the last expression of a
        notebook cell. In gallery scripts pass ``ax`` from
        ``fig, ax = plt.subplots()`` so that sphinx-gallery captures it.
    labels : sequence of str, optional
        One name per run for the legend; default "run 1", "run 2", ...
    log_scale : bool, default False
        Use a logarithmic y axis.
    mark_best : bool, default True
        Mark the best epoch of each validation curve (of the training curve
        when there is no validation data) with a dot, and give its value and
        epoch in the curve's legend entry, e.g. ``val_loss (best 0.7 @ 3)``:
        the minimum for loss-like names (loss, error, mse, mae, crossentropy,
        ...), the maximum otherwise.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on. Epochs start at 1 on the x axis.

    Raises
    ------
    TypeError
        If ``history``, ``metrics``, ``labels`` or ``ax`` has the wrong type.
    ValueError
        If the history is empty, a metric is missing or ``labels`` has the
        wrong length.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}, ax=ax) is ax
    True
    >>> [line.get_linestyle() for line in ax.get_lines()]
    ['-', '--']
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['loss', 'val_loss (best 0.7 @ 2)']
    """
    runs = _runs(history)
    names = _metric_names(runs, metrics)
    if labels is not None and (  # checked at run time for untyped callers
        isinstance(labels, str)
        or not isinstance(labels, Sequence)  # type: ignore[redundant-expr]
        or not all(isinstance(label, str) for label in labels)
    ):
        msg = f"labels: expected a list of run names (str); got {_describe(labels)}"
        raise TypeError(msg)
    if labels is not None and len(labels) != len(runs):
        msg = f"labels: got {len(labels)} label(s) for {len(runs)} run(s)"
        raise ValueError(msg)
    run_labels = labels or [f"run {number}" for number in range(1, len(runs) + 1)]
    prefix = len(runs) > 1 or labels is not None
    ax = _axes(ax, "plot_history")
    for run_label, run in zip(run_labels, runs, strict=True):
        for name in names:
            train_key, val_key = (
                (None, name) if name.startswith("val_") else (name, f"val_{name}")
            )
            color, curve, line = None, None, None
            for key, style in ((train_key, "-"), (val_key, "--")):
                if key not in run:
                    continue
                curve = run[key]
                label = f"{run_label}: {key}" if prefix else key
                epochs = np.arange(1, curve.size + 1)
                (line,) = ax.plot(epochs, curve, style, color=color, label=label)
                color = line.get_color()
            if mark_best and curve is not None and line is not None:
                best = _mark_best(ax, curve, name, line.get_color())
                line.set_label(f"{line.get_label()}{best}")
    ylabel = names[0] if len(names) == 1 else "value"
    _finish(ax, "epoch", ylabel, log=log_scale, legend=True)
    return ax


def _is_keras_schedule(obj: object) -> bool:
    """Whether ``obj`` is a Keras LearningRateSchedule (without importing Keras)."""
    return any(cls.__name__ == "LearningRateSchedule" for cls in type(obj).__mro__)


def _to_float(value: object, convert: Callable[[Any], Any], step: int) -> float:
    """Convert one learning rate to float or raise a TypeError naming the step."""
    try:
        array = np.asarray(convert(value), dtype=float)
    except (TypeError, ValueError):
        array = np.empty(0)
    if array.size != 1:
        msg = f"schedule({step}) returned {_describe(value)}; expected a number"
        raise TypeError(msg)
    return float(array.reshape(()))


def _schedule_values(schedule: object, steps: int) -> np.ndarray:
    """Evaluate ``schedule`` on steps ``0 .. steps - 1``."""
    if not isinstance(schedule, bool) and isinstance(schedule, Real):
        return np.full(steps, float(schedule))
    if not callable(schedule):
        msg = (
            "plot_schedule(schedule=...) expects a keras LearningRateSchedule, a "
            f"callable step -> learning rate, or a number; got {_describe(schedule)}"
        )
        raise TypeError(msg)
    convert: Callable[[Any], Any] = np.asarray
    if _is_keras_schedule(schedule):
        import keras

        convert = keras.ops.convert_to_numpy
        try:  # most Keras schedules accept a vector of steps
            values = np.asarray(convert(schedule(np.arange(steps))), dtype=float)
        except Exception:  # noqa: BLE001 -- e.g. CosineDecay with warmup: loop instead
            values = np.empty(0)
        if values.shape == (steps,):
            return values
    else:
        try:
            inspect.signature(schedule).bind(0)
        except ValueError:  # no signature available (some builtins): just try it
            pass
        except TypeError:
            msg = (
                "plot_schedule(schedule=...) expects a callable of one argument "
                f"(the step); got {getattr(schedule, '__name__', _describe(schedule))}"
                f"{inspect.signature(schedule)}. For a LearningRateScheduler "
                "function (epoch, lr), pass lambda epoch: fn(epoch, initial_lr)"
            )
            raise TypeError(msg) from None
    return np.array([_to_float(schedule(step), convert, step) for step in range(steps)])


def plot_schedule(
    schedule: Any,
    *,
    steps: int,
    ax: Axes | None = None,
    log_scale: bool = False,
    label: str | None = None,
) -> Axes:
    """Plot a learning-rate schedule over steps ``0 .. steps - 1``.

    Parameters
    ----------
    schedule : keras.optimizers.schedules.LearningRateSchedule or callable or float
        A Keras schedule, any callable of one argument (step to learning
        rate), or a constant learning rate.
    steps : int
        How many steps to plot (at least 1).
    ax : matplotlib.axes.Axes, optional
        Where to draw; see :func:`plot_history` for what happens when None.
    log_scale : bool, default False
        Use a logarithmic y axis.
    label : str, optional
        Legend entry for the curve; no legend when None.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    TypeError
        If ``schedule`` is not a schedule, a one-argument callable or a
        number, if it returns something other than a number, or if ``steps``
        or ``ax`` has the wrong type.
    ValueError
        If ``steps`` is less than 1.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> decay = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    >>> ax = plot_schedule(decay, steps=21, ax=Figure().subplots())
    >>> ax.get_lines()[0].get_ydata()[[0, 10, 20]]
    array([0.1  , 0.05 , 0.025])
    """
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer):
        msg = f"plot_schedule(steps=...) expects an int; got {_describe(steps)}"
        raise TypeError(msg)
    if steps < 1:
        msg = f"plot_schedule(steps=...) must be at least 1; got {steps}"
        raise ValueError(msg)
    values = _schedule_values(schedule, int(steps))
    ax = _axes(ax, "plot_schedule")
    ax.plot(np.arange(steps), values, label=label)
    _finish(ax, "step", "learning rate", log=log_scale, legend=label is not None)
    return ax
