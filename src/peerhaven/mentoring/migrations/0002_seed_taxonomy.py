"""Seed the lived-experience taxonomy and the service types with the issue's examples.

Admins can rename, retire or add to both; this only creates what is missing.
"""

from typing import Any

from django.db import migrations

TAGS = [
    ("postpartum", "Postpartum"),
    ("bereavement", "Bereavement"),
    ("lgbtq", "LGBTQ+"),
    ("student", "Student"),
    ("veteran", "Veteran"),
    ("chronic-illness", "Chronic illness"),
    ("carer", "Carer"),
    ("job-loss", "Job loss"),
    ("trauma", "Trauma"),
    ("suicide-attempt-recovery", "Recovery from a suicide attempt"),
]

SERVICE_TYPES = [
    ("system-navigation", "System navigation", "Finding a way through health and social services."),
    ("accompaniment", "Accompaniment to appointments", "Going along to an appointment."),
    ("recovery-planning", "Recovery planning", "Working on a personal recovery plan."),
]


def seed(apps: Any, schema_editor: Any) -> None:
    tag = apps.get_model("mentoring", "ExperienceTag")
    for position, (slug, label) in enumerate(TAGS):
        tag.objects.get_or_create(slug=slug, defaults={"label": label, "position": position})
    service_type = apps.get_model("mentoring", "ServiceType")
    for slug, name, description in SERVICE_TYPES:
        service_type.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
