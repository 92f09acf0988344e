"""Tiers, earn rules, gift rules and referral pages: the services' validation beside each field."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from saleor_loyalty.models import EarnRule, GiftRule, ReferralProgram, Tier

from .conftest import csrf_of

pytestmark = pytest.mark.django_db

TIER = {"name": "Gold", "slug": "gold", "rank": "2", "metric": "spend", "threshold": "500", "window_days": "365",
        "multiplier": "1.5", "grace_days": "30", "is_active": "on", "description": ""}


def post(client: Client, url: str, data: dict[str, str]) -> object:
    # Any page's token serves: tokens are minted per form but bound to the session.
    token = csrf_of(client.get("/console/tiers/new/").content.decode())
    return client.post(url, {**data, "csrf_token": token})


def test_create_edit_switch_off_and_delete_a_tier(console: Client) -> None:
    created = post(console, "/console/tiers/new/", TIER)
    tier = Tier.objects.get(slug="gold")
    assert created.status_code == 303 and created["Location"] == f"/console/tiers/{tier.pk}/?notice=created"
    assert (tier.threshold, tier.multiplier, tier.window_days, tier.grace_days) == (Decimal("500"), Decimal("1.5"), 365, 30)
    post(console, f"/console/tiers/{tier.pk}/", {**TIER, "threshold": "750"})
    tier.refresh_from_db()
    assert tier.threshold == Decimal("750")
    post(console, f"/console/tiers/{tier.pk}/switch-off/", {})
    tier.refresh_from_db()
    assert tier.is_active is False
    post(console, f"/console/tiers/{tier.pk}/delete/", {})
    assert not Tier.objects.filter(pk=tier.pk).exists()


def test_tier_errors_are_shown_beside_their_fields_and_nothing_is_saved(console: Client) -> None:
    response = post(console, "/console/tiers/new/", {**TIER, "slug": "not a slug", "threshold": "-1", "metric": "tenure"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "data-field=\"slug\">may contain only letters, digits, &#x27;-&#x27; and &#x27;_&#x27;" in html
    assert 'data-field="threshold">must be &gt;= 0' in html
    assert "Error code: INVALID" in html
    assert not Tier.objects.exists()


def test_a_duplicate_rank_is_refused_by_the_service(console: Client) -> None:
    post(console, "/console/tiers/new/", TIER)
    response = post(console, "/console/tiers/new/", {**TIER, "slug": "gold2", "name": "Gold 2"})
    assert 'data-field="rank">' in response.content.decode()
    assert Tier.objects.count() == 1


def test_earn_rule_kind_needs_its_field(console: Client) -> None:
    response = post(console, "/console/earn-rules/new/", {"name": "Base", "kind": "base_rate", "is_active": "on"})
    assert response.status_code == 400
    assert not EarnRule.objects.exists()
    post(console, "/console/earn-rules/new/", {"name": "Base", "kind": "base_rate", "points_per_unit": "1", "is_active": "on"})
    assert EarnRule.objects.get().points_per_unit == Decimal("1")


def test_gift_rule_audience_must_name_its_target(console: Client) -> None:
    gift = {"name": "Tote", "threshold": "100", "currency": "USD", "variant_id": "7", "quantity": "1", "priority": "0",
            "audience_kind": "company", "is_active": "on"}
    response = post(console, "/console/gift-rules/new/", gift)
    assert response.status_code == 400
    assert not GiftRule.objects.exists()
    post(console, "/console/gift-rules/new/", {**gift, "audience_kind": "everyone"})
    assert GiftRule.objects.get().variant_id == 7


def test_gift_rule_choice_set_is_edited_as_lines(console: Client) -> None:
    # given: a rule offering the tote (7), two pens (8) or a cap (9, also a default), two picks
    gift = {"name": "Pick two", "threshold": "100", "currency": "USD", "variant_id": "7", "quantity": "1",
            "priority": "0", "audience_kind": "everyone", "is_active": "on", "choose": "2", "ladder": "summer",
            "options": "8 x 2\n9 default\n"}

    # when
    created = post(console, "/console/gift-rules/new/", gift)

    # then
    rule = GiftRule.objects.get()
    assert created.status_code == 303
    assert (rule.choose, rule.ladder) == (2, "summer")
    assert rule.options == [{"variant_id": 8, "quantity": 2, "is_default": False},
                            {"variant_id": 9, "quantity": 1, "is_default": True}]
    form = console.get(f"/console/gift-rules/{rule.pk}/").content.decode()
    assert "8 x 2\n9 default</textarea>" in form

    # when: a line names the gift variant again, and three defaults exceed two picks
    again = post(console, f"/console/gift-rules/{rule.pk}/", {**gift, "options": "7\n"})
    too_many = post(console, f"/console/gift-rules/{rule.pk}/", {**gift, "options": "8 default\n9 default"})
    bad_line = post(console, f"/console/gift-rules/{rule.pk}/", {**gift, "options": "eight"})

    # then: refused beside the field, nothing changed
    for response in (again, too_many, bad_line):
        assert response.status_code == 400
        assert 'data-field="options">' in response.content.decode()
    rule.refresh_from_db()
    assert len(rule.options) == 2


def test_referral_settings_are_created_then_edited(console: Client) -> None:
    settings = {"discount_kind": "percent", "discount_value": "10", "referee_min_spend": "0", "referrer_points": "200",
                "qualifying_min_amount": "20", "currency": "USD", "is_active": "on"}
    bad = post(console, "/console/referral/", {**settings, "discount_value": "150"})
    assert bad.status_code == 400 and not ReferralProgram.objects.exists()
    post(console, "/console/referral/", settings)
    post(console, "/console/referral/", {**settings, "referrer_points": "300"})
    program = ReferralProgram.objects.get()
    assert (program.discount_value, program.referrer_points) == (Decimal("10"), 300)
