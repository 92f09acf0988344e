"""Rule use cases: validation reporting every problem, CRUD, the version stamp, CSV import."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from saleor_loyalty.exceptions import InvalidInput, NotFound, RuleInUse
from saleor_loyalty.models import CustomerLoyalty, NextPurchaseRule, PriceBreak, PriceList, PriceListEntry, Tier
from saleor_loyalty.services import rules

pytestmark = pytest.mark.django_db


def _fields(exc: pytest.ExceptionInfo[InvalidInput]) -> set[str | None]:
    return {field for field, _ in exc.value.problems}


def test_create_tier_reports_every_bad_field_at_once():
    # when
    with pytest.raises(InvalidInput) as exc:
        rules.create_tier({"name": "", "slug": "gold tier", "rank": "x", "metric": "weight", "threshold": "-1"})

    # then
    assert _fields(exc) == {"name", "slug", "rank", "metric", "threshold"}
    assert Tier.objects.count() == 0
    assert rules.get_rules_stamp().version == 0


def test_create_tier_reports_missing_and_unknown_fields():
    with pytest.raises(InvalidInput) as exc:
        rules.create_tier({"name": "Gold", "colour": "gold"})
    assert _fields(exc) == {"colour", "slug", "rank", "metric", "threshold"}


def test_engine_consistency_check_is_reported_with_its_field():
    with pytest.raises(InvalidInput) as exc:
        rules.create_tier({"name": "Old", "slug": "old", "rank": 1, "metric": "tenure", "threshold": "365", "window_days": 30})
    assert _fields(exc) == {"window_days"}


def test_tier_slug_and_rank_must_be_unique():
    rules.create_tier({"name": "Silver", "slug": "silver", "rank": 1, "metric": "spend", "threshold": "100"})
    with pytest.raises(InvalidInput) as exc:
        rules.create_tier({"name": "Silver 2", "slug": "silver", "rank": 1, "metric": "spend", "threshold": "200"})
    assert _fields(exc) == {"slug", "rank"}


def test_every_write_bumps_the_version_stamp():
    # given
    before = rules.get_rules_stamp()

    # when
    tier = rules.create_tier({"name": "Gold", "slug": "gold", "rank": 2, "metric": "spend", "threshold": "1000"})
    after_create = rules.get_rules_stamp()
    rules.update_tier(tier.pk, {"threshold": "1200"})
    after_update = rules.get_rules_stamp()

    # then
    assert (before.version, after_create.version, after_update.version) == (0, 1, 2)
    assert len({before.stamp, after_create.stamp, after_update.stamp}) == 3
    tier.refresh_from_db()
    assert tier.threshold == Decimal("1200")


def test_update_keeps_other_fields_and_unknown_id_is_not_found():
    tier = rules.create_tier({"name": "Gold", "slug": "gold", "rank": 2, "metric": "orders", "threshold": "10", "window_days": 365})
    rules.update_tier(tier.pk, {"name": "Golden"})
    tier.refresh_from_db()
    assert (tier.name, tier.window_days, tier.metric) == ("Golden", 365, "orders")
    with pytest.raises(NotFound):
        rules.update_tier(tier.pk + 100, {"name": "x"})


def test_delete_tier_held_by_a_customer_is_refused(customer: Any, now: Any):
    tier = rules.create_tier({"name": "Gold", "slug": "gold", "rank": 2, "metric": "spend", "threshold": "1"})
    CustomerLoyalty.objects.create(user=customer, tier=tier, tier_since=now)
    with pytest.raises(RuleInUse):
        rules.delete_tier(tier.pk)
    assert Tier.objects.filter(pk=tier.pk).exists()


def test_price_list_audience_checks(company: Any):
    # when: a company list without a company, and a company id on an EVERYONE list
    with pytest.raises(InvalidInput) as exc:
        rules.create_price_list({"name": "B2B", "currency": "EUR", "audience_kind": "company"})
    with pytest.raises(InvalidInput) as exc2:
        rules.create_price_list({"name": "All", "currency": "EUR", "company_id": company.pk})
    with pytest.raises(InvalidInput) as exc3:
        rules.create_price_list({"name": "B2B", "currency": "eur1", "audience_kind": "company", "company_id": 999999})

    # then
    assert _fields(exc) == {"target_id"}
    assert _fields(exc2) == {"company_id"}
    assert _fields(exc3) == {"currency", "company_id"}
    created = rules.create_price_list({"name": "B2B", "currency": "eur", "audience_kind": "company", "company_id": company.pk})
    assert (created.currency, created.company_id) == ("EUR", company.pk)


def test_price_list_entry_breaks_are_validated_per_break():
    price_list = rules.create_price_list({"name": "Volume", "currency": "EUR"})
    with pytest.raises(InvalidInput) as exc:
        rules.create_price_list_entry(
            price_list.pk,
            {
                "target_kind": "variant",
                "target_id": 5,
                "breaks": [
                    {"min_quantity": 0, "fixed_price": "1"},
                    {"min_quantity": 10, "fixed_price": "1", "percent_off": "5"},
                    {"min_quantity": 20, "percent_off": "150"},
                ],
            },
        )
    assert _fields(exc) == {"breaks[0].min_quantity", "breaks[1].fixed_price", "breaks[2].percent_off"}
    assert PriceListEntry.objects.count() == 0

    entry = rules.create_price_list_entry(
        price_list.pk,
        {"target_kind": "variant", "target_id": 5, "breaks": [{"min_quantity": 10, "fixed_price": "9.50"}, {"min_quantity": 1, "percent_off": "0.5"}]},
    )
    assert sorted(entry.breaks.values_list("min_quantity", flat=True)) == [1, 10]
    rules.update_price_list_entry(entry.pk, {"breaks": [{"min_quantity": 50, "fixed_price": "8"}]})
    assert list(entry.breaks.values_list("min_quantity", flat=True)) == [50]


def test_database_refuses_a_break_with_two_prices():
    price_list = rules.create_price_list({"name": "Volume", "currency": "EUR"})
    entry = rules.create_price_list_entry(
        price_list.pk, {"target_kind": "all", "breaks": [{"min_quantity": 1, "percent_off": "5"}]}
    )
    with pytest.raises(IntegrityError, match="loyalty_price_break_exactly_one_price"), transaction.atomic():
        PriceBreak.objects.filter(entry=entry).update(fixed_price=Decimal("1"))
    with pytest.raises(IntegrityError, match="loyalty_price_list_audience_matches_kind"), transaction.atomic():
        PriceList.objects.filter(pk=price_list.pk).update(audience_kind="company")


def test_earn_rule_kinds_are_checked_by_the_engine():
    with pytest.raises(InvalidInput) as exc:
        rules.create_earn_rule({"name": "Bonus", "kind": "product_bonus", "target_kind": "product", "target_id": 3})
    assert _fields(exc) == {"multiplier"}
    with pytest.raises(InvalidInput) as exc2:
        rules.create_earn_rule({"name": "Base", "kind": "base_rate", "points": 5})
    assert "points" in _fields(exc2)
    rule = rules.create_earn_rule({"name": "Double on bolts", "kind": "product_bonus", "target_kind": "product", "target_id": 3, "multiplier": "2"})
    assert rule.multiplier == Decimal("2")


def test_only_one_referral_program_is_active():
    rules.create_referral_program({"discount_kind": "percent", "discount_value": "10", "referrer_points": 500})
    with pytest.raises(InvalidInput) as exc:
        rules.create_referral_program({"discount_kind": "fixed", "discount_value": "5"})
    assert _fields(exc) == {"is_active", "currency"}


def test_next_purchase_and_gift_rules_round_trip():
    gift = rules.create_gift_rule({"name": "Mug", "threshold": "100", "currency": "EUR", "variant_id": 77})
    offer = rules.create_next_purchase_rule(
        {"name": "Come back", "min_amount": "50", "currency": "EUR", "discount_kind": "percent", "discount_value": "10", "valid_days": 30}
    )
    rules.delete_gift_rule(gift.pk)
    assert NextPurchaseRule.objects.filter(pk=offer.pk).exists()
    assert rules.get_rules_stamp().version == 3


# --- compiled rules cache -----------------------------------------------------------------


def test_compiled_rules_cost_one_query_when_nothing_changed(django_assert_num_queries: Any):
    # given
    from saleor_loyalty.config import ProgramConfig

    config = ProgramConfig()
    price_list = rules.create_price_list({"name": "Volume", "currency": "EUR"})
    for variant_id in range(1, 6):
        rules.create_price_list_entry(
            price_list.pk, {"target_kind": "variant", "target_id": variant_id, "breaks": [{"min_quantity": 10, "percent_off": "5"}]}
        )
    rules.forget_compiled_rules()
    first = rules.get_compiled_rules(config)

    # when / then
    with django_assert_num_queries(1):
        again = rules.get_compiled_rules(config)
    assert again is first
    rules.create_tier({"name": "Gold", "slug": "gold", "rank": 1, "metric": "spend", "threshold": "1", "price_list_id": price_list.pk})
    rebuilt = rules.get_compiled_rules(config)
    assert rebuilt is not first and len(rebuilt.tiers_by_id) == 1


def test_loading_rules_takes_constant_queries(django_assert_num_queries: Any):
    from django.test.utils import CaptureQueriesContext

    from saleor_loyalty.config import ProgramConfig

    def count_load() -> int:
        rules.forget_compiled_rules()
        with CaptureQueriesContext(connection) as queries:
            rules.get_compiled_rules(ProgramConfig())
        return len(queries)

    price_list = rules.create_price_list({"name": "Volume", "currency": "EUR"})
    rules.create_price_list_entry(price_list.pk, {"target_kind": "variant", "target_id": 1, "breaks": [{"min_quantity": 1, "percent_off": "5"}]})
    small = count_load()
    for index in range(2, 30):
        other = rules.create_price_list({"name": f"List {index}", "currency": "EUR"})
        rules.create_price_list_entry(other.pk, {"target_kind": "variant", "target_id": index, "breaks": [{"min_quantity": 1, "percent_off": "5"}, {"min_quantity": 5, "percent_off": "9"}]})
        rules.create_earn_rule({"name": f"Bonus {index}", "kind": "product_bonus", "target_kind": "product", "target_id": index, "points": 5})
    assert count_load() == small


def test_inactive_standing_price_list_is_dropped_from_the_tier():
    from saleor_loyalty.config import ProgramConfig

    price_list = rules.create_price_list({"name": "Gold card", "currency": "EUR", "is_active": False})
    tier = rules.create_tier({"name": "Gold", "slug": "gold", "rank": 1, "metric": "spend", "threshold": "1", "price_list_id": price_list.pk})
    compiled = rules.get_compiled_rules(ProgramConfig())
    assert compiled.tiers_by_id[tier.pk].price_list_id is None


# --- CSV import ---------------------------------------------------------------------------

SKUS = {"BOLT-M8": 11, "NUT-M8": 12}


def _resolve(skus: Any) -> dict[str, int]:
    return {sku: SKUS[sku] for sku in skus if sku in SKUS}


def test_csv_import_creates_entries_and_replaces_existing_targets():
    # given
    price_list = rules.create_price_list({"name": "Volume", "currency": "EUR"})
    rules.create_price_list_entry(price_list.pk, {"target_kind": "variant", "target_id": 11, "breaks": [{"min_quantity": 1, "fixed_price": "1"}]})
    csv_text = "sku,min_quantity,fixed_price,percent_off\nBOLT-M8,10,0.40,\nBOLT-M8,100,0.32,\n\nNUT-M8,50,,5\n"

    # when
    result = rules.import_price_list_csv(price_list.pk, csv_text, resolve_sku=_resolve)

    # then
    assert (result.entries_created, result.entries_replaced, result.breaks_written) == (1, 1, 3)
    bolt = PriceListEntry.objects.get(price_list=price_list, target_id=11)
    assert list(bolt.breaks.order_by("min_quantity").values_list("min_quantity", "fixed_price")) == [
        (10, Decimal("0.400")), (100, Decimal("0.320"))
    ]


def test_csv_import_with_a_bad_row_writes_nothing_and_names_every_row():
    price_list = rules.create_price_list({"name": "Volume", "currency": "EUR"})
    stamp = rules.get_rules_stamp()
    csv_text = (
        "sku,target_kind,target_id,min_quantity,fixed_price,percent_off\n"
        "BOLT-M8,,,10,0.40,\n"
        "NOPE,,,10,1,\n"
        ",category,4,x,1,\n"
        ",product,5,5,1,5\n"
        "BOLT-M8,,,10,0.30,\n"
    )
    with pytest.raises(InvalidInput) as exc:
        rules.import_price_list_csv(price_list.pk, csv_text, resolve_sku=_resolve)
    assert _fields(exc) == {"row 3.sku", "row 4.min_quantity", "row 5.fixed_price", "row 6.min_quantity"}
    assert PriceListEntry.objects.count() == 0
    assert rules.get_rules_stamp() == stamp


def test_csv_import_refuses_unknown_columns():
    price_list = rules.create_price_list({"name": "Volume", "currency": "EUR"})
    with pytest.raises(InvalidInput) as exc:
        rules.import_price_list_csv(price_list.pk, "sku,qty,price\nA,1,2\n", resolve_sku=_resolve)
    assert _fields(exc) == {"csv"}


def test_a_replacing_csv_import_deletes_the_other_entries_and_counts_them():
    # given a list with entries for variants 11, 13 and 14
    price_list = rules.create_price_list({"name": "Volume", "currency": "EUR"})
    for variant_id in (11, 13, 14):
        rules.create_price_list_entry(price_list.pk, {"target_kind": "variant", "target_id": variant_id,
                                                      "breaks": [{"min_quantity": 1, "fixed_price": "1"}]})

    # when a file naming only variant 11 replaces the list
    result = rules.import_price_list_csv(price_list.pk, "sku,min_quantity,fixed_price\nBOLT-M8,5,0.50\n",
                                         resolve_sku=_resolve, replace=True)

    # then one result type says what happened, and only the file's target is left
    assert result == rules.PriceListImport(price_list.pk, entries_created=1, entries_replaced=0,
                                           entries_deleted=3, breaks_written=1)
    assert list(PriceListEntry.objects.filter(price_list=price_list).values_list("target_id", flat=True)) == [11]


def test_a_refused_replacing_import_deletes_nothing():
    price_list = rules.create_price_list({"name": "Volume", "currency": "EUR"})
    rules.create_price_list_entry(price_list.pk, {"target_kind": "variant", "target_id": 13,
                                                  "breaks": [{"min_quantity": 1, "fixed_price": "1"}]})

    with pytest.raises(InvalidInput):
        rules.import_price_list_csv(price_list.pk, "sku,min_quantity,fixed_price\nNOPE,5,0.50\n",
                                    resolve_sku=_resolve, replace=True)

    assert list(PriceListEntry.objects.filter(price_list=price_list).values_list("target_id", flat=True)) == [13]
