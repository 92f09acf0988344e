"""Rule use cases: create, update and delete each rule kind (tiers, price lists, earn and gift
rules, the referral program, next-purchase rules).

Every write validates the whole input first and reports every problem at once
(``InvalidInput.problems``: ``[(field, message), ...]``): each field's shape
(``rules.fields``), then references and uniqueness, then the engine's own checks by building the
engine rule object (``rules.loader``). Nothing is written unless everything passes. A write
bumps the ``RulesVersion`` stamp in the same transaction (``rules.versions``).

Inputs are mappings of field names to values, the names of the engine's rule objects; foreign
keys are given as ``<name>_id``. Results are the saved rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from ...engine import bounds
from ...engine import rules as engine
from ...engine.errors import EngineError
from ...exceptions import NotFound, RuleInUse
from ...models import Company, EarnRule, GiftRule, NextPurchaseRule, PriceList, ReferralProgram, Tier
from . import fields as f
from . import loader as rule_loader
from .fields import Problems, raise_problems
from .versions import bump_rules_version

Row = TypeVar("Row", bound=models.Model)

_AUDIENCE_FIELDS: dict[str, f.Parser] = {
    "audience_kind": f.choice(engine.AudienceKind),
    "customer_type_id": f.optional(f.integer(bounds.ROW_ID)),
    "company_id": f.optional(f.integer(bounds.ROW_ID)),
    "tier_id": f.optional(f.integer(bounds.ROW_ID)),
    "user_id": f.optional(f.integer(bounds.ROW_ID)),
}
_WINDOW_FIELDS: dict[str, f.Parser] = {
    "valid_from": f.optional(f.aware_datetime),
    "valid_until": f.optional(f.aware_datetime),
    "channel": f.optional(f.channel),
    "is_active": f.boolean,
}
_ID = f.optional(f.integer(bounds.ROW_ID))
_RANK = f.integer(bounds.SIGNED)


@dataclass(frozen=True)
class RuleKind:
    """How to validate and save one kind of rule row."""

    model: type[models.Model]
    fields: Mapping[str, f.Parser]
    required: frozenset[str]
    to_engine: Callable[[Any], object]
    # <field>_id -> the model whose row it must name.
    references: Mapping[str, type[models.Model]] = field(default_factory=dict)
    # Fields no other row may share (checked here; UNIQUE constraints back them).
    unique: tuple[str, ...] = ()


def _user_model() -> type[models.Model]:
    from django.contrib.auth import get_user_model

    return get_user_model()


TIER = RuleKind(
    Tier,
    {
        "name": f.text(100), "slug": f.slug, "rank": _RANK, "metric": f.choice(engine.TierMetric),
        "threshold": f.decimal(bounds.MONEY), "window_days": f.optional(f.integer(bounds.DAYS)),
        "multiplier": f.decimal(bounds.RATE), "price_list_id": _ID, "gift_eligible": f.boolean,
        "grace_days": f.integer(bounds.DAYS_OR_ZERO), "description": f.free_text, "is_active": f.boolean,
    },
    frozenset({"name", "slug", "rank", "metric", "threshold"}),
    rule_loader.to_tier,
    references={"price_list_id": PriceList},
    unique=("slug", "rank"),
)
PRICE_LIST = RuleKind(
    PriceList,
    {"name": f.text(255), "currency": f.currency, "priority": _RANK, **_AUDIENCE_FIELDS, **_WINDOW_FIELDS},
    frozenset({"name", "currency"}),
    rule_loader.to_price_list,
    references={"company_id": Company, "tier_id": Tier},
)
EARN_RULE = RuleKind(
    EarnRule,
    {
        "name": f.text(255), "kind": f.choice(engine.EarnRuleKind),
        "points_per_unit": f.optional(f.decimal(bounds.RATE)), "multiplier": f.optional(f.decimal(bounds.RATE)),
        "points": f.optional(f.integer(bounds.POSITIVE_COUNT)), "max_points": f.optional(f.integer(bounds.COUNT)),
        "target_kind": f.optional(f.choice(engine.TargetKind)), "target_id": _ID,
        "customer_type_id": _ID, "tier_id": _ID, "currency": f.optional(f.currency), **_WINDOW_FIELDS,
    },
    frozenset({"name", "kind"}),
    rule_loader.to_earn_rule,
    references={"tier_id": Tier},
)
GIFT_RULE = RuleKind(
    GiftRule,
    {
        "name": f.text(255), "threshold": f.decimal(bounds.MONEY), "currency": f.currency,
        "variant_id": f.integer(bounds.ROW_ID), "quantity": f.integer(bounds.POSITIVE_COUNT),
        "requires_gift_eligibility": f.boolean, "priority": _RANK, **_AUDIENCE_FIELDS, **_WINDOW_FIELDS,
        "options": f.gift_options, "choose": f.integer(bounds.GIFT_CHOOSE), "ladder": f.optional(f.text(bounds.MAX_LADDER_LENGTH)),
    },
    frozenset({"name", "threshold", "currency", "variant_id"}),
    rule_loader.to_gift_rule,
    references={"company_id": Company, "tier_id": Tier},
)
REFERRAL_PROGRAM = RuleKind(
    ReferralProgram,
    {
        "discount_kind": f.choice(engine.DiscountKind), "discount_value": f.decimal(bounds.MONEY),
        "referrer_points": f.integer(bounds.COUNT), "referee_min_spend": f.decimal(bounds.MONEY),
        "qualifying_min_amount": f.decimal(bounds.MONEY), "max_rewards_per_referrer": f.optional(f.integer(bounds.COUNT)), "period_days": f.optional(f.integer(bounds.DAYS)),
        "currency": f.optional(f.currency), "is_active": f.boolean,
    },
    frozenset({"discount_kind", "discount_value"}),
    rule_loader.to_referral_terms,
)
NEXT_PURCHASE_RULE = RuleKind(
    NextPurchaseRule,
    {
        "name": f.text(255), "min_amount": f.decimal(bounds.MONEY), "currency": f.currency,
        "discount_kind": f.choice(engine.DiscountKind), "discount_value": f.decimal(bounds.MONEY),
        "valid_days": f.integer(bounds.DAYS), **_WINDOW_FIELDS,
    },
    frozenset({"name", "min_amount", "currency", "discount_kind", "discount_value", "valid_days"}),
    rule_loader.to_next_purchase_rule,
)


# --- generic create / update / delete -------------------------------------------------------


def _parse(kind: RuleKind, values: Mapping[str, Any], *, creating: bool) -> tuple[dict[str, Any], Problems]:
    parsed: dict[str, Any] = {}
    problems: Problems = []
    for name, raw in values.items():
        parser = kind.fields.get(name)
        if parser is None:
            problems.append((name, f"{name}: unknown field"))
            continue
        try:
            parsed[name] = parser(raw)
        except ValueError as exc:
            problems.append((name, f"{name}: {exc}"))
    if creating:
        problems.extend((name, f"{name}: is required") for name in sorted(kind.required - values.keys()))
    return parsed, problems


def _check_row(kind: RuleKind, row: models.Model, parsed: Mapping[str, Any], *, fields_ok: bool) -> Problems:
    """References and uniqueness of the parsed values; then, if every field parsed
    (``fields_ok``), the engine's checks on the whole row."""
    problems: Problems = []
    references = {**kind.references, "user_id": _user_model()} if "user_id" in kind.fields else kind.references
    for name, target in references.items():
        value = parsed.get(name)
        if value is not None and not target.objects.filter(pk=value).exists():
            problems.append((name, f"{name}: no {target._meta.verbose_name} with id {value}"))
    for name in kind.unique:
        others = kind.model.objects.filter(**{name: getattr(row, name)}).exclude(pk=row.pk)
        if name in parsed and others.exists():
            problems.append((name, f"{name}: {getattr(row, name)!r} is already used by another rule"))
    if not fields_ok:
        return problems  # the row holds unparsed values: the checks below would misreport
    if "audience_kind" in kind.fields:
        problems.extend(_check_audience_columns(row))
    if isinstance(row, ReferralProgram) and row.is_active:
        if ReferralProgram.objects.filter(is_active=True).exclude(pk=row.pk).exists():
            problems.append(("is_active", "is_active: another referral program is active; deactivate it first"))
    try:
        kind.to_engine(row)
    except EngineError as exc:
        problems.append((exc.field, exc.message))
    return problems


_AUDIENCE_COLUMNS = {
    engine.AudienceKind.CUSTOMER_TYPE.value: "customer_type_id",
    engine.AudienceKind.COMPANY.value: "company_id",
    engine.AudienceKind.TIER.value: "tier_id",
    engine.AudienceKind.CUSTOMER.value: "user_id",
}


def _check_audience_columns(row: Any) -> Problems:
    """Only the audience kind's own target column may be set (the engine sees just that one)."""
    wanted = _AUDIENCE_COLUMNS.get(row.audience_kind)
    return [
        (column, f"{column}: must be empty for audience kind {row.audience_kind}")
        for column in _AUDIENCE_COLUMNS.values()
        if column != wanted and getattr(row, column) is not None
    ]


def _save(kind: RuleKind, row: Row, values: Mapping[str, Any], *, creating: bool, now: datetime | None) -> Row:
    parsed, problems = _parse(kind, values, creating=creating)
    for name, value in parsed.items():
        setattr(row, name, value)
    problems.extend(_check_row(kind, row, parsed, fields_ok=not problems))
    raise_problems(problems)
    moment = now or timezone.now()
    row.updated_at = moment  # type: ignore[attr-defined]
    if creating:
        row.created_at = moment  # type: ignore[attr-defined]
    with transaction.atomic():
        row.save()
        bump_rules_version(now=moment)
    return row


def _get(kind: RuleKind, pk: int) -> Any:
    row = kind.model.objects.filter(pk=pk).first()
    if row is None:
        raise NotFound(f"no {kind.model._meta.verbose_name} with id {pk}", field="id")
    return row


def _delete(kind: RuleKind, pk: int) -> None:
    row = _get(kind, pk)
    try:
        with transaction.atomic():
            row.delete()
            bump_rules_version()
    except ProtectedError as exc:
        users = sorted({type(obj)._meta.verbose_name for obj in exc.protected_objects})
        raise RuleInUse(
            f"{kind.model._meta.verbose_name} {pk} is still used by: {', '.join(users)}; deactivate it instead"
        ) from exc


def create_tier(values: Mapping[str, Any], *, now: datetime | None = None) -> Tier:
    """Create a tier from ``values`` (engine ``Tier`` field names plus slug and description)."""
    return _save(TIER, Tier(), values, creating=True, now=now)


def update_tier(tier_id: int, values: Mapping[str, Any], *, now: datetime | None = None) -> Tier:
    """Change the given fields of a tier; the others keep their values."""
    return _save(TIER, _get(TIER, tier_id), values, creating=False, now=now)


def delete_tier(tier_id: int) -> None:
    """Delete a tier; refused with ``RuleInUse`` while customers or rules refer to it."""
    _delete(TIER, tier_id)


def create_price_list(values: Mapping[str, Any], *, now: datetime | None = None) -> PriceList:
    """Create a price list (no entries yet): name, currency, audience, channel, window, priority."""
    return _save(PRICE_LIST, PriceList(), values, creating=True, now=now)


def update_price_list(price_list_id: int, values: Mapping[str, Any], *, now: datetime | None = None) -> PriceList:
    """Change the given fields of a price list."""
    return _save(PRICE_LIST, _get(PRICE_LIST, price_list_id), values, creating=False, now=now)


def delete_price_list(price_list_id: int) -> None:
    """Delete a price list with its entries; refused while a tier uses it as its standing discount."""
    _delete(PRICE_LIST, price_list_id)


def create_earn_rule(values: Mapping[str, Any], *, now: datetime | None = None) -> EarnRule:
    """Create an earn rule; ``kind`` decides which optional fields it needs (see docs/rules.md)."""
    return _save(EARN_RULE, EarnRule(), values, creating=True, now=now)


def update_earn_rule(rule_id: int, values: Mapping[str, Any], *, now: datetime | None = None) -> EarnRule:
    """Change the given fields of an earn rule."""
    return _save(EARN_RULE, _get(EARN_RULE, rule_id), values, creating=False, now=now)


def delete_earn_rule(rule_id: int) -> None:
    """Delete an earn rule."""
    _delete(EARN_RULE, rule_id)


def create_gift_rule(values: Mapping[str, Any], *, now: datetime | None = None) -> GiftRule:
    """Create a gift rule: a free ``variant_id`` once the subtotal reaches ``threshold``; with
    ``options`` (``[{variant_id, quantity, is_default}]``) and ``choose``, a choice of gifts;
    ``ladder`` names the ladder the rule is a rung of."""
    return _save(GIFT_RULE, GiftRule(), values, creating=True, now=now)


def update_gift_rule(rule_id: int, values: Mapping[str, Any], *, now: datetime | None = None) -> GiftRule:
    """Change the given fields of a gift rule."""
    return _save(GIFT_RULE, _get(GIFT_RULE, rule_id), values, creating=False, now=now)


def delete_gift_rule(rule_id: int) -> None:
    """Delete a gift rule."""
    _delete(GIFT_RULE, rule_id)


def create_referral_program(values: Mapping[str, Any], *, now: datetime | None = None) -> ReferralProgram:
    """Create the referral terms; refused while another program is active."""
    return _save(REFERRAL_PROGRAM, ReferralProgram(), values, creating=True, now=now)


def update_referral_program(
    program_id: int, values: Mapping[str, Any], *, now: datetime | None = None
) -> ReferralProgram:
    """Change the given fields of the referral terms."""
    return _save(REFERRAL_PROGRAM, _get(REFERRAL_PROGRAM, program_id), values, creating=False, now=now)


def create_next_purchase_rule(values: Mapping[str, Any], *, now: datetime | None = None) -> NextPurchaseRule:
    """Create a next-purchase rule: an order of ``min_amount`` earns a discount for ``valid_days``."""
    return _save(NEXT_PURCHASE_RULE, NextPurchaseRule(), values, creating=True, now=now)
