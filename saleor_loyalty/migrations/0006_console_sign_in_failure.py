"""The staff console's sign-in lock-out: failed sign-ins per email (services.sign_in_guard)."""

import django.db.models.functions.text
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('saleor_loyalty', '0005_order_outbox'),
    ]

    operations = [
        migrations.CreateModel(
            name='ConsoleSignInFailure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('login', models.CharField(max_length=254)),
                ('failures', models.PositiveIntegerField(default=0)),
                ('locked_until', models.DateTimeField(blank=True, null=True)),
                ('last_failure_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'db_table': 'loyalty_console_sign_in_failure',
                'constraints': [models.UniqueConstraint(fields=('login',), name='loyalty_console_sign_in_failure_login_unique'), models.CheckConstraint(condition=models.Q(('login', django.db.models.functions.text.Lower('login'))), name='loyalty_console_sign_in_failure_login_lower')],
            },
        ),
    ]
