"""Gift rules with a choice (options, choose), ladders, and the shoppers' picks per checkout."""

import django.contrib.postgres.fields
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('saleor_loyalty', '0011_channel_terms'),
    ]

    operations = [
        migrations.AddField(
            model_name='giftrule',
            name='options',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='giftrule',
            name='choose',
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddField(
            model_name='giftrule',
            name='ladder',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddConstraint(
            model_name='giftrule',
            constraint=models.CheckConstraint(condition=models.Q(('choose__gte', 1)), name='loyalty_gift_rule_choose_positive'),
        ),
        migrations.CreateModel(
            name='GiftChoice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('checkout_token', models.CharField(max_length=36)),
                ('rule', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='choices', to='saleor_loyalty.giftrule')),
                ('variant_ids', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), size=None)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'db_table': 'loyalty_gift_choice',
                'constraints': [
                    models.UniqueConstraint(fields=('checkout_token', 'rule'), name='loyalty_gift_choice_one_per_checkout_rule'),
                    models.CheckConstraint(condition=models.Q(('variant_ids__len__gte', 1)), name='loyalty_gift_choice_picks_something'),
                ],
            },
        ),
    ]
