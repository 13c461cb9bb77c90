"""One-time set-up codes for two-factor sign-in, and recovery codes kept only hashed.

Existing recovery codes (django-otp keeps them as typed) are replaced by their digests
(homeward.core.keys.recovery_code_digest), so they still work, once each, but a copy of the
database no longer holds them.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from homeward.core.keys import recovery_code_digest


def hash_recovery_codes(apps, schema_editor):
    # "#" starts a stored digest, never a code (keys.recovery_code_digest); not a password.
    tokens = apps.get_model("otp_static", "StaticToken").objects.exclude(
        token__startswith="#"  # nosec B106
    )
    for token in tokens:
        token.token = recovery_code_digest(token.token)
        token.save(update_fields=["token"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_staff_profile'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('otp_static', '0003_add_timestamps'),
    ]

    operations = [
        migrations.CreateModel(
            name='EnrolmentCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code_hash', models.CharField(max_length=200)),
                ('issued_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField()),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='enrolment_code', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.RunPython(hash_recovery_codes, migrations.RunPython.noop),
    ]
