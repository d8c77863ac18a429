"""``claimscope serve PATH``: the app in a browser, with textual-serve.

Each browser tab is a session: textual-serve runs ``claimscope PATH --annotator=NAME``
as a child process and relays its screen and keys over a websocket. The page asks for
the annotator name first (or takes it from ``?annotator=NAME`` in the URL); the name
goes into the websocket's path, so each session knows whose labels it writes.

Every request passes the checks of :mod:`tui.serve_access` first (Host, Origin, the
start token printed with the URL; with ``--users FILE`` a password, and a socket only for
the name its tab signed in with). Off this machine (``--host`` not loopback) the server
does not start without ``--users``.

The page is our own (not textual-serve's template), so it loads its script, styles and
fonts from this server only: textual-serve's template fetches Google Fonts.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from html import escape
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import quote

from corpus.errors import ClaimscopeError
from tui.output import echo
from tui.serve_access import (
    Gate,
    add_user,
    is_loopback,
    make_hint,
    read_users,
    start_url,
    valid_user_name,
)

#: the longest annotator name a page accepts (it lands in file names and table columns)
MAX_NAME = 64
#: how long a closing session may take to quit before it is sent SIGTERM
QUIT_TIMEOUT = 10.0
#: the longest password a sign-in form may send (scrypt reads all of it)
MAX_PASSWORD = 1024
#: seconds a wrong password waits before its answer
FAILED_SIGN_IN_PAUSE = 1.0

#: what a request without the start token is told
NO_TOKEN = "claimscope: missing or wrong token: open the URL printed by claimscope serve (it carries the token)\n"
#: what a request naming another server is told
WRONG_HOST = (
    "claimscope: wrong Host: this server answers only to the address it printed at start; "
    "open the URL printed by claimscope serve\n"
)
#: what a request from a page of another site is told
CROSS_ORIGIN = "claimscope: cross-origin request refused: only this server's own pages may use it\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``serve`` takes the corpus folder, where to listen, and who may sign in."""
    parser.add_argument("path", nargs="?", type=Path, help="corpus folder (default: the sample)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only); any other "
        "needs --users FILE",
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument(
        "--users",
        metavar="FILE",
        type=Path,
        help="annotators who may sign in: one name:scrypt$... line each (make it with "
        "--add-user); each tab then signs in with a name and password and labels only "
        "under that name",
    )
    parser.add_argument(
        "--add-user",
        metavar="NAME",
        help="add NAME to the --users FILE (made if missing) or change NAME's password, "
        "asked twice (read from stdin when it is not a terminal), then exit",
    )


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted (Ctrl+C or SIGTERM); returns 0."""
    if args.add_user is not None:
        return _add_user(args)
    if not is_loopback(args.host) and args.users is None:
        raise ClaimscopeError(
            f"serving on {args.host} (reachable from other machines) needs --users FILE with "
            f"each annotator's password; make it with: {make_hint('FILE')}"
        )
    users = read_users(args.users) if args.users is not None else None

    from annotations.scheme import find_scheme
    from annotations.store import Store
    from corpus.articles import load_corpus, sample_corpus_path

    # Errors a user can cause (no such corpus, a bad scheme) are one line now, not in every tab.
    corpus = load_corpus(args.path if args.path is not None else sample_corpus_path())
    labels = getattr(args, "labels", None)
    find_scheme(corpus.root, labels)
    store_dir = getattr(args, "store", None)
    with Store.open(corpus.root, store_dir=store_dir, read_only=True) as store:
        echo(store.describe())

    session = [sys.executable, "-m", "tui.cli", str(corpus.root)]
    for flag, value in (("--store", store_dir), ("--labels", labels), ("--model", getattr(args, "model", None))):
        if value is not None:
            session += [flag, str(Path(value).resolve()) if isinstance(value, Path) else value]
    if not is_loopback(args.host):
        print(
            f"claimscope: warning: serving on {args.host}:{args.port} over plain HTTP: passwords and "
            "labels cross the network unencrypted; use a trusted network, or serve on 127.0.0.1 "
            "and reach it through an SSH tunnel",
            file=sys.stderr,
        )
    if getattr(args, "annotator_flag", None):
        print("claimscope: --annotator is not used by serve: each browser tab gives its own name", file=sys.stderr)
    gate = Gate(args.host, args.port, users=users)
    server = make_server(session, gate, corpus_root=corpus.root, users_file=args.users)
    try:
        server.serve()
    except OSError as error:  # the port is taken, or the address is not this machine's
        reason = str(error).rsplit(": ", 1)[-1]  # "address already in use", without the socket tuple
        raise ClaimscopeError(f"cannot listen on {args.host}:{args.port}: {reason}; choose another --port or --host") from error
    return 0


def _add_user(args: argparse.Namespace) -> int:
    """``--add-user NAME``: ask NAME's password and write it (hashed) into the users file."""
    name = args.add_user
    if args.users is None:
        raise ClaimscopeError(f"--add-user needs --users FILE, the file to add it to: {make_hint('FILE')}")
    if not valid_user_name(name, MAX_NAME):
        raise ClaimscopeError(
            f"annotator name {name!r} cannot be used: give 1 to {MAX_NAME} printable characters, "
            "without spaces at either end"
        )
    password = _ask_password(name)
    new = add_user(args.users, name, password)
    done = f"added {name} to" if new else f"changed the password of {name} in"
    echo(f"claimscope: {done} {args.users}")
    return 0


def _ask_password(name: str) -> str:
    """The new password: typed twice at a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        import getpass

        try:
            password = getpass.getpass(f"password for {name}: ")
            again = getpass.getpass(f"password for {name} again: ")
        except EOFError:
            raise ClaimscopeError("no password given; nothing was changed") from None
        if password != again:
            raise ClaimscopeError("the two passwords differ; nothing was changed")
    else:
        password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    if not password:
        raise ClaimscopeError("no password given (type it twice, or give it on stdin); nothing was changed")
    return password


def annotator_name(value: str | None) -> str | None:
    """The annotator name a page asked for, or None when it is empty or unusable."""
    name = (value or "").strip()
    if not name or len(name) > MAX_NAME or not name.isprintable():
        return None
    return name


def make_server(session: list[str], gate: Gate, *, corpus_root: Path, users_file: Path | None = None) -> Any:
    """A textual-serve server running ``session + ["--annotator=NAME"]`` per browser tab,
    behind ``gate``'s checks."""
    import asyncio
    import logging

    from aiohttp import web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    title = f"claimscope: {corpus_root.name}"
    host, port = gate.host, gate.port

    def refuse(text: str) -> web.Response:
        return web.Response(status=403, text=text, content_type="text/plain")

    def set_cookie(response: web.StreamResponse, request: web.Request, name: str, value: str) -> None:
        # HttpOnly: no script reads it; Strict: no request from another site carries it.
        response.set_cookie(name, value, path="/", httponly=True, samesite="Strict", secure=request.secure)

    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        """Host, Origin and the start token, before any handler runs."""
        host_header = request.headers.get("Host", "")
        if not gate.host_ok(host_header):
            return refuse(WRONG_HOST)
        socket = request.headers.get("Upgrade", "").lower() == "websocket" or request.path.startswith("/ws")
        if not gate.origin_ok(request.headers.get("Origin"), request.scheme, host_header, required=socket):
            return refuse(CROSS_ORIGIN)
        given = request.query.get("token")
        if given is not None:
            if not gate.token_ok(given):
                return refuse(NO_TOKEN)
            if request.method == "GET" and not socket:
                # Keep the token in a cookie, and out of the address bar and history.
                rest = [(key, value) for key, value in request.query.items() if key != "token"]
                response = web.Response(status=303, headers={"Location": str(request.rel_url.with_query(rest))})
                set_cookie(response, request, gate.cookie, gate.token)
                response.headers["Cache-Control"] = "no-store"
                return response
        elif not gate.token_ok(request.cookies.get(gate.cookie)):
            return refuse(NO_TOKEN)
        response = await handler(request)
        if not response.prepared:
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("Referrer-Policy", "same-origin")  # "no-referrer" makes a form's Origin "null"
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    class ClaimscopeServer(Server):
        def __init__(self) -> None:
            super().__init__(shlex.join(session), host=host, port=port, title=title)
            self.sockets: set[web.WebSocketResponse] = set()  # the open sessions' sockets

        def initialize_logging(self) -> None:
            # textual-serve logs every request at INFO; warnings and errors are enough here.
            super().initialize_logging()
            logging.getLogger().setLevel(logging.WARNING)

        async def on_startup(self, app: web.Application) -> None:
            signing = f"; each tab signs in with a name and password of {users_file}" if users_file else ""
            echo(f"claimscope: serving {corpus_root} on {start_url(host, port, gate.token)} (Ctrl+C to stop){signing}")

        async def _make_app(self) -> web.Application:
            # Our own routes only: textual-serve's bare /ws would start a session with no name.
            app = web.Application(middlewares=[guard])
            app.add_routes(
                [
                    web.get("/", self.handle_index),
                    web.post("/login", self.handle_login),
                    web.get("/ws/{annotator}", self.handle_websocket),
                    web.get("/download/{key}", self.handle_download),
                    web.static("/static", self.statics_path),
                ]
            )
            app.on_startup.append(self.on_startup)
            app.on_shutdown.append(self.on_shutdown)
            return app

        def signed_in(self, request: web.Request) -> str | None:
            """The annotator this tab signed in as (with a users file), else None."""
            return gate.session_name(request.cookies.get(gate.session_cookie))

        async def handle_index(self, request: web.Request) -> web.Response:  # type: ignore[override]
            """The name form, or (with ``?annotator=NAME``) the terminal page."""
            asked = request.query.get("annotator")
            name = annotator_name(asked)
            if name is None:
                problem = "" if asked is None else f"Please give a name of 1 to {MAX_NAME} printable characters."
                return name_page(problem, asked or "")
            if gate.users is not None and self.signed_in(request) != name:
                return name_page(f"Sign in as {name} to label as {name}.", name)
            scheme = "wss" if request.secure else "ws"
            websocket = f"{scheme}://{request.host}/ws/{quote(name, safe='')}"
            body = TERMINAL_PAGE.substitute(
                title=escape(f"{title} ({name})"),
                websocket=escape(websocket),
                font_size=_number(request.query.get("fontsize"), 16),
            )
            return web.Response(text=body, content_type="text/html")

        async def handle_login(self, request: web.Request) -> web.Response:
            """A sign-in form's answer: on the right password, a session cookie for the name."""
            if gate.users is None:
                raise web.HTTPNotFound(text="claimscope: no users file: give a name at /\n")
            form = await request.post()
            asked, password = form.get("annotator"), form.get("password")
            name = annotator_name(asked if isinstance(asked, str) else None)
            if name is None or not isinstance(password, str) or len(password) > MAX_PASSWORD:
                return name_page("Wrong name or password.", "", status=403)
            loop = asyncio.get_running_loop()
            if not await loop.run_in_executor(None, gate.sign_in, name, password):
                await asyncio.sleep(FAILED_SIGN_IN_PAUSE)  # guessing goes slowly
                return name_page("Wrong name or password.", name, status=403)
            response = web.Response(status=303, headers={"Location": f"/?annotator={quote(name, safe='')}"})
            set_cookie(response, request, gate.session_cookie, gate.session_value(name))
            return response

        async def handle_websocket(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
            """One session: the app as ``NAME``, until the tab closes or the app quits."""
            name = annotator_name(request.match_info.get("annotator"))
            if name is None:
                raise web.HTTPBadRequest(text="open the page at / and give an annotator name")
            if gate.users is not None and self.signed_in(request) != name:
                return refuse(f"claimscope: this tab has not signed in as {name}: open the page at / and sign in\n")
            websocket = web.WebSocketResponse(heartbeat=15)
            await websocket.prepare(request)
            service = AppService(
                # "--annotator=NAME" in one word: a name starting with "-" is not read as a flag.
                shlex.join([*session, f"--annotator={name}"]),
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

    def name_page(problem: str, name: str, *, status: int = 200) -> web.Response:
        """The form that asks for the annotator's name (and password, with a users file)."""
        if gate.users is None:
            form, password = 'method="get" action="/"', ""
        else:
            form, password = 'method="post" action="/login"', PASSWORD_FIELD
        body = NAME_PAGE.substitute(
            title=escape(title), problem=escape(problem), name=escape(name), form=form, password=password
        )
        return web.Response(text=body, content_type="text/html", status=status)

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
<form $form>
<p>$title</p>
<label for="annotator">Annotator name (recorded on every label you make)</label><br>
<input id="annotator" name="annotator" maxlength="64" value="$name" required autofocus><br>
$password<button type="submit">Start</button>
<p class="problem">$problem</p>
</form>
</body>
</html>
"""
)

PASSWORD_FIELD = """<label for="password">Password</label><br>
<input id="password" name="password" type="password" required><br>
"""

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
