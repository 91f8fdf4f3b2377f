"""The run record: what each page's and example's execution cost, and what it ran with.

One :class:`Run` per executed page or gallery example (seconds, peak memory, the
versions it ran with, the error if it failed, and the build that executed it),
owned by :class:`RunsCollector`, an environment collector: the record lives in
the build environment, so it survives incremental builds (an example that is not
run again keeps its last run) and is merged from parallel readers.

Who writes, who reads:

* the executor (:mod:`.execute.pool`) and the gallery hook
  (:mod:`.execute.gallery`) :func:`deliver` runs; the collector stores each one
  when its document is read, before any part looks at the document;
* :mod:`.checks.cell_errors` records the failure it locates (:func:`record`);
* the banners, the report and the checks read :func:`run_for` and
  :func:`all_runs`;
* at the end of every build the whole record is written to
  ``<doctrees>/tfdocs-runs.json`` (:func:`write_record`), which
  ``tools/bench.py`` and the tests read (:func:`read_record`). It sits beside
  the environment it mirrors, not in the published site: its figures differ
  from build to build.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sphinx.environment.collectors import EnvironmentCollector

from tfdocs_sphinx.locations import runs_path

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

__all__ = [
    "Record",
    "Run",
    "all_runs",
    "current_build",
    "deliver",
    "load_run",
    "read_record",
    "record",
    "run_for",
    "save_run",
]

Kind = Literal["page", "example"]
_ENV_ATTRIBUTE = "tfdocs_runs"


@dataclass(frozen=True)
class Run:
    """One execution of a page or a gallery example."""

    kind: Kind
    seconds: float
    peak_mb: float
    versions: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None
    #: The build that executed it (when it started, ISO 8601).
    build: str = ""
    #: What the page left running after its last cell ("<pid> <command>"),
    #: killed by the build; a page that leaves any is reported on every build.
    leftovers: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return the run as JSON-ready data.

        >>> Run("page", 1.5, 300.0, {"python": "3.11.7"}, build="b").to_json()
        {'kind': 'page', 'seconds': 1.5, 'peak_mb': 300.0, 'versions': {'python': '3.11.7'}, 'error': None, 'build': 'b', 'leftovers': []}
        """
        data = asdict(self)
        data["versions"] = dict(self.versions)
        data["leftovers"] = list(self.leftovers)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Run:
        """Read a run written by :meth:`to_json`.

        >>> Run.from_json({"kind": "example", "seconds": 2, "peak_mb": 1}).seconds
        2.0
        """
        return cls(
            kind="example" if data["kind"] == "example" else "page",
            seconds=float(data["seconds"]),
            peak_mb=float(data["peak_mb"]),
            versions=dict(data.get("versions") or {}),
            error=data.get("error"),
            build=str(data.get("build", "")),
            leftovers=tuple(data.get("leftovers") or ()),
        )


@dataclass(frozen=True)
class Record:
    """A build's run record, as written to ``tfdocs-runs.json``."""

    build: str
    runs: Mapping[str, Run]

    def executed(self, kind: Kind | None = None) -> dict[str, Run]:
        """Return the runs this build executed itself (not reused from an earlier one).

        >>> new, old = Run("page", 1, 1, build="b2"), Run("page", 1, 1, build="b1")
        >>> sorted(Record("b2", {"a": new, "b": old}).executed())
        ['a']
        """
        return {
            name: run
            for name, run in self.runs.items()
            if run.build == self.build and (kind is None or run.kind == kind)
        }


# -- This build's deliveries ---------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class _Inbox:
    """Runs finished in this process, waiting for their document to be read."""

    def __init__(self) -> None:
        self.build = _now()
        self.runs: dict[str, Run] = {}


_inbox = _Inbox()


def start_build(app: Sphinx) -> None:
    """Start a new build: a new build id, nothing delivered yet."""
    _inbox.build = _now()
    _inbox.runs.clear()


def current_build() -> str:
    """Return the id of the build running in this process (when it started)."""
    return _inbox.build


def deliver(docname: str, run: Run) -> None:
    """Hand over a finished run; it is stored when ``docname`` is read."""
    _inbox.runs[docname] = run


# -- The record in the environment -------------------------------------------


def _store(env: BuildEnvironment) -> dict[str, Run]:
    store: dict[str, Run] | None = getattr(env, _ENV_ATTRIBUTE, None)
    if store is None:
        store = {}
        setattr(env, _ENV_ATTRIBUTE, store)
    return store


def record(env: BuildEnvironment, docname: str, run: Run) -> None:
    """Store ``run`` as the run of ``docname`` (replacing one stored before)."""
    _store(env)[docname] = run


def record_failure(env: BuildEnvironment, docname: str, error: str) -> None:
    """Mark the run of a page that failed; make one if the page has none yet.

    A page that failed in the pool is executed again by myst-nb, which reports
    it: the failure it found is the one to keep.
    """
    run = _store(env).get(docname) or Run("page", 0.0, 0.0, build=_inbox.build)
    record(env, docname, replace(run, error=error))


def record_success(env: BuildEnvironment, docname: str, seconds: float | None) -> None:
    """Clear the error of a page that failed in the pool but not when myst-nb ran it.

    Its time becomes myst-nb's. A page without a recorded failure is left alone.
    """
    run = _store(env).get(docname)
    if run is not None and run.error is not None:
        record(env, docname, replace(run, error=None, seconds=seconds or run.seconds))


def run_for(env: BuildEnvironment, docname: str) -> Run | None:
    """Return the run of ``docname``, if it was executed (in this or a past build)."""
    return _store(env).get(docname)


def all_runs(env: BuildEnvironment) -> dict[str, Run]:
    """Every recorded run: pages first, then examples, each sorted by docname."""
    store = _store(env)
    return dict(
        sorted(store.items(), key=lambda item: (item[1].kind != "page", item[0]))
    )


def failed_docs(env: BuildEnvironment) -> set[str]:
    """Return the documents whose last run failed or left processes running."""
    return {
        name
        for name, run in _store(env).items()
        if run.error is not None or run.leftovers
    }


class RunsCollector(EnvironmentCollector):
    """Keeps the run record in the environment, per document.

    A document's run is forgotten when the document is read again and stored
    from this build's deliveries when it is read; parallel readers' runs are
    merged; a document whose run failed is read again on the next build, so an
    unchanged broken page cannot pass on a warm environment.
    """

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        """Forget the run of a document that is read again."""
        _store(env).pop(docname, None)

    def merge_other(
        self,
        app: Sphinx,
        env: BuildEnvironment,
        docnames: AbstractSet[str],
        other: BuildEnvironment,
    ) -> None:
        """Take the runs of the documents a parallel reader read."""
        theirs = _store(other)
        _store(env).update({name: theirs[name] for name in docnames if name in theirs})

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        """Store the run delivered for the document just read, if any."""
        docname = app.env.docname
        run = _inbox.runs.pop(docname, None)
        if run is not None:
            record(app.env, docname, run)

    def get_outdated_docs(
        self,
        app: Sphinx,
        env: BuildEnvironment,
        added: set[str],
        changed: set[str],
        removed: set[str],
    ) -> list[str]:
        """Read again every document whose run failed last time."""
        return sorted(failed_docs(env) & env.found_docs - added - changed - removed)


# -- The record on disk ---------------------------------------------------------


def write_record(app: Sphinx, exception: BaseException | None) -> None:
    """Write the whole record to ``<doctrees>/tfdocs-runs.json``, once per build."""
    runs = all_runs(app.env)
    data = {
        "build": _inbox.build,
        "runs": {name: run.to_json() for name, run in runs.items()},
    }
    path = runs_path(app.doctreedir)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    partial.replace(path)


def save_run(path: Path, run: Run) -> None:
    """Keep one run in ``path`` (JSON), replaced whole: a killed build never cuts it."""
    partial = path.with_name(f"{path.name}.partial")
    partial.write_text(json.dumps(run.to_json(), indent=1) + "\n", encoding="utf-8")
    partial.replace(path)


def load_run(path: Path) -> Run:
    """Read a run kept by :func:`save_run`."""
    return Run.from_json(json.loads(path.read_text(encoding="utf-8")))


def read_record(doctreedir: str | Path) -> Record:
    """Read the run record of the build whose doctrees are in ``doctreedir``."""
    data = json.loads(runs_path(doctreedir).read_text(encoding="utf-8"))
    runs = {name: Run.from_json(run) for name, run in data["runs"].items()}
    return Record(build=data["build"], runs=runs)


def connect(app: Sphinx) -> None:
    """Register the collector and the record's file; load before any reader."""
    app.connect("builder-inited", start_build, priority=1)
    app.add_env_collector(RunsCollector)
    app.connect("build-finished", write_record)
