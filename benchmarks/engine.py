"""Benchmark the pure engine: quote a cart against a compiled rule set and print figures.

    python3 benchmarks/engine.py            # the full run (about half a minute)
    python3 benchmarks/engine.py --quick    # fewer repeats

Target: a 100-line cart against 10,000 price-list entries quotes in <= 2 ms once the rule set
is compiled. The run also shows how the time grows with the lines in the cart (10/100/1000 at
10,000 entries) and with the entries in the rule set (1k/10k/100k at 100 lines).

The rule set is built to be realistic and unkind: 20 price lists for every audience kind (the
buyer is in half of them), entries split 60/30/10 over variants, products and categories, 3
quantity breaks each, every cart line hit by several entries; plus earn rules of every order
kind, gift rules and tiers. Only ``quote_cart`` is timed, in CPU time (``time.process_time``,
so other processes on a shared machine do not count), as the best and the median of several
samples; the verdict reads the median. A fixed pure-Python calibration loop is timed the same
way and printed, and every figure is also given as a ratio to it, so figures taken on different
(or differently loaded) machines can be compared. On a loaded machine the ratio still drifts
(a quote touches more memory than the loop); ``valgrind --tool=callgrind`` instruction counts
are the repeatable measure (docs/rules.md, "Performance").
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from saleor_loyalty.engine.compiled import CompiledRuleSet, compile_rules  # noqa: E402
from saleor_loyalty.engine.quote import quote_cart  # noqa: E402
from saleor_loyalty.engine.rules import (  # noqa: E402
    Audience,
    AudienceKind,
    EarnRule,
    EarnRuleKind,
    GiftRule,
    PriceBreak,
    PriceList,
    PriceListEntry,
    RuleSet,
    TargetKind,
    Tier,
    TierMetric,
)
from saleor_loyalty.engine.values import Cart, CartLine, CustomerSnapshot  # noqa: E402

NOW = datetime(2025, 3, 1, 12, tzinfo=timezone.utc)
TARGET_MS = 2.0
LISTS = 20
# The catalogue the entries and the cart draw from: entries repeat targets across lists, so
# each cart line meets several competing entries.
VARIANTS, PRODUCTS, CATEGORIES = 5_000, 1_500, 200

BUYER = CustomerSnapshot(
    user_id=42, email="buyer@example.com", customer_type_id=3, company_id=7, tier_id=2,
    orders_count=5, signed_up_on=None, birthday=None, available_points=50_000,
)


def audience_for(index: int) -> Audience:
    """Half the lists are for this buyer (everyone, their type, company, tier, themselves)."""
    kinds = [
        Audience.everyone(),
        Audience(AudienceKind.CUSTOMER_TYPE, 3),
        Audience(AudienceKind.COMPANY, 7),
        Audience(AudienceKind.TIER, 2),
        Audience(AudienceKind.CUSTOMER, 42),
        Audience(AudienceKind.CUSTOMER_TYPE, 4),
        Audience(AudienceKind.COMPANY, 8),
        Audience(AudienceKind.TIER, 1),
        Audience(AudienceKind.CUSTOMER, 43),
        Audience(AudienceKind.COMPANY, 9),
    ]
    return kinds[index % len(kinds)]


def build_rules(entries: int, *, seed: int = 1) -> RuleSet:
    rng = random.Random(seed)
    per_list = [entries // LISTS + (1 if i < entries % LISTS else 0) for i in range(LISTS)]
    price_lists = []
    entry_id = 0
    for list_index, count in enumerate(per_list):
        list_entries = []
        used: set[tuple[TargetKind, int]] = set()
        while len(list_entries) < count:
            roll = rng.random()
            if roll < 0.6:
                target = (TargetKind.VARIANT, rng.randrange(VARIANTS))
            elif roll < 0.9:
                target = (TargetKind.PRODUCT, rng.randrange(PRODUCTS))
            else:
                target = (TargetKind.CATEGORY, rng.randrange(CATEGORIES))
            if target in used:
                # A list has one entry per target; a repeat becomes a variant no cart holds.
                target = (TargetKind.VARIANT, VARIANTS + entry_id)
            used.add(target)
            entry_id += 1
            breaks = (
                PriceBreak(1, percent_off=Decimal(rng.randint(1, 5))),
                PriceBreak(10, percent_off=Decimal(rng.randint(6, 12))),
                PriceBreak(50, fixed_price=Decimal(rng.randint(100, 900)) / 100),
            )
            list_entries.append(PriceListEntry(entry_id, target[0], target[1], breaks))
        price_lists.append(
            PriceList(list_index + 1, f"list {list_index}", audience_for(list_index), "EUR", priority=list_index % 3, entries=tuple(list_entries))
        )
    earn_rules = (
        EarnRule(1, "rate", EarnRuleKind.BASE_RATE, points_per_unit=Decimal("1.5")),
        EarnRule(2, "gold", EarnRuleKind.TIER_MULTIPLIER, tier_id=2, multiplier=Decimal(2)),
        EarnRule(3, "cat bonus", EarnRuleKind.PRODUCT_BONUS, target_kind=TargetKind.CATEGORY, target_id=5, multiplier=Decimal(3)),
        EarnRule(4, "sku bonus", EarnRuleKind.PRODUCT_BONUS, target_kind=TargetKind.VARIANT, target_id=7, points=10),
        EarnRule(5, "no gift cards", EarnRuleKind.EXCLUDE, target_kind=TargetKind.CATEGORY, target_id=6),
        EarnRule(6, "cap", EarnRuleKind.ORDER_CAP, max_points=100_000),
        EarnRule(7, "first", EarnRuleKind.FIRST_ORDER_BONUS, points=100),
    )
    tiers = (
        Tier(1, "Silver", 1, TierMetric.SPEND, Decimal(500), window_days=365),
        Tier(2, "Gold", 2, TierMetric.SPEND, Decimal(2000), window_days=365, multiplier=Decimal("1.5"), gift_eligible=True),
    )
    gifts = tuple(
        GiftRule(i, f"gift {i}", Audience.everyone(), Decimal(100 * i), "EUR", variant_id=90_000 + i, requires_gift_eligibility=i % 2 == 0)
        for i in range(1, 6)
    )
    return RuleSet(f"bench-{entries}", price_lists=tuple(price_lists), earn_rules=earn_rules, tiers=tiers, gift_rules=gifts)


def build_cart(lines: int, *, seed: int = 2) -> Cart:
    rng = random.Random(seed)
    return Cart(
        "default",
        "EUR",
        tuple(
            CartLine(
                line_id=f"line-{i}",
                variant_id=rng.randrange(VARIANTS),
                product_id=rng.randrange(PRODUCTS),
                category_ids=(rng.randrange(CATEGORIES), rng.randrange(CATEGORIES)),
                sku=f"SKU-{i}",
                quantity=rng.choice((1, 2, 5, 12, 60)),
                base_unit_price=Decimal(rng.randint(100, 10_000)) / 100,
            )
            for i in range(lines)
        ),
        shipping=Decimal("9.90"),
        order_discount=Decimal("5.00"),
    )


def _sample(run: Callable[[], object], inner: int) -> float:
    start = time.process_time()
    for _ in range(inner):
        run()
    return (time.process_time() - start) * 1000 / inner


def time_quote(cart: Cart, rules: CompiledRuleSet, *, repeats: int) -> tuple[float, float]:
    """(best, median) CPU milliseconds per ``quote_cart`` call, after one warm-up call."""
    quote_cart(cart, BUYER, rules, now=NOW)
    inner = max(1, 4000 // max(1, len(cart.lines)))  # each sample well above the clock's tick
    samples = [_sample(lambda: quote_cart(cart, BUYER, rules, now=NOW), inner) for _ in range(repeats)]
    return min(samples), statistics.median(samples)


def _calibration_loop() -> int:
    total = 0
    for i in range(20_000):
        total += i * i % 7
    return total


def time_calibration(*, repeats: int) -> float:
    return min(_sample(_calibration_loop, 50) for _ in range(repeats))


def candidates_per_line(cart: Cart, rules: CompiledRuleSet) -> float:
    list_ids = rules.get_applicable_list_ids(BUYER, channel=cart.channel, currency=cart.currency, now=NOW)
    found = [len(rules.get_candidate_entries(l.variant_id, l.product_id, l.category_ids, list_ids)) for l in cart.lines]
    return sum(found) / max(1, len(found))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    args = parser.parse_args()
    repeats = 5 if args.quick else 15

    print(f"saleor-loyalty engine benchmark (Python {sys.version.split()[0]}); CPU time, best / median of {repeats} samples")
    calibration = time_calibration(repeats=repeats)
    print(f"calibration loop: {calibration:.3f} ms (compare machines by the ratio of a figure to this)")
    compiled_by_size: dict[int, CompiledRuleSet] = {}
    print("\ncompile_rules (one run each)")
    for entries in (1_000, 10_000, 100_000):
        rule_set = build_rules(entries)
        start = time.process_time()
        compiled_by_size[entries] = compile_rules(rule_set)
        elapsed = (time.process_time() - start) * 1000
        print(f"  {entries:>7,} entries: {elapsed:8.1f} ms  ({elapsed / calibration:6.1f} x calibration)")

    headline_cart = build_cart(100)
    best, median = time_quote(headline_cart, compiled_by_size[10_000], repeats=repeats)
    verdict = "OK" if median <= TARGET_MS else "OVER TARGET"
    print(f"\nheadline: 100 lines x 10,000 entries: {best:.3f} / {median:.3f} ms per quote (target <= {TARGET_MS} ms) {verdict}")
    print(f"  ({candidates_per_line(headline_cart, compiled_by_size[10_000]):.1f} competing entries per line on average;"
          f" {best / calibration:.2f} / {median / calibration:.2f} x the calibration loop)")

    print("\ngrowth with lines (10,000 entries): best / median ms per quote, best per line, best x calibration")
    for lines in (10, 100, 1_000):
        best, median = time_quote(build_cart(lines), compiled_by_size[10_000], repeats=repeats)
        print(f"  {lines:>5} lines: {best:8.3f} / {median:8.3f} ms  {best * 1000 / lines:6.1f} us per line  {best / calibration:6.2f} x")

    print("\ngrowth with entries (100 lines): best / median ms per quote, best x calibration")
    for entries in (1_000, 10_000, 100_000):
        rules = compiled_by_size[entries]
        best, median = time_quote(headline_cart, rules, repeats=repeats)
        print(f"  {entries:>7,} entries: {best:8.3f} / {median:8.3f} ms  {best / calibration:6.2f} x"
              f"  ({candidates_per_line(headline_cart, rules):5.1f} entries per line)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
