"""The backtest: replaying orders through two rule sets, on a dataset checked by hand.

Rules (point value 0.01 in both):
    current    1 point per 1.00, no tiers, no gifts
    candidate  1 point per 1.00; Silver at 100.00 spend over 365 days: 10 % off every line
               (price list 1) and points x2; a gift of variant 9 (valued 5.00) from 50.00

Orders, March 2025 (customer 1 signed in, the last one a guest):
    o1 03-01  1 x v1 at 60.00   current 60 pts | candidate: no tier, 60 pts, gift (60 >= 50)
    o2 03-02  2 x v2 at 25.00   current 50 pts | candidate: no tier, 50 pts, gift; spend 110 -> Silver
    o3 03-03  1 x v1 at 60.00   current 60 pts | candidate: Silver 54.00 (discount 6.00), 108 pts, gift
    o4 03-04  1 x v1 at 40.00   guest: no points under either; no gift (40 < 50)

    current:   points 170, liability 1.70, paid 210.00, no discount, no gift, nobody in a tier
    candidate: points 60 + 50 + 108 = 218, liability 2.18, paid 60 + 50 + 54 + 40 = 204.00,
               tier-price discount 6.00, 3 gifts = 15.00, 1 upgrade, Silver 1
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.exceptions import InvalidInput
from saleor_loyalty.services.backtest import CsvOrderSource, parse_rule_set, run_backtest
from saleor_loyalty.services.metrics import parse_period

D = Decimal
MARCH = parse_period("2025-03")
HEADER = "order_id,placed_at,customer_id,email,channel,currency,variant_id,product_id,category_ids,quantity,unit_price\n"
ORDERS = HEADER + (
    "o1,2025-03-01T10:00:00+00:00,1,a@example.com,web,EUR,1,10,5,1,60.00\n"
    "o2,2025-03-02T10:00:00+00:00,1,a@example.com,web,EUR,2,20,5,2,25.00\n"
    "o3,2025-03-03T10:00:00+00:00,1,a@example.com,web,EUR,1,10,5,1,60.00\n"
    "o4,2025-03-04T10:00:00+00:00,,guest@example.com,web,EUR,1,10,5,1,40.00\n"
)
CURRENT: dict[str, Any] = {"version": "current", "terms": {"points_per_unit": "1", "point_value": "0.01"}}
CANDIDATE: dict[str, Any] = {
    "version": "candidate",
    "terms": {"points_per_unit": "1", "point_value": "0.01"},
    "tiers": [{"id": 1, "name": "Silver", "rank": 1, "metric": "spend", "threshold": "100", "window_days": 365,
               "multiplier": "2", "price_list_id": 1}],
    "price_lists": [{"id": 1, "name": "Silver prices", "audience": {"kind": "tier", "target_id": 1}, "currency": "EUR",
                     "entries": [{"id": 1, "target_kind": "all", "target_id": None,
                                  "breaks": [{"min_quantity": 1, "percent_off": "10"}]}]}],
    "gift_rules": [{"id": 1, "name": "Mug", "audience": {"kind": "everyone"}, "threshold": "50", "currency": "EUR",
                    "variant_id": 9}],
    "variant_prices": {"9": "5.00"},
}


def backtest(csv_text: str = ORDERS, **options: Any) -> Any:
    current, _ = parse_rule_set(CURRENT)
    candidate, prices = parse_rule_set(CANDIDATE)
    source = CsvOrderSource(stream=io.StringIO(csv_text))
    return run_backtest(source, MARCH, current=current, candidate=candidate, variant_prices=prices, **options)


def test_both_rule_sets_match_the_hand_computed_figures() -> None:
    report = backtest()

    current, candidate = report.current, report.candidate
    assert (report.orders, report.currency, report.warmup_days) == (4, "EUR", 365)
    assert (current.points_issued, current.liability, current.goods_paid) == (170, D("1.70"), D("210.00"))
    assert (current.tier_price_discount, current.gift_units, current.tier_distribution) == (D("0"), 0, (("", 1),))
    assert (candidate.points_issued, candidate.liability, candidate.goods_paid) == (218, D("2.18"), D("204.00"))
    assert (candidate.tier_price_discount, candidate.gift_units, candidate.gift_cost) == (D("6.00"), 3, D("15.00"))
    assert (candidate.discount_cost, candidate.upgrades, candidate.tier_distribution) == (D("21.00"), 1, (("Silver", 1),))
    assert candidate.members == current.members == 1


def test_warm_up_orders_build_tiers_but_are_not_counted() -> None:
    # given: in February customer 1 spent 150.00, so the candidate's Silver applies from o1 on
    february = "o0,2025-02-01T10:00:00+00:00,1,,web,EUR,3,30,5,1,150.00\n"
    csv_text = HEADER + february + ORDERS.split("\n", 1)[1]

    # when
    candidate = backtest(csv_text).candidate

    # then: o1 54.00 (108 pts), o2 45.00 (90 pts, and 45 < 50: no gift), o3 54.00 (108 pts)
    assert (candidate.points_issued, candidate.tier_price_discount) == (306, D("17.00"))
    assert (candidate.gift_units, candidate.upgrades) == (2, 0)


def test_without_warm_up_the_february_order_is_not_even_read() -> None:
    february = "o0,2025-02-01T10:00:00+00:00,1,,web,EUR,3,30,5,1,150.00\n"

    report = backtest(HEADER + february + ORDERS.split("\n", 1)[1], warmup_days=0)

    assert (report.warmup_orders, report.candidate.points_issued) == (0, 218)


def test_gifts_of_unknown_variants_are_valued_at_the_last_price_seen_or_counted_unpriced() -> None:
    current, _ = parse_rule_set(CURRENT)
    candidate, _ = parse_rule_set({**CANDIDATE, "variant_prices": {}})
    gift_seen = ORDERS + "o5,2025-03-05T10:00:00+00:00,,,web,EUR,9,90,5,1,7.50\n"

    report = run_backtest(CsvOrderSource(stream=io.StringIO(gift_seen)), MARCH, current=current, candidate=candidate)

    # v9 was sold at 7.50 only in o5: the three earlier gifts were unpriced when they happened
    assert (report.candidate.gift_units, report.candidate.unpriced_gift_units, report.candidate.gift_cost) == (
        3, 3, D("0"))


def test_orders_in_two_currencies_are_refused() -> None:
    usd = ORDERS + "o5,2025-03-05T10:00:00+00:00,,,us,USD,1,10,5,1,40.00\n"

    with pytest.raises(InvalidInput, match="orders in EUR and USD"):
        backtest(usd)


def test_several_processes_give_exactly_the_single_process_figures(tmp_path: Any) -> None:
    # given: 60 orders of 7 customers and guests, written to a file (processes read it themselves)
    rows = [HEADER.strip()]
    for index in range(60):
        customer = "" if index % 5 == 0 else str(index % 7 + 1)
        rows.append(f"o{index},2025-03-{index % 28 + 1:02d}T{index % 24:02d}:00:00+00:00,{customer},,web,EUR,"
                    f"{index % 3 + 1},{index % 3 + 10},5,{index % 4 + 1},{20 + index}.50")
    rows[1:] = sorted(rows[1:], key=lambda row: row.split(",")[1])
    path = tmp_path / "orders.csv"
    path.write_text("\n".join(rows) + "\n")
    current, _ = parse_rule_set(CURRENT)
    candidate, prices = parse_rule_set(CANDIDATE)

    def run(workers: int) -> Any:
        return run_backtest(CsvOrderSource(path), MARCH, current=current, candidate=candidate,
                            variant_prices=prices, workers=workers)

    # when
    one, two = run(1), run(2)

    # then
    assert (two.current, two.candidate, two.orders) == (one.current, one.candidate, one.orders)
    assert one.candidate.upgrades > 0 and one.candidate.gift_units > 0


def test_several_processes_are_refused_inside_a_transaction(db: None, tmp_path: Any) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS)
    current, _ = parse_rule_set(CURRENT)

    with pytest.raises(InvalidInput, match="inside a database transaction"):
        run_backtest(CsvOrderSource(path), MARCH, current=current, candidate=current, workers=2)


def test_a_naive_datetime_in_the_rules_is_refused() -> None:
    with pytest.raises(InvalidInput, match="valid_from: must be an aware datetime"):
        parse_rule_set({"gift_rules": [{**CANDIDATE["gift_rules"][0], "valid_from": "2025-01-01T00:00:00"}]})


def test_every_problem_of_a_rule_file_is_reported_with_its_path() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_rule_set({
            "tiers": [{"id": 1, "name": "S", "rank": 1, "metric": "spendy", "threshold": "x"}, {"id": 2}],
            "earn_rules": [{"id": 1, "name": "b", "kind": "base_rate", "colour": "red"}],
            "bogus": 1,
            "variant_prices": {"nine": "1"},
        })

    paths = [path for path, _ in caught.value.problems]
    assert paths == [None, "tiers[0].metric", "tiers[0].threshold", "tiers[1].name", "tiers[1].rank",
                     "tiers[1].metric", "tiers[1].threshold", "earn_rules[0]", "variant_prices"]
    assert "unknown field(s) colour" in caught.value.message


def test_the_engine_checks_run_on_the_candidate_rules() -> None:
    with pytest.raises(InvalidInput, match="tier 1 names unknown price list 7"):
        parse_rule_set({"tiers": [{**CANDIDATE["tiers"][0], "price_list_id": 7}]})


def test_a_parsed_rule_set_is_the_engines_own() -> None:
    from saleor_loyalty.engine.rules import AudienceKind, RuleSet, TierMetric

    rules, prices = parse_rule_set(CANDIDATE)

    assert isinstance(rules, RuleSet) and rules.version == "candidate"
    assert rules.tiers[0].metric is TierMetric.SPEND and rules.tiers[0].threshold == D("100")
    assert rules.price_lists[0].audience.kind is AudienceKind.TIER
    assert prices == {9: D("5.00")}
