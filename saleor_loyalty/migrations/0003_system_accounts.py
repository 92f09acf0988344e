"""The system accounts, created up front: the other side of every ledger entry.

Idempotent (``get_or_create``), so it also runs harmlessly on a database that ran the 0.x
migrations, which created them already. The ledger still creates any that go missing.
Not removed on the way back: entries may already point at them (rows are append-only).
"""

from django.db import migrations

# The codes as of 1.0; a later code gets its account from a migration of its own.
SYSTEM_CODES = ("issued", "bonuses", "referral_rewards", "rebates", "adjustments", "redeemed", "expired")


def create_system_accounts(apps, schema_editor):  # type: ignore[no-untyped-def]
    account_model = apps.get_model("saleor_loyalty", "LoyaltyAccount")
    for code in SYSTEM_CODES:
        account_model.objects.get_or_create(system_code=code, defaults={"owner_kind": "system"})


class Migration(migrations.Migration):
    dependencies = [("saleor_loyalty", "0002_ledger_sql")]

    operations = [migrations.RunPython(create_system_accounts, migrations.RunPython.noop)]
