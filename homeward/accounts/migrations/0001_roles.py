from django.db import migrations

# Copied rather than imported from homeward.accounts.roles, so that this migration keeps
# doing what it did when it was written.
ROLES = (
    "administrator",
    "missing coordinator",
    "practitioner",
    "exploitation lead",
    "police liaison",
    "analyst",
    "scrutiny",
)


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
