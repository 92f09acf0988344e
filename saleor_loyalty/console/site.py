"""The console's front door: routing, sign-in, CSRF, permissions, static files.

``ConsoleSite(prefix=..., auth=...)`` is called with the request and the path below the prefix
(``customers/12/``). Each route names the permission its page needs; a page is reached only by
a signed-in, active staff user holding it, and every POST must carry a CSRF token minted for the
same session. The response re-issues the session cookie (sliding the idle limit).
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.translation import gettext as _

from ..config import ProgramConfig
from ..graphql.auth import LoyaltyPermission, Requestor
from . import session as sessions
from .auth import ConsoleAuth
from .page import Page, PageView, forbidden

STATIC_DIR = (Path(__file__).resolve().parent / "static" / "loyalty_console").resolve()


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]
    view: PageView
    permission: LoyaltyPermission | None  # None: any signed-in staff member
    public: bool = False  # sign-in, handshake: no session needed
    # The Dashboard handshake takes JSON only, which a cross-site form cannot send; it has no
    # form to carry a token (and inside a third-party iframe no cookie to bind one to yet).
    form_csrf: bool = True


def route(pattern: str, view: PageView, permission: LoyaltyPermission | None = None, *, public: bool = False,
          form_csrf: bool = True) -> Route:
    return Route(re.compile(f"^{pattern}$"), view, permission, public, form_csrf)


class ConsoleSite:
    """The console mounted at ``prefix`` (ending in ``/``), e.g. ``/plugins/global/saleor.loyalty/console/``."""

    def __init__(self, *, prefix: str, auth: ConsoleAuth, config: Callable[[], ProgramConfig] | None = None,
                 api_url: str = "", app_manifest_url: str = "") -> None:
        self.prefix = prefix if prefix.endswith("/") else prefix + "/"
        self.auth = auth
        self.get_config = config or ProgramConfig
        self.api_url = api_url
        self.app_manifest_url = app_manifest_url
        from .urls import ROUTES  # the views import this module's helpers

        self.routes: tuple[Route, ...] = ROUTES

    def __call__(self, request: HttpRequest, path: str) -> HttpResponse:
        path = path.lstrip("/")
        if path.startswith("static/"):
            return serve_static(path.removeprefix("static/"))
        for candidate in self.routes:
            match = candidate.pattern.match(path)
            if match:
                return self._dispatch(request, candidate, match.groupdict())
        return self._dispatch(request, route("", _not_found), {})

    def _dispatch(self, request: HttpRequest, found: Route, kwargs: dict[str, str]) -> HttpResponse:
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        session = sessions.read_session(request)
        requestor = self.auth.get_requestor(session) if session.is_signed_in else None
        page = Page(site=self, request=request, session=session, requestor=requestor or Requestor())
        response = self._respond(page, found, kwargs, requestor)
        if page.session_cleared:
            sessions.clear_session(response, path=self.prefix)
        else:
            sessions.write_session(response, page.session, request=request, path=self.prefix)
        _secure_headers(response, embedded=page.session.embedded or found.public)
        return response

    def _respond(self, page: Page, found: Route, kwargs: dict[str, str], requestor: Requestor | None) -> HttpResponse:
        if found.form_csrf and request_is_post(page.request) and not sessions.is_csrf_token_valid(
            page.session, page.request.POST.get(sessions.CSRF_FIELD)
        ):
            return forbidden(page, _("The form has expired or did not come from this console. Reload the page and try again."))
        if found.public:
            return found.view(page, **kwargs)
        if requestor is None:
            if page.session.is_signed_in:  # the user was deactivated or deleted since sign-in
                page.sign_out()
            return HttpResponseRedirect(f"{self.prefix}sign-in/")
        if not requestor.is_staff:
            # A session of a user who is no longer staff: refused on every page, signed out.
            page.sign_out()
            return forbidden(page, _("The console is for shop staff only."))
        if found.permission is not None and not requestor.has_perm(found.permission):
            return forbidden(page, _("This page needs the %(permission)s permission.") % {"permission": found.permission.name})
        try:
            return found.view(page, **kwargs)
        except Http404:
            return _not_found(page)


def request_is_post(request: HttpRequest) -> bool:
    return request.method == "POST"


def _not_found(page: Page) -> HttpResponse:
    return page.render("message.html", {"title": _("Not found"), "message": _("There is no such page.")}, status=404)


def serve_static(name: str) -> HttpResponse:
    """A file of ``static/loyalty_console/``; anything outside it (``..``) is a 404."""
    path = (STATIC_DIR / name).resolve()
    if not path.is_file() or STATIC_DIR not in path.parents:
        return HttpResponse(status=404)
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _secure_headers(response: HttpResponse, *, embedded: bool) -> None:
    # Scripts and styles only from the package's own files; inline SVG charts need no script.
    ancestors = "*" if embedded else "'self'"  # inside Dashboard the console is an iframe
    response["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    if not embedded:
        response["X-Frame-Options"] = "SAMEORIGIN"


def as_view(site: ConsoleSite) -> Callable[..., Any]:
    """A Django view for a URLconf: ``re_path(r"^console/(?P<path>.*)$", as_view(site))``."""
    from django.views.decorators.csrf import csrf_exempt

    def view(request: HttpRequest, path: str = "") -> HttpResponse:
        return site(request, path)

    # The console checks its own per-form tokens; Django's middleware (if any) must not as well.
    return csrf_exempt(view)
