"""The terminal replay of captured output (tfdocs_sphinx.checks.terminal)."""

from __future__ import annotations

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

from tfdocs_sphinx.checks.terminal import (
    clean_literal_blocks,
    leaked_log_lines,
    replay_terminal,
)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain text\nsecond line", "plain text\nsecond line"),
        ("\rloading   0%\rloading  50%\rloading 100%", "loading 100%"),
        ("abc\b\bX", "aXc"),
        ("\b\bstart", "start"),
        ("long line\rshort", "shortline"),
        ("1/2 [=>.]\b\b\b\b\b\b\b\b\b\r2/2 [===]\nEpoch 2/2", "2/2 [===]\nEpoch 2/2"),
    ],
)
def test_replay_terminal(raw: str, shown: str) -> None:
    assert replay_terminal(raw) == shown


def test_clean_literal_blocks_rewrites_only_blocks_with_control_characters() -> None:
    document = new_document("<test>", get_default_settings(Parser))
    noisy = nodes.literal_block("", "a\rb")
    quiet = nodes.literal_block("x = 1", "x = 1")
    document += [noisy, quiet]
    clean_literal_blocks(None, document)  # type: ignore[arg-type]
    assert noisy.astext() == "b"
    assert noisy.rawsource == "b"
    assert quiet.astext() == "x = 1"


def test_leaked_log_line_in_an_output_warns(caplog: pytest.LogCaptureFixture) -> None:
    document = new_document("<test>", get_default_settings(Parser))
    text = "loss 0.1\nWARNING:tensorflow:retracing\n"
    output = nodes.literal_block(text, text, classes=["output", "stream"])
    code = nodes.literal_block(text, text)  # the same text as code: not an output
    document += [output, code]
    clean_literal_blocks(None, document)  # type: ignore[arg-type]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [
        "TensorFlow log line in a cell's output: WARNING:tensorflow:retracing"
    ]


def test_leaked_log_lines_are_found() -> None:
    text = (
        "loss 0.1\nINFO:tensorflow:Assets written\nWARNING:absl:x\nnot INFO:tensorflow"
    )
    assert leaked_log_lines(text) == [
        "INFO:tensorflow:Assets written",
        "WARNING:absl:x",
    ]
