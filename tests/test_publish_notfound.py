"""The 404 page's content_root (tfdocs_sphinx.publish.notfound)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tfdocs_sphinx.publish.notfound import absolute_content_root


def _render(pagename: str, prefix: str | None) -> dict[str, Any]:
    config = SimpleNamespace(notfound_pagename="404", notfound_urls_prefix=prefix)
    context = {"content_root": "../"}
    app = SimpleNamespace(config=config)
    absolute_content_root(app, pagename, "page.html", context, None)  # type: ignore[arg-type]
    return context


@pytest.mark.parametrize(("prefix", "root"), [("/tfdocs/", "/tfdocs/"), (None, "/")])
def test_404_page_gets_the_prefix(prefix: str | None, root: str) -> None:
    assert _render("404", prefix) == {"content_root": root}


def test_other_pages_keep_their_relative_root() -> None:
    assert _render("keras/layers", "/tfdocs/") == {"content_root": "../"}
