"""What a page imports, and the install command (tfdocs_sphinx.publish.requirements)."""

from __future__ import annotations

import importlib.metadata
import subprocess

import pytest

from tfdocs_sphinx.publish.requirements import (
    Requirement,
    imported_modules,
    install_cell,
    pip_command,
    resolve,
)

TF = importlib.metadata.version("tensorflow")
KERAS = importlib.metadata.version("keras")
WHEEL = "http://127.0.0.1:8000/tfdocs_helpers-0.1.0-py3-none-any.whl"


def _resolve(*modules: str) -> list[str]:
    requirements = resolve(
        modules,
        pinned=["tensorflow", "keras"],
        served={"tfdocs_helpers": WHEEL},
    )
    return [str(r) for r in requirements]


def test_imports_are_read_from_code_and_notebook_cells() -> None:
    code = (
        "%matplotlib inline\n"
        "import numpy as np, os.path\n"
        "from tensorflow import keras\n"
        "!pip list\n"
        "def f():\n"
        "    import sklearn.datasets\n"
        "from .local import x\n"
    )
    assert imported_modules(code) == {
        "numpy",
        "os.path",
        "tensorflow",
        "sklearn.datasets",
    }


def test_imports_refuse_what_is_not_code() -> None:
    with pytest.raises(TypeError, match="code must be a str"):
        imported_modules(b"import os")  # type: ignore[arg-type]
    with pytest.raises(SyntaxError):
        imported_modules("import (")


def test_the_standard_library_needs_nothing() -> None:
    assert _resolve("json", "os.path", "importlib.metadata") == []


def test_tensorflow_and_keras_are_pinned_to_the_build_versions() -> None:
    assert _resolve("tensorflow") == [f"tensorflow=={TF}", f"keras=={KERAS}"]
    assert _resolve("keras", "tensorflow") == [f"tensorflow=={TF}", f"keras=={KERAS}"]


def test_the_helpers_come_from_the_served_wheel_with_pinned_tensorflow() -> None:
    assert _resolve("tfdocs_helpers") == [f"tensorflow=={TF}", f"keras=={KERAS}", WHEEL]


def test_what_a_requirement_brings_is_not_listed_again() -> None:
    # numpy, matplotlib and scikit-learn are the helpers' dependencies; h5py is
    # TensorFlow's.
    helpers = [f"tensorflow=={TF}", f"keras=={KERAS}", WHEEL]
    assert _resolve("tfdocs_helpers", "numpy", "sklearn", "h5py") == helpers


def test_other_distributions_are_named_unpinned() -> None:
    assert _resolve("numpy", "matplotlib.pyplot") == ["matplotlib"]
    assert _resolve("numpy") == ["numpy"]
    assert _resolve("tensorboard", "tensorflow")[-1] == "tensorboard"


def test_a_module_nothing_provides_is_named() -> None:
    with pytest.raises(LookupError, match="'no_such_module_anywhere'"):
        _resolve("no_such_module_anywhere")


def test_pip_command_quotes_what_the_shell_would_split() -> None:
    command = pip_command([Requirement("a", version="1"), Requirement("b c")])
    assert command == "pip install a==1 'b c'"


def _run_cell(
    cell: str, versions: dict[str, str | None], monkeypatch: pytest.MonkeyPatch
) -> list[list[str]]:
    """Run an install cell against made-up installed versions; return pip calls."""
    calls: list[list[str]] = []

    def version(name: str) -> str:
        if versions.get(name) is None:
            raise importlib.metadata.PackageNotFoundError(name)
        return str(versions[name])

    with monkeypatch.context() as patch:
        patch.setattr(importlib.metadata, "version", version)
        patch.setattr(subprocess, "run", lambda args, check: calls.append(args))
        exec(cell, {})  # noqa: S102 (the cell the site generates, run as a kernel would)
    return calls


def test_install_cell_installs_only_what_is_missing_or_another_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    requirements = [
        Requirement("tensorflow", version="2.21.0"),
        Requirement("tensorboard"),
        Requirement("tfdocs-helpers", url=WHEEL),
    ]
    cell = install_cell(requirements, command=pip_command(requirements))
    present = {
        "tensorflow": "2.21.0",
        "tensorboard": "2.21.0",
        "tfdocs-helpers": "0.1.0",
    }
    assert _run_cell(cell, present, monkeypatch) == []
    for changed in (
        {"tensorflow": "2.19.0"},  # Colab's own TensorFlow
        {"tensorboard": None},
        {"tfdocs-helpers": None},
        {"tfdocs-helpers": "0.0.9"},
    ):
        calls = _run_cell(cell, {**present, **changed}, monkeypatch)
        assert len(calls) == 1, changed
        assert calls[0][1:] == ["-m", "pip", "install", "--quiet",
                                "tensorflow==2.21.0", "tensorboard", WHEEL]  # fmt: skip
