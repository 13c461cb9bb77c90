from django.db import migrations


def load_councils(apps, schema_editor):
    from homeward.councils.reference import council_rows

    Council = apps.get_model("councils", "Council")
    for row in council_rows():
        Council.objects.update_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("councils", "0001_initial")]

    operations = [migrations.RunPython(load_councils, migrations.RunPython.noop)]
