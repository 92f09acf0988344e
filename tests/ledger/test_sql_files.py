"""The ledger's PL/pgSQL lives in ``ledger/sql/*.sql``: the database holds exactly what they say,
and the three 1.0 migrations both build a fresh database and take over one that ran the nine
0.x migrations."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from saleor_loyalty.ledger.sql_files import get_declared_functions, get_declared_triggers

APP = "saleor_loyalty"
NEW = [(APP, "0001_schema"), (APP, "0002_ledger_sql"), (APP, "0003_system_accounts")]
OLD = ["0001_ledger", "0002_ledger_triggers", "0003_rules_customers_orders", "0004_order_points_reversed",
       "0005_metrics", "0006_b2b", "0007_ledger_credit_function", "0008_rebates_system_account",
       "0009_ledger_credit_by_owner"]


def _functions_in_database() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema() AND p.proname LIKE 'loyalty\\_%%'"
        )
        return dict(cursor.fetchall())


def _triggers_in_database() -> dict[str, tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, c.relname, p.proname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal AND t.tgname LIKE 'loyalty\\_%%'"
        )
        return {name: (table, function) for name, table, function in cursor.fetchall()}


def test_the_database_functions_are_the_files_functions(db: None) -> None:
    declared = get_declared_functions()

    assert set(_functions_in_database()) == set(declared)  # none missing, none left over
    assert _functions_in_database() == declared  # and each body is the file's, to the character
    assert {"loyalty_credit", "loyalty_owner_account_id", "loyalty_owner_company_id"} <= set(declared)


def test_the_database_triggers_are_the_files_triggers(db: None) -> None:
    declared = get_declared_triggers()

    assert _triggers_in_database() == declared
    assert len(declared) == 10  # 8 of the ledger's, exchange rates' and liability snapshots' append-only triggers
    assert declared["loyalty_liability_append_only"] == ("loyalty_liability_snapshot", "loyalty_refuse_change")
    assert declared["loyalty_entry_balanced"] == ("loyalty_ledger_entry", "loyalty_check_transaction_balanced")


def test_a_fresh_database_migrates_the_squash_first() -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)

    (leaf,) = loader.graph.leaf_nodes(APP)
    plan = [node for node in loader.graph.forwards_plan(leaf) if node[0] == APP]

    # The 1.0 schema in three steps, then whatever came after it (none replaced by the squash).
    assert plan[: len(NEW)] == NEW
    assert not {node[1] for node in plan[len(NEW):]} & set(OLD)
    assert loader.disk_migrations[NEW[0]].replaces == [(APP, name) for name in OLD]


# Committed, not rolled back: with the DDL rolled back, a later test on this connection
# (b2b's concurrent rebate close) found no company account; the cause is not pinned down
# (plans cached across rolled-back DDL are the suspect), so this test commits what it changes
# and leaves the database as the migrations make it.
@pytest.mark.django_db(transaction=True)
def test_a_database_that_ran_the_old_migrations_moves_over() -> None:
    # given: the migration records of a database that ran 0001..0009 of the 0.x line
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", [APP])
        for name in OLD:
            cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, now())", [APP, name])
        # ... whose owner rule was still the 0.x one, without loyalty_owner_company_id()
        cursor.execute("DROP FUNCTION loyalty_owner_company_id CASCADE")
    executor = MigrationExecutor(connection)

    # when
    plan = executor.migration_plan([NEW[-1]])
    executor.migrate([NEW[-1]])

    # then: the squashed schema counts as applied, the idempotent SQL and accounts run again
    assert [(migration.app_label, migration.name) for migration, _ in plan] == NEW[1:]
    assert _functions_in_database() == get_declared_functions()
    assert _triggers_in_database() == get_declared_triggers()
    assert NEW[0] in MigrationLoader(connection).applied_migrations
