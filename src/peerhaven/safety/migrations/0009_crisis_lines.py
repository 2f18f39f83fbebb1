from django.db import migrations

OLD_NOTE = (
    "no crisis line is listed for this country yet. Verify before launch and add the country's"
    " crisis lines."
)


def load(apps, schema_editor):
    """Crisis lines for 18 countries that listed only an emergency number (session 8). A
    country with any crisis line of its own (an admin's) gets none; the emergency rows' notes
    stop saying no line is listed where one now is."""
    from peerhaven.safety.resources import load_resources, read_resources

    model = apps.get_model("safety", "CrisisResource")
    load_resources(model, upgrade=True)
    shipped = {r["country"]: r["note"] for r in read_resources() if r.get("is_emergency")}
    with_lines = set(model.objects.filter(is_emergency=False).values_list("country", flat=True))
    for row in model.objects.filter(is_emergency=True, note__contains=OLD_NOTE):
        if row.country in with_lines and OLD_NOTE not in shipped.get(row.country, OLD_NOTE):
            row.note = shipped[row.country]
            row.save(update_fields=["note"])


class Migration(migrations.Migration):
    dependencies = [("safety", "0008_emergency_numbers")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
