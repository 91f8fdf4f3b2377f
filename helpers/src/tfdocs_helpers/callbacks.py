"""Keras callbacks for static documentation pages.

``EpochLogger`` is a real subclass of ``keras.callbacks.Callback``, yet
importing this module does not import Keras: the class is built on first
access (``from tfdocs_helpers.callbacks import EpochLogger``) and cached.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["EpochLogger"]

# Declared for linters and type checkers only; module __getattr__ provides it.
EpochLogger: type[Any]

_EPOCH_LOGGER_DOC = """Print one short, deterministic line of metrics per epoch.

    Keras' own progress output contains timings and control characters that
    change on every run. Fit with ``verbose=0`` and this callback instead to
    get stable text for static pages, e.g.
    ``epoch  3/10  loss 0.4123  accuracy 0.8750  val_loss 0.4410``.

    Parameters
    ----------
    every : int, default 1
        Print every ``every`` epochs. The final epoch is always printed when
        ``fit`` knows the number of epochs.
    precision : int, default 4
        Decimals shown for each value. A value too small to show in that many
        decimals (a loss of ``3e-7``) is shown in scientific notation instead.
    metrics : str or sequence of str, optional
        Show only these metrics. A name such as ``"accuracy"`` also selects
        ``"val_accuracy"``; a ``val_`` name selects only the validation value.
        Default: every logged value.
    print_fn : callable, default print
        Receives each line (a str without a newline).

    Raises
    ------
    TypeError
        If an option has the wrong type.
    ValueError
        If ``every`` < 1, ``precision`` < 0 or ``metrics`` is empty, and
        during ``fit`` if a selected training metric is not in the logs.

    Notes
    -----
    Values are shown in this order: ``loss``, the other training metrics in
    the order Keras logs them, then the ``val_`` values in the same order.

    Examples
    --------
    >>> from tfdocs_helpers.callbacks import EpochLogger
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse",
    ...               metrics=["mae"])
    >>> x, y = np.zeros((8, 2)), np.ones((8, 1))  # the bias alone learns y
    >>> history = model.fit(x, y, batch_size=8, epochs=3, verbose=0,
    ...                     validation_data=(x, y), callbacks=[EpochLogger()])
    epoch 1/3  loss 1.0000  mae 1.0000  val_loss 0.6400  val_mae 0.8000
    epoch 2/3  loss 0.6400  mae 0.8000  val_loss 0.4096  val_mae 0.6400
    epoch 3/3  loss 0.4096  mae 0.6400  val_loss 0.2621  val_mae 0.5120
    """

# The class is made lazily, so doctest would not find it: collect its docstring.
__test__ = {"EpochLogger": _EPOCH_LOGGER_DOC}


def _check_int(name: str, value: object, minimum: int) -> int:
    """Return ``value`` if it is an int of at least ``minimum``, else raise."""
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"EpochLogger({name}=...) expects an int; got {type(value).__name__}"
        raise TypeError(msg)
    if value < minimum:
        msg = f"EpochLogger({name}=...) must be at least {minimum}; got {value}"
        raise ValueError(msg)
    return value


def _check_metrics(metrics: object) -> tuple[str, ...] | None:
    """Return ``metrics`` as a tuple of names (or None), else raise."""
    if metrics is None:
        return None
    names = (metrics,) if isinstance(metrics, str) else metrics
    if not isinstance(names, Sequence) or not all(isinstance(n, str) for n in names):
        msg = (
            "EpochLogger(metrics=...) expects a metric name or a list of names; "
            f"got {type(metrics).__name__}"
        )
        raise TypeError(msg)
    if not names:
        msg = "EpochLogger(metrics=...) expects at least one name; got an empty list"
        raise ValueError(msg)
    return tuple(dict.fromkeys(names))


def _ordered_keys(logs: Mapping[str, Any], wanted: tuple[str, ...] | None) -> list[str]:
    """Order log keys: loss, other training metrics, then their ``val_`` values."""
    train = [key for key in logs if not key.startswith("val_")]
    train.sort(key=lambda key: key != "loss")  # stable: "loss" first
    val = [f"val_{key}" for key in train if f"val_{key}" in logs]
    val += [key for key in logs if key.startswith("val_") and key not in val]
    if wanted is None:
        return train + val
    missing = [key for key in wanted if not key.startswith("val_") and key not in logs]
    if missing:
        msg = (
            f"EpochLogger(metrics=...): {missing[0]!r} is not in the logs; "
            f"available: {', '.join(logs)}"
        )
        raise ValueError(msg)
    return [k for k in train + val if k in wanted or k.removeprefix("val_") in wanted]


def _format_line(
    epoch: int,
    total: int | None,
    logs: Mapping[str, Any],
    keys: list[str],
    precision: int,
) -> str:
    """Format one epoch line, e.g. ``epoch  3/10  loss 0.4123``."""
    parts = [f"epoch {epoch:>{len(str(total))}}/{total}" if total else f"epoch {epoch}"]
    for key in keys:
        try:
            value = float(logs[key])
        except (TypeError, ValueError):  # not a scalar number: leave it out
            continue
        parts.append(f"{key} {_format_value(value, precision)}")
    return "  ".join(parts)


def _format_value(value: float, precision: int) -> str:
    """Show ``precision`` decimals, or scientific notation when that shows only 0s.

    >>> _format_value(0.41234, 4), _format_value(3.2e-7, 4), _format_value(0.0, 4)
    ('0.4123', '3.200e-07', '0.0000')
    """
    if value != 0 and abs(value) < 0.5 * 10**-precision:
        return f"{value:.{max(precision - 1, 0)}e}"
    return f"{value:.{precision}f}"


@functools.cache
def _epoch_logger_class() -> type[Any]:
    """Build the ``EpochLogger`` class (imports Keras on first call)."""
    import keras

    class EpochLogger(keras.callbacks.Callback):  # type: ignore[misc]
        __doc__ = _EPOCH_LOGGER_DOC

        def __init__(
            self,
            *,
            every: int = 1,
            precision: int = 4,
            metrics: str | Sequence[str] | None = None,
            print_fn: Callable[[str], None] = print,
        ) -> None:
            super().__init__()
            self.every = _check_int("every", every, 1)
            self.precision = _check_int("precision", precision, 0)
            self.metrics = _check_metrics(metrics)
            self.print_fn = print_fn

        def on_epoch_end(
            self, epoch: int, logs: Mapping[str, Any] | None = None
        ) -> None:
            """Print the line for ``epoch`` (0-based) if it is due."""
            total = (self.params or {}).get("epochs")
            number = epoch + 1
            if number % self.every and number != total:
                return
            logs = logs or {}
            keys = _ordered_keys(logs, self.metrics)
            self.print_fn(_format_line(number, total, logs, keys, self.precision))

    EpochLogger.__module__ = __name__
    EpochLogger.__qualname__ = "EpochLogger"
    return EpochLogger


def __getattr__(name: str) -> Any:
    """Build ``EpochLogger`` on first access (PEP 562)."""
    if name == "EpochLogger":
        return _epoch_logger_class()
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    """List the module's names, including the lazily built ``EpochLogger``."""
    return sorted({*globals(), *__all__})
