"""A real ``claimscope serve`` in a subprocess, and plain HTTP and websocket requests to it.

The requests are built by hand (``http.client``), so a test sets every header a hostile
page or a rebound name would send: Host, Origin, Cookie.
"""

from __future__ import annotations

import base64
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ARTICLE = """Rail operator adds night trains

Northline Rail will run four extra night trains between Carlow and Dunmore from 3 May, the company said on Wednesday. Tickets will cost £12.

Passenger groups welcomed the plan.
"""

#: the URL the server prints at start, with its token
STARTED = re.compile(r"serving .* on (http://\S+)")
#: terminal escape sequences (CSI, OSC, two-byte), to read the app's screen as text
ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait(predicate, timeout: float, what: str) -> Any:
    """Poll ``predicate()`` until it returns something true (an outside process: no events)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def stop(process: subprocess.Popen[Any], timeout: float = 15) -> int:
    """SIGTERM, then wait; returns the exit status (kills only if it hangs)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError("the process did not stop on SIGTERM") from None
    return process.returncode


def corpus_with_one_article(folder: Path) -> Path:
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / "rail.txt").write_text(ARTICLE, encoding="utf-8")
    return corpus


@dataclass
class Served:
    """A running server: its process, port, start token and everything it printed."""

    process: subprocess.Popen[str]
    port: int
    lines: list[str] = field(default_factory=list)
    url: str = ""
    token: str | None = None
    reader: threading.Thread | None = None

    def stop(self) -> int:
        """SIGTERM the server and wait; returns its exit status, with all it printed read."""
        status = stop(self.process)
        if self.reader is not None:
            self.reader.join(10)
        return status

    @property
    def output(self) -> str:
        return "".join(self.lines)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cookie(self, token: str | None = None) -> str:
        """The Cookie header a browser sends after opening the printed URL."""
        return f"claimscope-{self.port}={token if token is not None else self.token}"

    def request(self, path: str, *, method: str = "GET", headers: dict[str, str] | None = None, body: str | None = None) -> http.client.HTTPResponse:
        """One request with exactly ``headers`` (Host defaults to the printed one); body read."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        response.text = response.read().decode("utf-8", "replace")  # type: ignore[attr-defined]
        connection.close()
        return response

    def handshake(self, path: str, headers: dict[str, str]) -> tuple[int, str]:
        """A websocket opening handshake: (status, body); 101 means the socket was opened."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {
            "Host": f"127.0.0.1:{self.port}",
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
            **headers,
        }
        connection.request("GET", path, headers=sent)
        response = connection.getresponse()
        status = response.status
        body = "" if status == 101 else response.read().decode("utf-8", "replace")
        connection.close()  # a session that opened ends with its socket
        return status, body


def start_server(corpus: Path, store: Path, port: int, *extra: str) -> Served:
    """``claimscope serve`` on ``port``; returns once it listens, with the token it printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "serve", str(corpus), "--store", str(store), "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    served = Served(process, port)

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            served.lines.append(line)

    served.reader = threading.Thread(target=read, daemon=True)
    served.reader.start()

    def listening() -> bool:
        assert process.poll() is None, f"the server exited: {served.output}"
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port)) == 0

    try:
        wait(listening, 30, "the server to listen")
        match = wait(lambda: STARTED.search(served.output), 10, "the server's start line")
    except BaseException:
        stop(process)
        raise
    served.url = match.group(1)
    served.token = parse_qs(urlsplit(served.url).query).get("token", [None])[0]
    return served


async def session_screen(served: Served, name: str, *, until: str, timeout: float = 40) -> str:
    """Open ``/ws/NAME`` as the server's own page does (Origin, token cookie) and read the
    app's screen until ``until`` shows; returns that text (without escape sequences)."""
    import asyncio
    from urllib.parse import quote

    import aiohttp

    received: list[str] = []
    url = f"ws://127.0.0.1:{served.port}/ws/{quote(name, safe='')}?width=100&height=30"
    async with aiohttp.ClientSession() as http, http.ws_connect(
        url, origin=served.origin, headers={"Cookie": served.cookie()}
    ) as websocket:

        async def read() -> None:
            async for message in websocket:
                if message.type == aiohttp.WSMsgType.BINARY:
                    received.append(message.data.decode("utf-8", "replace"))
                    if until in ANSI.sub("", "".join(received)):
                        return

        try:
            await asyncio.wait_for(read(), timeout)
        except asyncio.TimeoutError:
            pass
    return ANSI.sub("", "".join(received))
