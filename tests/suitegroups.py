"""The suite in groups of whole test files, one machine each (CI's test matrix).

``pytest --test-group 2/3`` runs the second of three groups. The files are
shared out by :func:`tfdocs_sphinx.execute.shards.assign`, the rule that shares
pages among the docs shards: longest first, each to the least loaded group, by
each file's seconds in ``tests/durations.json`` (a file it does not know counts
as the mean). A file stays whole, so its module-scoped fixture site is built on
one machine only: pytest-split shares out single tests and would build it on
two (jerry-git/pytest-split#61, #108). Every machine computes the same groups
from the same files. ``pytest --store-test-times`` (after a change of the
suite: ``nox -s tests -- --store-test-times``) writes each file's seconds
(setup, call and teardown of all its tests) to that file.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

__all__ = ["TIMES", "TimesRecorder", "add_options", "configure", "select_group"]

TIMES = Path(__file__).with_name("durations.json")


def add_options(parser: pytest.Parser) -> None:
    """Add ``--test-group I/N`` and ``--store-test-times``."""
    group = parser.getgroup("suitegroups", "groups of whole test files (CI's matrix)")
    group.addoption(
        "--test-group",
        metavar="I/N",
        default="",
        help="run only group I of N, balanced by tests/durations.json",
    )
    group.addoption(
        "--store-test-times",
        action="store_true",
        help="write each test file's seconds to tests/durations.json",
    )


_GROUP = pytest.StashKey[tuple[int, int] | None]()


def configure(config: pytest.Config) -> None:
    """Read ``--test-group``; record the files' times where asked.

    The times are recorded in the process that sees every report (with
    pytest-xdist, the controller, not a worker).
    """
    from tfdocs_sphinx.execute.shards import parse_shard

    text = config.getoption("test_group")
    try:
        config.stash[_GROUP] = parse_shard(text)
    except ValueError:
        msg = f"--test-group must be 'I/N' with 1 <= I <= N; got {text!r}"
        raise pytest.UsageError(msg) from None
    if config.getoption("store_test_times") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(TimesRecorder(TIMES), "suitegroups-times")


def _file(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def select_group(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the items of the group ``--test-group`` names; deselect the rest."""
    from tfdocs_sphinx.execute.shards import assign

    group = config.stash.get(_GROUP, None)
    if group is None:
        return
    index, total = group
    known = json.loads(TIMES.read_text(encoding="utf-8")) if TIMES.exists() else {}
    files = {_file(item.nodeid) for item in items}
    mine = set(assign({name: known.get(name) for name in files}, total)[index - 1])
    kept = [item for item in items if _file(item.nodeid) in mine]
    config.hook.pytest_deselected(
        items=[item for item in items if _file(item.nodeid) not in mine]
    )
    items[:] = kept


class TimesRecorder:
    """Add up each test file's seconds from its tests' reports; write them at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seconds: defaultdict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Count a phase (setup, call, teardown) of a test to its file."""
        self.seconds[_file(report.nodeid)] += report.duration

    def pytest_sessionfinish(self) -> None:
        """Update the files that ran; drop those that are gone."""
        old = (
            json.loads(self.path.read_text(encoding="utf-8"))
            if self.path.exists()
            else {}
        )
        root = self.path.parents[1]
        times = {
            name: seconds for name, seconds in old.items() if (root / name).exists()
        }
        times.update({name: round(s, 1) for name, s in self.seconds.items()})
        self.path.write_text(
            json.dumps(dict(sorted(times.items())), indent=1) + "\n", encoding="utf-8"
        )
