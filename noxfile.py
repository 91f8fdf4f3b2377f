#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox[uv]>=2025.2.9"]
# ///
"""Sessions that build, test and lint tfdocs.

Every session installs the project and one dependency group from ``uv.lock``
with ``uv sync --locked``, so what runs here is exactly what produced the site.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
# The build's shared facts (tfdocs_sphinx.locations imports only the standard
# library), read from the source tree: nox runs outside the project's venvs.
sys.path.insert(0, str(ROOT / "src"))
from tfdocs_sphinx.locations import sphinx_build_args

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"

BUILD = ROOT / "_build"
# Strict: warnings are errors, every failure is shown, broken references warn.
SITE = {
    "confdir": Path(),
    "srcdir": Path("docs"),
    "outdir": BUILD / "html",
    "doctreedir": BUILD / "doctrees",
}


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into _build/html, executing every page and example."""
    _sync(session, "docs")
    session.run("sphinx-build", *sphinx_build_args(**SITE), *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite, doctests of src/ and helpers/src/ included, with coverage.

    One group of whole test files: ``-- --test-group 1/3`` (as CI's matrix runs
    it). After a change of the suite, ``-- --store-test-times`` refreshes the
    files' seconds that balance the groups (tests/suitegroups.py).
    """
    _sync(session, "test")
    session.run(
        "pytest", "--numprocesses=2", "--dist=loadfile",
        "--cov", "--cov-report=term-missing:skip-covered",
        *session.posargs,
    )  # fmt: skip


@nox.session(default=False)
def coverage(session: nox.Session) -> None:
    """Add up the coverage data of test groups (CI's matrix); fail under the bar.

    The bar is ``fail_under`` of ``[tool.coverage.report]`` (pyproject.toml),
    which ``nox -s tests`` applies too.
    """
    _sync(session, "coverage", project=False)
    session.run("coverage", "combine", "--keep", *session.posargs)
    session.run("coverage", "report", "--skip-covered")


@nox.session
def lint(session: nox.Session) -> None:
    """Run the pre-commit hooks (ruff, file checks) on every file, then mypy strict."""
    _sync(session, "lint")
    # The hooks' environments come from PyPI (repo: local, pinned versions).
    session.run(
        "pre-commit", "run", "--all-files", "--show-diff-on-failure", *session.posargs
    )
    session.run("mypy")


@nox.session(default=False)
def serve(session: nox.Session) -> None:
    """Preview the site with live reload while editing (sphinx-autobuild)."""
    _sync(session, "serve")
    session.run(
        "sphinx-autobuild", *sphinx_build_args(**SITE, strict=False),
        "--watch", "src", "--watch", "helpers/src", "--watch", "examples", "--ignore", "*/auto_examples/*",
        *session.posargs,
    )  # fmt: skip


@nox.session(default=False)
def browser(session: nox.Session) -> None:
    """Check the built site (_build/html) in Chromium: errors, offline, a11y, downloads."""
    _sync(session, "browser", project=False)
    # Without the project installed: the conftests above tests/browser import it.
    session.run(
        "pytest", "tests/browser", "--confcutdir=tests/browser", *session.posargs
    )


@nox.session(default=False)
def dist(session: nox.Session) -> None:
    """Build the helpers' wheel and sdist into dist/ and check them with twine."""
    _sync(session, "dist", project=False)
    dist = ROOT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    session.run(
        "python", "-m", "build", "--installer=uv", "helpers", "--outdir", str(dist)
    )
    session.run("twine", "check", "--strict", *map(str, sorted(dist.iterdir())))
    session.run("python", "tools/release.py", str(dist))


@nox.session(default=False)
def journey(session: nox.Session) -> None:
    """Run the built site's scripts and notebooks as a reader does (after docs)."""
    _sync(session, "journey", project=False)
    session.run(
        # Without the project installed: the conftests above tests/journey import it.
        "pytest", "tests/journey", "--confcutdir=tests/journey", "--numprocesses=2", "--dist=load",
        "-p", "no:cacheprovider", *session.posargs,
    )  # fmt: skip


@nox.session(venv_backend="none", default=False)
def clean(session: nox.Session) -> None:
    """Delete the build folder and every cache (executed outputs included)."""
    for path in (BUILD, ROOT / "docs" / "auto_examples"):
        session.log(f"removing {path}")
        shutil.rmtree(path, ignore_errors=True)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Measure the build against its floor; write _build/bench.json (~45 min, quiet).

    ``-- --scale`` adds the site replicated k = 1, 2 times; ``-- scale
    --scale-max 4`` builds only the replicated sites, k = 1, 2, 4.
    """
    _sync(session, "docs")
    session.run("python", "tools/bench.py", *session.posargs)


@nox.session(default=False)
def repro(session: nox.Session) -> None:
    """Build the site twice from nothing; fail on any page that differs."""
    _sync(session, "docs")
    session.run("python", "tools/repro.py")


@nox.session(default=False)
def shards(session: nox.Session) -> None:
    """Build N shards in separate clones, merge, build, compare with one machine (`-- --shards N`; `-- plan --seconds S`)."""
    _sync(session, "docs")
    session.run("python", "tools/shards.py", *session.posargs)


@nox.session(default=False)
def ci_times(session: nox.Session) -> None:
    """Replay a pull request's CI jobs here for three kinds of change; time each (~35 min)."""
    _sync(session, "test")
    session.run("python", "tools/ci_times.py", *session.posargs)


@nox.session(default=False)
def apilinks(session: nox.Session) -> None:
    """Regenerate the API maps (src/tfdocs_sphinx/publish/apimaps) from TensorFlow and Keras."""
    _sync(session, "docs")
    session.run("tfdocs-apimap", *session.posargs)


@nox.session(default=False)
def lock(session: nox.Session) -> None:
    """Refresh uv.lock after a change of the dependencies in pyproject.toml."""
    session.install("uv")
    session.run("uv", "lock", *session.posargs)


# The libraries whose internals the machinery uses, and the theme whose template
# it overrides: `nox -s upstream` tries their newest releases past the upper bounds.
UPSTREAM = [
    "sphinx", "docutils", "myst-nb", "myst-parser", "jupyter-cache", "sphinx-gallery",
    "nbclient", "nbformat", "ipykernel", "jupyter-client", "sphinx-book-theme",
    "pydata-sphinx-theme", "sphinx-notfound-page", "sphinx-sitemap",
    "sphinxext-opengraph", "sphinx-copybutton", "sphinx-last-updated-by-git",
]  # fmt: skip


@nox.session(default=False)
def upstream(session: nox.Session) -> None:
    """Run the tests with the newest Sphinx stack, upper bounds ignored; name what breaks."""
    _sync(session, "test")
    session.install("--upgrade", *UPSTREAM)
    session.run("uv", "pip", "list", "--python", session.virtualenv.location)
    report = BUILD / "upstream.xml"
    try:
        session.run(
            "pytest", "--numprocesses=2", "--dist=loadfile", "-p", "no:cacheprovider",
            f"--junitxml={report}", *session.posargs,
        )  # fmt: skip
    finally:
        if report.is_file():
            lines = _failures_by_test_module(report)
            for line in lines:
                session.warn(line)
            summary = ["## Newest releases: failures by test module", ""]
            summary += [f"- {line}" for line in lines] or ["- none"]
            (BUILD / "upstream.md").write_text("\n".join(summary) + "\n")


@nox.session(default=False)
def inventories(session: nox.Session) -> None:
    """Regenerate docs/_inventories/*.inv (NumPy, Matplotlib, scikit-learn, Python)."""
    _sync(session, "inventories")
    session.run("python", "tools/inventories.py", *session.posargs)


def _failures_by_test_module(report: Path) -> list[str]:
    """One line per test module with failures in a JUnit XML report.

    Test modules mirror the machinery's modules, so each line names what broke.
    """
    from xml.etree import ElementTree

    failed: dict[str, list[str]] = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            module = case.get("classname", "?").split(".")[0]
            failed.setdefault(module, []).append(case.get("name", "?"))
    return [
        f"{module}: {len(names)} failed ({', '.join(sorted(names)[:5])})"
        for module, names in sorted(failed.items())
    ]


def _sync(session: nox.Session, group: str, *, project: bool = True) -> None:
    """Install the locked dependencies of ``group`` (and the project) into the venv."""
    session.run_install(
        "uv", "sync", "--locked", "--no-default-groups",
        # Without the project, only the group: not the machinery's dependencies.
        *(["--group", group] if project else ["--only-group", group]),
        # .pyc files up front: imports (TensorFlow's above all) take seconds less
        # in every process, even where PYTHONDONTWRITEBYTECODE is set.
        "--compile-bytecode",
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
    )  # fmt: skip


if __name__ == "__main__":
    nox.main()
