"""A fresh clone reads again only the sources that changed (tfdocs_sphinx.execute.sourcetimes)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from sitebuild import SITES, build_site
from tfdocs_sphinx.execute import sourcetimes

PAGE = SITES / "shards" / "first.md"
KEEP = ("-D", "tfdocs_keep_source_times=1")


def _checkout(folder: Path) -> None:
    """Date every file in ``folder`` now, as a fresh checkout does."""
    now = time.time_ns()
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(now, now))


def test_unchanged_files_get_their_recorded_times_back(tmp_path: Path) -> None:
    docs, doctrees = tmp_path / "docs", tmp_path / "doctrees"
    (docs / "sub").mkdir(parents=True)
    for name in ["same.md", "edited.md", "sub/image.png"]:
        (docs / name).write_text(name, encoding="utf-8")
        os.utime(docs / name, ns=(10**18, 10**18))
    module = tmp_path / "helpers" / "module.py"  # a page's dependency, outside docs/
    module.parent.mkdir()
    module.write_text("x = 1", encoding="utf-8")
    os.utime(module, ns=(10**18, 10**18))
    sourcetimes.record(docs, doctrees, dependencies=[str(module), "same.md"])
    _checkout(docs)
    _checkout(module.parent)
    (docs / "edited.md").write_text("a new sentence", encoding="utf-8")
    (docs / "new.md").write_text("new", encoding="utf-8")
    assert sourcetimes.restore(docs, doctrees) == [
        "../helpers/module.py",
        "same.md",
        "sub/image.png",
    ]
    assert module.stat().st_mtime_ns == 10**18
    assert (docs / "same.md").stat().st_mtime_ns == 10**18
    assert (docs / "sub" / "image.png").stat().st_mtime_ns == 10**18
    assert (docs / "edited.md").stat().st_mtime_ns > 10**18
    assert (docs / "new.md").stat().st_mtime_ns > 10**18


@pytest.mark.parametrize("content", [None, "{not json", "[]", '{"a.md": 3}'])
def test_without_a_usable_record_nothing_is_touched(
    tmp_path: Path, content: str | None
) -> None:
    docs, doctrees = tmp_path / "docs", tmp_path / "doctrees"
    docs.mkdir()
    (docs / "a.md").write_text("a", encoding="utf-8")
    before = (docs / "a.md").stat().st_mtime_ns
    if content is not None:
        doctrees.mkdir()
        (doctrees / sourcetimes.TIMES_FILE).write_text(content, encoding="utf-8")
    assert sourcetimes.restore(docs, doctrees) == []
    assert (docs / "a.md").stat().st_mtime_ns == before


def _changed(output: str) -> int:
    """How many documents Sphinx read again, from its "updating environment" line."""
    found = re.search(r"updating environment: .*?(\d+) added, (\d+) changed", output)
    assert found, output
    return int(found[1]) + int(found[2])


@pytest.mark.slow
def test_a_fresh_clone_reads_again_only_the_page_that_changed(tmp_path: Path) -> None:
    first = build_site(tmp_path, PAGE, options=KEEP)
    assert first.returncode == 0, first.output
    docs = tmp_path / "docs"
    _checkout(docs)
    page = docs / PAGE.name
    page.write_text(
        page.read_text(encoding="utf-8").replace("# A page", "# A changed page"),
        encoding="utf-8",
    )
    kept = build_site(tmp_path, options=KEEP)
    assert kept.returncode == 0, kept.output
    assert _changed(kept.output) == 1, kept.output
    assert "A changed page" in (kept.html / "first.html").read_text(encoding="utf-8")
    # Without the setting, a checkout has Sphinx read every page again.
    _checkout(docs)
    plain = build_site(tmp_path, options=("-D", "tfdocs_keep_source_times=0"))
    assert plain.returncode == 0, plain.output
    assert _changed(plain.output) > 1, plain.output


@pytest.mark.slow
def test_a_file_outside_the_sources_keeps_its_time_until_it_changes(
    tmp_path: Path,
) -> None:
    # As the API pages depend on the helper modules, outside docs/.
    snippet = tmp_path / "snippet.py"
    snippet.write_text("ANSWER = 41\n", encoding="utf-8")
    page = tmp_path / "including.md"
    page.write_text(
        "# Including\n\n```{literalinclude} ../snippet.py\n```\n", encoding="utf-8"
    )
    first = build_site(tmp_path, PAGE, page, options=KEEP)
    assert first.returncode == 0, first.output
    _checkout(tmp_path / "docs")
    now = time.time_ns()
    os.utime(snippet, ns=(now, now))
    kept = build_site(tmp_path, options=KEEP)
    assert kept.returncode == 0, kept.output
    assert _changed(kept.output) == 0, kept.output
    snippet.write_text("ANSWER = 42\n", encoding="utf-8")
    changed = build_site(tmp_path, options=KEEP)
    assert changed.returncode == 0, changed.output
    assert _changed(changed.output) == 1, changed.output
    assert "42" in (changed.html / "including.html").read_text(encoding="utf-8")
