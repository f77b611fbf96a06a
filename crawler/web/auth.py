"""Who may use the workspace: a password (scrypt hash) or API tokens, signed-cookie sessions, CSRF.

    line = hash_password("correct horse")          # "scrypt:16384:8:1:<salt>:<hash>" for the auth file
    verify_password("correct horse", line)         # True
    auth = load_auth(Path("web.toml"))             # password_hash, tokens (sha256: hashes), secret

On 127.0.0.1 with no credentials the workspace is open (CSRF still guards every change); any other
bind refuses to start without credentials (server.py). Feeds carry `?token=` = feed_token(secret,
path) for readers that cannot log in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt:{_N}:{_R}:{_P}:{base64.b64encode(salt).decode()}:{base64.b64encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split(":")
        if kind != "scrypt":
            return False
        found = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32, maxmem=2**26
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, base64.b64decode(digest))


def hash_token(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


class AuthConfigError(ValueError):
    """The auth file cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class AuthSettings:
    password_hash: str | None = None
    token_hashes: tuple[str, ...] = ()
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))  # signs sessions and feed tokens

    @property
    def required(self) -> bool:
        """Credentials are configured: every page but /login (and feeds with their token) needs them."""
        return bool(self.password_hash or self.token_hashes)

    def token_ok(self, token: str) -> bool:
        wanted = hash_token(token)
        return any(hmac.compare_digest(wanted, known) for known in self.token_hashes)


def load_auth(path: Path | None) -> AuthSettings:
    """The auth file (TOML: password_hash, tokens = ["sha256:…"], secret), or no credentials."""
    if path is None:
        return AuthSettings()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as error:
        raise AuthConfigError(f"{path}: {(error.strerror or str(error)).lower()}") from error
    except tomllib.TOMLDecodeError as error:
        raise AuthConfigError(f"{path}: not TOML: {error}") from error
    unknown = set(data) - {"password_hash", "tokens", "secret"}
    if unknown:
        raise AuthConfigError(f"{path}: unknown key {sorted(unknown)[0]!r} (keys: password_hash, tokens, secret)")
    password = data.get("password_hash")
    if password is not None and (not isinstance(password, str) or not password.startswith("scrypt:")):
        raise AuthConfigError(f"{path}: password_hash: give the line `newswatch serve --hash-password` prints")
    tokens = data.get("tokens", [])
    if not isinstance(tokens, list) or not all(isinstance(t, str) and t.startswith("sha256:") for t in tokens):
        raise AuthConfigError(f"{path}: tokens: give a list of \"sha256:…\" hashes (`--hash-token` prints one)")
    secret = data.get("secret")
    if secret is not None and (not isinstance(secret, str) or len(secret) < 16):
        raise AuthConfigError(f"{path}: secret: give a random string of 16 characters or more")
    return AuthSettings(password, tuple(tokens), secret or secrets.token_urlsafe(32))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def feed_token(secret: str, path: str, query: dict[str, str] | None = None) -> str:
    """The secret token of one feed (its path, and its query parameters in key order), for readers
    that cannot log in."""
    if query:
        path += "?" + urlencode(sorted(query.items()))
    return hmac.new(secret.encode(), path.encode(), hashlib.sha256).hexdigest()[:32]


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given and expected and hmac.compare_digest(given, expected))
