"""Serve the kit's files, and the CORS headers a shop page on another origin needs for the API.

The files are read once per process (they only change with a new release) and served with a
strong ETag so a browser revalidates cheaply; ``Cache-Control`` lets shops' CDNs keep them an hour.

CORS: the API reads only the ``Authorization`` header, never a cookie, so answering any allowed
origin is safe as long as ``Access-Control-Allow-Credentials`` is never sent: a browser then
refuses to attach cookies, and a page on another origin can only act with a token it holds.
Inside Saleor's ASGI application Saleor's own ``cors_handler`` answers preflights and sets these
headers from ``ALLOWED_GRAPHQL_ORIGINS`` before the plugin is reached; these helpers cover the
demo and WSGI deployments, with the same setting.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseNotModified

STATIC_DIR = Path(__file__).resolve().parent / "static"
# What each public path serves: the file name under static/ and its content type.
FILES: dict[str, tuple[str, str]] = {
    "loyalty.js": ("loyalty.js", "text/javascript; charset=utf-8"),
    "shop.html": ("shop.html", "text/html; charset=utf-8"),
}
CACHE_CONTROL = "public, max-age=3600"
CORS_ALLOW_HEADERS = "Authorization, Content-Type, Accept"
CORS_MAX_AGE = "600"


@dataclass(frozen=True)
class StaticFile:
    body: bytes
    content_type: str
    etag: str


@cache
def get_file(name: str) -> StaticFile:
    """The file served as ``name`` (a key of ``FILES``); ``KeyError`` for any other name."""
    filename, content_type = FILES[name]
    body = (STATIC_DIR / filename).read_bytes()
    return StaticFile(body, content_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


def serve_file(request: HttpRequest, name: str) -> HttpResponse:
    """``GET``/``HEAD`` of one of the kit's files, with ETag revalidation (304) and CORS."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    static = get_file(name)
    if static.etag in _etags(request.headers.get("If-None-Match", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(b"" if request.method == "HEAD" else static.body, content_type=static.content_type)
        response["Content-Length"] = str(len(static.body))
    response["ETag"] = static.etag
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    # A module script from another origin is fetched in CORS mode: without this it will not run.
    return add_cors_headers(request, response)


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def allowed_origin(request: HttpRequest) -> str | None:
    """The value for ``Access-Control-Allow-Origin``, or None when the origin is not allowed.

    The allowed origins are Saleor's ``ALLOWED_GRAPHQL_ORIGINS`` (shell patterns; ``*`` by
    default, as in Saleor). Requests without an ``Origin`` header need no CORS answer.
    """
    origin = request.headers.get("Origin")
    if not origin:
        return None
    patterns = list(getattr(settings, "ALLOWED_GRAPHQL_ORIGINS", ["*"]))
    if "*" in patterns:
        return "*"
    return origin if any(fnmatchcase(origin, pattern) for pattern in patterns) else None


def add_cors_headers(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Allow the request's origin to read ``response`` (never with credentials: no cookies)."""
    value = allowed_origin(request)
    if value is not None:
        response["Access-Control-Allow-Origin"] = value
    if value != "*":
        response["Vary"] = "Origin"
    return response


def preflight(request: HttpRequest) -> HttpResponse:
    """Answer a CORS preflight (``OPTIONS``) for the API: POST with a bearer token and JSON."""
    value = allowed_origin(request)
    response = HttpResponse(status=204 if value is not None else 403)
    if value is not None:
        response["Access-Control-Allow-Methods"] = "POST, GET, OPTIONS"
        response["Access-Control-Allow-Headers"] = CORS_ALLOW_HEADERS
        response["Access-Control-Max-Age"] = CORS_MAX_AGE
    return add_cors_headers(request, response)


def with_cors(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """``view`` behind CORS: preflights answered here, every other answer given the headers."""

    def cors_view(request: HttpRequest) -> HttpResponse:
        if request.method == "OPTIONS":
            return preflight(request)
        return add_cors_headers(request, view(request))

    cors_view.csrf_exempt = True  # type: ignore[attr-defined]  # header auth only (see the module docstring)
    return cors_view
