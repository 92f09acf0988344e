"""Per-channel terms, exchange rates to the base currency (append-only), and the rate each order
records when it is paid (services.channels, docs/channels.md)."""

import django.utils.timezone
from django.db import migrations, models


_RATES_SQL = "70_exchange_rates.sql"


def apply_exchange_rate_sql(apps, schema_editor):  # type: ignore[no-untyped-def]
    # A rate is history (append-only): the trigger lives in ledger/sql/, read at migrate time.
    from saleor_loyalty.ledger.sql_files import get_file_sql

    schema_editor.execute(get_file_sql(_RATES_SQL), params=None)


def drop_exchange_rate_sql(apps, schema_editor):  # type: ignore[no-untyped-def]
    from saleor_loyalty.ledger.sql_files import get_drop_sql, get_file_sql

    schema_editor.execute(get_drop_sql(get_file_sql(_RATES_SQL)), params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('saleor_loyalty', '0010_birthday_changes'),
    ]

    operations = [
        migrations.AddField(
            model_name='orderrecord',
            name='rate_to_base',
            field=models.DecimalField(blank=True, decimal_places=10, max_digits=20, null=True),
        ),
        migrations.CreateModel(
            name='ChannelTerms',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(max_length=255)),
                ('currency', models.CharField(max_length=3)),
                ('points_per_unit', models.DecimalField(blank=True, decimal_places=4, max_digits=12, null=True)),
                ('point_value', models.DecimalField(blank=True, decimal_places=4, max_digits=12, null=True)),
                ('redeem_min_points', models.PositiveIntegerField(blank=True, null=True)),
                ('redeem_max_share', models.DecimalField(blank=True, decimal_places=4, max_digits=5, null=True)),
                ('redeem_max_amount', models.DecimalField(blank=True, decimal_places=3, max_digits=20, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'db_table': 'loyalty_channel_terms',
                'constraints': [models.UniqueConstraint(fields=('channel',), name='loyalty_channel_terms_channel_unique'), models.CheckConstraint(condition=models.Q(('currency__regex', '^[A-Z]{3}$')), name='loyalty_channel_terms_currency_code'), models.CheckConstraint(condition=models.Q(('point_value__isnull', True), ('point_value__gt', 0), _connector='OR'), name='loyalty_channel_terms_point_value_positive'), models.CheckConstraint(condition=models.Q(models.Q(('points_per_unit__isnull', True), ('points_per_unit__gte', 0), _connector='OR'), models.Q(('redeem_max_share__isnull', True), models.Q(('redeem_max_share__gte', 0), ('redeem_max_share__lte', 1)), _connector='OR'), models.Q(('redeem_max_amount__isnull', True), ('redeem_max_amount__gte', 0), _connector='OR')), name='loyalty_channel_terms_amounts_in_range')],
            },
        ),
        migrations.CreateModel(
            name='ExchangeRate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('currency', models.CharField(max_length=3)),
                ('rate', models.DecimalField(decimal_places=10, max_digits=20)),
                ('valid_from', models.DateTimeField()),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('created_by', models.CharField(blank=True, default='', max_length=254)),
            ],
            options={
                'db_table': 'loyalty_exchange_rate',
                'indexes': [models.Index(fields=['currency', '-valid_from'], name='loyalty_exchange_rate_lookup')],
                'constraints': [models.UniqueConstraint(fields=('currency', 'valid_from'), name='loyalty_exchange_rate_currency_from_unique'), models.CheckConstraint(condition=models.Q(('currency__regex', '^[A-Z]{3}$')), name='loyalty_exchange_rate_currency_code'), models.CheckConstraint(condition=models.Q(('rate__gt', 0)), name='loyalty_exchange_rate_positive')],
            },
        ),
        migrations.RunPython(apply_exchange_rate_sql, drop_exchange_rate_sql),
        # Orders recorded before this migration counted 1:1 towards tier spend; they keep doing so
        # (a rate is what the order recorded, and these recorded none), so no tier moves on upgrade.
        migrations.RunSQL("UPDATE loyalty_order SET rate_to_base = 1 WHERE rate_to_base IS NULL",
                          migrations.RunSQL.noop),
    ]
