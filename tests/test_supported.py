"""An unsupported myst-nb, jupyter-cache or sphinx-gallery stops the build at once."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

from sitebuild import build_site
from tfdocs_sphinx import supported
from tfdocs_sphinx.supported import UnsupportedVersionError, check_versions


def test_the_locked_versions_are_supported() -> None:
    check_versions()
    ranges = supported.supported_ranges()
    assert set(ranges) == set(supported.INTERNALS_USED)
    assert all("<" in specifier for specifier in ranges.values())  # upper bounds


@pytest.mark.parametrize("name", ["myst-nb", "jupyter-cache", "sphinx-gallery"])
def test_an_unsupported_version_is_named_with_its_range(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata,
        "version",
        lambda dist: "99.0" if dist == name else real(dist),
    )
    with pytest.raises(UnsupportedVersionError) as raised:
        check_versions(version=importlib.metadata.version)
    message = str(raised.value)
    assert f"{name} 99.0 is installed" in message
    assert f"supports {name}{supported.supported_ranges()[name]} only" in message


@pytest.mark.slow
def test_a_build_with_an_unsupported_version_fails_at_setup(tmp_path: Path) -> None:
    """A newer myst-nb, as its metadata says, first on the build's path."""
    shadow = tmp_path / "shadow"
    info = shadow / "myst_nb-1.9.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: myst-nb\nVersion: 1.9.0\n", encoding="utf-8"
    )
    build = build_site(tmp_path / "site", env={"PYTHONPATH": str(shadow)})
    assert build.returncode != 0
    assert "myst-nb 1.9.0 is installed" in build.output, build.output
    assert "supports myst-nb<1.5,>=1.4 only" in build.output
    assert not (build.html / "index.html").exists()
