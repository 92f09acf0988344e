"""The console as a Saleor Dashboard app: its manifest, the app-bridge handshake, and the pages its
extensions open (a customer's points, an order's points).

Inside Dashboard the console is an iframe. Dashboard posts it ``{type: "handshake", payload:
{token, version}}``; ``console.js`` sends the token to ``app/handshake/`` as JSON (a cross-site
form cannot send JSON, so this POST needs no form token), and the server checks it through the
site's ``ConsoleAuth.verify_handshake_token`` (inside Saleor: Saleor's own JWT code, see
``saleor.console_auth``). A valid staff token opens a console session capped to the token's
permissions; a customer's token, or any other, is refused with 403.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from ...graphql.auth import AuthenticationFailed, LoyaltyPermission
from ...exceptions import OrderNotFound
from ...graphql.core.ids import InvalidGlobalId, from_global_id_or_error, from_global_id_to_int
from ...services import orders
from ...services.points import admin as points_admin
from ..page import Page

MANIFEST_ID = "saleor.loyalty.console"
MAX_TOKEN_CHARS = 8192
_ORDER_ID = re.compile(r"^[-0-9A-Za-z:_=]{1,128}$")


def build_manifest(console_url: str, *, version: str) -> dict[str, Any]:
    """The Saleor App manifest (``saleor/app/manifest_schema.py``) for a console at ``console_url``.

    ``appUrl`` opens the console's app page; two widgets put a customer's and an order's points
    on Dashboard's customer and order pages (mounts ``CUSTOMER_DETAILS_WIDGETS`` and
    ``ORDER_DETAILS_WIDGETS``, target ``WIDGET``, rendered by Dashboard since Saleor 3.22).
    """
    app_url = console_url + "app/"
    return {
        "id": MANIFEST_ID,
        "name": "Loyalty",
        "version": version,
        "about": "Tier prices, points, gifts, referrals, VIP tiers, B2B companies and rebates: the staff console.",
        "permissions": [permission.name for permission in LoyaltyPermission],
        "appUrl": app_url,
        "homepageUrl": console_url,
        "supportUrl": console_url,
        "extensions": [
            {"label": "Loyalty points", "mount": "CUSTOMER_DETAILS_WIDGETS", "target": "WIDGET",
             "permissions": [LoyaltyPermission.MANAGE_USERS.name], "url": app_url + "?view=customer"},
            {"label": "Loyalty points of this order", "mount": "ORDER_DETAILS_WIDGETS", "target": "WIDGET",
             "permissions": [LoyaltyPermission.MANAGE_ORDERS.name], "url": app_url + "?view=order"},
        ],
    }


def manifest_response(request: HttpRequest, console_prefix: str) -> JsonResponse:
    from importlib.metadata import PackageNotFoundError, version

    try:
        package_version = version("saleor-loyalty")
    except PackageNotFoundError:
        package_version = "0.0.0"
    return JsonResponse(build_manifest(request.build_absolute_uri(console_prefix), version=package_version))


def app_entry(page: Page) -> HttpResponse:
    """The page Dashboard loads in its iframe: it waits for the handshake, then opens ``next``."""
    return page.render("app.html", {"next": _next_path(page.request.GET)})


def _next_path(query: Any) -> str:
    """Where the app page goes after the handshake: a customer's or an order's page, else home.

    Dashboard passes the entity of a widget as ``customerId`` / ``orderId`` (global ids).
    """
    view = query.get("view", "")
    if view == "customer" and query.get("customerId"):
        try:
            return f"customers/{from_global_id_to_int(query['customerId'], 'User', field='customerId')}/"
        except InvalidGlobalId:
            return "customers/"  # an id we cannot read opens the customer search instead
    if view == "order" and _ORDER_ID.match(query.get("orderId", "")):
        return f"orders/{quote(query['orderId'], safe='')}/"
    return ""


def handshake(page: Page) -> HttpResponse:
    """POST ``{"token": ...}`` (JSON): open a session for the token's staff user, or 403."""
    request = page.request
    if request.method != "POST" or request.content_type != "application/json":
        return JsonResponse({"error": _("Send the token as JSON.")}, status=415)
    try:
        token = json.loads(request.body or b"{}").get("token")
    except (ValueError, AttributeError):
        token = None
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_CHARS:
        return JsonResponse({"error": _("No token.")}, status=400)
    try:
        verified = page.site.auth.verify_handshake_token(token)
    except AuthenticationFailed as exc:
        return JsonResponse({"error": _("The Dashboard token was refused: %(reason)s") % {"reason": exc.message}},
                            status=403)
    page.sign_in(verified.user, via="app", permission_cap=frozenset(p.name for p in verified.permissions),
                 embedded=True)
    return JsonResponse({"ok": True, "permissions": sorted(p.name for p in verified.permissions)})


def order_points(page: Page, order_id: str) -> HttpResponse:
    """An order's points: earned, held at checkout, reversed, with the ledger lines (order widget).

    ``order_id`` is Saleor's order id, bare or as the global id Dashboard passes (``Order:<uuid>``).
    """
    try:
        order_id = from_global_id_or_error(order_id, "Order")
    except InvalidGlobalId:
        pass  # a bare id, as the ledger stores it
    found = points_admin.get_order_points(order_id)
    if found is None:
        raise Http404
    try:
        info = orders.get_order(order_id)
    except OrderNotFound:
        info = None  # a hold of a checkout whose order the program has not recorded yet
    return page.render("order.html", {"order": found, "info": info})
