"""Headless Chromium (Debian's package) driven over the DevTools protocol on a websocket.

Few moving parts: the browser scripts/test installs, and a CDP client of a few lines on the
`websockets` package. The browser resolves no host but 127.0.0.1, so a page that needs the
internet fails here as it would on a closed network.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import signal
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from tests.support import wait_until

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # offline but for the server
    "--window-size=1280,900",
    "--remote-debugging-port=0",  # a free port, written to DevToolsActivePort
]


class Page:
    """One tab: protocol calls, and every event seen so far (network requests, exceptions)."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.events: list[dict[str, Any]] = []
        self._ids = itertools.count(1)

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        call_id = next(self._ids)
        await self.socket.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(await self.socket.recv())
            if message.get("id") != call_id:
                self.events.append(message)
            elif "error" in message:
                raise RuntimeError(f"{method}: {message['error']}")
            else:
                result: dict[str, Any] = message["result"]
                return result

    async def event(self, method: str) -> dict[str, Any]:
        """The first event of this kind, waiting for it if it has not come yet."""
        for seen in self.events:
            if seen.get("method") == method:
                return seen
        while True:
            message = json.loads(await self.socket.recv())
            self.events.append(message)
            if message.get("method") == method:
                return message

    async def evaluate(self, expression: str) -> Any:
        reply = await self.call(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in reply:
            raise AssertionError(reply["exceptionDetails"])
        return reply["result"].get("value")

    async def wait_for(self, condition: str, seconds: float = 30) -> Any:
        """The value of a JS expression once it is truthy, polled inside the page."""
        return await self.evaluate(f"""new Promise((resolve, reject) => {{
            const deadline = Date.now() + {seconds * 1000};
            (function poll() {{
                const value = ({condition});
                if (value) resolve(value);
                else if (Date.now() > deadline) reject(new Error({json.dumps(condition)}));
                else setTimeout(poll, 50);
            }})();
        }})""")

    async def click(self, selector: str) -> None:
        """A real mouse click at the element's centre (hit-tested, unlike element.click())."""
        x, y = await self.evaluate(f"""(() => {{
            const box = document.querySelector({json.dumps(selector)}).getBoundingClientRect();
            return [box.x + box.width / 2, box.y + box.height / 2];
        }})()""")
        for kind in ("mousePressed", "mouseReleased"):
            await self.call(
                "Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1
            )

    async def open(self, url: str) -> None:
        for domain in ("Page", "Network", "Runtime"):
            await self.call(f"{domain}.enable")
        await self.call("Page.navigate", url=url)
        await self.event("Page.loadEventFired")

    async def screenshot(self, path: Path) -> None:
        shot = await self.call("Page.captureScreenshot", format="png")
        await asyncio.to_thread(_write, path, base64.b64decode(shot["data"]))

    def requested_urls(self) -> list[str]:
        return [
            event["params"]["request"]["url"]
            for event in self.events
            if event.get("method") == "Network.requestWillBeSent"
        ]

    def failures(self) -> list[dict[str, Any]]:
        """Resources that failed to load and uncaught exceptions in the page."""
        kinds = {"Network.loadingFailed", "Runtime.exceptionThrown"}
        return [event for event in self.events if event.get("method") in kinds]


@asynccontextmanager
async def chromium_page() -> AsyncIterator[Page]:
    if not os.access(CHROMIUM, os.X_OK):
        raise RuntimeError("chromium is not installed: run scripts/test")
    with tempfile.TemporaryDirectory(
        prefix="ordo-chromium-", ignore_cleanup_errors=True
    ) as profile:
        process = await asyncio.create_subprocess_exec(
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={profile}",
            "about:blank",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the renderers go with it
        )
        try:
            port = await _devtools_port(Path(profile) / "DevToolsActivePort")
            async with httpx.AsyncClient() as http:
                targets = (await http.get(f"http://127.0.0.1:{port}/json/list")).json()
            page = next(target for target in targets if target["type"] == "page")
            async with connect(page["webSocketDebuggerUrl"], max_size=None) as socket:
                yield Page(socket)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            await asyncio.wait_for(process.wait(), timeout=15)


async def _devtools_port(active: Path) -> str:
    """The port Chromium picked, from the file it writes once the port is open."""
    # A half-written file has fewer lines.
    await asyncio.to_thread(wait_until, lambda: len(_lines(active)) == 2, "chromium's port")
    return _lines(active)[0]


def _lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
