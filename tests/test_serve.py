"""`claimscope serve`: the app in a real headless browser (Debian's Chromium).

The browser is driven over the Chrome DevTools protocol (aiohttp's websocket client,
which textual-serve brings): it types an annotator name into the page, opens an article
and labels a sentence by key; the label is then read from the store. Every request the
page made is recorded and must have gone to the server. The page is opened at the URL the
server printed (with its start token), as an annotator would. Skipped when Chromium is
missing, except under CI (``$CI`` set), where that fails.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote, urlsplit

import pytest

from annotations.store import Store
from corpus.articles import load_corpus

from served import ANSI, corpus_with_one_article, free_port, start_server, stop, wait

pytestmark = pytest.mark.slow


#: the flags Chromium needs on this machine's closed network (no calls home, no sandbox as root)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1200,800",
    "--remote-debugging-port=0",
)

#: a name that needs quoting in a URL and in a shell command
NAME = "Ana Lee-Ç"



def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _need_chromium() -> None:
    """Skip without Chromium, with the reason; under CI (``$CI`` set) fail instead: the
    browser tests are the only end-to-end check of serve, and CI must not pass without them."""
    if _chromium() is not None:
        return
    reason = "Chromium is not installed (Debian package `chromium`), so there is no browser to drive"
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(f"{reason}; CI needs it for the browser tests of claimscope serve")
    pytest.skip(reason)


class DevTools:
    """A Chrome DevTools protocol connection: commands by id, events kept in order."""

    def __init__(self, websocket: Any) -> None:
        self.websocket = websocket
        self.ids = itertools.count(1)
        self.replies: dict[int, asyncio.Future[Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.changed = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.websocket:
            data = json.loads(message.data)
            if "id" in data:
                future = self.replies.pop(data["id"])
                if "error" in data:
                    future.set_exception(AssertionError(f"DevTools: {data['error']}"))
                else:
                    future.set_result(data.get("result", {}))
            else:
                self.events.append(data)
                self.changed.set()

    async def send(self, method: str, session: str | None = None, **params: Any) -> Any:
        number = next(self.ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.replies[number] = asyncio.get_running_loop().create_future()
        await self.websocket.send_str(json.dumps(message))
        return await asyncio.wait_for(self.replies[number], 20)

    async def until(self, predicate, timeout: float, what: str) -> Any:
        """Wait for events until ``predicate()`` returns something true."""
        async def loop() -> Any:
            while not (value := predicate()):
                self.changed.clear()
                await self.changed.wait()
            return value

        try:
            return await asyncio.wait_for(loop(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}") from None

    def named(self, method: str) -> list[dict[str, Any]]:
        return [event["params"] for event in self.events if event.get("method") == method]

    def screen(self) -> str:
        """Every byte the app sent to the page so far, as text without escape sequences."""
        chunks = []
        for frame in self.named("Network.webSocketFrameReceived"):
            response = frame["response"]
            data = response["payloadData"]
            if response["opcode"] == 2:  # binary: the app's terminal output
                chunks.append(base64.b64decode(data).decode("utf-8", "replace"))
        return ANSI.sub("", "".join(chunks))


async def _key(devtools: DevTools, session: str, key: str, code: str, keycode: int, text: str) -> None:
    for kind in ("keyDown", "keyUp"):
        params: dict[str, Any] = {"type": kind, "key": key, "code": code, "windowsVirtualKeyCode": keycode}
        if kind == "keyDown":
            params["text"] = text
        await devtools.send("Input.dispatchKeyEvent", session, **params)


async def _label_in_browser(
    browser_ws: str, page_url: str, *, held=None, password: str | None = None
) -> tuple[list[str], str]:
    """Name (and password), open, label, close the tab; returns every URL the page asked
    for and the screen.

    ``held()`` is asserted while the session is open (before the tab closes).
    """
    import aiohttp

    async with aiohttp.ClientSession() as http, http.ws_connect(browser_ws, max_msg_size=0) as websocket:
        devtools = DevTools(websocket)
        target = (await devtools.send("Target.createTarget", url="about:blank"))["targetId"]
        session = (await devtools.send("Target.attachToTarget", targetId=target, flatten=True))["sessionId"]
        await devtools.send("Network.enable", session)
        await devtools.send("Page.enable", session)
        await devtools.send("Page.navigate", session, url=page_url)
        await devtools.until(lambda: devtools.named("Page.loadEventFired"), 20, "the name page")

        # The page asks for the annotator name: type it and press Enter, as a person would.
        await devtools.send("Runtime.evaluate", session, expression="document.getElementById('annotator').focus()")
        await devtools.send("Input.insertText", session, text=NAME)
        if password is not None:
            await devtools.send("Runtime.evaluate", session, expression="document.getElementById('password').focus()")
            await devtools.send("Input.insertText", session, text=password)
        await _key(devtools, session, "Enter", "Enter", 13, "\r")
        await devtools.until(lambda: devtools.named("Network.webSocketCreated"), 20, "the session's websocket")
        await devtools.until(lambda: "Rail operator" in devtools.screen(), 40, "the article list in the page")

        # Keys go to the terminal's input, as after a click on it.
        focus = "document.querySelector('.xterm-helper-textarea').focus()"
        await devtools.send("Runtime.evaluate", session, expression=focus)
        seen = len(devtools.screen())
        await _key(devtools, session, "Enter", "Enter", 13, "\r")
        await devtools.until(lambda: "Northline Rail" in devtools.screen()[seen:], 30, "the article to open")
        seen = len(devtools.screen())
        await _key(devtools, session, "1", "Digit1", 49, "1")
        await devtools.until(lambda: "saved" in devtools.screen()[seen:], 20, "the label to be saved")
        screen = devtools.screen()
        if held is not None:
            assert held(), "the open session does not hold its annotator's store"
        # Closing the tab ends the session: its app quits and releases the store.
        await devtools.send("Target.closeTarget", targetId=target)
        urls = [params["request"]["url"] for params in devtools.named("Network.requestWillBeSent")]
        urls += [params["url"] for params in devtools.named("Network.webSocketCreated")]
        devtools.reader.cancel()
    return urls, screen


@contextlib.contextmanager
def _chromium_devtools(profile: Path) -> Iterator[str]:
    """A headless Chromium; yields its browser-wide DevTools websocket URL."""
    _need_chromium()
    chromium = _chromium()
    assert chromium is not None
    browser = subprocess.Popen(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        active = profile / "DevToolsActivePort"
        lines = wait(lambda: active.exists() and active.read_text().split(), 30, "Chromium's DevTools port")
        yield f"ws://127.0.0.1:{lines[0]}{lines[1]}"
    finally:
        stop(browser)


def _label_and_check(tmp_path: Path, analyzer, *extra: str, password: str | None = None) -> str:
    """Serve, label a sentence in the browser through the printed URL, check the store and
    the page's requests; returns what the server printed."""
    corpus = corpus_with_one_article(tmp_path)
    store_dir = tmp_path / "store"
    article = load_corpus(corpus).get("rail.txt")
    assert article is not None
    analysis = analyzer.analyze(article)  # cached, so the session opens it at once

    def released() -> bool:
        with Store.open(corpus, annotator=NAME, store_dir=store_dir) as store:
            return not store.read_only

    port = free_port()
    server = start_server(corpus, store_dir, port, *extra)
    try:
        # The URL it printed, token and all, as the annotator would open it.
        assert server.token and server.url == f"http://127.0.0.1:{port}/?token={server.token}", server.output
        with _chromium_devtools(tmp_path / "chromium-profile") as browser_ws:
            urls, screen = asyncio.run(
                _label_in_browser(browser_ws, server.url, held=lambda: not released(), password=password)
            )
            # The tab is closed: the session's app quits and the lock on the annotator's labels goes.
            wait(released, 20, "the session to release the store after its tab closed")
    finally:
        status = server.stop()
    assert status == 0, server.output

    with Store.open(corpus, annotator=NAME, store_dir=store_dir, read_only=True) as store:
        labels = store.article(article, analysis.sentences).labels
    assert labels[0].label == "quantity", screen
    assert labels[0].annotator == NAME

    # The page asked for its script, styles and fonts, and opened its session, all here.
    assert any(url.endswith("/static/js/textual.js") for url in urls), urls
    assert any(url.startswith("ws://") and unquote(urlsplit(url).path) == f"/ws/{NAME}" for url in urls), urls
    outside = [url for url in urls if urlsplit(url).netloc != f"127.0.0.1:{port}"]
    assert outside == [], f"the page made requests outside the server: {outside}"
    return server.output


def test_label_a_sentence_in_a_browser(tmp_path: Path, analyzer) -> None:
    _need_chromium()
    output = _label_and_check(tmp_path, analyzer)
    assert "warning" not in output  # loopback: nothing to warn about


def test_sign_in_and_label_in_a_browser(tmp_path: Path, analyzer) -> None:
    # With a users file the page asks for a password too; the browser posts the form,
    # keeps the session cookie and opens the socket of the name it signed in with.
    _need_chromium()
    users = tmp_path / "users.txt"
    added = subprocess.run(
        [sys.executable, "-m", "tui.cli", "serve", "--users", str(users), "--add-user", NAME],
        input="correct horse\n", capture_output=True, text=True, timeout=60,
    )
    assert added.returncode == 0, added.stderr
    _label_and_check(tmp_path, analyzer, "--users", str(users), password="correct horse")


async def _open_session(browser_ws: str, page_url: str) -> None:
    """Open the page (the name in its URL) and wait for the app's article list."""
    import aiohttp

    async with aiohttp.ClientSession() as http, http.ws_connect(browser_ws, max_msg_size=0) as websocket:
        devtools = DevTools(websocket)
        target = (await devtools.send("Target.createTarget", url="about:blank"))["targetId"]
        session = (await devtools.send("Target.attachToTarget", targetId=target, flatten=True))["sessionId"]
        await devtools.send("Network.enable", session)
        await devtools.send("Page.navigate", session, url=page_url)
        await devtools.until(lambda: "Rail operator" in devtools.screen(), 40, "the article list in the page")
        devtools.reader.cancel()


def test_stopping_the_server_ends_open_sessions(tmp_path: Path) -> None:
    _need_chromium()
    corpus = corpus_with_one_article(tmp_path)
    store_dir = tmp_path / "store"

    def released() -> bool:
        with Store.open(corpus, annotator="bo", store_dir=store_dir) as store:
            return not store.read_only

    port = free_port()
    server = start_server(corpus, store_dir, port)
    try:
        with _chromium_devtools(tmp_path / "chromium-profile") as browser_ws:
            # The name from the URL: no name page.
            asyncio.run(_open_session(browser_ws, f"{server.url}&annotator=bo"))
            assert not released(), "the open session does not hold bo's store"
            started = time.monotonic()
            status = server.stop()  # SIGTERM with the tab still open
            stopped = time.monotonic() - started
            assert released(), "the server stopped but bo's session still holds the store"
    finally:
        server.stop()
    assert status == 0
    assert stopped < 10, f"the server took {stopped:.1f} s to stop"


def test_any_other_host_signs_in_and_warns_of_plain_http(tmp_path: Path) -> None:
    corpus = corpus_with_one_article(tmp_path)
    users = tmp_path / "users.txt"
    added = subprocess.run(
        [sys.executable, "-m", "tui.cli", "serve", "--users", str(users), "--add-user", "bo"],
        input="pw\n", capture_output=True, text=True, timeout=60,
    )
    assert added.returncode == 0, added.stderr
    port = free_port()
    server = start_server(corpus, tmp_path / "store", port, "--host", "0.0.0.0", "--users", str(users))
    try:
        page = server.request("/?annotator=%20", headers={"Cookie": server.cookie()})
    finally:
        status = server.stop()
    assert status == 0, server.output
    assert "warning: serving on 0.0.0.0" in server.output and "unencrypted" in server.output
    assert "no authentication" not in server.output
    # A blank name is asked for again, with the reason, and a password with it.
    assert page.status == 200, page.text
    assert 'id="annotator"' in page.text and 'type="password"' in page.text and "Please give a name" in page.text


def test_a_missing_corpus_is_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "serve", str(tmp_path / "nowhere"), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("claimscope: error:") and len(result.stderr.splitlines()) == 1


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    corpus = corpus_with_one_article(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "tui.cli", "serve", str(corpus), "--store", str(tmp_path / "store"), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"claimscope: error: cannot listen on 127.0.0.1:{port}: address already in use" in result.stderr
