"""tools/ci_times.py replays the workflows' jobs as GitHub runs them."""

from __future__ import annotations

import subprocess
from pathlib import Path
from unittest.mock import ANY

import pytest

from ci_expressions import evaluate
from ci_times import ACTIONS, WORKFLOWS, CacheStore, Replay, load_jobs, replay_event

QUIET = {"log": lambda _line: None}


def _runs(event: str, shards: str) -> list[str]:
    """The jobs that run for ``event`` when the plan asks for ``shards`` machines."""
    replay = Replay(
        Path("/nonexistent"),
        "main",
        event,
        Path("/nonexistent"),
        CacheStore(Path()),
        **QUIET,
    )
    ran = []
    for job in load_jobs(list(WORKFLOWS), event=event):  # in the order of their needs
        if replay.runs(job):
            ran.append(job.name)
            outputs = {"shards": shards} if job.key == "plan" else {}
            replay.needs[job.base] = {"result": "success", "outputs": outputs}
        else:
            replay.needs[job.base] = {"result": "skipped", "outputs": {}}
    return ran


def test_a_pull_request_runs_lint_tests_docs_and_browser_but_deploys_nothing() -> None:
    assert _runs("pull_request", "1") == [
        "ci/lint", "ci/tests (1)", "ci/tests (2)", "ci/tests (3)", "ci/coverage",
        "docs/plan", "docs/build", "docs/browser",
    ]  # fmt: skip


def test_past_the_threshold_the_shards_run_before_the_build() -> None:
    assert "docs/execute" in _runs("pull_request", "3")
    assert _runs("pull_request", "3").index("docs/execute") < _runs(
        "pull_request", "3"
    ).index("docs/build")


def test_a_push_to_main_deploys() -> None:
    ran = _runs("push", "1")
    assert {"docs/deploy", "docs/notebooks"} <= set(ran)
    assert "docs/execute" not in ran


FIXTURE = """\
on:
  push:
  pull_request:
env:
  GREETING: hello
jobs:
  first:
    runs-on: ubuntu-24.04
    outputs:
      word: ${{ steps.say.outputs.word }}
      restored: ${{ steps.say.outputs.restored }}
    steps:
      - uses: actions/checkout@0000000000000000000000000000000000000000
      - uses: actions/cache@0000000000000000000000000000000000000000
        with:
          path: out
          key: k-${{ hashFiles('data/**') }}
          restore-keys: k-
      - id: say
        run: |
          if [ -f out/stamp ]; then echo "restored=$(cat out/stamp)" >> "$GITHUB_OUTPUT"; fi
          mkdir -p out && echo "${GITHUB_EVENT_NAME}" > out/stamp
          echo "word=${GREETING}-$(cat data/word.txt)" >> "$GITHUB_OUTPUT"
      - uses: actions/upload-artifact@0000000000000000000000000000000000000000
        with:
          name: made
          path: out
      - run: test ! -f skipped
        if: github.event_name == 'never'
  groups:
    runs-on: ubuntu-24.04
    strategy:
      fail-fast: false
      matrix:
        group: [1, 2]
    steps:
      - run: |
          mkdir part
          echo "${{ strategy.job-index }}/${{ strategy.job-total }}/${{ strategy.fail-fast }}" > part/of
      - uses: actions/upload-artifact@0000000000000000000000000000000000000000
        with:
          name: part-${{ matrix.group }}
          path: part
  second:
    needs: [first, groups]
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@0000000000000000000000000000000000000000
      - uses: actions/download-artifact@0000000000000000000000000000000000000000
        with:
          name: made
          path: got
      - uses: actions/download-artifact@0000000000000000000000000000000000000000
        with:
          pattern: part-*
          path: parts
      - run: test "$(cat parts/part-1/of)" = 0/2/false && test "$(cat parts/part-2/of)" = 1/2/false
      - id: pages
        uses: actions/configure-pages@0000000000000000000000000000000000000000
      - run: exit 3
        continue-on-error: ${{ github.event_name == 'pull_request' }}
      - run: test "${{ steps.pages.outputs.base_url }}" = https://tfdocs.github.io/tfdocs
      - run: test "${{ needs.first.outputs.word }}" = "hello-${WORD}" && test -f got/stamp
        env:
          WORD: ${{ github.event_name == 'push' && 'main' || 'changed' }}
  only-on-push:
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-24.04
    steps:
      - run: exit 1
"""


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@localhost", *args],
        cwd=cwd, check=True, capture_output=True,
    )  # fmt: skip


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A repository with a workflow, branch main and a pull request's branch."""
    repo = tmp_path / "origin"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "w.yml").write_text(FIXTURE, encoding="utf-8")
    (repo / "data").mkdir()
    (repo / "data" / "word.txt").write_text("main\n", encoding="utf-8")
    _git("init", "--quiet", "-b", "main", cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "--quiet", "-m", "main", cwd=repo)
    _git("checkout", "--quiet", "-b", "pr", cwd=repo)
    (repo / "data" / "word.txt").write_text("changed\n", encoding="utf-8")
    _git("commit", "--quiet", "-am", "a pull request", cwd=repo)
    return repo


def test_a_replay_passes_outputs_caches_and_artifacts_between_jobs(
    origin: Path, tmp_path: Path
) -> None:
    workflow = [origin / ".github" / "workflows" / "w.yml"]
    cache = CacheStore(tmp_path / "cache")
    push = Replay(origin, "main", "push", tmp_path / "push", cache, **QUIET)
    with pytest.raises(RuntimeError, match=r"w/only-on-push: step 1 \(exit 1\) failed"):
        replay_event(load_jobs(workflow, event="push"), push)
    # Nothing was cached yet.
    assert push.needs["w/first"]["outputs"] == {"word": "hello-main", "restored": ""}

    pull = Replay(origin, "pr", "pull_request", tmp_path / "pr", cache, **QUIET)
    times = replay_event(load_jobs(workflow, event="pull_request"), pull)
    # One job per combination of the matrix; `second` waits for all of them;
    # only-on-push is skipped.
    assert list(times) == ["w/first", "w/groups (1)", "w/groups (2)", "w/second"]
    # The sources changed: no exact key, so the newest entry of main's prefix.
    assert times["w/first"].outputs == {"word": "hello-changed", "restored": "push"}
    outcomes = [step.outcome for step in times["w/second"].steps]
    assert outcomes == [
        "success",
        "success",
        "success",
        "success",
        "success",
        "failure",
        "success",
        "success",
    ]
    assert [step.outcome for step in times["w/first"].steps][-2:] == [
        "skipped",
        "success",
    ]


def test_a_pull_request_never_restores_another_pull_requests_cache(
    tmp_path: Path,
) -> None:
    store = CacheStore(tmp_path / "cache")
    (tmp_path / "made" / "out").mkdir(parents=True)
    store.save("k-1", tmp_path / "made", ["out"], scope="pr-a")
    assert store.find("k-2", ["k-"], scopes=["pr-b", "main"]) is None
    # An exact hit in its own scope; else the newest of the base branch's prefix.
    assert store.find("k-1", ["k-"], scopes=["pr-a", "main"]) == (ANY, True)
    store.save("k-0", tmp_path / "made", ["out"], scope="main")
    assert store.find("k-2", ["k-"], scopes=["pr-b", "main"]) == (ANY, False)


def test_an_unknown_context_or_function_is_an_error_not_an_empty_string() -> None:
    with pytest.raises(ValueError, match="unknown context 'secrets'"):
        evaluate("secrets.TOKEN == ''", {})
    with pytest.raises(ValueError, match=r"unknown function nope\(\)"):
        evaluate("nope()", {})
    with pytest.raises(TypeError, match="text must be a str"):
        evaluate(True, {})


def test_every_action_of_a_pull_request_has_a_stand_in() -> None:
    used = {
        step["uses"].split("@")[0]
        for job in load_jobs(list(WORKFLOWS), event="pull_request")
        if job.key not in {"deploy", "notebooks"}
        for step in job.steps
        if "uses" in step
    }
    assert used <= set(ACTIONS), used - set(ACTIONS)
