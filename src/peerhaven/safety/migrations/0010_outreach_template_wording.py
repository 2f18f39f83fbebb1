"""The default outreach templates no longer say the crisis lines on Get help now are open
around the clock: for a country with only an emergency number listed, that is not so.

Only rows whose message still reads exactly as shipped are reworded; a template an admin or a
moderator edited keeps their words."""

from django.db import migrations

# (old body, new body), by the shipped template they belong to.
REWORDED = {
    "Checking in": (
        "Hi {name}, we read what you wrote and wanted to check in. You matter to us. If things "
        "feel like too much right now, the crisis lines on the Get help now page are free and "
        "open around the clock. Your safety plan is one tap away too. Would you like to talk?",
        "Hi {name}, we read what you wrote and wanted to check in. You matter to us. If things "
        "feel like too much right now, the Get help now page shows how to get emergency help "
        "where you are and who you can talk to. Your safety plan is one tap away too. Would "
        "you like to talk?",
    ),
    "Post held for review": (
        "Hi {name}, one of your posts is held for a moment while a moderator reads it. This is "
        "not a punishment: we hold posts that mention ways of ending a life, to keep everyone "
        "safe. We care about how you are doing. Crisis lines are on the Get help now page.",
        "Hi {name}, one of your posts is held for a moment while a moderator reads it. This is "
        "not a punishment: we hold posts that mention ways of ending a life, to keep everyone "
        "safe. We care about how you are doing. The Get help now page shows how to get "
        "emergency help where you are and who you can talk to.",
    ),
}


def _replace(apps, *, forward: bool) -> int:
    """Reword every template whose body is still the shipped one; how many were changed.

    Matched on the body alone, so a renamed template with the shipped words is reworded too."""
    template = apps.get_model("safety", "OutreachTemplate")
    changed = 0
    for old, new in REWORDED.values():
        before, after = (old, new) if forward else (new, old)
        changed += template.objects.filter(body=before).update(body=after)
    return changed


def reword(apps, schema_editor):
    _replace(apps, forward=True)


def restore(apps, schema_editor):
    _replace(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [("safety", "0009_crisis_lines")]

    operations = [migrations.RunPython(reword, restore)]
