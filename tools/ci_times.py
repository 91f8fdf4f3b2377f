"""Time a pull request's CI on this machine: the workflows' jobs, replayed.

``nox -s ci_times`` runs ``python tools/ci_times.py``. GitHub runs each job of
``.github/workflows/ci.yml`` and ``docs.yml`` on a fresh machine of its own.
This replays the jobs an event runs, one after another (each stands for its own
machine), each in a fresh clone of the commit, at the same path every time as
on GitHub (``_build/ci_times/runner/work/tfdocs/tfdocs``), and times every
step:

* ``if:``, ``env``, ``with`` and ``outputs`` are evaluated as GitHub evaluates
  them (``ci_expressions``); ``run:`` steps run as written, in bash with
  ``-eo pipefail``, with ``$GITHUB_OUTPUT`` read back into ``steps.<id>.outputs``;
  ``sudo`` steps are skipped (the runner's AppArmor setting: this machine runs
  as root, without AppArmor).
* ``uses:`` steps do here what the action does there (:data:`ACTIONS`):
  ``actions/checkout`` clones (the whole history only with ``fetch-depth: 0``);
  ``actions/cache`` restores the newest entry of the key, or of the first
  matching ``restore-keys`` prefix, and (unless ``/restore``, or on an exact hit)
  saves at the job's end; the artifact actions copy files between jobs;
  ``setup-python`` checks that ``python3`` is ``.python-version``;
  ``configure-pages`` gives the Pages URL of the example repository
  :data:`REPOSITORY`.
* A job with a static ``strategy.matrix`` is replayed once per combination
  (``ci/tests (1)``, ``ci/tests (2)``, ...), each with its ``matrix`` and
  ``strategy`` contexts; a job that ``needs`` it waits for all of them.

``python tools/ci_times.py`` first builds ``HEAD`` as a push to ``main`` does
(the docs workflow's plan and build jobs, nothing cached), which leaves the
cache entry a pull request restores. It then replays three pull requests, each
one commit on top of ``HEAD``: a sentence of ``docs/tensors.md`` (``prose``), a
code cell of it (``code``), a comment in a helper module (``helper``). The jobs
in :data:`SAME_WORK` (lint, the test groups and their coverage, the browser
checks) do the same work whatever changed, so they run for the first pull
request only; ``--every-job`` runs them for each, ``--skip ci/tests,ci/lint``
not at all.

A pull request's CI time is its longest chain of jobs through ``needs``: GitHub
starts every job whose needs are met at once, each on its own machine. Not
counted: waiting for a runner, starting it, downloading the actions; and nox
installs its environments from this machine's uv cache, where a runner
downloads the packages. Writes ``_build/ci_times.json`` and prints a table.

Why not nektos/act: it runs the jobs in Docker (no daemon on these machines) and
downloads each action from GitHub, which they cannot reach.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import itertools
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ci_expressions import evaluate, interpolate, truthy

__all__ = [
    "ACTIONS",
    "SAME_WORK",
    "CacheStore",
    "Job",
    "JobTime",
    "Replay",
    "critical_path",
    "load_jobs",
]

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = (
    ROOT / ".github" / "workflows" / "ci.yml",
    ROOT / ".github" / "workflows" / "docs.yml",
)
WORK = ROOT / "_build" / "ci_times"
EDITED_PAGE = "docs/tensors.md"
EDITED_HELPER = "helpers/src/tfdocs_helpers/tensors.py"
#: Jobs that check everything whatever a pull request changed.
SAME_WORK = frozenset({"ci/lint", "ci/tests", "ci/coverage", "docs/browser"})
REPOSITORY = "tfdocs/tfdocs"  # an example owner/name: the URLs the build prints


# -- The workflows ---------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One job of a workflow, as written (expressions not yet evaluated)."""

    workflow: str  # the file's stem: "ci", "docs"
    key: str  # the job's key in the file: "lint"
    needs: tuple[str, ...]
    condition: str  # its `if:`, "" when it has none
    env: Mapping[str, Any]  # the workflow's env, then the job's
    outputs: Mapping[str, str]
    steps: tuple[Mapping[str, Any], ...]
    #: One combination of a static ``strategy.matrix`` (empty: no matrix), and
    #: the ``strategy`` context it sees.
    matrix: Mapping[str, Any] = field(default_factory=dict)
    strategy: Mapping[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> str:
        """``workflow/key``, e.g. ``docs/build``: what ``needs`` names."""
        return f"{self.workflow}/{self.key}"

    @property
    def name(self) -> str:
        """The base, then the matrix values of an instance: ``ci/tests (2)``."""
        if not self.matrix:
            return self.base
        return f"{self.base} ({', '.join(map(str, self.matrix.values()))})"


def _yaml(path: Path) -> Any:
    from ruamel.yaml import YAML  # YAML 1.2: `on:` stays a string

    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def load_jobs(paths: tuple[Path, ...] | list[Path], *, event: str) -> list[Job]:
    """Return the jobs of the workflows at ``paths`` that ``event`` triggers.

    Parameters
    ----------
    paths
        Workflow files.
    event
        ``push`` or ``pull_request``: a workflow whose ``on:`` does not name it
        is left out.
    """
    jobs: list[Job] = []
    for path in paths:
        workflow = _yaml(path)
        triggers = workflow.get("on", {})
        if event not in (triggers if isinstance(triggers, dict | list) else [triggers]):
            continue
        for key, job in workflow["jobs"].items():
            needs = job.get("needs", ())
            strategy = job.get("strategy", {})
            combinations = matrix_combinations(strategy.get("matrix"))
            jobs.extend(
                Job(
                    workflow=path.stem,
                    key=key,
                    needs=tuple([needs] if isinstance(needs, str) else needs),
                    condition=str(job.get("if", "")),
                    env={**workflow.get("env", {}), **job.get("env", {})},
                    outputs=job.get("outputs", {}),
                    steps=tuple(job.get("steps", ())),
                    matrix=combination,
                    strategy={
                        "fail-fast": strategy.get("fail-fast", True),
                        "job-index": index,
                        "job-total": len(combinations),
                        "max-parallel": strategy.get("max-parallel", len(combinations)),
                    },
                )
                for index, combination in enumerate(combinations)
            )
    return jobs


def matrix_combinations(matrix: Any) -> list[dict[str, Any]]:
    """Return the instances of a job's ``strategy.matrix``, in GitHub's order.

    A matrix given by an expression (``${{ fromJSON(...) }}``) is known only
    when the job runs: it stays one job here, with no matrix values.

    >>> matrix_combinations({"group": [1, 2], "os": ["a"]})
    [{'group': 1, 'os': 'a'}, {'group': 2, 'os': 'a'}]
    >>> matrix_combinations("${{ fromJSON(needs.plan.outputs.matrix) }}")
    [{}]
    >>> matrix_combinations({"group": [1], "include": [{"group": 2}]})
    Traceback (most recent call last):
    ...
    ValueError: strategy.matrix: include and exclude are not replayed
    """
    if not isinstance(matrix, dict):
        return [{}]
    if {"include", "exclude"} & set(matrix):
        msg = "strategy.matrix: include and exclude are not replayed"
        raise ValueError(msg)
    if any(isinstance(values, str) for values in matrix.values()):
        return [{}]
    return [
        dict(zip(matrix, values, strict=True))
        for values in itertools.product(*matrix.values())
    ]


def critical_path(
    seconds: Mapping[str, float], needs: Mapping[str, tuple[str, ...]]
) -> tuple[float, list[str]]:
    """Return the longest chain of jobs through ``needs``: its seconds and its jobs.

    Jobs missing from ``seconds`` (skipped) add nothing.

    >>> critical_path({"a": 1, "b": 5, "c": 2}, {"c": ("a",), "b": ()})
    (5.0, ['b'])
    >>> critical_path({"a": 4, "b": 5, "c": 2}, {"c": ("a",), "b": ()})
    (6.0, ['a', 'c'])
    """

    @functools.cache
    def longest(job: str) -> tuple[float, tuple[str, ...]]:
        before = [longest(need) for need in needs.get(job, ()) if need in seconds]
        total, chain = max(before, default=(0.0, ()))
        return total + seconds[job], (*chain, job)

    total, chain = max((longest(job) for job in seconds), default=(0.0, ()))
    return total, list(chain)


# -- The cache -----------------------------------------------------------------


@dataclass
class CacheStore:
    """``actions/cache`` entries in a folder: one folder per key, newest wins."""

    folder: Path

    def _index(self) -> list[dict[str, Any]]:
        index = self.folder / "index.json"
        if not index.exists():
            return []
        entries: list[dict[str, Any]] = json.loads(index.read_text(encoding="utf-8"))
        return entries

    def find(
        self, key: str, restore_keys: list[str], *, scopes: list[str]
    ) -> tuple[Path, bool] | None:
        """Return the entry for ``key`` (exact: ``True``), else the newest of a prefix.

        Only entries saved from ``scopes`` count, in order: on GitHub, a pull
        request restores its own entries, then its base branch's, never
        another pull request's.
        """
        for scope in scopes:
            entries = [entry for entry in self._index() if entry["scope"] == scope]
            for entry in entries:
                if entry["key"] == key:
                    return self.folder / entry["folder"], True
            for prefix in restore_keys:
                matching = [
                    entry for entry in entries if entry["key"].startswith(prefix)
                ]
                if matching:
                    newest = max(matching, key=lambda entry: entry["saved"])
                    return self.folder / newest["folder"], False
        return None

    def save(self, key: str, root: Path, paths: list[str], *, scope: str) -> None:
        """Save ``paths`` (relative to ``root``) under ``key`` for ``scope``, unless saved."""
        entries = self._index()
        if any(entry["key"] == key and entry["scope"] == scope for entry in entries):
            return
        name = hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()[:16]
        for path in paths:
            source = root / path
            if source.exists():
                _copy(source, self.folder / name / path)
        entries.append(
            {"key": key, "scope": scope, "folder": name, "saved": time.time()}
        )
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "index.json").write_text(
            json.dumps(entries, indent=1), encoding="utf-8"
        )


def _copy(source: Path, target: Path) -> None:
    """Copy a file or folder, keeping times (as the cache's and artifacts' tar files do)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)
    else:
        shutil.copy2(source, target)


def _lines(value: Any) -> list[str]:
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


# -- Replaying a job -----------------------------------------------------------


@dataclass
class StepTime:
    """One step of a replayed job."""

    name: str
    seconds: float
    outcome: str  # success, failure (allowed), skipped


@dataclass
class JobTime:
    """A replayed job: its seconds, its steps, its outputs."""

    name: str
    seconds: float
    steps: list[StepTime]
    outputs: dict[str, str]


@dataclass
class Replay:
    """Replays jobs of one event for one commit of ``origin`` (a git repository).

    Parameters
    ----------
    origin
        The repository the checkouts clone.
    ref
        The branch to check out.
    event
        ``push`` or ``pull_request``.
    work
        A folder for this replay's logs and artifacts.
    cache
        The cache entries, shared by every replay.
    workspace
        Where each job checks out (default: ``work/workspace``).
    """

    origin: Path
    ref: str
    event: str
    work: Path
    cache: CacheStore
    needs: dict[str, dict[str, Any]] = field(default_factory=dict)
    log: Callable[[str], None] = print
    #: Where every job checks out, emptied first. On GitHub it is the same path
    #: on every runner (/home/runner/work/<name>/<name>), and Sphinx reuses
    #: restored doctrees only from the same source folder.
    workspace: Path | None = None

    def context(
        self, job: Job, clone: Path, steps: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Return the contexts a job's expressions see."""
        ref = (
            "refs/pull/1/merge"
            if self.event == "pull_request"
            else f"refs/heads/{self.ref}"
        )
        return {
            "github": {
                "event_name": self.event,
                "ref": ref,
                "server_url": "https://github.com",
                "repository": REPOSITORY,
                "workspace": str(clone),
            },
            "runner": {"os": "Linux", "temp": str(self.work / "tmp")},
            "needs": {
                need: self.needs.get(
                    f"{job.workflow}/{need}", {"result": "skipped", "outputs": {}}
                )
                for need in job.needs
            },
            "steps": steps,
            "env": {},
            "matrix": dict(job.matrix),
            "strategy": dict(job.strategy),
            "vars": {},
        }

    def functions(self, job: Job, clone: Path) -> dict[str, Callable[..., Any]]:
        """Return the status functions and ``hashFiles``, for ``job`` in ``clone``."""
        results = [
            self.needs.get(f"{job.workflow}/{need}", {}).get("result")
            for need in job.needs
        ]
        return {
            "success": lambda: all(result == "success" for result in results),
            "failure": lambda: any(result == "failure" for result in results),
            "cancelled": lambda: False,
            "always": lambda: True,
            "hashfiles": functools.partial(_hash_files, clone),
        }

    def runs(self, job: Job) -> bool:
        """Whether ``job`` runs, by its ``if:`` (by default: its needs succeeded)."""
        clone = self.workspace or self.work / "workspace"
        return _condition(
            job.condition or "success()",
            self.context(job, clone, {}),
            self.functions(job, clone),
        )

    def run(self, job: Job) -> JobTime:
        """Replay ``job``; raise ``RuntimeError`` naming the step that failed."""
        clone = self.workspace or self.work / "workspace"
        shutil.rmtree(clone, ignore_errors=True)
        clone.mkdir(parents=True)  # the runner's empty workspace
        steps: dict[str, Any] = {}
        times: list[StepTime] = []
        saves: list[Callable[[], None]] = []
        functions = self.functions(job, clone)
        start = time.monotonic()
        for number, step in enumerate(job.steps, 1):
            label = (
                step.get("name")
                or step.get("uses", "").split("@")[0]
                or _first_line(step.get("run", ""))
            )
            context = self.context(job, clone, steps)
            began = time.monotonic()
            if "if" in step and not _condition(step["if"], context, functions):
                times.append(StepTime(label, 0.0, "skipped"))
                continue
            env = {}
            for name, value in {**job.env, **step.get("env", {})}.items():
                env[name] = interpolate(
                    str(value), {**context, "env": env}, functions=functions
                )
            context["env"] = env
            log = self.work / "logs" / f"{job.name}.{number}.log".replace("/", "-")
            try:
                if "uses" in step:
                    inputs = {
                        name: interpolate(str(value), context, functions=functions)
                        for name, value in step.get("with", {}).items()
                    }
                    action = step["uses"].split("@")[0]
                    if action not in ACTIONS:
                        msg = f"{job.name}: no local stand-in for the action {action}"
                        raise NotImplementedError(msg)
                    outputs, save = ACTIONS[action](self, clone, inputs)
                    if save is not None:
                        saves.append(save)
                else:
                    script = interpolate(step["run"], context, functions=functions)
                    outputs = self._shell(script, clone, env, log)
                outcome = "success"
            except StepFailed as failure:
                if not _condition(
                    step.get("continue-on-error", False), context, functions
                ):
                    msg = f"{job.name}: step {number} ({label}) failed: {failure}"
                    raise RuntimeError(msg) from None
                outputs, outcome = {}, "failure"
            seconds = time.monotonic() - began
            if "id" in step:
                steps[step["id"]] = {
                    "outputs": outputs,
                    "outcome": outcome,
                    "conclusion": "success",
                }
            times.append(StepTime(label, seconds, outcome))
            self.log(
                f"    {label}: {seconds:.1f} s{'' if outcome == 'success' else f' ({outcome})'}"
            )
        began = time.monotonic()
        for save in reversed(saves):  # post steps, in reverse, as the runner runs them
            save()
        if saves:
            times.append(
                StepTime("Post: save the cache", time.monotonic() - began, "success")
            )
        context = self.context(job, clone, steps)
        outputs = {
            name: interpolate(str(value), context, functions=functions)
            for name, value in job.outputs.items()
        }
        # The instances of a matrix share one entry: `needs` sees the job.
        self.needs[job.base] = {"result": "success", "outputs": outputs}
        return JobTime(job.name, time.monotonic() - start, times, outputs)

    def _shell(
        self, script: str, clone: Path, env: dict[str, str], log: Path
    ) -> dict[str, str]:
        if script.lstrip().startswith("sudo "):
            return {}
        output = self.work / "tmp" / "github_output"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text("", encoding="utf-8")
        log.parent.mkdir(parents=True, exist_ok=True)
        environment = {
            **_machine_environment(),
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_OUTPUT": str(output),
            "GITHUB_WORKSPACE": str(clone),
            "GITHUB_EVENT_NAME": self.event,
            "GITHUB_REPOSITORY": REPOSITORY,
            "GITHUB_SERVER_URL": "https://github.com",
            "RUNNER_TEMP": str(self.work / "tmp"),
            **env,
        }
        with log.open("w", encoding="utf-8") as out:
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                cwd=clone, env=environment, stdout=out, stderr=subprocess.STDOUT, check=False,
            )  # fmt: skip
        if done.returncode != 0:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            msg = f"exit status {done.returncode}; the end of {log}:\n{tail}"
            raise StepFailed(msg)
        return _outputs(output.read_text(encoding="utf-8"))


def _condition(
    value: Any, context: Mapping[str, Any], functions: Mapping[str, Any]
) -> bool:
    """Evaluate an ``if:`` or ``continue-on-error:`` (YAML's booleans, or an expression)."""
    if isinstance(value, bool):
        return value
    return truthy(evaluate(str(value), context, functions=functions))


class StepFailed(Exception):
    """A step failed (its job fails unless it may: ``continue-on-error``)."""


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:60] if text.strip() else "run"


def _outputs(text: str) -> dict[str, str]:
    r"""Read ``$GITHUB_OUTPUT``: ``name=value`` lines and ``name<<EOF`` blocks.

    >>> _outputs("a=1\nb<<EOF\nx\ny\nEOF\n")
    {'a': '1', 'b': 'x\ny'}
    """
    outputs: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, end = line.split("<<", 1)
            block = []
            for inner in lines:
                if inner == end:
                    break
                block.append(inner)
            outputs[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


def _machine_environment() -> dict[str, str]:
    """Return our environment without nox's virtualenv: jobs use the machine's python3."""
    environment = dict(os.environ)
    venv = environment.pop("VIRTUAL_ENV", None)
    if venv:
        bin_dir = str(Path(venv) / "bin")
        environment["PATH"] = os.pathsep.join(
            part
            for part in environment.get("PATH", "").split(os.pathsep)
            if part != bin_dir
        )
    for name in list(environment):
        if name.startswith(("NOX_", "UV_PROJECT_ENVIRONMENT")):
            del environment[name]
    return environment


def _hash_files(root: Path, *patterns: str) -> str:
    """``hashFiles``: the SHA-256 of the SHA-256 of each matching file, sorted by path."""
    # A trailing ** matches every file below, as in GitHub's globs (pathlib: folders only).
    globs = [
        f"{pattern}/*" if pattern.endswith("**") else pattern for pattern in patterns
    ]
    files = sorted(
        {path for pattern in globs for path in root.glob(pattern) if path.is_file()}
    )
    if not files:
        return ""
    digest = hashlib.sha256()
    for path in files:
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# -- Local stand-ins for the actions -------------------------------------------

Action = Callable[
    [Replay, Path, dict[str, str]], tuple[dict[str, str], Callable[[], None] | None]
]


def _checkout(
    replay: Replay, clone: Path, inputs: dict[str, str]
) -> tuple[dict[str, str], None]:
    depth = (
        []
        if inputs.get("fetch-depth", "1") == "0"
        else ["--depth", inputs.get("fetch-depth", "1")]
    )
    subprocess.run(
        ["git", "clone", "--quiet", *depth, "--branch", replay.ref, replay.origin.as_uri(), str(clone)],
        check=True, capture_output=True,
    )  # fmt: skip
    return {}, None


def _setup_python(
    _replay: Replay, clone: Path, inputs: dict[str, str]
) -> tuple[dict[str, str], None]:
    wanted = (clone / inputs["python-version-file"]).read_text(encoding="utf-8").strip()
    python3 = shutil.which("python3", path=_machine_environment().get("PATH"))
    found = subprocess.run(
        [str(python3), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if not (
        found == wanted
        or found.startswith(f"{wanted}.")
        or wanted.startswith(f"{found}.")
    ):
        msg = f"python3 is {found}, the workflow asks for {wanted}"
        raise StepFailed(msg)
    return {}, None


def _cache(*, save: bool) -> Action:
    def action(
        replay: Replay, clone: Path, inputs: dict[str, str]
    ) -> tuple[dict[str, str], Callable[[], None] | None]:
        paths = _lines(inputs["path"])
        scopes = list(dict.fromkeys([replay.ref, "main"]))
        found = replay.cache.find(
            inputs["key"], _lines(inputs.get("restore-keys")), scopes=scopes
        )
        if found is not None:
            for path in paths:
                if (found[0] / path).exists():
                    _copy(found[0] / path, clone / path)
        hit = found is not None and found[1]
        outputs = {"cache-hit": str(hit).lower()}
        if not save or hit:
            return outputs, None
        return outputs, functools.partial(
            replay.cache.save, inputs["key"], clone, paths, scope=replay.ref
        )

    return action


def _configure_pages(
    _replay: Replay, _clone: Path, _inputs: dict[str, str]
) -> tuple[dict[str, str], None]:
    owner, name = REPOSITORY.split("/")
    host = f"{owner}.github.io"
    return {
        "base_url": f"https://{host}/{name}",
        "origin": f"https://{host}",
        "host": host,
        "base_path": f"/{name}",
    }, None


def _artifacts(replay: Replay) -> Path:
    return replay.work / "artifacts"


def _upload_pages_artifact(
    replay: Replay, clone: Path, inputs: dict[str, str]
) -> tuple[dict[str, str], None]:
    folder = _artifacts(replay) / inputs.get("name", "github-pages")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["tar", "--dereference", "--hard-dereference", "-cf", str(folder / "artifact.tar"),
         "-C", str(clone / inputs.get("path", "_site")), "."],
        check=True,
    )  # fmt: skip
    return {}, None


def _upload_artifact(
    replay: Replay, clone: Path, inputs: dict[str, str]
) -> tuple[dict[str, str], None]:
    folder = _artifacts(replay) / inputs["name"]
    paths = _lines(inputs["path"])
    for path in paths:
        if (clone / path).exists():
            root = _artifact_root(paths, is_dir=lambda name: (clone / name).is_dir())
            _copy(clone / path, folder / Path(path).relative_to(root))
    return {}, None


def _artifact_root(paths: list[str], *, is_dir: Callable[[str], bool]) -> str:
    """Return the folder an artifact's files are relative to, as upload-artifact does.

    One folder: itself; one file: its folder; several paths: their least
    common ancestor.

    >>> _artifact_root(["_build/a", "_build/b/c.json", "docs/x"], is_dir=bool)
    ''
    >>> _artifact_root(["_build/html"], is_dir=lambda path: True)
    '_build/html'
    >>> _artifact_root(["_build/html/a.txt"], is_dir=lambda path: False)
    '_build/html'
    """
    if len(paths) == 1:
        path = paths[0].rstrip("/")
        return path if is_dir(path) else str(Path(path).parent)
    return os.path.commonpath(paths)


def _download_artifact(
    replay: Replay, clone: Path, inputs: dict[str, str]
) -> tuple[dict[str, str], None]:
    target = clone / inputs.get("path", ".")
    if "name" in inputs:
        _copy(_artifacts(replay) / inputs["name"], target)
    else:
        for folder in sorted(_artifacts(replay).glob(inputs.get("pattern", "*"))):
            _copy(folder, target / folder.name)
    return {}, None


#: What each action used on a pull request's path does here.
ACTIONS: dict[str, Action] = {
    "actions/checkout": _checkout,
    "actions/setup-python": _setup_python,
    "actions/cache": _cache(save=True),
    "actions/cache/restore": _cache(save=False),
    "actions/configure-pages": _configure_pages,
    "actions/upload-pages-artifact": _upload_pages_artifact,
    "actions/upload-artifact": _upload_artifact,
    "actions/download-artifact": _download_artifact,
}


def replay_event(
    jobs: list[Job], replay: Replay, *, skip: frozenset[str] = frozenset()
) -> dict[str, JobTime]:
    """Replay, in order of their needs, the jobs of ``jobs`` that run; not ``skip``."""
    done: dict[str, JobTime] = {}
    pending = list(jobs)
    while pending:
        waiting = {job.base for job in pending}
        ready = [
            job
            for job in pending
            if not {f"{job.workflow}/{n}" for n in job.needs} & waiting
        ]
        if not ready:
            msg = f"the jobs' needs form a cycle: {[job.name for job in pending]}"
            raise ValueError(msg)
        for job in ready:
            pending.remove(job)
            if job.name in skip or job.base in skip:
                continue
            if not replay.runs(job):
                replay.needs[job.base] = {"result": "skipped", "outputs": {}}
                replay.log(f"  {job.name}: skipped (if: {job.condition})")
                continue
            replay.log(f"  {job.name}")
            done[job.name] = replay.run(job)
            replay.log(f"  {job.name}: {done[job.name].seconds:.1f} s")
    return done


# -- The pull requests ---------------------------------------------------------


def _git(*args: str, cwd: Path) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "ci_times", "GIT_AUTHOR_EMAIL": "ci_times@localhost",
        "GIT_COMMITTER_NAME": "ci_times", "GIT_COMMITTER_EMAIL": "ci_times@localhost",
    }  # fmt: skip
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout


def edit_helper(text: str) -> str:
    r"""Add a comment at the end of a helper module: its behaviour is the same.

    >>> edit_helper("x = 1\n")
    'x = 1\n# Edited in a pull request.\n'
    """
    return text + "# Edited in a pull request.\n"


def make_origin(
    work: Path, changes: Mapping[str, tuple[str, Callable[[str], str]]]
) -> Path:
    """Clone ``HEAD`` into ``work/origin`` (branch ``main``), one branch per change."""
    origin = work / "origin"
    shutil.rmtree(origin, ignore_errors=True)
    subprocess.run(
        ["git", "clone", "--quiet", "--no-local", str(ROOT), str(origin)], check=True
    )
    _git("checkout", "--quiet", "-B", "main", "HEAD", cwd=origin)
    for label, (path, change) in changes.items():
        _git("checkout", "--quiet", "-b", f"pr-{label}", "main", cwd=origin)
        target = origin / path
        target.write_text(change(target.read_text(encoding="utf-8")), encoding="utf-8")
        _git("commit", "--quiet", "-am", f"A pull request: {label}", cwd=origin)
    _git("checkout", "--quiet", "main", cwd=origin)
    return origin


def main(argv: list[str] | None = None) -> int:
    """Replay the push that fills the cache, then each pull request; print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--every-job", action="store_true", help="run every job for every pull request"
    )
    parser.add_argument(
        "--changes",
        default="prose,code,helper",
        help="the pull requests (default: %(default)s)",
    )
    parser.add_argument(
        "--skip",
        default="",
        help="jobs not to replay, e.g. ci/tests: left out of the table and the chain",
    )
    args = parser.parse_args(argv)
    from bench import edit_code, edit_prose  # myst-nb: imported only here

    all_changes: dict[str, tuple[str, Callable[[str], str]]] = {
        "prose": (EDITED_PAGE, edit_prose),
        "code": (EDITED_PAGE, functools.partial(edit_code, name="_edited_in_ci")),
        "helper": (EDITED_HELPER, edit_helper),
    }
    labels = [label for label in args.changes.split(",") if label]
    unknown = set(labels) - set(all_changes)
    if unknown:
        parser.error(
            f"--changes: unknown {sorted(unknown)}; known: {sorted(all_changes)}"
        )
    dirty = _git("status", "--porcelain", "--untracked-files=no", cwd=ROOT)
    if dirty:
        print("ci_times: replays HEAD; uncommitted changes are left out:\n" + dirty)
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    origin = make_origin(WORK, {label: all_changes[label] for label in labels})
    cache = CacheStore(WORK / "cache")
    load = [round(value, 2) for value in os.getloadavg()]

    print(f"push to main: fills the cache (load {load})")
    pushed = load_jobs(list(WORKFLOWS), event="push")
    docs_jobs = [job for job in pushed if job.workflow == "docs"]
    name = REPOSITORY.split("/")[1]
    workspace = WORK / "runner" / "work" / name / name
    push = Replay(origin, "main", "push", WORK / "push", cache, workspace=workspace)
    # Deploying needs GitHub; the browser checks are timed on the pull requests.
    push_times = replay_event(
        docs_jobs,
        push,
        skip=frozenset({"docs/deploy", "docs/notebooks", "docs/browser"}),
    )

    pull_jobs = load_jobs(list(WORKFLOWS), event="pull_request")
    instances: dict[str, list[str]] = {}
    for job in pull_jobs:
        instances.setdefault(job.base, []).append(job.name)
    needs = {
        job.name: tuple(
            name for need in job.needs for name in instances[f"{job.workflow}/{need}"]
        )
        for job in pull_jobs
    }
    base = {job.name: job.base for job in pull_jobs}
    results: dict[str, Any] = {}
    same: dict[str, JobTime] = {}
    for label in labels:
        print(f"pull request: {label}")
        replay = Replay(
            origin,
            f"pr-{label}",
            "pull_request",
            WORK / label,
            cache,
            workspace=workspace,
        )
        skipped = frozenset(filter(None, args.skip.split(",")))
        skip = skipped | (frozenset(same) if not args.every_job else frozenset())
        times = replay_event(pull_jobs, replay, skip=skip)
        same.update(
            {name: time_ for name, time_ in times.items() if base[name] in SAME_WORK}
        )
        times = {**same, **times}
        seconds = {name: time_.seconds for name, time_ in times.items()}
        total, chain = critical_path(seconds, needs)
        results[label] = {
            "ci_s": round(total, 1),
            "chain": chain,
            "jobs": {
                name: {
                    "seconds": round(time_.seconds, 1),
                    "steps": [
                        [step.name, round(step.seconds, 1), step.outcome]
                        for step in time_.steps
                    ],
                }
                for name, time_ in times.items()
            },
        }
    report = {
        "machine": {
            "cores": os.cpu_count(),
            "python": sys.version.split()[0],
            "load_start": load,
            "load_end": [round(value, 2) for value in os.getloadavg()],
        },
        "commit": _git("rev-parse", "--short", "HEAD", cwd=ROOT).strip(),
        "push": {name: round(time_.seconds, 1) for name, time_ in push_times.items()},
        "pull_requests": results,
    }
    (ROOT / "_build" / "ci_times.json").write_text(
        json.dumps(report, indent=1) + "\n", encoding="utf-8"
    )
    _print_table(report)
    return 0


def _print_table(report: dict[str, Any]) -> None:
    results = report["pull_requests"]
    names = sorted({name for result in results.values() for name in result["jobs"]})
    print("\n| pull request | " + " | ".join(names) + " | CI (longest chain) |")
    print("|---" * (len(names) + 2) + "|")
    for label, result in results.items():
        cells = [
            f"{result['jobs'][name]['seconds']:.0f} s" if name in result["jobs"] else ""
            for name in names
        ]
        chain = " → ".join(result["chain"])
        print(
            f"| {label} | "
            + " | ".join(cells)
            + f" | {result['ci_s'] / 60:.1f} min ({chain}) |"
        )
    print(f"\npush to main, nothing cached: {report['push']}")


if __name__ == "__main__":
    sys.exit(main())
