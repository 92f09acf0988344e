"""Exchange rates to the program's base currency: staff add them, orders record them when paid.

A rate says what one unit of a currency is worth in the base currency (``ProgramConfig.
base_currency``) from ``valid_from`` on. Rates are append-only (a database trigger refuses
UPDATE and DELETE): a correction is a newer row. When an order is paid it records the latest
rate valid at that moment (``get_rate_to_base``), 1 for the base currency itself, NULL when no
rate is known; tier spend and metrics convert with what the order recorded, so adding a rate
later rewrites nothing (docs/channels.md).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..engine import bounds
from ..engine.currencies import is_known_currency
from ..exceptions import ExchangeRateExists, InvalidInput, UnknownCurrency
from ..models import ExchangeRate

ONE = Decimal(1)


def clean_currency(raw: str, *, field: str = "currency") -> str:
    """``raw`` as an upper-case ISO 4217 code; ``UnknownCurrency`` when it is none."""
    code = raw.strip().upper() if isinstance(raw, str) else ""
    if not is_known_currency(code):
        raise UnknownCurrency(f"{field}: {raw!r} is not an ISO 4217 currency code", field=field)
    return code


def add_exchange_rate(
    currency: str,
    rate: Decimal,
    *,
    base_currency: str,
    valid_from: datetime | None = None,
    created_by: str = "",
    now: datetime | None = None,
) -> ExchangeRate:
    """Add a rate: one ``currency`` unit = ``rate`` base-currency units from ``valid_from`` (default now).

    Refused, nothing written: an unknown code (``UnknownCurrency``); the base currency itself (its
    rate is always 1); a rate that is not greater than 0, above ``bounds.MAX_EXCHANGE_RATE`` or with
    more than 10 places; a naive ``valid_from``; a rate already valid from that same moment
    (``ExchangeRateExists``). Example: base USD, ``add_exchange_rate("PLN", Decimal("0.25"))``
    makes a 100.00 PLN order paid afterwards count as 25.00 USD of tier spend.
    """
    now = now or timezone.now()
    code = clean_currency(currency)
    if not base_currency:
        raise InvalidInput("the program has no base currency: set base_currency in the plugin's configuration first",
                           field="currency")
    if code == base_currency:
        raise InvalidInput(f"currency: {code} is the base currency; its rate is always 1", field="currency")
    problem = bounds.EXCHANGE_RATE.problem(rate)
    if problem is None and rate <= 0:
        problem = "must be greater than 0"
    if problem is not None:
        raise InvalidInput(f"rate: {problem}", field="rate")
    valid_from = valid_from or now
    if valid_from.tzinfo is None:
        raise InvalidInput("valid_from: must carry a time zone", field="valid_from")
    try:
        with transaction.atomic():
            return ExchangeRate.objects.create(
                currency=code, rate=rate, valid_from=valid_from, created_at=now, created_by=created_by[:254]
            )
    except IntegrityError:
        if ExchangeRate.objects.filter(currency=code, valid_from=valid_from).exists():
            raise ExchangeRateExists(
                f"a {code} rate is already valid from {valid_from.isoformat()}; add one from a later moment",
                field="valid_from",
            ) from None
        raise


def get_rate_to_base(currency: str, *, base_currency: str, at: datetime) -> Decimal | None:
    """What one unit of ``currency`` was worth in ``base_currency`` at ``at``; None when unknown.

    The base currency is 1 without a query, and so is every currency while the program has no
    base currency (``base_currency`` ""): orders then count 1:1, as in a one-currency shop;
    otherwise the rate with the latest ``valid_from`` not after ``at`` (one indexed query). A rate added later for an earlier moment is found too: it
    is the latest valid one at ``at``.
    """
    if not base_currency or currency == base_currency:
        return ONE
    row = (
        ExchangeRate.objects.filter(currency=currency, valid_from__lte=at)
        .order_by("-valid_from", "-id")
        .values_list("rate", flat=True)
        .first()
    )
    return row


def list_exchange_rates(*, currency: str | None = None, limit: int = 100) -> list[ExchangeRate]:
    """The rates, newest ``valid_from`` first (one currency's when ``currency`` is given)."""
    rows = ExchangeRate.objects.order_by("currency", "-valid_from", "-id")
    if currency is not None:
        rows = rows.filter(currency=clean_currency(currency))
    return list(rows[:limit])


def get_current_rates(*, at: datetime) -> dict[str, Decimal]:
    """Each currency's latest rate valid at ``at`` (one query)."""
    rows = (
        ExchangeRate.objects.filter(valid_from__lte=at)
        .order_by("currency", "-valid_from", "-id")
        .distinct("currency")
        .values_list("currency", "rate")
    )
    return dict(rows)
