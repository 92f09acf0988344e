"""Gift choices: a shopper picks gifts among a choice rule's offer, per checkout (``loyaltyGiftChoose``).

A pick is stored per checkout token and rule (``models.GiftChoice``) and read with the checkout
(the Saleor shop joins it into its one checkout read; other shops get ``read_gift_choices``).
The engine decides what the picks give each time the cart is quoted: a pick the rule no
longer offers or that ran out of stock is ignored, and with no valid pick the defaults apply.
When the cart falls below the threshold the pick stays stored and is simply not quoted, so it
comes back with the cart; deleting the rule deletes its picks.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..config import ProgramConfig
from ..engine.errors import EngineError
from ..engine.values import GiftOffer, Quote
from ..exceptions import GiftChoiceRefused
from ..models import GiftChoice, GiftRule
from ..shop import CheckoutView, get_shop
from .rules.loader import to_gift_rule

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GiftChosen:
    """The stored pick (``()``: cleared, the defaults apply), the rule's offer and the quote after it."""

    rule_id: int
    variant_ids: tuple[int, ...]
    offer: GiftOffer
    quote: Quote


def read_gift_choices(token: str) -> dict[int, tuple[int, ...]]:
    """The checkout's stored picks, gift rule id -> variant ids (one query)."""
    rows = GiftChoice.objects.filter(checkout_token=token).values_list("rule_id", "variant_ids")
    return {rule_id: tuple(variant_ids) for rule_id, variant_ids in rows}


def fetch_gift_stock(channel: str, variant_ids: Collection[int]) -> dict[int, int] | None:
    """Units available per gift variant through the shop's optional ``fetch_gift_stock``; None
    when the shop cannot tell (then every gift is offered)."""
    fetch = getattr(get_shop(), "fetch_gift_stock", None)
    if fetch is None or not variant_ids:
        return None
    stock: dict[int, int] = fetch(channel, variant_ids)
    return stock


def choose_gifts(
    checkout: CheckoutView,
    rule_id: int,
    variant_ids: Sequence[int],
    *,
    config: ProgramConfig,
    now: datetime | None = None,
) -> GiftChosen:
    """Record the shopper's pick of ``variant_ids`` for gift rule ``rule_id`` on ``checkout``.

    Refused with ``GiftChoiceRefused`` (nothing stored) when the rule is unknown or inactive
    (``rule_not_found``), a variant is named twice (``duplicate``), is not among the rule's gifts
    (``not_offered``) or out of stock (``out_of_stock``), more than ``choose`` are named
    (``too_many``), or the checkout does not get this rule's gifts now (``not_applicable``:
    below its threshold, another rung of its ladder or another rule applies, another channel
    or currency). An empty ``variant_ids`` clears the pick: the defaults apply again. Then the
    shop's gift lines follow (``refresh_checkout_gifts``, optional on the port).

    Example: a rule at 50.00 offering 501 (default), 502 and 503, ``choose`` 1, on a cart of
    60.00: ``[503]`` is stored and the quote gives 503; ``[502, 503]`` is refused ``too_many``.
    """
    from .quotes import quote_checkout_view

    now = now or timezone.now()
    picks = tuple(variant_ids)
    row = GiftRule.objects.filter(pk=rule_id, is_active=True).first()
    rule = None
    if row is not None:
        try:
            rule = to_gift_rule(row)
        except (EngineError, ValueError, TypeError):
            logger.warning("Gift rule %s cannot be used; its choice is refused", rule_id)
    if rule is None:
        raise GiftChoiceRefused(f"No active gift rule {rule_id}.", reason="rule_not_found", field="ruleId")
    if len(set(picks)) != len(picks):
        raise GiftChoiceRefused("A gift is named twice.", reason="duplicate", field="variantIds")
    offered = {option.variant_id for option in rule.offered}
    unknown = [variant_id for variant_id in picks if variant_id not in offered]
    if unknown:
        raise GiftChoiceRefused(f"Gift rule {rule_id} does not offer variant {unknown[0]}.", reason="not_offered",
                                field="variantIds")
    if len(picks) > rule.choose:
        raise GiftChoiceRefused(f"Pick at most {rule.choose} of gift rule {rule_id}'s gifts.", reason="too_many",
                                field="variantIds")
    quote = quote_checkout_view(checkout, config=config, now=now, with_points=False, with_progress=False)
    offer = _offer_of(quote, rule_id)
    if offer is None:
        raise GiftChoiceRefused(f"This checkout does not get gift rule {rule_id}'s gifts now.",
                                reason="not_applicable", field="ruleId")
    in_stock = {option.variant_id for option in offer.options}
    sold_out = [variant_id for variant_id in picks if variant_id not in in_stock]
    if sold_out:
        raise GiftChoiceRefused(f"Variant {sold_out[0]} is out of stock.", reason="out_of_stock", field="variantIds")
    with transaction.atomic():
        if picks:
            GiftChoice.objects.update_or_create(
                checkout_token=checkout.token, rule_id=rule_id, defaults={"variant_ids": list(picks), "updated_at": now}
            )
        else:
            GiftChoice.objects.filter(checkout_token=checkout.token, rule_id=rule_id).delete()
        refresh = getattr(get_shop(), "refresh_checkout_gifts", None)
        if refresh is not None:
            refresh(checkout.token, config=config)
    stored = checkout.gift_choices if checkout.gift_choices is not None else read_gift_choices(checkout.token)
    choices: Mapping[int, tuple[int, ...]] = {**stored, rule_id: picks}
    after = quote_checkout_view(replace(checkout, gift_choices=choices), config=config, now=now)
    # A pick changes which gifts the rule gives, never whether it applies: the offer is there.
    return GiftChosen(rule_id, picks, _offer_of(after, rule_id) or offer, after)


def _offer_of(quote: Quote, rule_id: int) -> GiftOffer | None:
    return next((offer for offer in quote.gift_offers if offer.rule_id == rule_id), None)
