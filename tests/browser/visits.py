"""Open a page of the built site in Chromium and record what a reader would meet.

One visit per page: console errors, failed and off-site requests (blocked and
recorded), axe-core's findings, image alt texts, copy buttons and what one of them
copies, and the download and launch links. The tests assert on the record.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from playwright.sync_api import Browser, Page, Request, Route

__all__ = ["Log", "Visit", "open_page", "record_visit"]

# What the code blocks of a page look like to a reader: each code block (never an
# output) with whether it has a copy button, and its text without prompt or output
# spans (Pygments' .gp/.go), which is what a copy must give.
CODE_BLOCKS_JS = """
() => [...document.querySelectorAll('div.highlight > pre')]
  .filter(pre => !pre.closest('.cell_output, .output, .sphx-glr-script-out'))
  .map(pre => {
    const copy = pre.cloneNode(true);
    copy.querySelectorAll('.gp, .go, .linenos, button').forEach(e => e.remove());
    return {
      hasButton: !!pre.parentElement.querySelector('button.copybtn'),
      visible: pre.offsetParent !== null,
      text: copy.textContent,
    };
  })
"""
AXE_JS = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.html.slice(0, 120)),
      count: v.nodes.length,
    }));
}
"""
LINKS_JS = """
() => {
  const hrefs = selector =>
    [...document.querySelectorAll(selector)].map(a => a.href).filter(Boolean);
  return {
    notebook: hrefs('a.btn-download-notebook-button'),
    source: hrefs('a.btn-download-source-button'),
    colab: hrefs('a.btn-colab-button'),
    launch: document.querySelectorAll('.dropdown-launch-buttons').length,
    python: hrefs('.sphx-glr-download-python a'),
    jupyter: hrefs('.sphx-glr-download-jupyter a'),
    outputs: [...document.querySelectorAll('.cell_output')]
      .filter(o => o.children.length).length,
  };
}
"""


@dataclass
class Log:
    """What a page did while it loaded."""

    base_url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def route(self, route: Route) -> None:
        """Let requests to the local site through; record and block all others."""
        url = route.request.url
        if url.startswith((self.base_url, "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.external_requests.append(url)
            route.abort()

    def request_failed(self, request: Request) -> None:
        """Record a request that failed, unless it was blocked for being off-site."""
        if request.url not in self.external_requests:
            self.failed_requests.append(f"{request.url}: {request.failure}")


@dataclass
class Visit:
    """The record of one page."""

    page: str
    url: str
    log: Log
    axe_violations: list[dict[str, Any]]
    images: list[dict[str, str | None]]
    code_blocks: list[dict[str, Any]]
    copied: str | None
    expected_copy: str | None
    install_copied: str | None  # what the "Run it yourself" box's copy button gives
    links: dict[str, Any]


@contextlib.contextmanager
def open_page(
    browser: Browser,
    base_url: str,
    page: str,
    *,
    timeout: float,
    **context_options: Any,
) -> Iterator[tuple[Page, Log]]:
    """Open ``page`` in a fresh browser context (no stored theme, no cache)."""
    context = browser.new_context(**context_options)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    context.set_default_timeout(timeout)
    log = Log(base_url)
    try:
        tab = context.new_page()
        tab.route("**/*", log.route)
        tab.on(
            "console",
            lambda m: log.console_errors.append(m.text) if m.type == "error" else None,
        )
        tab.on("pageerror", lambda error: log.console_errors.append(str(error)))
        tab.on("requestfailed", log.request_failed)
        tab.on(
            "response",
            lambda r: (
                log.failed_requests.append(f"{r.url}: HTTP {r.status}")
                if r.status >= 400
                else None
            ),
        )
        tab.goto(urljoin(base_url, page), wait_until="load")
        tab.wait_for_load_state("networkidle")
        yield tab, log
    finally:
        context.close()


def _copy_first_block(
    tab: Page, within: str = "div.highlight:not(.tfdocs-install *)"
) -> tuple[str | None, str | None]:
    """Click the first visible copy button of a non-blank block matching `within`.

    Return (what the clipboard holds, the block's text without prompt and output
    spans). The clipboard is the browser's, shared by contexts: it is emptied first.
    By default the "Run it yourself" box is left out: the first block is code.
    """
    buttons = tab.locator(f"{within} button.copybtn").filter(visible=True)
    blank = "b => !b.parentElement.querySelector('pre').textContent.trim()"
    button = next((b for b in buttons.all() if not b.evaluate(blank)), None)
    if button is None:
        return None, None
    tab.evaluate("navigator.clipboard.writeText('')")
    expected = button.evaluate(
        """b => { const pre = b.parentElement.querySelector('pre').cloneNode(true);
                  pre.querySelectorAll('.gp, .go, .linenos').forEach(e => e.remove());
                  return pre.textContent; }"""
    )
    button.click()
    return tab.evaluate("navigator.clipboard.readText()"), expected


def record_visit(tab: Page, log: Log, *, axe_source: str) -> Visit:
    """Record the state of the loaded ``tab`` (runs axe-core on it)."""
    links = tab.evaluate(LINKS_JS)
    images = tab.eval_on_selector_all(
        "img",
        "els => els.map(e => ({src: e.getAttribute('src'), alt: e.getAttribute('alt')}))",
    )
    code_blocks = tab.evaluate(CODE_BLOCKS_JS)
    copied, expected = _copy_first_block(tab)
    install_copied, _ = _copy_first_block(tab, ".tfdocs-install div.highlight")
    tab.add_script_tag(content=axe_source)
    violations = tab.evaluate(AXE_JS)
    return Visit(
        page=tab.url.removeprefix(log.base_url),
        url=tab.url,
        log=log,
        axe_violations=violations,
        images=images,
        code_blocks=code_blocks,
        copied=copied,
        expected_copy=expected,
        install_copied=install_copied,
        links=links,
    )
