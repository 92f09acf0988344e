# Company invitations: a company admin invites, the invitee accepts (issue 15, finding 3).

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('saleor_loyalty', '0003_system_accounts'),
    ]

    operations = [
        migrations.CreateModel(
            name='CompanyInvitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('invitee_user_id', models.BigIntegerField()),
                ('role', models.CharField(choices=[('admin', 'Admin'), ('buyer', 'Buyer')], default='buyer', max_length=16)),
                ('redemption_limit', models.PositiveIntegerField(blank=True, null=True)),
                ('invited_by_id', models.BigIntegerField(blank=True, null=True)),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('cancelled', 'Cancelled')], default='pending', max_length=16)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField()),
                ('responded_at', models.DateTimeField(blank=True, null=True)),
                ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='saleor_loyalty.company')),
            ],
            options={
                'db_table': 'loyalty_company_invitation',
                'ordering': ('-created_at', '-id'),
                'indexes': [models.Index(fields=['invitee_user_id', 'status'], name='loyalty_co_invite_user_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'accepted', 'declined', 'cancelled'])), name='loyalty_company_invitation_status_valid'), models.CheckConstraint(condition=models.Q(('role__in', ['admin', 'buyer'])), name='loyalty_company_invitation_role_valid'), models.CheckConstraint(condition=models.Q(('redemption_limit__isnull', True), ('redemption_limit__gt', 0), _connector='OR'), name='loyalty_company_invitation_limit_positive'), models.CheckConstraint(condition=models.Q(('status', 'pending'), ('responded_at__isnull', False), _connector='OR'), name='loyalty_company_invitation_answered'), models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('company', 'invitee_user_id'), name='loyalty_company_invitation_one_pending')],
            },
        ),
    ]
