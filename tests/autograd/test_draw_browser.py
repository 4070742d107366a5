"""The page of save_html() really draws the graph: opened in headless Chromium, offline.

Chromium's --dump-dom does not wait for viz.js's WebAssembly to start, so we drive
it through the DevTools protocol over a pipe (stdlib only): open the page, then
wait in the page until an <svg> appears or the page reports a failure.
CI needs the Debian package `chromium`.
"""

import contextlib
import json
import os
import select
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

from autograd import Value, draw, save_html

SVG = "{http://www.w3.org/2000/svg}"
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


class Chromium:
    """Headless Chromium, spoken to as the DevTools protocol says: JSON messages ending in NUL
    on file descriptors 3 (to Chromium) and 4 (from it)."""

    def __init__(self, profile):
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if exe is None:
            pytest.fail("this test needs Chromium: apt-get install chromium")
        to_chrome, self._writer = os.pipe()
        self._reader, from_chrome = os.pipe()

        def as_fds_3_and_4():
            os.dup2(to_chrome, 3)
            os.dup2(from_chrome, 4)

        flags = "--disable-gpu --disable-background-networking --disable-component-update"
        self.process = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", *flags.split(), "--disable-sync",
             "--no-first-run", f"--user-data-dir={profile}", "--remote-debugging-pipe"],
            preexec_fn=as_fds_3_and_4, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(to_chrome)
        os.close(from_chrome)
        self._buffer, self._last_id = b"", 0

    def call(self, method, session=None, deadline=60.0, **params):
        """Send one command and return its result, skipping the events that come between."""
        self._last_id += 1
        message = {"id": self._last_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._writer, json.dumps(message).encode() + b"\0")
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
            if reply.get("id") == self._last_id:
                assert "error" not in reply, reply["error"]
                return reply["result"]

    def svg_of(self, url):
        """The outerHTML of the <svg> the page at `url` draws (or what it shows instead)."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.navigate", session, url=url)
        result = self.call(
            "Runtime.evaluate", session, expression=WAIT_FOR_DRAWING,
            awaitPromise=True, returnByValue=True,
        )  # fmt: skip
        return result["result"]["value"]

    def close(self):
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):
            self.call("Browser.close", deadline=10)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._writer)
        os.close(self._reader)


@pytest.fixture
def chromium(tmp_path):
    browser = Chromium(tmp_path / "profile")
    yield browser
    browser.close()


def test_the_html_page_draws_the_graph_in_a_browser(tmp_path, chromium):
    w, x = Value(0.5, "w"), Value(-2.0, "x")
    out = (w * x + Value(0.25, "bias")).relu()
    out.backward()
    page = save_html(draw(out), tmp_path / "neuron.html")

    svg = chromium.svg_of(page.as_uri())

    assert svg.startswith("<svg"), svg[:500]
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    for expected in ("w", "x", "bias", "relu", "data -0.75", "grad 1.0"):
        assert expected in texts
