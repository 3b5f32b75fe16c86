"""Browser fixtures: the test app served on a loopback port, Chromium driven by Playwright, axe.

``live_server`` serves the ``app`` fixture's app (same test database) from a thread, so data a
test commits is what the browser sees. ``page`` is a fresh Chromium page; any console error
(a script failure, or a Content-Security-Policy refusal of inline script or style) fails the test
when it ends. ``axe_check(page)`` runs axe-core, taken from the axe-playwright-python package so
nothing is fetched at run time, and fails listing every violation.

axe is injected with ``page.evaluate``, which goes through the DevTools protocol and is not
subject to the page's CSP, so the CSP stays exactly as in production.
"""
from __future__ import annotations

import importlib.resources
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# WCAG 2.2 AA and the rules below it, as axe names them.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@dataclass
class LiveServer:
    """The test app served over HTTP; ``url("/p/abc")`` gives a full address."""

    base: str

    def url(self, path: str = "/") -> str:
        return self.base + path


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    """Serve the test app on a free loopback port from a thread, for the test's duration."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright; skipped where it is not installed."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page (own cookies) at a desktop size; console errors fail the test at the end."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []

    def on_console(message) -> None:
        # A page answered with 4xx on purpose is the test's business; failed sub-resources
        # are caught by on_response with their address.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response) -> None:
        request = response.request
        if (response.status >= 400 and request.resource_type != "document"
                and not request.url.endswith("/favicon.ico")):
            errors.append(f"{response.status} for {request.resource_type} {request.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, "the browser console reported errors:\n" + "\n".join(errors)


def _axe_source() -> str:
    return (importlib.resources.files("axe_playwright_python") / "axe.min.js").read_text()


def axe_check(page, *, context: str = "") -> None:
    """Run axe-core on the page once it has loaded; fail listing each violation and where it is.

    The page's stylesheets are waited for: checked while they still load, the page's links and
    buttons have the browser's default sizes and fail axe's target-size rule.
    """
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(f"() => {{ {_axe_source()}\n}}")
        page.evaluate("() => { window.axe = window.axe || axe; }")
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = results["violations"]
    lines = []
    for violation in violations:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} "
                     f"at {targets}")
    where = f" on {context or page.url}"
    assert not violations, f"axe found {len(violations)} violation(s){where}:\n" + "\n".join(lines)


@pytest.fixture(name="axe_check")
def axe_check_fixture():
    """``axe_check(page)`` as a fixture, for tests that prefer not to import from conftest."""
    return axe_check
