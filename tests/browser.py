"""Shared pieces of the browser tests: Chromium discovery, a localhost server, a recorded visit."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("MLTRL_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
SKIP_REASON = "no Chromium found (apt-get install chromium, or set MLTRL_CHROMIUM)"

needs_browser = pytest.mark.skipif(CHROMIUM is None, reason=SKIP_REASON)

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


#: The paths each test server answered "not found", by origin. The browser asks for some files on
#: its own (a page that names no icon makes it ask for /favicon.ico), and those requests are not
#: the page's: Playwright does not report them, and the answer may come after the page has gone,
#: so only the server sees every one.
NOT_FOUND: dict[str, list[str]] = {}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code == 404:
            NOT_FOUND.setdefault(f"http://127.0.0.1:{self.server.server_address[1]}", []).append(self.path)
        super().send_error(code, message, explain)


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that leaves a page hangs up on the answers still coming: not an error here."""


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve a built site on localhost; yields its base URL."""
    server = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium through Playwright; the test is skipped where either is missing."""
    if CHROMIUM is None:
        pytest.skip(SKIP_REASON)
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Visit:
    """A page with every console error and every request recorded."""

    def __init__(self, browser: Any, url: str, width: int = 1280) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")

    def check_clean(self) -> None:
        assert self.errors == [], (self.errors, self.failed)
        origins = {u[: u.index("/", len("http://"))] for u in self.requests if u.startswith("http://127.0.0.1:")}
        missing = [origin + path for origin in sorted(origins) for path in NOT_FOUND.get(origin, [])]
        assert missing == [], missing
        outside = [u for u in self.requests if not u.startswith(("http://127.0.0.1:", "data:", "blob:"))]
        assert outside == [], outside

    def screenshot(self, name: str, full_page: bool = False) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=full_page)
        return path
