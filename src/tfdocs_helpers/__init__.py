"""Helpers shared by the tfdocs pages, gallery examples and doctests.

Importing this package is cheap: it never imports TensorFlow, Keras or
Matplotlib. Each function imports what it needs when it is called.
"""

from __future__ import annotations

from importlib.metadata import version

__version__ = version("tfdocs_helpers")

__all__ = ["__version__"]
