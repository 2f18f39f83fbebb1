from django.db import migrations


def load(apps, schema_editor):
    """Emergency numbers for countries that had no line at all (shipped in session 7)."""
    from peerhaven.safety.resources import load_resources

    load_resources(apps.get_model("safety", "CrisisResource"), only_new_countries=True)


class Migration(migrations.Migration):
    dependencies = [("safety", "0007_mute_label")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
