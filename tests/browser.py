"""Headless Chromium driven over the DevTools protocol, for tests of pages a learner opens.

Chromium's --dump-dom does not wait for viz.js's WebAssembly to start, so we speak
the protocol over a pipe (stdlib only): open a page, run JavaScript in it, press
keys and click as a user would, and see every network request it makes.
CI needs the Debian package `chromium`.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

WAIT_FOR_DRAWING = """new Promise((resolve) => {
  const start = Date.now();
  (function poll() {
    const svg = document.querySelector("#graph svg");
    const failed = document.querySelector("#graph.failed");
    if (svg || failed || Date.now() - start > 30000) {
      resolve(svg ? svg.outerHTML : "no svg: " + document.body.innerText);
    } else {
      setTimeout(poll, 50);
    }
  })();
})"""

# What DevTools needs to press a key: its name, its code, and Windows's number for it.
KEYS = {
    "ArrowRight": ("ArrowRight", 39),
    "ArrowLeft": ("ArrowLeft", 37),
    " ": ("Space", 32),
    "Home": ("Home", 36),
    "End": ("End", 35),
    "+": ("NumpadAdd", 107),
    "-": ("NumpadSubtract", 109),
    "0": ("Digit0", 48),
    "Enter": ("Enter", 13),
}


class Chromium:
    """Headless Chromium, spoken to as the DevTools protocol says: JSON messages ending in NUL
    on file descriptors 3 (to Chromium) and 4 (from it)."""

    def __init__(self, profile: Path, flags: Sequence[str] = ()) -> None:
        """Start Chromium with a fresh profile; `flags` are more command-line switches
        (e.g. --proxy-server=..., to see every request that leaves the machine)."""
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if exe is None:
            pytest.fail("this test needs Chromium: apt-get install chromium")
        to_chrome, self._writer = os.pipe()
        self._reader, from_chrome = os.pipe()

        def as_fds_3_and_4():
            os.dup2(to_chrome, 3)
            os.dup2(from_chrome, 4)

        quiet = "--disable-gpu --disable-background-networking --disable-component-update"
        self.process = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", *quiet.split(), "--disable-sync",
             "--no-first-run", f"--user-data-dir={profile}", "--remote-debugging-pipe", *flags],
            preexec_fn=as_fds_3_and_4, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(to_chrome)
        os.close(from_chrome)
        self._buffer, self._last_id, self._watching = b"", 0, False
        self.events: list[dict] = []  # every event received, e.g. Network.requestWillBeSent

    def call(self, method: str, session: str | None = None, deadline: float = 60.0, **params):
        """Send one command and return its result, keeping the events that come between."""
        wanted = self._send(method, session, **params)
        give_up = time.monotonic() + deadline
        while True:
            while b"\0" not in self._buffer:
                if not select.select([self._reader], [], [], give_up - time.monotonic())[0]:
                    raise TimeoutError(f"Chromium did not answer {method}")
                chunk = os.read(self._reader, 1 << 16)
                if not chunk:
                    raise RuntimeError("Chromium closed the pipe")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == wanted:
                assert "error" not in reply, reply["error"]
                return reply["result"]
            if "method" in reply:
                self.events.append(reply)
                if self._watching:
                    self._follow(reply)

    def _send(self, method: str, session: str | None = None, **params) -> int:
        """Send one command without waiting for its answer; return its id."""
        self._last_id += 1
        message = {"id": self._last_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._writer, json.dumps(message).encode() + b"\0")
        return self._last_id

    def watch_every_request(self) -> None:
        """From now on, record the requests of every page, frame, worker and service worker.

        Each one is attached to as it starts (paused until its requests are watched),
        so that requested_urls() sees what Python's worker and the service worker ask.
        """
        self._watching = True
        self.call("Target.setDiscoverTargets", discover=True)
        self.call("Target.setAutoAttach", autoAttach=True, waitForDebuggerOnStart=True,
                  flatten=True)  # fmt: skip

    def _follow(self, event: dict) -> None:
        """Attach to a new worker; watch the requests of a target just attached to."""
        params = event["params"]
        if event["method"] == "Target.targetCreated":
            info = params["targetInfo"]
            if info["type"] in ("service_worker", "shared_worker") and not info["attached"]:
                self._send("Target.attachToTarget", targetId=info["targetId"], flatten=True)
        elif event["method"] == "Target.attachedToTarget":
            session = params["sessionId"]
            self._send("Network.enable", session)
            self._send("Target.setAutoAttach", session, autoAttach=True,
                       waitForDebuggerOnStart=True, flatten=True)  # fmt: skip
            self._send("Runtime.runIfWaitingForDebugger", session)

    def open(
        self,
        url: str,
        watch_network: bool = False,
        size: tuple[int, int] | None = None,
        before_load: str = "",
    ) -> Tab:
        """A new tab showing `url`; with watch_network, its requests land in self.events.

        `size` (width, height) is the window's inner size in CSS pixels, e.g. (1280, 800).
        `before_load`: JavaScript run in the page before any of its own scripts.
        """
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        if watch_network:
            self.call("Network.enable", session)
        if size is not None:
            width, height = size
            self.call("Emulation.setDeviceMetricsOverride", session, width=width,
                      height=height, deviceScaleFactor=1, mobile=False)  # fmt: skip
        if before_load:
            self.call("Page.enable", session)
            self.call("Page.addScriptToEvaluateOnNewDocument", session, source=before_load)
        self.call("Page.navigate", session, url=url)
        return Tab(self, session)

    def svg_of(self, url: str) -> str:
        """The outerHTML of the <svg> the page at `url` draws (or what it shows instead)."""
        return self.open(url).evaluate(WAIT_FOR_DRAWING)

    def requested_urls(self) -> list[str]:
        """Every URL a watched tab (or, after watch_every_request(), anything) asked for."""
        return [
            event["params"]["request"]["url"]
            for event in self.events
            if event["method"] == "Network.requestWillBeSent"
        ]

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):
            self.call("Browser.close", deadline=10)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._writer)
        os.close(self._reader)


class Tab:
    """One page open in Chromium: run JavaScript in it, press keys, click."""

    def __init__(self, browser: Chromium, session: str) -> None:
        self.browser, self.session = browser, session

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (a promise is awaited)."""
        result = self.browser.call(
            "Runtime.evaluate", self.session, expression=expression,
            awaitPromise=True, returnByValue=True,
        )  # fmt: skip
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def wait_for(self, condition: str, seconds: float = 30.0) -> None:
        """Wait until the JavaScript `condition` is true in the page (an error counts as false:
        the page may still be loading)."""
        give_up = time.monotonic() + seconds
        while not self.evaluate(f"(() => {{ try {{ return Boolean({condition}); }} "
                                "catch (error) { return false; } })()"):  # fmt: skip
            if time.monotonic() > give_up:
                raise TimeoutError(f"the page never had {condition}")
            time.sleep(0.05)

    def screenshot(self, path: Path) -> Path:
        """Save what the tab shows as a PNG, to look at the page as a learner sees it."""
        data = self.browser.call("Page.captureScreenshot", self.session, format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def press(self, key: str) -> None:
        """Press and release a key, as the keyboard would: "ArrowRight", " ", "Home"..."""
        code, number = KEYS[key]
        for kind in ("keyDown", "keyUp"):
            self.browser.call(
                "Input.dispatchKeyEvent", self.session, type=kind, key=key, code=code,
                windowsVirtualKeyCode=number, text=key if kind == "keyDown" and key == " " else "",
            )  # fmt: skip

    def type(self, text: str) -> None:
        """Type `text` into the element that has the focus, as the keyboard would."""
        self.browser.call("Input.insertText", self.session, text=text)

    def click(self, selector: str) -> None:
        """Click with the mouse in the middle of the first element `selector` finds."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " e.scrollIntoView({block: 'center', inline: 'center'});"
            " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];"
            " })()"
        )
        x, y = box
        for kind in ("mousePressed", "mouseReleased"):
            self.browser.call(
                "Input.dispatchMouseEvent", self.session, type=kind, x=x, y=y,
                button="left", clickCount=1,
            )  # fmt: skip
