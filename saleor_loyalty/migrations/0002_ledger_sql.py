"""The ledger's PL/pgSQL functions and triggers, read from ``saleor_loyalty/ledger/sql/*.sql``.

The files are the source (``ledger.sql_files``); a test checks that the database holds exactly
what they declare. They are idempotent, so this migration also brings a database that ran the
0.x migrations (whose SQL was kept as strings in them) up to the files' text.

Functions: ``loyalty_refuse_change`` (append-only tables), ``loyalty_check_transaction_balanced``
(deferred zero-sum check), ``loyalty_check_entry_bucket``, ``loyalty_lot_guard``,
``loyalty_hold_guard``, ``loyalty_owner_company_id`` / ``loyalty_owner_account_id`` (whose
account a customer's points go to) and ``loyalty_credit`` (a credit in one round trip).
docs/ledger.md explains each invariant and what enforces it.
"""

from django.db import migrations


def apply_ledger_sql(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Read at migrate time, not import time: the text applied is the installed files' text.
    from saleor_loyalty.ledger.sql_files import get_ledger_sql

    schema_editor.execute(get_ledger_sql(), params=None)


def drop_ledger_sql(apps, schema_editor):  # type: ignore[no-untyped-def]
    from saleor_loyalty.ledger.sql_files import get_drop_sql

    schema_editor.execute(get_drop_sql(), params=None)


class Migration(migrations.Migration):
    dependencies = [("saleor_loyalty", "0001_schema")]

    operations = [migrations.RunPython(apply_ledger_sql, drop_ledger_sql)]
