"""Gift rules: free products added when the subtotal after tier prices reaches a threshold.

A gift rule applies to a buyer when its currency is the cart's, its channel is empty or the
cart's, ``now`` is inside its validity window, its audience includes the buyer, and - for rules
with ``requires_gift_eligibility`` - the buyer's current tier has ``gift_eligible``. It is
*reached* when the subtotal (goods after tier prices, before order-level discounts, without
shipping) is at least its threshold.

With ``ProgramTerms.gift_stacking`` every reached rule adds its gift line (in rule id order).
Without it only the best reached rule does: the highest threshold, then the higher
``priority``, then the lower id. The hint names the closest rule not yet reached.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .rules import GiftRule, Tier, is_active
from .values import CustomerSnapshot, GiftHint, GiftLine


@dataclass(frozen=True, slots=True)
class GiftSelection:
    lines: tuple[GiftLine, ...]
    next_gift: GiftHint | None


def is_gift_rule_open_to(rule: GiftRule, customer: CustomerSnapshot, tier: Tier | None, *, channel: str, currency: str, now: datetime) -> bool:
    """True when ``rule`` may give ``customer`` a gift in this channel/currency at ``now`` (threshold aside)."""
    return (
        rule.currency == currency
        and (rule.channel is None or rule.channel == channel)
        and is_active(rule.valid_from, rule.valid_until, now)
        and rule.audience.includes(customer)
        and (not rule.requires_gift_eligibility or (tier is not None and tier.gift_eligible))
    )


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
) -> GiftSelection:
    """The gift lines a cart with this ``subtotal`` gets, and the gap to the next gift.

    Example: rules at 50.00 (a mug) and 100.00 (a bag), subtotal 75.00, no stacking: the mug is
    added and the hint says 25.00 more for the bag. At 120.00 only the bag is added (with
    stacking both are).
    """
    open_rules = sorted(
        (rule for rule in gift_rules if is_gift_rule_open_to(rule, customer, tier, channel=channel, currency=currency, now=now)),
        key=lambda rule: rule.id,
    )
    reached = [rule for rule in open_rules if rule.threshold <= subtotal]
    if not stacking and reached:
        reached = [max(reached, key=lambda rule: (rule.threshold, rule.priority, -rule.id))]
    lines = tuple(
        GiftLine(rule.id, rule.variant_id, rule.quantity, f"gift:rule={rule.id};threshold={rule.threshold}")
        for rule in reached
    )
    ahead = [rule for rule in open_rules if rule.threshold > subtotal]
    next_gift = None
    if ahead:
        closest = min(ahead, key=lambda rule: (rule.threshold, -rule.priority, rule.id))
        next_gift = GiftHint(closest.id, closest.variant_id, closest.threshold, closest.threshold - subtotal)
    return GiftSelection(lines, next_gift)
