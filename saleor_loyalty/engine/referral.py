"""Referrals: the referee's first-order discount, the self-referral check, the referrer's reward.

The engine decides; the service records (referral codes, uses, rewards) and counts how many
rewards a referrer got in ``ReferralTerms.period_days``. Each function takes the compiled rule
set so a program with referrals switched off (``ProgramTerms.referrals_enabled``) or without
referral terms answers "off" with its reason instead of raising.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .compiled import CompiledRuleSet
from .money import quantize
from .rules import DiscountKind, ReferralTerms
from .outcomes import RefereeDiscount, ReferralCheck, ReferralDecision, ReferrerReward
from .values import CustomerSnapshot, ReferralParty

HUNDRED = Decimal("100")
_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def normalize_email(email: str) -> str:
    """The address a person's aliases share: lower case, no ``+tag``, and for Gmail no dots.

    googlemail.com is the same mailbox as gmail.com, so it is folded into it.

    >>> normalize_email(" John.Smith+shop@GoogleMail.com ")
    'johnsmith@gmail.com'
    >>> normalize_email("j.smith+a@example.com")
    'j.smith@example.com'
    """
    local, _, domain = email.strip().lower().rpartition("@")
    if not local:
        return email.strip().lower()
    local = local.split("+", 1)[0]
    if domain in _GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def _terms(rules: CompiledRuleSet) -> ReferralTerms | None:
    if not rules.terms.referrals_enabled:
        return None
    return rules.rules.referral


def calculate_referee_discount(subtotal: Decimal, rules: CompiledRuleSet, *, currency: str) -> RefereeDiscount:
    """The referee's discount on goods worth ``subtotal`` (after tier prices), rounded once.

    Worked example: 10 % off, minimum spend 50.00 EUR; subtotal 84.95 -> 8.495 -> 8.50 (half up).
    Subtotal 45.00 -> 0.00, code ``referral:below-min-spend=50.00``. A fixed discount never
    exceeds the subtotal.
    """
    terms = _terms(rules)
    zero = quantize(Decimal(0), currency)
    if terms is None:
        return RefereeDiscount(zero, currency, "referral:off")
    if terms.currency is not None and terms.currency != currency:
        return RefereeDiscount(zero, currency, f"referral:currency={terms.currency}")
    if subtotal <= 0 or subtotal < terms.referee_min_spend:
        return RefereeDiscount(zero, currency, f"referral:below-min-spend={terms.referee_min_spend}")
    if terms.discount_kind is DiscountKind.PERCENT:
        amount = (subtotal * terms.discount_value / HUNDRED).quantize(zero, rounding=ROUND_HALF_UP)
        return RefereeDiscount(amount, currency, f"referral:percent={terms.discount_value}", terms.discount_value)
    amount = quantize(min(terms.discount_value, subtotal), currency)
    return RefereeDiscount(amount, currency, f"referral:fixed={terms.discount_value}")


def check_referral_use(referrer: ReferralParty, referee: CustomerSnapshot, rules: CompiledRuleSet) -> ReferralDecision:
    """May ``referee`` use ``referrer``'s code? Checks in order, first refusal wins:

    program off; the same user; the same email (case-insensitive); the same normalized email
    (``normalize_email``); the same company (a company referring itself); the referee has
    already ordered (the discount is for a first order).
    """
    if _terms(rules) is None:
        return ReferralDecision(ReferralCheck.PROGRAM_OFF)
    if referee.user_id is not None and referee.user_id == referrer.user_id:
        return ReferralDecision(ReferralCheck.SAME_USER)
    if referee.email and referrer.email:
        if referee.email.strip().lower() == referrer.email.strip().lower():
            return ReferralDecision(ReferralCheck.SAME_EMAIL)
        if normalize_email(referee.email) == normalize_email(referrer.email):
            return ReferralDecision(ReferralCheck.SAME_NORMALIZED_EMAIL)
    if referee.company_id is not None and referee.company_id == referrer.company_id:
        return ReferralDecision(ReferralCheck.SAME_COMPANY)
    if referee.orders_count > 0:
        return ReferralDecision(ReferralCheck.NOT_FIRST_ORDER)
    return ReferralDecision(ReferralCheck.OK)


def decide_referrer_reward(
    order_total: Decimal,
    rules: CompiledRuleSet,
    *,
    currency: str,
    is_first_paid_order: bool,
    rewards_in_period: int,
) -> ReferrerReward:
    """Points for the referrer when the referee's order qualifies, else 0 with the reason.

    Qualifies: it is the referee's first paid order, in the terms' currency, of at least
    ``qualifying_min_amount``, and the referrer got fewer than ``max_rewards_per_referrer``
    rewards in the last ``period_days`` (``rewards_in_period``, counted by the service).
    """
    terms = _terms(rules)
    if terms is None:
        return ReferrerReward(0, "referral:off")
    if not is_first_paid_order:
        return ReferrerReward(0, "referral:not-first-paid-order")
    if terms.currency is not None and terms.currency != currency:
        return ReferrerReward(0, f"referral:currency={terms.currency}")
    if order_total < terms.qualifying_min_amount:
        return ReferrerReward(0, f"referral:below-min={terms.qualifying_min_amount}")
    if terms.max_rewards_per_referrer is not None and rewards_in_period >= terms.max_rewards_per_referrer:
        period = terms.period_days if terms.period_days is not None else "all"
        return ReferrerReward(0, f"referral:limit={terms.max_rewards_per_referrer};period={period}")
    return ReferrerReward(terms.referrer_points, f"referral:reward={terms.referrer_points}")
