#!/usr/bin/env python3
"""Ledger benchmarks; prints figures (not a test).

* Idempotent point credits per second (``credit_points_for_order``, one database transaction
  each) beside the same machine's raw single-row ``INSERT`` + ``COMMIT`` rate, measured in the
  same run, interleaved; the ratio is the figure (target: at least 50%).
* Balance read time (``get_balance``) with 10k and with 1M ledger entries in the database: it
  reads one cached row, so it must stay flat. Entries are bulk-loaded with ``generate_series``.

Runs against ``DATABASE_URL`` or an embedded PostgreSQL (``saleor_loyalty.demo.devdb``), in a
throw-away database created and dropped by the script:

    python3 benchmarks/ledger.py [--credits 2000] [--rounds 4] [--big 1000000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402
import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402

from saleor_loyalty.demo.devdb import database_settings  # noqa: E402


def create_database() -> dict[str, Any]:
    """A fresh database on the configured server; returns its Django settings."""
    server = database_settings()
    name = f"loyalty_bench_{os.getpid()}"
    with psycopg.connect(**_connect_args(server), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return {**server, "NAME": name}


def drop_database(database: dict[str, Any]) -> None:
    from django.db import connections

    connections.close_all()
    with psycopg.connect(**_connect_args({**database, "NAME": "postgres"}), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}"')


def _connect_args(db: dict[str, Any]) -> dict[str, Any]:
    args = {"dbname": db["NAME"], "user": db["USER"] or None, "password": db["PASSWORD"] or None,
            "host": db["HOST"] or None, "port": db["PORT"] or None}
    return {key: value for key, value in args.items() if value is not None}


def configure(database: dict[str, Any]) -> None:
    settings.configure(
        DATABASES={"default": database},
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "saleor_loyalty"],
        USE_TZ=True,
        TIME_ZONE="UTC",
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        SECRET_KEY="benchmark",
    )
    django.setup()


def per_second(count: int, run: Callable[[int], object]) -> float:
    started = time.perf_counter()
    for index in range(count):
        run(index)
    return count / (time.perf_counter() - started)


class CpuClock:
    """CPU seconds used by this process and by its PostgreSQL backend (read from /proc, so only
    for a server on this machine; None otherwise). Unlike wall time, they hardly move when other
    work shares the cores: the evidence of where a credit's time goes on a busy machine."""

    def __init__(self, backend_pid: int) -> None:
        self.path = Path(f"/proc/{backend_pid}/stat")
        self.tick = os.sysconf("SC_CLK_TCK")

    def read(self) -> tuple[float, float | None]:
        try:
            fields = self.path.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return time.process_time(), None
        return time.process_time(), (int(fields[11]) + int(fields[12])) / self.tick


Rates = dict[str, float]
CpuMs = dict[str, tuple[float, float | None]]  # name -> (this process, server backend) per call


def measure_credit_rate(users: list[int], *, credits: int, rounds: int) -> tuple[Rates, CpuMs]:
    """Median credits/s, raw INSERT+COMMIT/s and replays/s, interleaved by round; and the CPU
    milliseconds each costs this process and the server backend (means over all rounds)."""
    from django.db import connection

    from saleor_loyalty.services import points
    from saleor_loyalty.services.points import Owner

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_raw (id bigserial PRIMARY KEY, account_id bigint, points bigint,"
                       " created_at timestamptz NOT NULL DEFAULT now())")
        cursor.execute("SELECT pg_backend_pid()")
        clock = CpuClock(cursor.fetchone()[0])
    owners = [Owner.customer(user) for user in users]

    def raw_insert(index: int) -> None:
        # Autocommit: one statement, one commit, one round trip: the fastest honest write.
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_raw (account_id, points) VALUES (%s, %s)", [index, 10])

    rates: dict[str, list[float]] = {"credit": [], "raw": [], "replay": []}
    cpu: dict[str, list[tuple[float, float | None]]] = {name: [] for name in rates}

    def timed(name: str, count: int, run: Callable[[int], object]) -> None:
        own, server = clock.read()
        rates[name].append(per_second(count, run))
        own_after, server_after = clock.read()
        server_ms = None if server is None or server_after is None else (server_after - server) * 1000 / count
        cpu[name].append(((own_after - own) * 1000 / count, server_ms))

    for round_ in range(rounds):
        def credit(index: int, round_: int = round_) -> None:
            points.credit_points_for_order(owners[index % len(owners)], f"bench-{round_}-{index}", points=10)

        timed("raw", credits, raw_insert)
        timed("credit", credits, credit)
        timed("replay", credits // 4, credit)
    medians = {name: statistics.median(values) for name, values in rates.items()}
    means = {
        name: (statistics.fmean(own for own, _ in values),
               None if any(server is None for _, server in values)
               else statistics.fmean(server for _, server in values if server is not None))
        for name, values in cpu.items()
    }
    return medians, means


BULK_SQL = """
WITH accounts AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM loyalty_account WHERE owner_kind = 'customer'
), tx AS (
    INSERT INTO loyalty_ledger_transaction (kind, idempotency_key, fingerprint, reason, order_id,
        checkout_token, rule_id, created_at)
    SELECT 'earn', 'bulk:' || %(batch)s || ':' || g, '', 'bulk load', 'bulk-' || g, '', '', now()
    FROM generate_series(1, %(count)s) AS g
    RETURNING id
), legs AS (
    INSERT INTO loyalty_ledger_entry (transaction_id, account_id, bucket, points)
    SELECT tx.id, leg.account_id, leg.bucket, leg.points
    FROM tx, accounts, LATERAL (VALUES
        (%(issued)s::bigint, 'system', -10::bigint),
        (accounts.ids[1 + tx.id %% array_length(accounts.ids, 1)], 'available', 10::bigint)
    ) AS leg(account_id, bucket, points)
    RETURNING transaction_id, account_id, bucket, points
), lots AS (
    INSERT INTO loyalty_point_lot (account_id, transaction_id, points, remaining, expired, available_at,
        matured, expires_at, created_at)
    SELECT account_id, transaction_id, points, points, 0, now(), true, NULL, now()
    FROM legs WHERE bucket = 'available'
)
UPDATE loyalty_account AS account
SET available = account.available + added.points, lifetime_earned = account.lifetime_earned + added.points
FROM (SELECT account_id, sum(points) AS points FROM legs WHERE bucket = 'available' GROUP BY account_id) AS added
WHERE account.id = added.account_id
"""


def fill_ledger(target_entries: int) -> int:
    """Bulk-load balanced earn transactions (2 entries each) until the ledger has ``target_entries``."""
    from django.db import connection, transaction

    from saleor_loyalty import ledger
    from saleor_loyalty.models import LedgerEntry, SystemCode

    missing = (target_entries - LedgerEntry.objects.count()) // 2
    if missing > 0:
        issued = ledger.get_system_account_id(SystemCode.ISSUED)
        with transaction.atomic(), connection.cursor() as cursor:
            # Synthetic, already-balanced rows: skip the per-row triggers and FK checks for speed.
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(BULK_SQL, {"batch": target_entries, "count": missing, "issued": issued})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return LedgerEntry.objects.count()


def measure_balance_read(user_id: int, *, reads: int = 500) -> tuple[float, float]:
    """Median milliseconds of ``get_balance`` and of the first statement page."""
    from saleor_loyalty.services import points
    from saleor_loyalty.services.points import Owner

    owner = Owner.customer(user_id)

    def median_ms(call: Callable[[], object], count: int) -> float:
        call()  # warm up
        timings = []
        for _ in range(count):
            started = time.perf_counter()
            call()
            timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings)

    balance_ms = median_ms(lambda: points.get_balance(owner), reads)
    return balance_ms, median_ms(lambda: points.get_statement(owner), reads // 5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--credits", type=int, default=2000, help="credits (and raw inserts) per round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported")
    parser.add_argument("--big", type=int, default=1_000_000, help="entries for the large balance read")
    args = parser.parse_args()

    database = create_database()
    configure(database)
    try:
        run(args)
    finally:
        drop_database(database)


def run(args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW synchronous_commit")
        sync = cursor.fetchone()[0]
    print(f"PostgreSQL {version} (synchronous_commit={sync}), database {connection.settings_dict['NAME']}")
    users = [get_user_model().objects.create_user(username=f"bench{index}").pk for index in range(100)]

    rates, cpu = measure_credit_rate(users, credits=args.credits, rounds=args.rounds)
    print(f"idempotent credits:      {rates['credit']:8.0f} /s  (median of {args.rounds} rounds of {args.credits})")
    print(f"raw INSERT+COMMIT:       {rates['raw']:8.0f} /s")
    print(f"ratio credits/raw:       {rates['credit'] / rates['raw']:8.0%}   (target >= 50%)")
    print(f"replayed credits (same key, nothing written): {rates['replay']:.0f} /s")
    for name, label in (("credit", "a credit"), ("raw", "a raw insert"), ("replay", "a replay")):
        own, server = cpu[name]
        server_text = "n/a (server not on this machine)" if server is None else f"{server:.3f} ms"
        print(f"CPU per {label + ':':14s} benchmark process {own:.3f} ms, PostgreSQL backend {server_text}")

    for target in (10_000, args.big):
        started = time.perf_counter()
        entries = fill_ledger(target)
        loaded = time.perf_counter() - started
        balance_ms, statement_ms = measure_balance_read(users[0])
        print(f"{entries:>9,} entries (bulk load {loaded:5.1f} s): balance read {balance_ms:.3f} ms,"
              f" statement page {statement_ms:.3f} ms (medians)")

    from saleor_loyalty.ledger.checks import find_ledger_problems

    started = time.perf_counter()
    problems = find_ledger_problems()
    print(f"loyalty_reconcile over the whole ledger: {time.perf_counter() - started:.1f} s,"
          f" {len(problems)} problem(s)")


if __name__ == "__main__":
    main()
