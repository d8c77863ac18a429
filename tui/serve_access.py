"""Who may use ``claimscope serve``: the start token, the Host and Origin checks, the users file.

A browser lets any web page it shows send requests to ``127.0.0.1``, open websockets
there, and (by DNS rebinding) even read the answers under a name the page controls. So
every request must come with:

- a ``Host`` header naming this server (a rebound name is refused);
- no ``Origin`` but this server's own, and on a websocket exactly this server's own
  (a page elsewhere cannot open a session);
- the start token: a random secret printed with the URL at start, then kept in an
  HttpOnly, SameSite=Strict cookie, so a page elsewhere cannot send it.

With a users file, a tab also signs in with a name and password (scrypt hashes, one line
per annotator), and its session cookie binds that name: a socket for any other name is
refused, so nobody can label under someone else's name.

Nothing here imports aiohttp: ``tui/commands/serve.py`` applies these checks to requests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import ClaimscopeError

#: scrypt cost for new hashes: 16 MiB and ~50 ms per check (RFC 7914's interactive figures)
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
#: the most memory a hash in a users file may ask scrypt for (a typo must not eat the machine)
SCRYPT_MAX_MEMORY = 256 * 2**20
#: the names a loopback server answers to, besides the --host given
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
#: addresses that listen on every interface of the machine
ANY_ADDRESS = ("0.0.0.0", "::", "")

USERS_HEADER = (
    "# claimscope serve users: one line per annotator, name:scrypt$n$r$p$salt_hex$hash_hex\n"
    "# add or change one with: claimscope serve --users FILE --add-user NAME\n"
)


class UsersFileError(ClaimscopeError):
    """A users file that is missing, unreadable or malformed (one line, naming it)."""


def make_hint(path: Path | str) -> str:
    """The command that makes (or adds to) a users file."""
    return f"claimscope serve --users {path} --add-user NAME"


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_host(host: str) -> str:
    """``host`` as it appears in a URL (an IPv6 address in brackets), lower case."""
    host = host.lower()
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return host


def start_url(host: str, port: int, token: str) -> str:
    """The URL printed at start: where to open the app, with the start token."""
    name = socket.gethostname() if host in ANY_ADDRESS else host
    return f"http://{url_host(name)}:{port}/?token={token}"


def _split_host_header(value: str) -> tuple[str, int | None] | None:
    """``("name", port)`` from a Host header (port None when absent), or None if malformed."""
    value = value.strip().lower()
    if value.startswith("["):
        close = value.find("]")
        if close < 0:
            return None
        name, rest = value[: close + 1], value[close + 1 :]
        if rest and not rest.startswith(":"):
            return None
        port_text = rest[1:] if rest else None
    else:
        name, colon, port_text = value.partition(":")
        if not colon:
            port_text = None
    if not name:
        return None
    if port_text is None:
        return name, None
    if not port_text.isdigit():
        return None
    return name, int(port_text)


@dataclass
class Gate:
    """The checks of one running server: the names it answers to, its token, its users."""

    host: str
    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    #: annotator name -> scrypt record; None when there is no users file
    users: dict[str, str] | None = None
    #: signs session cookies; new at every start, so a restart signs everyone out
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    @property
    def cookie(self) -> str:
        """The token cookie's name (cookies ignore ports, so two servers need two names)."""
        return f"claimscope-{self.port}"

    @property
    def session_cookie(self) -> str:
        """The cookie that names the signed-in annotator (with a users file)."""
        return f"claimscope-{self.port}-annotator"

    def served_names(self) -> set[str]:
        """Host names (without port) this server answers to; IP literals are handled apart."""
        names = {url_host(self.host)}
        if is_loopback(self.host) or self.host in ANY_ADDRESS:
            names.update(LOOPBACK_NAMES)
        if not is_loopback(self.host):
            # Browsers on other machines reach it by the machine's name as well.
            names.update(name.lower() for name in (socket.gethostname(), socket.getfqdn()) if name)
        return names

    def host_ok(self, header: str | None) -> bool:
        """Whether a request's Host header names this server (and its port).

        On every interface (0.0.0.0), any IP address is taken too: a rebinding attack
        needs a name the attacker controls, and an address is nobody's name.
        """
        if not header:
            return False
        split = _split_host_header(header)
        if split is None:
            return False
        name, port = split
        if port != self.port and not (port is None and self.port == 80):
            return False
        if name in self.served_names():
            return True
        if self.host in ANY_ADDRESS:
            try:
                ipaddress.ip_address(name.strip("[]"))
            except ValueError:
                return False
            return True
        return False

    def origin_ok(self, origin: str | None, scheme: str, host_header: str, *, required: bool) -> bool:
        """Whether a request's Origin is this server's own (or absent, when not ``required``)."""
        if origin is None:
            return not required
        return origin.strip().lower() == f"{scheme}://{host_header.strip().lower()}"

    def token_ok(self, given: str | None) -> bool:
        """Whether ``given`` is the start token (compared in constant time)."""
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

    def session_value(self, name: str) -> str:
        """A session cookie's value binding ``name`` (signed with this start's key)."""
        raw = name.encode("utf-8")
        signature = hmac.new(self.key, raw, hashlib.sha256).hexdigest()
        # Without "=" padding, so the value needs no quoting in a Set-Cookie header.
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=") + "." + signature

    def session_name(self, value: str | None) -> str | None:
        """The annotator a session cookie binds, or None when it is missing or forged."""
        if not value or "." not in value:
            return None
        encoded, _, signature = value.rpartition(".")
        try:
            raw = base64.urlsafe_b64decode(encoded.encode("ascii") + b"=" * (-len(encoded) % 4))
            name = raw.decode("utf-8")
        except (ValueError, UnicodeError):
            return None
        expected = hmac.new(self.key, raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(signature.encode("ascii", "replace"), expected.encode("ascii")):
            return None
        return name

    def sign_in(self, name: str, password: str) -> bool:
        """Whether ``password`` is ``name``'s in the users file (slow on purpose: scrypt)."""
        assert self.users is not None
        record = self.users.get(name)
        if record is None:
            # Hash anyway, so the time taken does not tell which names exist.
            verify_password(_DUMMY_RECORD, password)
            return False
        return verify_password(record, password)


# ---- the users file ----------------------------------------------------------------


def hash_password(password: str) -> str:
    """A ``scrypt$n$r$p$salt_hex$hash_hex`` record for ``password`` (a new salt each time)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32,
        maxmem=SCRYPT_MAX_MEMORY,
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def _parse_record(record: str) -> tuple[int, int, int, bytes, bytes] | None:
    parts = record.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, digest = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
    except ValueError:
        return None
    if n < 2 or n & (n - 1) or not 1 <= r <= 64 or not 1 <= p <= 16 or not salt or len(digest) < 16:
        return None
    if 128 * r * n + 128 * r * p > SCRYPT_MAX_MEMORY:
        return None
    return n, r, p, salt, digest


def verify_password(record: str, password: str) -> bool:
    """Whether ``password`` matches a ``scrypt$...`` record (compared in constant time)."""
    parsed = _parse_record(record)
    if parsed is None:
        return False
    n, r, p, salt, digest = parsed
    given = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(digest), maxmem=SCRYPT_MAX_MEMORY + 2**20
    )
    return hmac.compare_digest(given, digest)


_DUMMY_RECORD = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${'00' * 16}${'00' * 32}"


def valid_user_name(name: str, longest: int) -> bool:
    """Whether ``name`` can be an annotator in a users file (as typed on the page)."""
    return bool(name) and name == name.strip() and len(name) <= longest and name.isprintable()


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise UsersFileError(f"users file {path} does not exist; make it with: {make_hint(path)}") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise UsersFileError(f"users file {path} cannot be read ({reason}); fix it or make a new one with: {make_hint(path)}") from None


def _parse_line(path: Path, number: int, line: str) -> tuple[str, str] | None:
    """``(name, record)`` of one line, None for a blank or comment line; raises when malformed."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    name, colon, record = text.rpartition(":")
    if not colon or not name or _parse_record(record) is None:
        raise UsersFileError(
            f"users file {path} line {number} is not name:scrypt$n$r$p$salt_hex$hash_hex; "
            f"remove it and add the user again with: {make_hint(path)}"
        )
    return name, record


def read_users(path: Path) -> dict[str, str]:
    """Annotator name -> scrypt record, from a users file; raises :class:`UsersFileError`."""
    path = Path(path)
    users: dict[str, str] = {}
    for number, line in enumerate(_read_lines(path), 1):
        parsed = _parse_line(path, number, line)
        if parsed is not None:
            users[parsed[0]] = parsed[1]
    if not users:
        raise UsersFileError(f"users file {path} names no annotator; add one with: {make_hint(path)}")
    return users


def add_user(path: Path, name: str, password: str) -> bool:
    """Add ``name`` to the users file (made if missing), or change their password.

    Other lines (users, comments) are kept as they were. Returns whether ``name`` is new.
    """
    from annotations.storage import atomic_write_text

    path = Path(path)
    lines = _read_lines(path) if path.exists() else USERS_HEADER.splitlines()
    entry = f"{name}:{hash_password(password)}"
    new = True
    for index, line in enumerate(lines):
        parsed = _parse_line(path, index + 1, line)
        if parsed is not None and parsed[0] == name:
            lines[index] = entry
            new = False
    if new:
        lines.append(entry)
    # The temp file it renames into place is private (0600): hashes are for this server only.
    atomic_write_text(path, "\n".join(lines) + "\n", what=f"users file {path} not written", retry="add the user again")
    return new
