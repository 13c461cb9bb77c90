from django.db import migrations


def load(apps, schema_editor):
    from homeward.benchmarks.loading import load_shipped

    load_shipped(apps)


def unload(apps, schema_editor):
    for name in ("PublishedFigure", "StatisticalNeighbour", "Population0to17"):
        apps.get_model("benchmarks", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("benchmarks", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
