"""Gift rules: free products added when the subtotal after tier prices reaches a threshold.

A gift rule applies to a buyer when its currency is the cart's, its channel is empty or the
cart's, ``now`` is inside its validity window, its audience includes the buyer, and - for rules
with ``requires_gift_eligibility`` - the buyer's current tier has ``gift_eligible``. It is
*reached* when the subtotal (goods after tier prices, before order-level discounts, without
shipping) is at least its threshold, and *offered* when at least one of its gifts is in stock
(``stock``: a gift out of stock in the cart's channel is never offered; a rule with none in
stock counts as not reached, so a lower rung or another rule takes its place).

Which reached rules give their gifts:

- A **ladder** (rules sharing ``ladder``) gives at most one rung: the best one reached (the
  highest threshold, then the higher ``priority``, then the lower id). A rule without a ladder
  is a ladder of its own.
- With ``ProgramTerms.gift_stacking`` every ladder gives its rung (so every rule without a
  ladder gives its gift, as before ladders existed); without it only the best of them does.

Each rule that gives is a ``GiftOffer``: its gifts in stock, the shopper's valid picks
(``choices``: picks no longer offered or out of stock are dropped, at most ``choose`` kept) and
what it gives: the picks, or when none is left the defaults in stock (when every default is out
of stock, the first offered gift in stock). Lines come in rule id order. The hint names the
closest rule not yet reached.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .gift_rules import GiftOption
from .rules import GiftRule, Tier, is_active
from .values import CustomerSnapshot, GiftHint, GiftLine, GiftOffer, GiftOfferOption


@dataclass(frozen=True, slots=True)
class GiftSelection:
    lines: tuple[GiftLine, ...]
    next_gift: GiftHint | None
    offers: tuple[GiftOffer, ...] = ()


def is_gift_rule_open_to(rule: GiftRule, customer: CustomerSnapshot, tier: Tier | None, *, channel: str, currency: str, now: datetime) -> bool:
    """True when ``rule`` may give ``customer`` a gift in this channel/currency at ``now`` (threshold aside)."""
    return (
        rule.currency == currency
        and (rule.channel is None or rule.channel == channel)
        and is_active(rule.valid_from, rule.valid_until, now)
        and rule.audience.includes(customer)
        and (not rule.requires_gift_eligibility or (tier is not None and tier.gift_eligible))
    )


def is_in_stock(option: GiftOption, stock: Mapping[int, int] | None) -> bool:
    """Whether ``stock`` (variant id -> units available; a variant left out is not tracked) has
    ``option``'s quantity. No ``stock`` at all: the shop cannot tell, every gift is offered."""
    if stock is None:
        return True
    available = stock.get(option.variant_id)
    return available is None or available >= option.quantity


def _rank(rule: GiftRule) -> tuple[Decimal, int, int]:
    return (rule.threshold, rule.priority, -rule.id)


def select_gifts(
    subtotal: Decimal,
    customer: CustomerSnapshot,
    *,
    gift_rules: Sequence[GiftRule],
    tier: Tier | None,
    stacking: bool,
    channel: str,
    currency: str,
    now: datetime,
    choices: Mapping[int, Sequence[int]] | None = None,
    stock: Mapping[int, int] | None = None,
) -> GiftSelection:
    """The gift lines a cart with this ``subtotal`` gets, the offers behind them, and the gap to the next gift.

    Example: rules at 50.00 (a mug) and 100.00 (a bag), subtotal 75.00, no stacking: the mug is
    added and the hint says 25.00 more for the bag. At 120.00 only the bag is added (with
    stacking both are; on one ladder only the bag, stacking or not). A choice rule at 50.00
    offering mug (default), cup and pen with ``choose`` 1 and ``choices`` {rule: [pen]} gives
    the pen; with the pen out of stock (``stock`` {pen: 0}) it gives the mug.
    """
    open_rules = sorted(
        (rule for rule in gift_rules if is_gift_rule_open_to(rule, customer, tier, channel=channel, currency=currency, now=now)),
        key=lambda rule: rule.id,
    )
    in_stock = {rule.id: [option for option in rule.offered if is_in_stock(option, stock)] for rule in open_rules}
    offered = [rule for rule in open_rules if in_stock[rule.id]]
    reached = [rule for rule in offered if rule.threshold <= subtotal]
    best_per_ladder: dict[object, GiftRule] = {}
    for rule in reached:
        key: object = rule.id if rule.ladder is None else rule.ladder
        current = best_per_ladder.get(key)
        if current is None or _rank(rule) > _rank(current):
            best_per_ladder[key] = rule
    giving = sorted(best_per_ladder.values(), key=lambda rule: rule.id)
    if not stacking and giving:
        giving = [max(giving, key=_rank)]
    picks = choices or {}
    offers = tuple(_offer(rule, in_stock[rule.id], picks.get(rule.id, ())) for rule in giving)
    lines = tuple(
        GiftLine(rule.id, option.variant_id, option.quantity, f"gift:rule={rule.id};threshold={rule.threshold}")
        for rule, offer in zip(giving, offers, strict=True)
        for option in offer.options
        if option.is_given
    )
    ahead = [rule for rule in offered if rule.threshold > subtotal]
    next_gift = None
    if ahead:
        closest = min(ahead, key=lambda rule: (rule.threshold, -rule.priority, rule.id))
        next_gift = GiftHint(closest.id, closest.variant_id, closest.threshold, closest.threshold - subtotal)
    return GiftSelection(lines, next_gift, offers)


def _offer(rule: GiftRule, options: list[GiftOption], picked: Sequence[int]) -> GiftOffer:
    """What ``rule`` offers (``options``: its gifts in stock) and gives, given the shopper's picks."""
    available = {option.variant_id for option in options}
    chosen: list[int] = []
    for variant_id in picked:
        if variant_id in available and variant_id not in chosen and len(chosen) < rule.choose:
            chosen.append(variant_id)
    if chosen:
        given = set(chosen)
    else:
        given = {option.variant_id for option in options if option.is_default} or {options[0].variant_id}
    return GiftOffer(
        rule_id=rule.id,
        choose=rule.choose,
        options=tuple(
            GiftOfferOption(option.variant_id, option.quantity, option.is_default, option.variant_id in chosen,
                            option.variant_id in given)
            for option in options
        ),
        chosen=tuple(chosen),
        given=tuple(option.variant_id for option in options if option.variant_id in given),
        ladder=rule.ladder,
    )
