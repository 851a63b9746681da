"""Headless Debian ``chromium`` driven over the DevTools protocol, for the explorer tests.

No browser-driver package is needed: chromium starts with
``--remote-debugging-port=0``, writes the port it picked to
``DevToolsActivePort`` in its profile directory, and each page is a
DevTools websocket (the ``websockets`` package's synchronous client).
A :class:`Page` records console errors, uncaught exceptions, failed
loads and every URL the page requested, so tests can assert that the
explorer runs cleanly and fetches nothing from outside the app.

Fixtures: ``chromium`` (one browser per test session), ``page`` (a fresh tab).
"""
from __future__ import annotations

import base64
import contextlib
import itertools
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest
from websockets.sync.client import connect as ws_connect

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--window-size=1280,800",
)
START_TIMEOUT_S = 30.0


class BrowserError(RuntimeError):
    """Chromium did not start, or a DevTools command failed."""


class Page:
    """One chromium tab: DevTools commands plus what the page logged and loaded."""

    def __init__(self, ws_url: str, target_id: str) -> None:
        self.target_id = target_id
        self._stack = contextlib.ExitStack()
        self.ws = self._stack.enter_context(
            ws_connect(ws_url, max_size=None, open_timeout=10, ping_interval=None)
        )
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")

    # -- protocol
    def _record(self, message: dict[str, Any]) -> None:
        method, params = message.get("method"), message.get("params", {})
        self.events.append(message)
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            self.console_errors.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            desc = details.get("exception", {}).get("description") or details.get("text")
            self.console_errors.append(f"uncaught: {desc}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            self.console_errors.append(f"log: {entry.get('text')} {entry.get('url', '')}".strip())
        elif method == "Network.requestWillBeSent":
            self.requests.append(params.get("request", {}).get("url", ""))

    def send(self, method: str, timeout: float = 30.0, **params: Any) -> dict[str, Any]:
        """Run one DevTools command and return its result (events seen meanwhile are recorded)."""
        msg_id = next(self._ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError(f"{method}: no answer within {timeout:.0f} s")
            message = json.loads(self.ws.recv(timeout=remaining))
            if message.get("id") == msg_id:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._record(message)

    def pump(self, seconds: float) -> None:
        """Record events for ``seconds`` without sending anything."""
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                self._record(json.loads(self.ws.recv(timeout=remaining)))
            except TimeoutError:
                return

    # -- conveniences
    def navigate(self, url: str, timeout: float = 30.0) -> None:
        """Open ``url`` and wait for its load event."""
        self.events.clear()
        result = self.send("Page.navigate", url=url)
        if result.get("errorText"):
            raise BrowserError(f"cannot open {url}: {result['errorText']}")
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            if time.monotonic() > deadline:
                raise BrowserError(f"{url} did not finish loading in {timeout:.0f} s")
            self.pump(0.1)

    def evaluate(self, expression: str, timeout: float = 30.0) -> Any:
        """The value of a JavaScript expression (promises are awaited)."""
        result = self.send(
            "Runtime.evaluate", timeout=timeout, expression=expression,
            awaitPromise=True, returnByValue=True,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            desc = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"{expression!r} threw: {desc}")
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 20.0, interval: float = 0.1) -> Any:
        """Poll until ``expression`` is truthy; return its value.

        The value crosses as JSON: make DOM-element expressions boolean (``!!``).
        """
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out after {timeout:.0f} s waiting for {expression!r}")
            self.pump(interval)

    def click(self, x: float, y: float) -> None:
        """A real left click (mouse move, press, release) at viewport pixel ``x, y``."""
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        self.send("Input.dispatchMouseEvent", type="mousePressed", x=x, y=y, button="left", clickCount=1)
        self.send("Input.dispatchMouseEvent", type="mouseReleased", x=x, y=y, button="left", clickCount=1)

    def screenshot(self, path: Path) -> Path:
        """Save a PNG of the viewport."""
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        """Close the websocket (the tab is closed by :class:`Chromium`)."""
        self._stack.close()


# chromium's DevTools endpoint is on loopback: never route it through an env-configured proxy
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Chromium:
    """A headless chromium process with its DevTools HTTP endpoint."""

    def __init__(self, binary: str) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="sg-chromium-"))
        self.downloads = self.profile / "downloads"
        self.downloads.mkdir()
        self.proc = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, "--remote-debugging-port=0",
             f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        self.port = self._wait_for_port()

    def _wait_for_port(self) -> int:
        marker = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                raise BrowserError(f"chromium exited with {self.proc.returncode}: {err[-2000:]}")
            if marker.exists():
                lines = marker.read_text().split()
                if lines:
                    return int(lines[0])
            time.sleep(0.05)
        raise BrowserError(f"chromium wrote no {marker} within {START_TIMEOUT_S:.0f} s")

    def _http(self, path: str, method: str = "GET") -> Any:
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method)
        with _NO_PROXY.open(req, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body.strip().startswith((b"{", b"[")) else body

    def new_page(self) -> Page:
        """A fresh tab, downloads allowed into ``self.downloads``."""
        target = self._http("/json/new?about:blank", method="PUT")
        page = Page(target["webSocketDebuggerUrl"], target["id"])
        page.send("Page.setDownloadBehavior", behavior="allow", downloadPath=str(self.downloads))
        return page

    def close_page(self, page: Page) -> None:
        """Close ``page``'s websocket and its tab."""
        page.close()
        self._http(f"/json/close/{page.target_id}")

    def close(self) -> None:
        """Stop chromium and remove its profile."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stderr:
            self.proc.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def chromium_binary() -> Optional[str]:
    """Debian's ``chromium`` (or another chromium/chrome) on PATH."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    """One headless chromium for the session (``make browser`` installs it)."""
    binary = chromium_binary()
    if binary is None:
        pytest.fail("chromium is not installed: run `make browser` (apt-get install chromium)")
    browser = Chromium(binary)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def page(chromium: Chromium) -> Iterator[Page]:
    """A fresh chromium tab."""
    tab = chromium.new_page()
    try:
        yield tab
    finally:
        chromium.close_page(tab)
