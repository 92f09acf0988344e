"""Birthdays: recorded once, and a bonus that actually fires on the day, once a year.

Where a birthday comes from (``CustomerLoyalty.birthday_source``):

- ``customer``: the shopper sets it once (``set_own_birthday``, the storefront's
  ``loyaltyBirthdaySet``). Setting another date later is refused (``BirthdayAlreadySet``), so a
  birthday cannot be moved every month to collect the bonus again and again.
- ``staff``: staff correct it (``correct_birthday``), whatever was there, with a reason.
- ``shop``: the shop knew it first (inside Saleor, the user's private metadata key
  ``loyalty.birthday``, which only staff and apps can write); taken only while none is recorded.

Every change, whoever made it, is a ``BirthdayChange`` row (old and new date, source, the staff
member, the reason), so a bonus can always be traced to the birthday it was paid on.

``grant_birthday_bonuses(day)`` is the daily job: every customer whose birthday falls on ``day``
(29 February counts on 28 February in other years) is credited the birthday bonus the earn rules
give, under the ledger key ``birthday:<user>:<year>``, so running the job again, or after a worker
died half-way, books nothing twice. A birthday recorded fewer than ``birthday_notice_days``
(configuration, default 30) before it falls earns nothing that year.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..config import ProgramConfig
from ..engine.earn import BonusEvent, calculate_event_bonus
from ..engine.earn_kinds import is_birthday
from ..exceptions import InvalidInput, Refused
from ..models import BirthdayChange, CustomerLoyalty, SystemCode
from . import points
from .customers import BonusResult, CustomerLoyaltyInfo, _expiry, _info, build_customer_snapshot, fetch_customer
from .customers import get_or_create_state
from .rules.versions import get_compiled_rules

logger = logging.getLogger(__name__)

# Nobody alive is older; a date before this is a typo (1889 for 1989).
MAX_AGE_YEARS = 120
SOURCES = ("customer", "staff", "shop")


class BirthdayAlreadySet(Refused):
    """The customer recorded a birthday before; only staff may change it."""

    code = "BIRTHDAY_ALREADY_SET"

    def __init__(self, message: str) -> None:
        super().__init__(message, reason="birthday_already_set", field="date")


@dataclass(frozen=True)
class BirthdayRun:
    """What one run of the daily job did: customers whose birthday it was, bonuses booked now,
    bonuses found booked before (a re-run), and customers skipped (recorded too late, no rule)."""

    day: date
    due: int
    credited: int
    already_credited: int
    skipped: int


def parse_birthday(text: object, *, field: str = "date") -> date:
    """A birthday from its ``YYYY-MM-DD`` text; ``InvalidInput`` naming ``field`` otherwise.

    >>> parse_birthday("1990-03-01")
    datetime.date(1990, 3, 1)
    """
    if not isinstance(text, str) or len(text.strip()) != 10:
        raise InvalidInput("a birthday must be a date written YYYY-MM-DD", field=field)
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{text.strip()!r} is not a date (YYYY-MM-DD)", field=field) from None


def check_birthday(birthday: object, *, today: date, field: str = "date") -> date:
    """``birthday`` if it is a real date in the past ``MAX_AGE_YEARS`` years; ``InvalidInput`` otherwise."""
    if not isinstance(birthday, date) or isinstance(birthday, datetime):
        raise InvalidInput("a birthday must be a date (YYYY-MM-DD)", field=field)
    if birthday > today:
        raise InvalidInput("a birthday cannot be in the future", field=field)
    if birthday.year < today.year - MAX_AGE_YEARS:
        raise InvalidInput(f"a birthday more than {MAX_AGE_YEARS} years ago is not plausible", field=field)
    return birthday


def set_own_birthday(user_id: int, birthday: date, *, now: datetime | None = None) -> CustomerLoyaltyInfo:
    """Record the birthday a customer gives, once.

    The same date again is accepted and changes nothing; another date, once one is recorded,
    raises ``BirthdayAlreadySet`` (staff can correct it). Bad dates raise ``InvalidInput``.
    """
    now = now or timezone.now()
    check_birthday(birthday, today=now.date())
    fetch_customer(user_id)
    with transaction.atomic():
        state = get_or_create_state(user_id, lock=True)
        if state.birthday == birthday:
            return _info(state)
        if state.birthday is not None:
            raise BirthdayAlreadySet("your birthday is already recorded; ask the shop to correct it")
        _record(state, birthday, source="customer", now=now)
    return _info(state)


def correct_birthday(user_id: int, birthday: date | None, *, staff_user_id: int, reason: str = "",
                     now: datetime | None = None) -> CustomerLoyaltyInfo:
    """Staff set or clear a customer's birthday, whatever was recorded (a ``BirthdayChange`` row
    names them and the reason; at most 255 characters)."""
    now = now or timezone.now()
    if birthday is not None:
        check_birthday(birthday, today=now.date())
    if len(reason) > 255:
        raise InvalidInput("the reason must be at most 255 characters", field="reason")
    fetch_customer(user_id)
    with transaction.atomic():
        state = get_or_create_state(user_id, lock=True)
        _record(state, birthday, source="staff", now=now, staff_user_id=staff_user_id, reason=reason.strip())
    return _info(state)


def import_shop_birthday(user_id: int, birthday: date, *, now: datetime | None = None) -> bool:
    """Take the birthday the shop holds when none is recorded yet; True when it was taken."""
    now = now or timezone.now()
    check_birthday(birthday, today=now.date())
    with transaction.atomic():
        state = get_or_create_state(user_id, lock=True)
        if state.birthday is not None:
            return False
        _record(state, birthday, source="shop", now=now)
    return True


def _record(state: CustomerLoyalty, birthday: date | None, *, source: str, now: datetime,
            staff_user_id: int | None = None, reason: str = "") -> None:
    if state.birthday == birthday:
        return
    BirthdayChange.objects.create(
        user_id=state.user_id, old_birthday=state.birthday, new_birthday=birthday, source=source,
        changed_by_user_id=staff_user_id, reason=reason, changed_at=now,
    )
    state.birthday, state.birthday_source = birthday, source if birthday is not None else ""
    state.birthday_set_at = now if birthday is not None else None
    state.updated_at = now
    state.save(update_fields=["birthday", "birthday_source", "birthday_set_at", "updated_at"])


def get_occurrence(birthday: date, year: int) -> date:
    """The day the birthday is celebrated in ``year`` (29 February: the 28th in other years).

    >>> get_occurrence(date(2000, 2, 29), 2025), get_occurrence(date(2000, 2, 29), 2028)
    (datetime.date(2025, 2, 28), datetime.date(2028, 2, 29))
    """
    try:
        return birthday.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def is_recorded_in_time(set_at: datetime | None, occurrence: date, *, notice_days: int) -> bool:
    """Whether a birthday recorded at ``set_at`` was known ``notice_days`` before ``occurrence``.

    A birthday recorded before this rule existed (no ``set_at``) counts as known.

    >>> is_recorded_in_time(datetime(2025, 2, 1, 12), date(2025, 3, 1), notice_days=30)
    False
    >>> is_recorded_in_time(datetime(2025, 1, 30, 12), date(2025, 3, 1), notice_days=30)
    True
    """
    return set_at is None or notice_days == 0 or set_at.date() <= occurrence - timedelta(days=notice_days)


def award_birthday_bonus(user_id: int, *, config: ProgramConfig, channel: str = "",
                         now: datetime | None = None) -> BonusResult:
    """Credit the birthday bonus on the customer's birthday, once a year (key ``birthday:<user>:<year>``).

    Nothing (0 points, nothing written) on another day, without a birthday rule, for an excluded
    customer, or when the birthday was recorded fewer than ``config.birthday_notice_days`` before it.
    """
    now = now or timezone.now()
    rules = get_compiled_rules(config)
    snapshot = build_customer_snapshot(user_id, now=now, with_points=False)
    if snapshot.birthday is None or not is_birthday(snapshot.birthday, now.date()):
        return BonusResult(user_id, 0, False, ())
    state = CustomerLoyalty.objects.filter(user_id=user_id).only("birthday_set_at").first()
    set_at = None if state is None else state.birthday_set_at
    occurrence = get_occurrence(snapshot.birthday, now.year)
    if not is_recorded_in_time(set_at, occurrence, notice_days=config.birthday_notice_days):
        return BonusResult(user_id, 0, False, ("birthday-recorded-too-late",))
    bonus = calculate_event_bonus(
        BonusEvent.BIRTHDAY, snapshot, rules=rules.rules.earn_rules, terms=rules.terms, channel=channel, now=now
    )
    codes = tuple(part.code for part in bonus.breakdown)
    if bonus.points <= 0:
        return BonusResult(user_id, 0, False, codes)
    posted = points.credit_bonus(
        points.Owner.customer(user_id), f"birthday:{user_id}:{now.year}", points=bonus.points,
        reason="birthday bonus", system_code=SystemCode.BONUSES, expires_at=_expiry(config, now), now=now,
    )
    return BonusResult(user_id, posted.points, posted.created, codes)


def get_birthday_user_ids(day: date) -> list[int]:
    """Customers whose recorded birthday falls on ``day`` (29 February ones on 28 February in other years)."""
    matches = Q(birthday__month=day.month, birthday__day=day.day)
    if (day.month, day.day) == (2, 28) and get_occurrence(date(2000, 2, 29), day.year) == day:
        matches |= Q(birthday__month=2, birthday__day=29)
    return list(CustomerLoyalty.objects.filter(matches).order_by("user_id").values_list("user_id", flat=True))


def grant_birthday_bonuses(day: date, *, config: ProgramConfig) -> BirthdayRun:
    """The daily job: the birthday bonus for every customer whose birthday is ``day``.

    Each credit commits on its own under its idempotency key, so a run stopped half-way (a worker
    killed) is finished by the next one and a second run the same day books nothing. One
    customer's failure is logged and does not stop the others. Credited at noon of ``day`` in
    the shop's time zone, so the year and the day are the ones the customer celebrates.
    """
    moment = timezone.make_aware(datetime.combine(day, time(12)))
    due = get_birthday_user_ids(day)
    credited = already = skipped = 0
    for user_id in due:
        try:
            result = award_birthday_bonus(user_id, config=config, now=moment)
        except Exception:
            logger.exception("Birthday bonus for customer %s on %s failed; the next run retries", user_id, day)
            skipped += 1
            continue
        if result.points and result.created:
            credited += 1
        elif result.points:
            already += 1
        else:
            skipped += 1
    logger.info("Birthdays on %s: %s due, %s credited, %s credited before, %s skipped",
                day, len(due), credited, already, skipped)
    return BirthdayRun(day, len(due), credited, already, skipped)
