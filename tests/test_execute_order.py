"""The pool's order, longest first, and the reading's, as runs end (tfdocs_sphinx.execute.order)."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from sitebuild import SITES, build_site, site_command
from tfdocs_sphinx.execute import order, pool
from tfdocs_sphinx.locations import runs_path
from tfdocs_sphinx.runs import Run

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class Page:
    docname: str


def names(pages: list[Page]) -> list[str]:
    return [page.docname for page in pages]


def test_unknown_pages_first_then_longest_ties_by_name() -> None:
    pages = [Page(n) for n in ["intro", "tensors", "distribution", "new", "callbacks"]]
    previous = {"intro": 2.0, "tensors": 5.0, "distribution": 16.0, "callbacks": 5.0}
    assert names(order.longest_first(pages, previous)) == [
        "new", "distribution", "callbacks", "tensors", "intro",
    ]  # fmt: skip


def test_order_does_not_depend_on_the_input_order() -> None:
    pages = [Page(f"p{i}") for i in range(20)]
    previous = {f"p{i}": float(i % 4) for i in range(0, 20, 2)}
    expected = names(order.longest_first(pages, previous))
    shuffled = pages.copy()
    random.Random(0).shuffle(shuffled)
    assert names(order.longest_first(shuffled, previous)) == expected
    assert expected[:10] == [f"p{i}" for i in sorted(range(1, 20, 2), key=str)]


def test_no_record_keeps_name_order() -> None:
    pages = [Page("b"), Page("a"), Page("c")]
    assert names(order.longest_first(pages, {})) == ["a", "b", "c"]


@pytest.mark.parametrize("seconds", [float("nan"), float("inf"), -1.0])
def test_bad_seconds_are_refused_naming_the_argument(seconds: float) -> None:
    with pytest.raises(ValueError, match="previous: 'a'"):
        order.longest_first([Page("a")], {"a": seconds})


def _write_record(doctreedir: Path, runs: dict[str, Run]) -> None:
    path = runs_path(doctreedir)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"build": "b", "runs": {name: run.to_json() for name, run in runs.items()}}
    path.write_text(json.dumps(data), encoding="utf-8")


def test_previous_seconds_reads_page_runs_that_succeeded(tmp_path: Path) -> None:
    _write_record(
        tmp_path,
        {
            "tensors": Run("page", 5.5, 300.0, build="b"),
            "broken": Run("page", 0.5, 300.0, error="ZeroDivisionError", build="b"),
            "auto_examples/plot_x": Run("example", 9.0, 0.0, build="b"),
        },
    )
    assert order.previous_seconds(tmp_path) == {"tensors": 5.5}


@pytest.mark.parametrize("content", [None, "", "{not json", '{"runs": {}}', "[]"])
def test_previous_seconds_without_a_usable_record_is_empty(
    tmp_path: Path, content: str | None
) -> None:
    if content is not None:
        runs_path(tmp_path).parent.mkdir(parents=True, exist_ok=True)
        runs_path(tmp_path).write_text(content, encoding="utf-8")
    assert order.previous_seconds(tmp_path) == {}


def test_a_build_without_a_record_reads_the_committed_seconds(tmp_path: Path) -> None:
    doctrees, docs = tmp_path / "doctrees", tmp_path / "docs"
    docs.mkdir()
    (docs / order.DURATIONS).write_text(
        '{"tensors": 5.5, "auto_examples/plot_x": 9, "distribution": 16.0}',
        encoding="utf-8",
    )
    assert order.expected_seconds(doctrees, docs) == {
        "tensors": 5.5, "auto_examples/plot_x": 9.0, "distribution": 16.0,
    }  # fmt: skip
    # The build's own record wins where it knows a unit.
    _write_record(doctrees, {"tensors": Run("page", 7.0, 300.0, build="b")})
    assert order.expected_seconds(doctrees, docs)["tensors"] == 7.0


def test_committed_seconds_are_written_from_the_record_and_read_back(
    tmp_path: Path,
) -> None:
    doctrees, docs = tmp_path / "doctrees", tmp_path / "docs"
    docs.mkdir()
    _write_record(
        doctrees,
        {
            "tensors": Run("page", 5.54, 300.0, build="b"),
            "broken": Run("page", 0.5, 300.0, error="ZeroDivisionError", build="b"),
            "auto_examples/plot_x": Run("example", 9.0, 0.0, build="b"),
        },
    )
    path = order.write_durations(doctrees, docs)
    assert path == docs / order.DURATIONS
    assert list(json.loads(path.read_text(encoding="utf-8"))) == [
        "auto_examples/plot_x", "tensors",
    ]  # fmt: skip
    assert order.committed_seconds(docs) == {
        "auto_examples/plot_x": 9.0,
        "tensors": 5.5,
    }


def test_writing_committed_seconds_without_a_record_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="doctreedir: no run record"):
        order.write_durations(tmp_path / "doctrees", tmp_path)


@pytest.mark.parametrize(
    "content", ["{not json", "[]", '{"a": "5"}', '{"a": -1}', '{"a": true}']
)
def test_bad_committed_seconds_are_an_error_naming_the_file(
    tmp_path: Path, content: str
) -> None:
    (tmp_path / order.DURATIONS).write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=order.DURATIONS):
        order.committed_seconds(tmp_path)


def test_finish_order_runs_the_units_as_submitted_on_the_first_free_worker() -> None:
    expected = {"long": 10.0, "a": 2.0, "b": 3.0, "c": 2.0}
    # Two workers: long 0-10; a 0-2, b 2-5, c 5-7.
    submitted = ["long", "a", "b", "c"]
    assert order.finish_order(submitted, expected, workers=2) == ["a", "b", "c", "long"]
    # One worker: in the order submitted; as many workers as units: shortest first.
    assert order.finish_order(submitted, expected, workers=1) == submitted
    assert order.finish_order(submitted, expected, workers=4) == ["a", "c", "b", "long"]


def test_finish_order_counts_an_unknown_unit_as_the_mean_and_ties_as_submitted() -> (
    None
):
    # new: the mean of the known, 3 s: it ends with x, after it (submitted later).
    expected = {"x": 3.0, "one": 1.0, "five": 5.0}
    assert order.finish_order(["x", "new", "one", "five"], expected, workers=4) == [
        "one", "x", "new", "five",
    ]  # fmt: skip
    assert order.finish_order(["b", "a"], {}, workers=2) == ["b", "a"]


@pytest.mark.parametrize(
    ("submitted", "workers", "message"),
    [(["a"], 0, "workers must be at least 1"), (["a", "a"], 1, "submitted: a unit")],
)
def test_finish_order_refuses_bad_arguments_naming_them(
    submitted: list[str], workers: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        order.finish_order(submitted, {}, workers=workers)


def test_the_executor_has_pages_read_without_waiting_first_then_as_runs_end() -> None:
    executor = pool.Executor()
    executor.finish_order = ["auto_examples/plot_x", "short", "medium", "long"]
    executor.pending = dict.fromkeys(["long", "medium", "short"])  # type: ignore[arg-type]
    docnames = ["api", "auto_examples/plot_x", "index", "long", "medium", "short"]
    executor.order_reading(None, None, docnames)  # type: ignore[arg-type]
    assert docnames == [
        "api", "auto_examples/plot_x", "index", "short", "medium", "long",
    ]  # fmt: skip


@pytest.mark.slow
def test_sphinx_reads_a_short_page_before_a_longer_one_running_beside_it(
    tmp_path: Path,
) -> None:
    """By name, a_long would be read first, and b_short wait to be read after it."""
    root = tmp_path / "site"
    site_command(root, SITES / "order" / "a_long.md", SITES / "order" / "b_short.md")
    (root / "docs" / order.DURATIONS).write_text(
        '{"a_long": 4.0, "b_short": 0.3}', encoding="utf-8"
    )
    build = build_site(root, options=("-D", "tfdocs_execution_workers=2"))
    assert build.returncode == 0, build.output
    read = re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", build.output)
    assert read == ["auto_examples/index", "index", "b_short", "a_long"], build.output
    assert set(build.runs.executed("page")) == {"a_long", "b_short"}
