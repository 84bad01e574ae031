"""A page for tests that expect the browser to log errors: Chromium logs every refused request
(a 4xx) as a console error, which the `page` fixture fails on. Here the errors are collected for
the test to check that they are exactly the refusals it caused."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tests.browser.conftest import SIZES


@contextmanager
def page_logging_errors(browser, size: str = "laptop") -> Iterator[tuple[object, list[str]]]:
    """(page, logged): a fresh page at `size` and the console errors and uncaught errors it logs,
    as they come. The page's context is closed on leaving."""
    context = browser.new_context(**SIZES[size])
    context.set_default_timeout(20_000)
    page = context.new_page()
    logged: list[str] = []
    page.on("console", lambda m: logged.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: logged.append(f"page error: {error}"))
    try:
        yield page, logged
    finally:
        context.close()
