"""What a console view gets: the request, the session, the requestor, and helpers to answer.

Views are functions ``view(page, **url_kwargs) -> HttpResponse``. ``page.render`` adds what the
layout needs (navigation by permission, a CSRF token per form, the notice of a redirect).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..exceptions import InvalidInput, LoyaltyError
from ..graphql.auth import LoyaltyPermission, Requestor
from . import session as sessions
from .templating import render

if TYPE_CHECKING:
    from .site import ConsoleSite

PageView = Callable[..., HttpResponse]

# What a redirect may announce (a code in the query string, never text from it).
NOTICES = {
    "saved": gettext_lazy("Saved."),
    "created": gettext_lazy("Created."),
    "deleted": gettext_lazy("Deleted."),
    "switched-off": gettext_lazy("Switched off."),
    "adjusted": gettext_lazy("Points adjusted."),
    "imported": gettext_lazy("Imported."),
    "signed-out": gettext_lazy("You are signed out."),
}

# The navigation: (path, label, permission needed to see it).
NAVIGATION: tuple[tuple[str, Any, LoyaltyPermission | None], ...] = (
    ("", gettext_lazy("Overview"), LoyaltyPermission.MANAGE_ORDERS),
    ("customers/", gettext_lazy("Customers"), LoyaltyPermission.MANAGE_USERS),
    ("tiers/", gettext_lazy("Tiers"), LoyaltyPermission.MANAGE_DISCOUNTS),
    ("earn-rules/", gettext_lazy("Earn rules"), LoyaltyPermission.MANAGE_DISCOUNTS),
    ("gift-rules/", gettext_lazy("Gift rules"), LoyaltyPermission.MANAGE_DISCOUNTS),
    ("referral/", gettext_lazy("Referral"), LoyaltyPermission.MANAGE_DISCOUNTS),
    ("price-lists/", gettext_lazy("Price lists"), LoyaltyPermission.MANAGE_DISCOUNTS),
    ("companies/", gettext_lazy("Companies"), LoyaltyPermission.MANAGE_USERS),
    ("what-if/", gettext_lazy("What-if"), LoyaltyPermission.MANAGE_ORDERS),
    ("api/", gettext_lazy("API"), None),
)


@dataclass
class Page:
    site: ConsoleSite
    request: HttpRequest
    session: sessions.ConsoleSession
    requestor: Requestor
    session_cleared: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return self.site.prefix

    @property
    def config(self) -> Any:
        """The program's configuration: the plugin's, which the Saleor adapter puts on the
        request (as for the GraphQL API), else the site's."""
        from ..config import ProgramConfig

        found = getattr(self.request, "loyalty_config", None)
        return found if isinstance(found, ProgramConfig) else self.site.get_config()

    def csrf_token(self) -> str:
        return sessions.make_csrf_token(self.session)

    def sign_in(self, user: Any, *, via: str, permission_cap: frozenset[str] | None = None,
                embedded: bool = False) -> None:
        self.session = self.session.signed_in(user.pk, via=via, permission_cap=permission_cap, embedded=embedded)
        self.session_cleared = False

    def sign_out(self) -> None:
        self.session = sessions.ConsoleSession()
        self.session_cleared = True
        self.requestor = Requestor()  # the page answering now shows no navigation or name either

    def render(self, template: str, context: Mapping[str, Any] | None = None, *, status: int = 200) -> HttpResponse:
        notice = NOTICES.get(self.request.GET.get("notice", ""))
        user = self.requestor.user
        data = {
            "base": self.base,
            "csrf_field": sessions.CSRF_FIELD,
            # A callable: the template asks once per form, so each form gets its own token.
            "csrf_token": self.csrf_token,
            "user": user,
            "user_label": getattr(user, "email", "") or str(user or ""),
            "navigation": [
                {"url": self.base + path, "label": label, "current": self._is_current(path)}
                for path, label, permission in NAVIGATION
                if user is not None and (permission is None or self.requestor.has_perm(permission))
            ],
            "notice": notice,
            "embedded": self.session.embedded,
            **(context or {}),
        }
        return HttpResponse(render(template, data), status=status, content_type="text/html; charset=utf-8")

    def _is_current(self, path: str) -> bool:
        here = self.request.path
        current = here[here.find(self.base) + len(self.base):] if self.base in here else ""
        return current == path if path == "" else current.startswith(path)

    def redirect(self, path: str, *, notice: str | None = None, **query: Any) -> HttpResponse:
        """303 to ``prefix + path`` (after a POST, so a reload does not post again)."""
        params = {**query, **({"notice": notice} if notice else {})}
        url = self.base + path + (("?" + urlencode(params)) if params else "")
        response = HttpResponseRedirect(url)
        response.status_code = 303
        return response


def forbidden(page: Page, message: str) -> HttpResponse:
    return page.render("message.html", {"title": _("Not allowed"), "message": message}, status=403)


def field_errors(error: LoyaltyError) -> tuple[dict[str, list[str]], list[str]]:
    """A service error as ``({field: [messages]}, [messages without a field])``.

    ``InvalidInput.problems`` name fields as the services do (``threshold``,
    ``breaks[1].percent_off``); the templates show each beside its field.
    """
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    problems = getattr(error, "problems", None) or [(getattr(error, "field", None), error.message)]
    for name, message in problems:
        if name:
            by_field.setdefault(name, []).append(message)
        else:
            general.append(message)
    return by_field, general


def is_invalid_input(error: Exception) -> bool:
    return isinstance(error, InvalidInput)
