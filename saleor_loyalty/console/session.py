"""The console's session cookie and per-form CSRF tokens.

A plugin view gets a bare request: no session, auth or CSRF middleware. So the console carries
its own state in one signed cookie (``django.core.signing``: the client can read it but not
change it): a random session id, the signed-in staff user's id, how they signed in, and for a
Dashboard app session the permissions the app token granted (a cap on the user's own).

- The cookie is HttpOnly, SameSite=Lax (SameSite=None; Secure inside the Dashboard
  iframe over https, where the console is a third-party frame), Secure on https, and short-lived:
  it lapses after ``IDLE_SECONDS`` without a request and ``ABSOLUTE_SECONDS`` after sign-in
  whatever the activity. It is re-issued on every response, which slides the idle limit.
- Every rendered form carries its own CSRF token: the session id and a nonce, signed and
  timestamped. A POST is accepted only with a token minted for the same session, so a forged
  cross-site form (which cannot read the page) fails, and a token dies with its session.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.core import signing
from django.utils.crypto import constant_time_compare

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "loyalty_console"
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 8 * 60 * 60
_SESSION_SALT = "saleor_loyalty.console.session"
_CSRF_SALT = "saleor_loyalty.console.csrf"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class ConsoleSession:
    """What the cookie carries. ``user_id`` is None before sign-in (the sign-in form needs a
    session id too, for its CSRF token)."""

    sid: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    user_id: int | None = None
    via: str = ""  # "password", "app" (Dashboard handshake) or "link" (the demo's one-time link)
    # App sessions: the permission names the app token granted; None = the user's own, uncapped.
    permission_cap: frozenset[str] | None = None
    signed_in_at: int = 0
    embedded: bool = False  # opened inside the Dashboard iframe

    @property
    def is_signed_in(self) -> bool:
        return self.user_id is not None

    def signed_in(self, user_id: int, *, via: str, permission_cap: frozenset[str] | None = None,
                  embedded: bool = False) -> ConsoleSession:
        """A new session (new id: no fixation) for ``user_id``."""
        return ConsoleSession(user_id=user_id, via=via, permission_cap=permission_cap,
                              signed_in_at=int(time.time()), embedded=embedded)


def read_session(request: HttpRequest) -> ConsoleSession:
    """The session the cookie carries, or a fresh anonymous one (bad, idle or too old cookie)."""
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw:
        return ConsoleSession()
    try:
        data = signing.loads(raw, salt=_SESSION_SALT, max_age=IDLE_SECONDS)
    except signing.BadSignature:
        return ConsoleSession()
    if not isinstance(data, dict) or not isinstance(data.get("sid"), str):
        return ConsoleSession()
    session = ConsoleSession(sid=data["sid"])
    user_id, signed_in_at = data.get("u"), data.get("t", 0)
    if isinstance(user_id, int) and isinstance(signed_in_at, int) and time.time() - signed_in_at <= ABSOLUTE_SECONDS:
        cap = data.get("cap")
        session = replace(
            session, user_id=user_id, via=str(data.get("via", "")), signed_in_at=signed_in_at,
            permission_cap=None if cap is None else frozenset(str(name) for name in cap),
            embedded=bool(data.get("e")),
        )
    return session


def dump_session(session: ConsoleSession) -> str:
    """The cookie's value for ``session`` (signed, not encrypted: it holds no secret)."""
    data: dict[str, object] = {"sid": session.sid}
    if session.user_id is not None:
        data.update(u=session.user_id, via=session.via, t=session.signed_in_at, e=int(session.embedded))
        if session.permission_cap is not None:
            data["cap"] = sorted(session.permission_cap)
    return signing.dumps(data, salt=_SESSION_SALT, compress=True)


def write_session(response: HttpResponse, session: ConsoleSession, *, request: HttpRequest, path: str) -> None:
    """Set (or refresh) the cookie on ``response``."""
    secure = request.is_secure()
    # A third-party iframe (Dashboard on another site) is sent no Lax cookie: it needs None +
    # Secure; over plain http keep Lax (local use, or Dashboard on the same site).
    samesite = "None" if session.embedded and secure else "Lax"
    response.set_cookie(
        COOKIE_NAME, dump_session(session), max_age=IDLE_SECONDS,
        path=path, secure=secure, httponly=True, samesite=samesite,
    )


def clear_session(response: HttpResponse, *, path: str) -> None:
    response.delete_cookie(COOKIE_NAME, path=path, samesite="Lax")


def make_csrf_token(session: ConsoleSession) -> str:
    """A token for one rendered form of this session."""
    return signing.dumps({"sid": session.sid, "n": secrets.token_urlsafe(6)}, salt=_CSRF_SALT)


def is_csrf_token_valid(session: ConsoleSession, token: str | None) -> bool:
    if not token:
        return False
    try:
        data = signing.loads(token, salt=_CSRF_SALT, max_age=ABSOLUTE_SECONDS)
    except signing.BadSignature:
        return False
    return isinstance(data, dict) and constant_time_compare(str(data.get("sid", "")), session.sid)
