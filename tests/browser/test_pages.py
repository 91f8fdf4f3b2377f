"""Every page of the built site, in Chromium: clean, offline, accessible, copyable."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath

from visits import Visit

Visitor = Callable[[str], Visit]
PROMPT = re.compile(r"^(>>> |\.\.\. |\$ |In \[\d*\]: )", re.MULTILINE)


def test_no_console_errors(page: str, visit: Visitor) -> None:
    assert visit(page).log.console_errors == []


def test_no_failed_requests(page: str, visit: Visitor) -> None:
    assert visit(page).log.failed_requests == []


def test_nothing_requested_from_other_hosts(page: str, visit: Visitor) -> None:
    assert visit(page).log.external_requests == []


def test_no_serious_accessibility_violations(page: str, visit: Visitor) -> None:
    assert visit(page).axe_violations == []


def _file_words(src: str) -> str:
    # sphinx-gallery's fallback alt: the file name in words ("plot first model").
    stem = PurePosixPath(src).stem
    stem = re.sub(r"^sphx_glr_|_(\d{3}|thumb)$", "", stem)
    return stem.replace("_", " ").strip().lower()


def _alt_problem(image: dict[str, str | None]) -> str | None:
    src, alt = image["src"] or "", (image["alt"] or "").strip()
    if not alt:
        return f"{src}: no alt text"
    if re.search(r"\.(png|jpe?g|gif|svg|webp)\b|_images/", alt, re.IGNORECASE):
        return f"{src}: alt text is a file name: {alt!r}"
    if alt.lower() == _file_words(src):
        return f"{src}: alt text is the file name in words: {alt!r}"
    return None


def test_images_have_meaningful_alt_text(content_page: str, visit: Visitor) -> None:
    problems = [_alt_problem(image) for image in visit(content_page).images]
    assert [p for p in problems if p] == []


def test_code_blocks_have_copy_buttons(content_page: str, visit: Visitor) -> None:
    blocks = visit(content_page).code_blocks
    missing = [b["text"][:60] for b in blocks if not b["hasButton"]]
    assert missing == []


def test_copying_gives_the_code_only(content_page: str, visit: Visitor) -> None:
    record = visit(content_page)
    if not record.code_blocks:
        assert record.copied is None  # nothing to copy on this page
        return
    assert record.copied is not None, "no visible copy button"
    # Line by line: a doctest's output lines leave blank lines in the expected
    # text, which the copy (prompt lines only) rightly leaves out.
    expected = PROMPT.sub("", record.expected_copy or "")
    assert _code_lines(record.copied) == _code_lines(expected)
    assert not PROMPT.search(record.copied)


def _code_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]
