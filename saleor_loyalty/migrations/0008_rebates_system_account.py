"""The ``rebates`` system account: volume rebates are credited from it, not from ``bonuses``.

No database CHECK lists the system codes (the choices are Python's), so this only records the
new choice and creates the account up front, as 0002 did for the others.
"""

from django.db import migrations, models


def create_rebates_account(apps, schema_editor):  # type: ignore[no-untyped-def]
    account_model = apps.get_model("saleor_loyalty", "LoyaltyAccount")
    account_model.objects.get_or_create(system_code="rebates", defaults={"owner_kind": "system"})


class Migration(migrations.Migration):

    dependencies = [
        ("saleor_loyalty", "0007_ledger_credit_function"),
    ]

    operations = [
        migrations.AlterField(
            model_name="loyaltyaccount",
            name="system_code",
            field=models.CharField(blank=True, choices=[("issued", "Points issued for orders"), ("bonuses", "Bonus points (welcome, birthday, campaigns)"), ("referral_rewards", "Referral rewards"), ("rebates", "Volume rebates"), ("adjustments", "Staff adjustments"), ("redeemed", "Points redeemed"), ("expired", "Points expired")], max_length=32, null=True),
        ),
        # Not removed on the way back: entries may already point at it (rows are append-only).
        migrations.RunPython(create_rebates_account, migrations.RunPython.noop),
    ]
