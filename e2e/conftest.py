"""Browser fixtures: one headless Chromium per session, fresh contexts per test.

Every test in ``e2e/`` is marked ``browser``. Without Chromium or Playwright the tests skip,
unless ``PEERHAVEN_REQUIRE_BROWSER=1`` (set in CI), where they fail: browser tests must never
disappear from CI silently. When a test fails, each page it left open is saved to
``e2e/screenshots/<test name>.png``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn, Protocol

import pytest
from django.core.cache import cache

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize
    from pytest_django.live_server_helper import LiveServer

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-dev-shm-usage",
]
VIEWPORTS: dict[str, ViewportSize] = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 800},
}
Viewport = Literal["phone", "desktop"]
ColorScheme = Literal["light", "dark"]
# Each phase's report of a test (setup, call, teardown), kept for the screenshot-on-failure code.
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


class NewPage(Protocol):
    def __call__(
        self,
        *,
        viewport: Viewport = ...,
        color_scheme: ColorScheme = ...,
        java_script_enabled: bool = ...,
    ) -> Page: ...


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
    # Browser tests run last: Playwright's sync API keeps an event loop running in the main
    # thread until the session ends, and asyncio tests after it would fail ("Runner.run()
    # cannot be called from a running event loop"). After pytest-django's own reordering
    # (trylast), a stable sort keeps every other order as it was.
    items.sort(key=lambda item: here in item.path.parents)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # Keep each phase's report on the item so fixtures can tell, at teardown, that a test failed.
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("PEERHAVEN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and PEERHAVEN_REQUIRE_BROWSER=1 says browser tests must run.")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed")
    executable = shutil.which("chromium")
    if executable is None:
        _unavailable("Chromium is not installed (no `chromium` on PATH)")
    # Playwright's sync API keeps an event loop running in this thread from here on, and Django
    # refuses ORM calls from a thread with a running loop (SynchronousOnlyOperation). The tests
    # need the ORM to set up people and check results, so allow it for the rest of the session.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS, headless=True
            )
        except Error as exc:
            _unavailable(f"Chromium at {executable} did not start: {exc.message}")
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Sign-up and login rate limits live in the cache, shared with the live server thread.
    cache.clear()


def _screenshot_name(item: pytest.Item, index: int) -> str:
    name = re.sub(r"[^\w.-]+", "-", item.name).strip("-")
    return f"{name}.png" if index == 0 else f"{name}-{index + 1}.png"


@pytest.fixture
def new_page(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer
) -> Iterator[NewPage]:
    """Open a page in a fresh context (own cookies) at a phone or desktop width."""
    contexts: list[BrowserContext] = []

    def factory(
        *,
        viewport: Viewport = "phone",
        color_scheme: ColorScheme = "light",
        java_script_enabled: bool = True,
    ) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=VIEWPORTS[viewport],
            color_scheme=color_scheme,
            java_script_enabled=java_script_enabled,
            locale="en-GB",
            timezone_id="Europe/Dublin",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield factory

    reports = request.node.stash.get(_REPORTS, {})
    failed = any(report.failed for report in reports.values())
    pages = [page for context in contexts for page in context.pages]
    if failed and pages:
        SCREENSHOTS.mkdir(exist_ok=True)
        for index, page in enumerate(pages):
            # A crashed page cannot be photographed; that must not hide the real failure.
            with contextlib.suppress(Exception):
                page.screenshot(
                    path=SCREENSHOTS / _screenshot_name(request.node, index), full_page=True
                )
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: NewPage) -> Page:
    """A page at phone width, where most people will meet Peerhaven."""
    return new_page(viewport="phone")


@pytest.fixture
def axe() -> Callable[[Page], dict[str, Any]]:
    """Run axe-core on a page and return its results (violations only)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        _unavailable("axe-playwright-python is not installed")
    engine = Axe()

    def run(page: Page) -> dict[str, Any]:
        results: dict[str, Any] = engine.run(page).response
        return results

    return run


@pytest.fixture
def asgi_url(live_server: LiveServer) -> Iterator[str]:
    """The real ASGI app (HTTP and WebSockets) in a uvicorn thread, on the live test database.

    The WSGI live server cannot carry WebSockets. Channel layers are made afresh for the server
    and dropped afterwards: a Redis layer instance belongs to the event loop that first used it,
    and a server thread from an earlier test leaves one bound to a loop that is gone.
    """
    uvicorn = pytest.importorskip("uvicorn")
    from channels.layers import channel_layers

    from peerhaven.asgi import application

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    channel_layers.backends.clear()
    server = uvicorn.Server(
        uvicorn.Config(
            application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    channel_layers.backends.clear()
