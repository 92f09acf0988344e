"""Gift rule values (re-exported by ``rules``): a rule, the gifts it offers, its ladder.

A plain rule gives ``quantity`` of ``variant_id``. A rule with ``options`` offers a choice: the
rule's own variant and the options, of which the shopper picks up to ``choose``; what is given
when nothing (valid) is picked are the *defaults*: the rule's own variant and every option
marked ``is_default``. Rules sharing a ``ladder`` name are rungs of one ladder: however the
program stacks gifts, a cart gets at most the highest rung it reached (``gifts.select_gifts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .bounds import INT32_MAX, MAX_GIFT_OPTIONS, MAX_LADDER_LENGTH, MAX_MONEY
from .checks import INT_MIN, as_tuple, check_currency, check_decimal, check_int, check_window, fail

if TYPE_CHECKING:
    from .rules import Audience


@dataclass(frozen=True, slots=True)
class GiftOption:
    """One gift a choice rule offers: ``quantity`` of ``variant_id``; ``is_default`` when it is
    given while the shopper has picked nothing."""

    variant_id: int
    quantity: int = 1
    is_default: bool = False

    def __post_init__(self) -> None:
        check_int("GiftOption", "variant_id", self.variant_id)
        check_int("GiftOption", "quantity", self.quantity, minimum=1, maximum=INT32_MAX)
        if not isinstance(self.is_default, bool):
            raise fail("GiftOption", "is_default", f"must be a bool, got {self.is_default!r}")


@dataclass(frozen=True, slots=True)
class GiftRule:
    """Add ``quantity`` of ``variant_id`` free when the subtotal after tier prices reaches ``threshold``.

    With ``requires_gift_eligibility`` the buyer's current tier must have ``gift_eligible``.
    Whether several gift rules stack is ``ProgramTerms.gift_stacking``; without stacking the
    rule with the highest threshold reached wins (then higher ``priority``, then lower id).
    ``options`` turn the rule into a choice of ``choose`` gifts among its own variant (always a
    default) and the options; ``ladder`` names the ladder the rule is a rung of (None: none).

    Example: "spend 50, choose one of three": variant 501 (the default) with options 502 and
    503, ``choose`` 1; "spend 100, choose two" on the same ladder: 601 with options 602, 603,
    ``choose`` 2. A cart at 120 gets the second rung only, its two picks or the default 601.
    """

    id: int
    name: str
    audience: Audience
    threshold: Decimal
    currency: str
    variant_id: int
    quantity: int = 1
    channel: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    requires_gift_eligibility: bool = False
    priority: int = 0
    options: tuple[GiftOption, ...] = ()
    choose: int = 1
    ladder: str | None = None

    def __post_init__(self) -> None:
        check_int("GiftRule", "id", self.id)
        check_decimal("GiftRule", "threshold", self.threshold, maximum=MAX_MONEY)
        check_currency("GiftRule", "currency", self.currency)
        check_int("GiftRule", "variant_id", self.variant_id)
        check_int("GiftRule", "quantity", self.quantity, minimum=1, maximum=INT32_MAX)
        check_window("GiftRule", self.valid_from, self.valid_until)
        check_int("GiftRule", "priority", self.priority, minimum=INT_MIN, maximum=INT32_MAX)
        as_tuple(self, "options")
        _check_options(self.variant_id, self.options, self.choose)
        _check_ladder(self.ladder)

    @property
    def offered(self) -> tuple[GiftOption, ...]:
        """Every gift the rule offers: its own variant (a default) first, then the options."""
        return (GiftOption(self.variant_id, self.quantity, True), *self.options)

    @property
    def is_choice(self) -> bool:
        return bool(self.options)


def _check_options(variant_id: int, options: tuple[Any, ...], choose: Any) -> None:
    for option in options:
        if not isinstance(option, GiftOption):
            raise fail("GiftRule", "options", f"must hold GiftOption values, got {option!r}")
    if len(options) + 1 > MAX_GIFT_OPTIONS:
        raise fail("GiftRule", "options", f"a rule offers at most {MAX_GIFT_OPTIONS} gifts, got {len(options) + 1}")
    variant_ids = [variant_id, *(option.variant_id for option in options)]
    if len(set(variant_ids)) != len(variant_ids):
        raise fail("GiftRule", "options", "a variant is offered twice (the rule's own variant is offered already)")
    check_int("GiftRule", "choose", choose, minimum=1, maximum=len(variant_ids))
    defaults = 1 + sum(1 for option in options if option.is_default)
    if defaults > choose:
        raise fail("GiftRule", "options", f"{defaults} defaults but only {choose} may be chosen")


def _check_ladder(ladder: Any) -> None:
    if ladder is None:
        return
    if not isinstance(ladder, str) or not ladder.strip() or len(ladder) > MAX_LADDER_LENGTH:
        raise fail("GiftRule", "ladder", f"must be None or a name of 1 to {MAX_LADDER_LENGTH} characters, got {ladder!r}")
