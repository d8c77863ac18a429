"""``claimscope serve PATH``: the app in a browser, with textual-serve.

Each browser tab is a session: textual-serve runs ``claimscope PATH --annotator NAME``
as a child process and relays its screen and keys over a websocket. The page asks for
the annotator name first (or takes it from ``?annotator=NAME`` in the URL); the name
goes into the websocket's path, so each session knows whose labels it writes.

The page is our own (not textual-serve's template), so it loads its script, styles and
fonts from this server only: textual-serve's template fetches Google Fonts.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys
from html import escape
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import quote

#: the longest annotator name a page accepts (it lands in file names and table columns)
MAX_NAME = 64
#: how long a closing session may take to quit before it is sent SIGTERM
QUIT_TIMEOUT = 10.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``serve`` takes the corpus folder, and where to listen."""
    parser.add_argument("path", nargs="?", type=Path, help="corpus folder (default: the sample)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only); any other "
        "needs to be given explicitly: there is no authentication",
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted (Ctrl+C or SIGTERM); returns 0."""
    from annotations.scheme import find_scheme
    from annotations.store import Store
    from corpus.articles import load_corpus, sample_corpus_path

    # Errors a user can cause (no such corpus, a bad scheme) are one line now, not in every tab.
    corpus = load_corpus(args.path if args.path is not None else sample_corpus_path())
    labels = getattr(args, "labels", None)
    find_scheme(corpus.root, labels)
    store_dir = getattr(args, "store", None)
    with Store.open(corpus.root, store_dir=store_dir, read_only=True) as store:
        print(store.describe(), file=sys.stderr)

    session = [sys.executable, "-m", "tui.cli", str(corpus.root)]
    for flag, value in (("--store", store_dir), ("--labels", labels), ("--model", getattr(args, "model", None))):
        if value is not None:
            session += [flag, str(Path(value).resolve()) if isinstance(value, Path) else value]
    if not is_loopback(args.host):
        print(
            f"claimscope: warning: serving on {args.host}:{args.port} to anyone who can reach it: "
            "there is no authentication (anyone can read the corpus and label under any name)",
            file=sys.stderr,
        )
    if getattr(args, "annotator_flag", None):
        print("claimscope: --annotator is not used by serve: each browser tab gives its own name", file=sys.stderr)
    server = make_server(session, args.host, args.port, corpus_root=corpus.root)
    try:
        server.serve()
    except OSError as error:  # the port is taken, or the address is not this machine's
        from corpus.errors import ClaimscopeError

        reason = str(error).rsplit(": ", 1)[-1]  # "address already in use", without the socket tuple
        raise ClaimscopeError(f"cannot listen on {args.host}:{args.port}: {reason}; choose another --port or --host") from error
    return 0


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def annotator_name(value: str | None) -> str | None:
    """The annotator name a page asked for, or None when it is empty or unusable."""
    name = (value or "").strip()
    if not name or len(name) > MAX_NAME or not name.isprintable():
        return None
    return name


def make_server(session: list[str], host: str, port: int, *, corpus_root: Path) -> Any:
    """A textual-serve server running ``session + ["--annotator", NAME]`` per browser tab."""
    import logging

    from aiohttp import web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    title = f"claimscope: {corpus_root.name}"

    class ClaimscopeServer(Server):
        def __init__(self) -> None:
            super().__init__(shlex.join(session), host=host, port=port, title=title)
            self.sockets: set[web.WebSocketResponse] = set()  # the open sessions' sockets

        def initialize_logging(self) -> None:
            # textual-serve logs every request at INFO; warnings and errors are enough here.
            super().initialize_logging()
            logging.getLogger().setLevel(logging.WARNING)

        async def on_startup(self, app: web.Application) -> None:
            print(f"claimscope: serving {corpus_root} on http://{host}:{port}/ (Ctrl+C to stop)", file=sys.stderr)

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.router.add_get("/ws/{annotator}", self.handle_websocket)
            return app

        async def handle_index(self, request: web.Request) -> web.Response:  # type: ignore[override]
            """The name form, or (with ``?annotator=NAME``) the terminal page."""
            asked = request.query.get("annotator")
            name = annotator_name(asked)
            if name is None:
                problem = "" if asked is None else f"Please give a name of 1 to {MAX_NAME} printable characters."
                body = NAME_PAGE.substitute(title=escape(title), problem=escape(problem))
            else:
                scheme = "wss" if request.secure else "ws"
                websocket = f"{scheme}://{request.host}/ws/{quote(name, safe='')}"
                body = TERMINAL_PAGE.substitute(
                    title=escape(f"{title} ({name})"),
                    websocket=escape(websocket),
                    font_size=_number(request.query.get("fontsize"), 16),
                )
            return web.Response(text=body, content_type="text/html")

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            """One session: the app as ``NAME``, until the tab closes or the app quits."""
            name = annotator_name(request.match_info.get("annotator"))
            if name is None:
                raise web.HTTPBadRequest(text="open the page at / and give an annotator name")
            websocket = web.WebSocketResponse(heartbeat=15)
            await websocket.prepare(request)
            service = AppService(
                shlex.join([*session, "--annotator", name]),
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await service.start(_number(request.query.get("width"), 80), _number(request.query.get("height"), 24))
            self.sockets.add(websocket)
            try:
                await self._process_messages(websocket, service)
            finally:
                self.sockets.discard(websocket)
                await _end_session(service)
            return websocket

        async def on_shutdown(self, app: web.Application) -> None:
            # Closing the sockets ends each session as a closed tab does (the app quits and
            # releases its lock), instead of aiohttp waiting for them to time out.
            for websocket in list(self.sockets):
                await websocket.close()

    return ClaimscopeServer()


async def _end_session(service: Any) -> None:
    """Ask a session's app to quit (it closes its store); SIGTERM it if it does not."""
    import asyncio
    import contextlib

    process = service._process  # textual-serve keeps the child private
    try:
        await asyncio.wait_for(asyncio.shield(service.stop()), QUIT_TIMEOUT)
        await asyncio.wait_for(process.wait(), QUIT_TIMEOUT)
    except asyncio.TimeoutError:
        # The app also answers SIGTERM by closing its store, so the lock goes either way.
        with contextlib.suppress(ProcessLookupError):
            process.terminate()


def _number(value: str | None, default: int) -> int:
    """A positive whole number from a query parameter, else ``default``."""
    try:
        number = int(value or "")
    except ValueError:
        return default
    return number if number > 0 else default


# The pages load only /static/... of this server (textual-serve's own files).
_STYLE = """
@font-face { font-family: "Roboto Mono"; src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf"); }
html, body { margin: 0; height: 100%; background: #0c181f; color: #e8eef2;
             font-family: "Roboto Mono", monospace; }
"""

NAME_PAGE = Template(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>$title</title>
<style>""" + _STYLE + """
form { max-width: 32em; margin: 20vh auto; padding: 2em; background: #12232d; }
input, button { font: inherit; padding: 0.4em; margin-top: 0.6em; }
.problem { color: #ffb4a8; }
</style>
</head>
<body>
<form method="get" action="/">
<p>$title</p>
<label for="annotator">Annotator name (recorded on every label you make)</label><br>
<input id="annotator" name="annotator" maxlength="64" required autofocus>
<button type="submit">Start</button>
<p class="problem">$problem</p>
</form>
</body>
</html>
"""
)

TERMINAL_PAGE = Template(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>$title</title>
<link rel="stylesheet" href="/static/css/xterm.css">
<script src="/static/js/textual.js"></script>
<style>""" + _STYLE + """
#terminal { position: absolute; inset: 0; }
.ended { display: none; position: absolute; inset: 0; z-index: 10; background: #0c181f;
         align-items: center; justify-content: center; }
body.-closed .ended { display: flex; }
</style>
</head>
<body>
<div id="terminal" class="textual-terminal" data-session-websocket-url="$websocket"
     data-font-size="$font_size"></div>
<div class="ended"><p>Session ended. Reload the page to start again.</p></div>
</body>
</html>
"""
)
