"""Sign-in with a staff account, sign-out, and the demo's one-time sign-in link."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ...services import sign_in_guard
from ..page import Page


def sign_in(page: Page) -> HttpResponse:
    """GET: the form. POST: check the lock-out, then email and password with the shop's user model."""
    if page.request.method != "POST":
        if page.session.is_signed_in and page.requestor.is_staff:
            return page.redirect("")
        return page.render("sign_in.html", {"email": ""})
    email = page.request.POST.get("email", "").strip()
    password = page.request.POST.get("password", "")
    locked_until = sign_in_guard.get_locked_until(email)
    if locked_until is None:
        user = page.site.auth.authenticate(email, password) if email and password else None
        if user is not None:
            sign_in_guard.clear_failed_sign_ins(email)
            page.sign_in(user, via="password")
            return page.redirect("")
        locked_until = sign_in_guard.record_failed_sign_in(email)
    if locked_until is not None:
        local = formats.time_format(timezone.localtime(locked_until), "H:i")
        error = _("Too many failed sign-ins for this email. Try again after %(time)s.") % {"time": local}
    else:
        # One message for every failure: it must not tell which emails are staff accounts.
        error = _("Email or password is wrong, or the account is not a staff account.")
    return page.render("sign_in.html", {"email": email, "error": error}, status=400)


def sign_out(page: Page) -> HttpResponse:
    if page.request.method != "POST":
        return page.redirect("")
    page.sign_out()
    return page.redirect("sign-in/", notice="signed-out")


def sign_in_link(page: Page, token: str) -> HttpResponse:
    """The demo's one-time link (``saleor-loyalty demo --serve`` prints it)."""
    user = page.site.auth.use_sign_in_link_token(token)
    if user is None:
        return page.render("sign_in.html", {"email": "", "error": _("This sign-in link was used already or has expired.")},
                           status=400)
    page.sign_in(user, via="link")
    return page.redirect("")
