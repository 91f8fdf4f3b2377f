"""The run record (tfdocs_sphinx.runs): one store for pages and examples."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from tfdocs_sphinx import runs
from tfdocs_sphinx.locations import runs_path


def _env(docname: str = "page", found: tuple[str, ...] = ()) -> SimpleNamespace:
    return SimpleNamespace(docname=docname, found_docs=set(found))


def test_a_delivered_run_is_stored_when_its_document_is_read() -> None:
    env = _env("tensors")
    app = SimpleNamespace(env=env)
    runs.start_build(app)  # type: ignore[arg-type]
    run = runs.Run("page", 1.0, 2.0, {"python": "3"}, build=runs.current_build())
    runs.deliver("tensors", run)
    collector = runs.RunsCollector()
    collector.process_doc(app, None)  # type: ignore[arg-type]
    assert runs.run_for(env, "tensors") == run  # type: ignore[arg-type]
    collector.clear_doc(app, env, "tensors")  # type: ignore[arg-type]
    assert runs.run_for(env, "tensors") is None  # type: ignore[arg-type]


def test_a_new_build_forgets_what_was_not_collected() -> None:
    app = SimpleNamespace(env=_env("a"))
    runs.deliver("a", runs.Run("page", 1.0, 2.0))
    before = runs.current_build()
    runs.start_build(app)  # type: ignore[arg-type]
    assert runs.current_build() != before
    runs.RunsCollector().process_doc(app, None)  # type: ignore[arg-type]
    assert runs.run_for(app.env, "a") is None  # type: ignore[arg-type]


def test_parallel_readers_runs_are_merged() -> None:
    env, other = _env(), _env()
    runs.record(other, "a", runs.Run("page", 1, 1))  # type: ignore[arg-type]
    runs.record(other, "b", runs.Run("page", 2, 1))  # type: ignore[arg-type]
    runs.RunsCollector().merge_other(None, env, {"a"}, other)  # type: ignore[arg-type]
    assert list(runs.all_runs(env)) == ["a"]  # type: ignore[arg-type]


def test_pages_come_first_and_failed_documents_are_read_again() -> None:
    env = _env(found=("ex", "p", "broken", "gone"))
    runs.record(env, "ex", runs.Run("example", 1, 1))  # type: ignore[arg-type]
    runs.record(env, "p", runs.Run("page", 1, 1))  # type: ignore[arg-type]
    runs.record_failure(env, "broken", "ValueError: no")  # type: ignore[arg-type]
    runs.record_failure(env, "p", "NameError: x")  # type: ignore[arg-type]
    assert list(runs.all_runs(env)) == ["broken", "p", "ex"]  # type: ignore[arg-type]
    assert runs.run_for(env, "p").seconds == 1  # type: ignore[arg-type,union-attr]
    outdated = runs.RunsCollector().get_outdated_docs(
        None,  # type: ignore[arg-type]
        env,  # type: ignore[arg-type]
        added=set(),
        changed={"p"},
        removed=set(),
    )
    assert outdated == ["broken"]


def test_the_record_file_round_trips(tmp_path: Path) -> None:
    env = _env()
    app = SimpleNamespace(env=env, doctreedir=str(tmp_path / "doctrees"))
    runs.start_build(app)  # type: ignore[arg-type]
    new = runs.Run("page", 1.5, 300.0, {"keras": "3"}, build=runs.current_build())
    old = runs.Run("example", 2.0, 400.0, build="earlier")
    runs.record(env, "new", new)  # type: ignore[arg-type]
    runs.record(env, "old", old)  # type: ignore[arg-type]
    runs.write_record(app, None)  # type: ignore[arg-type]
    data = json.loads(runs_path(tmp_path / "doctrees").read_text(encoding="utf-8"))
    assert data["runs"]["new"]["seconds"] == 1.5  # one key per number
    assert "execution_seconds" not in data["runs"]["new"]
    record = runs.read_record(tmp_path / "doctrees")
    assert record.runs == {"new": new, "old": old}
    assert record.executed() == {"new": new}
    assert record.executed("example") == {}


@pytest.mark.parametrize("kind", ["page", "example"])
def test_run_json_keeps_the_kind(kind: str) -> None:
    run = runs.Run(kind, 1.0, 2.0, error="E")  # type: ignore[arg-type]
    assert runs.Run.from_json(json.loads(json.dumps(run.to_json()))) == run


def test_a_page_myst_nb_ran_again_successfully_loses_its_error() -> None:
    env = _env()
    runs.record(env, "p", runs.Run("page", 9.0, 1, error="RuntimeError: slow"))  # type: ignore[arg-type]
    runs.record_success(env, "p", 2.5)  # type: ignore[arg-type]
    assert runs.run_for(env, "p") == runs.Run("page", 2.5, 1)  # type: ignore[arg-type]
    runs.record_success(env, "q", 1.0)  # type: ignore[arg-type]
    assert runs.run_for(env, "q") is None  # type: ignore[arg-type]
