"""The plugin's door to the quote: compiled rules from the services, the customer, the engine.

``services.quotes`` (the rules+services engineer's use case) is the intended home of this
composition; until it exists the adapter composes ``services.rule_version.get_compiled_rules`` with
``engine.quote.quote_cart`` and a customer snapshot, and holds no rule logic of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from ..config import ProgramConfig
from ..engine.quote import quote_cart
from ..engine.values import Cart, CustomerSnapshot, Quote
from .mappers import to_customer_snapshot

if TYPE_CHECKING:
    from saleor.checkout.fetch import CheckoutInfo


def fetch_customer_snapshot(user: Any | None, *, email: str | None) -> CustomerSnapshot:
    """Saleor's half of the snapshot plus the plugin's own state (tier, company): two queries."""
    from dataclasses import replace

    from ..models import CompanyMember, CustomerLoyalty

    snapshot = to_customer_snapshot(user, email=email)
    if user is None:
        return snapshot
    state = CustomerLoyalty.objects.filter(user_id=user.pk).values("tier_id", "birthday").first() or {}
    company_id = CompanyMember.objects.filter(user_id=user.pk).values_list("company_id", flat=True).first()
    return replace(snapshot, tier_id=state.get("tier_id"), birthday=state.get("birthday"), company_id=company_id)


def quote_checkout(checkout_info: CheckoutInfo, cart: Cart, config: ProgramConfig) -> Quote:
    from ..services.rule_version import get_compiled_rules

    rules = get_compiled_rules(config)
    customer = fetch_customer_snapshot(checkout_info.user, email=checkout_info.checkout.email)
    return quote_cart(cart, customer, rules, now=timezone.now())
