r"""Show captured output the way a terminal would have shown it.

A kernel sends what a cell prints in chunks, split wherever the stream happened
to be flushed, so the number of chunks varies from run to run. myst-nb's own
merging (``nb_merge_streams``) strips each chunk and adds a newline, which turns
``print(a, b)`` into two lines whenever a flush falls in between. With that
option off, the executor joins adjacent chunks of the same stream exactly as
they were written before it caches a page (:func:`.notebooks.join_streams`), so
a page's text output does not depend on timing; the executed notebook offered
for download is joined the same way.

Keras progress bars (and tqdm, and anything else that animates a line) redraw
themselves with carriage returns and backspaces. A browser prints those bytes
as-is, so a page would show every intermediate frame glued together with
control characters in between. This part replays the ``\r`` and ``\b``
in every literal block of a read document, keeping only the final frame. A
gallery example's output is replayed earlier, in the ``.rst`` page sphinx-gallery
generates (:func:`replay_gallery_outputs`): sphinx-gallery indents it with
``textwrap.indent``, which ends a line at ``\r``, and Sphinx reads sources with
universal newlines, so every frame would reach the doctree as a line of its own.

Inside a notebook kernel TensorFlow's Python logger writes to stdout, not stderr,
so its warnings would slip past ``nb_output_stderr``; a ``WARNING:tensorflow``
(or ``INFO:``/``ERROR:``, or ``absl``) line in any output fails the build here.

Written here because it is a dozen lines; a terminal-emulator dependency
(such as ``pyte``) would be far heavier than the job.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging

from tfdocs_sphinx.locations import gallery_examples

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = [
    "clean_literal_blocks",
    "leaked_log_lines",
    "replay_control_lines",
    "replay_gallery_outputs",
    "replay_terminal",
]

logger = logging.getLogger(__name__)

CONTROL_CHARACTERS = ("\r", "\b")
LOG_LINE = re.compile(r"^(?:INFO|WARNING|ERROR):(?:tensorflow|absl):.*$", re.MULTILINE)


def replay_terminal(text: str) -> str:
    r"""Apply carriage returns and backspaces as a terminal would.

    >>> replay_terminal("1/3 [=>  ]\b\b\b\b\b\b\b\b\b\b\r3/3 [====]\nnext")
    '3/3 [====]\nnext'
    """
    return "\n".join(_replay_line(line) for line in text.split("\n"))


def replay_control_lines(text: str) -> str:
    r"""Replay only the lines that hold ``\r`` or ``\b``; keep the others as they are.

    >>> replay_control_lines("code  \n    Epoch 1/2\n\r    1/8\b\b\b\r    8/8\n")
    'code  \n    Epoch 1/2\n    8/8\n'
    """
    return "\n".join(
        _replay_line(line) if any(c in line for c in CONTROL_CHARACTERS) else line
        for line in text.split("\n")
    )


def replay_gallery_outputs(app: Sphinx) -> None:
    """Replay the control characters of the gallery's generated pages, in their files.

    After sphinx-gallery has generated them (``builder-inited``, priority 545):
    a page is rewritten only if that changes it, so an unchanged example's page
    keeps its time and is not read again.
    """
    for script in gallery_examples(app).values():
        page = script.with_suffix(".rst")
        with page.open(encoding="utf-8", newline="") as file:  # keep every \r
            text = file.read()
        replayed = replay_control_lines(text)
        if replayed != text:
            with page.open("w", encoding="utf-8", newline="") as file:
                file.write(replayed)


def _replay_line(line: str) -> str:
    screen: list[str] = []
    cursor = 0
    for char in line:
        if char == "\r":
            cursor = 0
        elif char == "\b":
            cursor = max(cursor - 1, 0)
        else:
            if cursor < len(screen):
                screen[cursor] = char
            else:
                screen.append(char)
            cursor += 1
    return "".join(screen).rstrip()


def _stream(block: nodes.literal_block) -> str | None:
    classes = block.get("classes", [])
    if "output" not in classes:
        return None
    return next((name for name in ("stream", "stderr") if name in classes), None)


def leaked_log_lines(text: str) -> list[str]:
    r"""Return the TensorFlow/absl log lines printed into ``text``.

    >>> leaked_log_lines("ok\nWARNING:tensorflow:5 out of the last 5 calls ...\n")
    ['WARNING:tensorflow:5 out of the last 5 calls ...']
    """
    return LOG_LINE.findall(text)


def clean_literal_blocks(app: Sphinx, doctree: nodes.document) -> None:
    """Replay control characters and flag leaked log lines in every literal block."""
    for block in doctree.findall(nodes.literal_block):
        text = block.astext()
        if _stream(block) is not None:
            for line in leaked_log_lines(text):
                logger.warning(
                    "TensorFlow log line in a cell's output: %s",
                    line,
                    location=block,
                    type="tfdocs",
                    subtype="log",
                )
        if any(char in text for char in CONTROL_CHARACTERS):
            shown = replay_terminal(text)
            block[:] = [nodes.Text(shown)]
            block.rawsource = shown


def connect(app: Sphinx) -> None:
    """Register the gallery's pass (after sphinx-gallery, at 500) and the doctree pass."""
    app.connect("builder-inited", replay_gallery_outputs, priority=545)
    app.connect("doctree-read", clean_literal_blocks)
