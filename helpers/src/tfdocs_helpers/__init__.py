"""Helpers shared by the tfdocs pages, gallery examples and doctests.

Importing this package is cheap: it never imports TensorFlow, Keras,
Matplotlib or scikit-learn. Each function imports what it needs when called.

=====================  ===================================================
Module                 What it gives
=====================  ===================================================
``tensors``            :func:`show_tensor`: any tensor as rich HTML
``graphs``             :func:`graph_diagram`, :func:`tracing_summary`
``models``             :func:`model_diagram`: a Keras model as SVG
``diagram``            the SVG diagram renderer both are drawn with
``history``            :func:`plot_history`, :func:`plot_schedule`
``callbacks``          :class:`EpochLogger`: one clean line per epoch
``datasets``           offline datasets and generators, split for training
``seeding``            :func:`seed_everything`, the gallery's reset hook
=====================  ===================================================
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from tfdocs_helpers import callbacks
from tfdocs_helpers.datasets import (
    Split,
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_wine,
    make_windows,
    seasonal_series,
    tiny_text_corpus,
    two_spirals,
)
from tfdocs_helpers.diagram import Diagram
from tfdocs_helpers.graphs import TracingSummary, graph_diagram, tracing_summary
from tfdocs_helpers.history import plot_history, plot_schedule
from tfdocs_helpers.models import model_diagram
from tfdocs_helpers.seeding import seed_everything
from tfdocs_helpers.tensors import TensorView, register_ipython, show_tensor

__version__ = version("tfdocs_helpers")

__all__ = [
    "Diagram",
    "EpochLogger",
    "Split",
    "TensorView",
    "TracingSummary",
    "__version__",
    "graph_diagram",
    "load_breast_cancer",
    "load_diabetes",
    "load_digits",
    "load_wine",
    "make_windows",
    "model_diagram",
    "plot_history",
    "plot_schedule",
    "register_ipython",
    "seasonal_series",
    "seed_everything",
    "show_tensor",
    "tiny_text_corpus",
    "tracing_summary",
    "two_spirals",
]

# Declared for linters and type checkers; built on first access (see callbacks).
EpochLogger: type[Any]


def __getattr__(name: str) -> Any:
    """Build :class:`~tfdocs_helpers.callbacks.EpochLogger` on first access."""
    if name == "EpochLogger":
        return callbacks.EpochLogger
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    """List the public names, the lazily built ones included."""
    return sorted(set(globals()) | set(__all__))
