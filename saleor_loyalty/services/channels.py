"""Channels: the shop's channels, and the program terms each one overrides.

A channel's terms (``ChannelTerms``) override the money-dependent program terms: points per
currency unit, a point's value, the redemption minimum, share and maximum amount. They are read
with the rules: ``rules.loader`` loads them into the rule set and every write bumps the rules
stamp, so the checkout path, which has the compiled rules in memory already, reads no extra row
(``get_channel_terms``). Exchange rates live in ``services.exchange_rates``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..config import ProgramConfig
from ..engine import bounds
from ..engine.currencies import is_known_currency
from ..engine.errors import EngineError
from ..engine.rules import ProgramTerms
from ..engine.terms import CHANNEL_TERM_FIELDS
from ..exceptions import ChannelNotFound, InvalidInput, NotFound, ShopNotConfigured, UnknownCurrency
from ..models import ChannelTerms
from ..shop import get_shop
from .rules import loader as rule_loader
from .rules.fields import Problems, raise_problems
from .rules.versions import bump_rules_version, get_compiled_rules

_FIELD_BOUNDS: dict[str, bounds.DecimalBound | bounds.IntBound] = {
    "points_per_unit": bounds.RATE,
    "point_value": bounds.RATE,
    "redeem_min_points": bounds.COUNT,
    "redeem_max_share": bounds.SHARE,
    "redeem_max_amount": bounds.MONEY,
}


def check_channel(slug: str) -> None:
    """Raise ``ChannelNotFound`` when the shop knows its channels and ``slug`` is not one of them.

    Without a registered shop, or with one that cannot list channels (``channel_exists`` is
    optional on the port), every slug is taken as given.
    """
    try:
        shop = get_shop()
    except ShopNotConfigured:
        return
    exists = getattr(shop, "channel_exists", None)
    if exists is not None and not exists(slug):
        raise ChannelNotFound(f"no channel {slug!r}", field="channel")


def _shop_currency(slug: str) -> str | None:
    try:
        fetch = getattr(get_shop(), "fetch_channel_currency", None)
    except ShopNotConfigured:
        return None
    return None if fetch is None else fetch(slug)


def get_channel_terms(config: ProgramConfig, channel: str) -> ProgramTerms:
    """The program terms in force in ``channel``: the configuration's, with the channel's overrides.

    Served from the compiled rules (one stamp query, none when the caller passes the stamp to
    ``get_compiled_rules`` itself). Example: a program point value of 0.01 and PLN terms with
    0.04 -> 0.04 in the PLN channel, 0.01 everywhere else.
    """
    return get_compiled_rules(config).get_terms(channel)


@dataclass(frozen=True)
class ChannelTermsInput:
    """What staff set for a channel; a None field keeps the program's value."""

    channel: str
    currency: str
    points_per_unit: Decimal | None = None
    point_value: Decimal | None = None
    redeem_min_points: int | None = None
    redeem_max_share: Decimal | None = None
    redeem_max_amount: Decimal | None = None


def _check_input(values: ChannelTermsInput) -> Problems:
    problems: Problems = []
    for name in CHANNEL_TERM_FIELDS:
        value = getattr(values, name)
        if value is not None and (problem := _FIELD_BOUNDS[name].problem(value)):
            problems.append((name, f"{name}: {problem}"))
    if values.point_value is not None and values.point_value == 0:
        problems.append(("point_value", "point_value: must be greater than 0"))
    return problems


def set_channel_terms(values: ChannelTermsInput, *, now: datetime | None = None) -> ChannelTerms:
    """Store ``values`` as the channel's terms (replacing any it had) and bump the rules stamp.

    Refused with every problem at once (nothing written): an unknown channel (when the shop can
    tell), a currency that is not ISO 4217 (``UnknownCurrency``) or not the channel's own, a field
    out of its ``bounds`` range, a zero point value, or no override at all (use
    ``clear_channel_terms``).
    """
    now = now or timezone.now()
    channel = values.channel.strip()
    check_channel(channel)
    currency = values.currency.strip().upper()
    if not is_known_currency(currency):
        raise UnknownCurrency(f"currency: {values.currency!r} is not an ISO 4217 code", field="currency")
    problems = _check_input(values)
    shop_currency = _shop_currency(channel)
    if shop_currency is not None and shop_currency != currency:
        problems.append(("currency", f"currency: channel {channel!r} sells in {shop_currency}, not {currency}"))
    if all(getattr(values, name) is None for name in CHANNEL_TERM_FIELDS):
        problems.append((None, "set at least one term; clear the channel's terms to use the program's"))
    raise_problems(problems)
    overrides: dict[str, Any] = {name: getattr(values, name) for name in CHANNEL_TERM_FIELDS}
    row = ChannelTerms(channel=channel, currency=currency, **overrides)
    try:
        rule_loader.to_channel_terms(row)
    except EngineError as exc:
        raise InvalidInput(str(exc), field=exc.field) from None
    with transaction.atomic():
        saved, _ = ChannelTerms.objects.update_or_create(
            channel=channel, defaults={"currency": currency, "updated_at": now, **overrides},
            create_defaults={"currency": currency, "created_at": now, "updated_at": now, **overrides},
        )
        bump_rules_version(now=now)
    return saved


def clear_channel_terms(channel: str, *, now: datetime | None = None) -> None:
    """Remove the channel's terms: the program's apply there again. ``NotFound`` when it had none."""
    with transaction.atomic():
        deleted, _ = ChannelTerms.objects.filter(channel=channel.strip()).delete()
        if not deleted:
            raise NotFound(f"channel {channel!r} has no terms of its own", field="channel")
        bump_rules_version(now=now or timezone.now())


def list_channel_terms() -> list[ChannelTerms]:
    """Every channel's terms, by channel slug."""
    return list(ChannelTerms.objects.order_by("channel"))
