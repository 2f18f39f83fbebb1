"""Run a safety page's script under node against the stand-in DOM in ``fake_dom.js``."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

STATIC = Path(__file__).resolve().parents[1] / "src/peerhaven/safety/static/safety"
FAKE_DOM = Path(__file__).resolve().with_name("fake_dom.js")


def run_script(harness: str, script: str, data: Any, *, env: dict[str, str] | None = None) -> Any:
    """Run ``harness`` (JavaScript, after the stand-in DOM is loaded) with ``process.argv[1]``
    the path of ``static/safety/<script>`` and ``process.argv[2]`` ``data`` as JSON; return what
    it printed, parsed as JSON. Skips when node is not installed."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("node is not installed")
    done = subprocess.run(  # noqa: S603 - a fixed script and this repository's own files
        [
            node,
            "-e",
            f"require({json.dumps(str(FAKE_DOM))});\n{harness}",
            str(STATIC / script),
            json.dumps(data),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# The moderation queue page as live_queue.js finds it, with a stand-in WebSocket: ``input``
# (argv[2]) carries ``labels`` (the page's #live-queue-labels) and ``token`` (its CSRF token);
# the socket is open when this ends, and ``sockets[0].onmessage`` delivers frames.
QUEUE_PAGE = r"""
var input = JSON.parse(process.argv[2]);
root.appendChild(el("p", { id: "live-status", "data-ws": "/ws/moderation/queue/" }));
root.appendChild(el("p", { id: "live-not-shown", role: "status" }));
root.appendChild(el("script", { id: "live-queue-labels", type: "application/json" },
  JSON.stringify(input.labels)));
var duty = root.appendChild(el("form", { method: "post" }));
duty.appendChild(el("input", { type: "hidden", name: "csrfmiddlewaretoken",
  value: input.token || "tok" }));
var table = root.appendChild(el("table", {}));
var body = table.appendChild(el("tbody", { id: "queue-body" }));
body.appendChild(el("tr", { "class": "queue-empty" })).appendChild(el("td", {}, "none"));
var sockets = [];
function FakeSocket(url) { this.url = url; sockets.push(this); }
global.WebSocket = FakeSocket;
global.window = {
  WebSocket: FakeSocket, location: { protocol: "http:", host: "testserver" },
  setTimeout: function () {}
};
require(process.argv[1]);
sockets[0].onopen();
"""
