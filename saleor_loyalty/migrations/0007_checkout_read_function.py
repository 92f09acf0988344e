"""``loyalty_read_checkout``: the Saleor checkout read in one round trip (``saleor/sql/read_checkout.sql``).

The file is the source; a test checks that the database holds its body. It is idempotent
(``CREATE OR REPLACE``), and it names Saleor's tables only inside the function's body, which
PostgreSQL resolves when the function runs: a database without Saleor holds it unused.
"""

from pathlib import Path

from django.db import migrations

SQL_FILE = Path(__file__).resolve().parents[1] / "saleor" / "sql" / "read_checkout.sql"


def create_function(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Read at migrate time, not import time: the text applied is the installed file's text.
    schema_editor.execute(SQL_FILE.read_text(), params=None)


def drop_function(apps, schema_editor):  # type: ignore[no-untyped-def]
    schema_editor.execute("DROP FUNCTION IF EXISTS loyalty_read_checkout(uuid);", params=None)


class Migration(migrations.Migration):
    dependencies = [("saleor_loyalty", "0006_console_sign_in_failure")]

    operations = [migrations.RunPython(create_function, drop_function)]
