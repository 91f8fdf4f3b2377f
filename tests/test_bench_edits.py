"""The benchmark puts back the page it edits, whatever ends it (tools/bench_edits.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bench_edits import checked_out, edited, restore_leftovers

TOOLS = Path(__file__).parents[1] / "tools"
ORIGINAL = "---\nfile_format: mystnb\n---\n# Title\n\nSome words.\n"


def _edit(text: str) -> str:
    return text + "Edited.\n"


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "docs" / "page.md"
    path.parent.mkdir()
    path.write_text(ORIGINAL, encoding="utf-8")
    return path


def test_an_exception_in_the_block_restores_the_page(page: Path) -> None:
    backups = page.parent.parent / "backups"
    during: list[str] = []

    def build() -> None:
        with edited(page, _edit, backups=backups) as text:
            during.extend([page.read_text(encoding="utf-8"), text])
            during.extend(path.name for path in backups.iterdir())
            msg = "build failed"
            raise RuntimeError(msg)

    with pytest.raises(RuntimeError, match="build failed"):
        build()
    assert during[:2] == [ORIGINAL + "Edited.\n"] * 2
    assert len(during) == 3  # one backup while editing
    assert page.read_text(encoding="utf-8") == ORIGINAL
    assert not list(backups.iterdir())
    assert [p.name for p in page.parent.iterdir()] == ["page.md"]  # no temporaries


def test_a_missing_file_is_refused_naming_the_argument(tmp_path: Path) -> None:
    with (
        pytest.raises(ValueError, match=r"path: .*missing\.md"),
        edited(tmp_path / "missing.md", _edit, backups=tmp_path),
    ):
        pass


def _start_editing(page: Path, backups: Path) -> subprocess.Popen[str]:
    """Start a process that edits ``page`` and waits to be ended."""
    code = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        sys.path.insert(0, {str(TOOLS)!r})
        from bench_edits import edited
        with edited(Path({str(page)!r}), lambda t: t + "Edited.\\n",
                    backups=Path({str(backups)!r})):
            print("editing", flush=True)
            time.sleep(60)
    """)
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "editing\n"
    assert page.read_text(encoding="utf-8").endswith("Edited.\n")
    return process


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_benchmark_ended_by_a_signal_mid_edit_restores_the_page(
    page: Path, signum: signal.Signals
) -> None:
    backups = page.parent.parent / "backups"
    process = _start_editing(page, backups)
    start = time.monotonic()
    process.send_signal(signum)
    process.communicate(timeout=30)  # waits, closes the pipe
    assert process.returncode != 0
    assert time.monotonic() - start < 30
    assert page.read_text(encoding="utf-8") == ORIGINAL
    assert not list(backups.iterdir())


def test_a_benchmark_killed_mid_edit_is_restored_by_the_next(page: Path) -> None:
    backups = page.parent.parent / "backups"
    process = _start_editing(page, backups)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert page.read_text(encoding="utf-8").endswith("Edited.\n")  # nothing ran
    assert restore_leftovers(backups) == [f"restored {page.resolve()}"]
    assert page.read_text(encoding="utf-8") == ORIGINAL
    assert restore_leftovers(backups) == []


def test_a_file_changed_after_the_kill_is_left_alone(page: Path) -> None:
    backups = page.parent.parent / "backups"
    process = _start_editing(page, backups)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    page.write_text("Someone's new work.\n", encoding="utf-8")
    [message] = restore_leftovers(backups)
    assert message.startswith("left ")
    assert page.read_text(encoding="utf-8") == "Someone's new work.\n"
    assert not list(backups.iterdir())


def test_a_checkout_dates_every_file_now_and_the_untouched_ones_get_their_times_back(
    tmp_path: Path,
) -> None:
    (tmp_path / "sub").mkdir()
    same, written = tmp_path / "sub" / "same.md", tmp_path / "written.md"
    for path in (same, written):
        path.write_text("text", encoding="utf-8")
        os.utime(path, ns=(10**18, 10**18))
    with checked_out(tmp_path):
        assert same.stat().st_mtime_ns > 10**18
        assert written.stat().st_mtime_ns > 10**18
        time.sleep(0.01)
        written.write_text("new text", encoding="utf-8")
    assert same.stat().st_mtime_ns == 10**18
    assert written.stat().st_mtime_ns > 10**18  # its change must stay visible
