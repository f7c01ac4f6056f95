"""Debian's Chromium driven by Playwright, with the network cut off: the page must work from the file alone."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import need_tool

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class PageLog:
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """Debian's headless Chromium under Playwright (never `playwright install`), closed when the block ends; in CI a
    missing Chromium or Playwright fails the test instead of skipping it."""
    executable = os.environ.get("KG_CHROMIUM") or need_tool("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("playwright is not installed; .ci/run must install the test extras")
        pytest.skip("playwright not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def open_page(html: Path, width: int = 1400, height: int = 900) -> Iterator[tuple[object, PageLog]]:
    """Open a local HTML file in headless Chromium; every request other than the file itself is aborted and logged."""
    log = PageLog()
    url = html.resolve().as_uri()
    with chromium() as browser:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()

        def on_route(route) -> None:
            if route.request.url == url:
                route.continue_()
            else:
                log.requests.append(route.request.url)
                route.abort()

        page.route("**/*", on_route)
        page.on("console", lambda msg: log.console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda err: log.page_errors.append(str(err)))

        def on_dialog(dialog) -> None:
            log.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(url)
        yield page, log
