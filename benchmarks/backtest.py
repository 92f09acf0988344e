"""Benchmark the rules backtest: replay 100,000 orders through two rule sets and print figures.

    python3 benchmarks/backtest.py                  # 100k orders from a generated CSV
    python3 benchmarks/backtest.py --source table   # 100k order records inserted with bulk SQL
    python3 benchmarks/backtest.py --orders 20000   # a smaller run

Target: 100,000 orders in under 60 s (both rule sets, one pass, streaming). The orders are
generated with a fixed seed: 10,000 customers (80 % signed in, some in 50 companies), 1-6 lines
from 2,000 variants in 400 products and 40 categories, spread over 2025. The current rules: 1
point per 1.00, Silver/Gold tiers on 365-day spend with a tier price list, a gift at 150.00.
The candidate: 2 points per 1.00 on one category, a third tier, deeper Gold prices, a cheaper
gift threshold. The table source needs PostgreSQL (DATABASE_URL or the embedded server).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from saleor_loyalty.services.backtest import (  # noqa: E402
    CSV_COLUMNS,
    CsvOrderSource,
    OrderRecordSource,
    parse_rule_set,
    run_backtest,
)
from saleor_loyalty.services.metrics import parse_period  # noqa: E402

TARGET_SECONDS = 60.0
CUSTOMERS, COMPANIES, VARIANTS, PRODUCTS, CATEGORIES = 10_000, 50, 2_000, 400, 40
YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)

CURRENT = {
    "version": "current",
    "terms": {"points_per_unit": "1", "point_value": "0.01"},
    "tiers": [
        {"id": 1, "name": "Silver", "rank": 1, "metric": "spend", "threshold": "500", "window_days": 365,
         "price_list_id": 1},
        {"id": 2, "name": "Gold", "rank": 2, "metric": "spend", "threshold": "2000", "window_days": 365,
         "multiplier": "1.5", "price_list_id": 2, "gift_eligible": True, "grace_days": 30},
    ],
    "price_lists": [
        {"id": 1, "name": "Silver", "audience": {"kind": "tier", "target_id": 1}, "currency": "EUR",
         "entries": [{"id": 1, "target_kind": "all", "target_id": None, "breaks": [{"min_quantity": 1, "percent_off": "3"}]}]},
        {"id": 2, "name": "Gold", "audience": {"kind": "tier", "target_id": 2}, "currency": "EUR",
         "entries": [{"id": 2, "target_kind": "all", "target_id": None, "breaks": [{"min_quantity": 1, "percent_off": "5"},
                                                                           {"min_quantity": 10, "percent_off": "8"}]}]},
    ],
    "earn_rules": [{"id": 1, "name": "Cap", "kind": "order_cap", "max_points": 5000}],
    "gift_rules": [{"id": 1, "name": "Tote bag", "audience": {"kind": "everyone"}, "threshold": "150",
                    "currency": "EUR", "variant_id": 1}],
}

CANDIDATE = {
    "version": "candidate",
    "terms": {"points_per_unit": "1", "point_value": "0.01"},
    "tiers": [
        {"id": 1, "name": "Silver", "rank": 1, "metric": "spend", "threshold": "400", "window_days": 365,
         "price_list_id": 1},
        {"id": 2, "name": "Gold", "rank": 2, "metric": "spend", "threshold": "1500", "window_days": 365,
         "multiplier": "1.5", "price_list_id": 2, "gift_eligible": True, "grace_days": 30},
        {"id": 3, "name": "Platinum", "rank": 3, "metric": "orders", "threshold": "40", "window_days": 365,
         "multiplier": "2", "price_list_id": 3, "gift_eligible": True},
    ],
    "price_lists": [
        {"id": 1, "name": "Silver", "audience": {"kind": "tier", "target_id": 1}, "currency": "EUR",
         "entries": [{"id": 1, "target_kind": "all", "target_id": None, "breaks": [{"min_quantity": 1, "percent_off": "3"}]}]},
        {"id": 2, "name": "Gold", "audience": {"kind": "tier", "target_id": 2}, "currency": "EUR",
         "entries": [{"id": 2, "target_kind": "all", "target_id": None, "breaks": [{"min_quantity": 1, "percent_off": "7"}]}]},
        {"id": 3, "name": "Platinum", "audience": {"kind": "tier", "target_id": 3}, "currency": "EUR",
         "entries": [{"id": 3, "target_kind": "all", "target_id": None, "breaks": [{"min_quantity": 1, "percent_off": "10"}]}]},
        {"id": 4, "name": "Companies", "audience": {"kind": "company", "target_id": 1}, "currency": "EUR",
         "entries": [{"id": 4, "target_kind": "category", "target_id": 3, "breaks": [{"min_quantity": 5, "fixed_price": "4.00"}]}]},
    ],
    "earn_rules": [
        {"id": 1, "name": "Cap", "kind": "order_cap", "max_points": 5000},
        {"id": 2, "name": "Double on category 7", "kind": "product_bonus", "target_kind": "category", "target_id": 7,
         "multiplier": "2"},
        {"id": 3, "name": "First order", "kind": "first_order_bonus", "points": 100},
    ],
    "gift_rules": [
        {"id": 1, "name": "Tote bag", "audience": {"kind": "everyone"}, "threshold": "120", "currency": "EUR",
         "variant_id": 1},
        {"id": 2, "name": "Gold gift", "audience": {"kind": "everyone"}, "threshold": "300", "currency": "EUR",
         "variant_id": 2, "requires_gift_eligibility": True},
    ],
    "variant_prices": {"1": "6.00", "2": "25.00"},
}


def generate_orders(count: int, seed: int = 7):  # type: ignore[no-untyped-def]
    """Yield (order_id, placed_at, customer, email, company, lines) with lines (variant, product, category, qty, price)."""
    rng = random.Random(seed)
    prices = {variant: round(rng.uniform(2, 80), 2) for variant in range(1, VARIANTS + 1)}
    step = (365 * 24 * 3600) / count
    for index in range(count):
        placed_at = YEAR_START + timedelta(seconds=int(index * step))
        customer = rng.randint(1, CUSTOMERS)
        member = customer % 5 != 0
        company = customer % COMPANIES + 1 if member and customer % 7 == 0 else None
        lines = []
        for _ in range(rng.randint(1, 6)):
            variant = rng.randint(1, VARIANTS)
            lines.append((variant, variant % PRODUCTS + 1, variant % CATEGORIES + 1, rng.choice((1, 1, 2, 3, 12)),
                          prices[variant]))
        yield f"o{index}", placed_at, customer if member else None, f"c{customer}@example.com", company, lines


def write_csv(count: int, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(CSV_COLUMNS)
        for order_id, placed_at, customer, email, company, lines in generate_orders(count):
            for variant, product, category, quantity, price in lines:
                writer.writerow((order_id, placed_at.isoformat(), customer or "", email, "web", "EUR", variant, product,
                                 category, quantity, price, "4.90", "0", company or "", "", "2024-06-01", "paid"))


def fill_table(count: int) -> None:
    """Migrate the (embedded) database, then COPY users and order records in (PostgreSQL's bulk load)."""
    import json

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    columns = ("order_id, user_id, email, channel, currency, checkout_token, voucher_code, goods_total, shipping,"
               " refunded_amount, status, placed_at, points_earned, points_reversed, credited, lines, created_at,"
               " updated_at")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email, is_staff,"
            " is_active, date_joined) SELECT g, '', false, 'c' || g, '', '', 'c' || g || '@example.com', false,"
            " true, '2024-06-01' FROM generate_series(1, %s) g ON CONFLICT DO NOTHING", [CUSTOMERS])
        with cursor.cursor.copy(f"COPY loyalty_order ({columns}) FROM STDIN") as copy:
            for order_id, placed_at, customer, email, _company, lines in generate_orders(count):
                goods = sum(quantity * price for _v, _p, _c, quantity, price in lines)
                snapshot = [{"line_id": str(i), "variant_id": v, "product_id": p, "category_ids": [c], "quantity": q,
                             "paid_total": f"{q * price:.2f}", "base_unit_price": f"{price:.2f}"}
                            for i, (v, p, c, q, price) in enumerate(lines)]
                copy.write_row((order_id, customer, email, "web", "EUR", "", "", f"{goods:.2f}", "4.90", "0", "paid",
                                placed_at, 0, 0, False, json.dumps(snapshot), placed_at, placed_at))


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--source", choices=("csv", "table"), default="csv")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes to replay in (default: one per CPU, here %(default)s)")
    args = parser.parse_args()
    current, _ = parse_rule_set(CURRENT)
    candidate, prices = parse_rule_set(CANDIDATE)
    period = parse_period("2025")

    started = time.perf_counter()
    if args.source == "csv":
        path = Path(tempfile.mkdtemp(prefix="loyalty-backtest-")) / "orders.csv"
        write_csv(args.orders, path)
        source: CsvOrderSource | OrderRecordSource = CsvOrderSource(path)
        print(f"generated {args.orders:,} orders in {path} ({path.stat().st_size / 1e6:.1f} MB) "
              f"in {time.perf_counter() - started:.1f} s")
    else:
        fill_table(args.orders)
        source = OrderRecordSource()
        print(f"inserted {args.orders:,} order records in {time.perf_counter() - started:.1f} s")

    cpu_before = _cpu_seconds()
    report = run_backtest(source, period, current=current, candidate=candidate, variant_prices=prices,
                          workers=args.workers)
    cpu = _cpu_seconds() - cpu_before
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024

    print(f"replayed {report.orders:,} orders (+{report.warmup_orders:,} warm-up) through 2 rule sets "
          f"in {report.workers} process(es) "
          f"in {report.seconds:.1f} s (target < {TARGET_SECONDS:.0f} s), "
          f"{report.orders / report.seconds:,.0f} orders/s; CPU {cpu:.1f} s (the figure that does not depend on "
          f"other load: {report.orders / cpu:,.0f} orders per CPU-second); peak RSS per process {peak:.0f} MB")
    for name in ("orders", "members", "goods_paid", "points_issued", "liability", "tier_price_discount", "gift_cost",
                 "upgrades", "downgrades", "tier_distribution"):
        print(f"  {name:20} current {getattr(report.current, name)!s:>40}   candidate {getattr(report.candidate, name)!s}")
    return 0 if report.seconds < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
