from django.db import migrations

TEMPLATES = [
    (
        "Checking in",
        "A message from the Peerhaven safety team",
        "Hi {name}, we read what you wrote and wanted to check in. You matter to us. If things "
        "feel like too much right now, the crisis lines on the Get help now page are free and "
        "open around the clock. Your safety plan is one tap away too. Would you like to talk?",
    ),
    (
        "Post held for review",
        "Your post is waiting for a moderator",
        "Hi {name}, one of your posts is held for a moment while a moderator reads it. This is "
        "not a punishment: we hold posts that mention ways of ending a life, to keep everyone "
        "safe. We care about how you are doing. Crisis lines are on the Get help now page.",
    ),
]


def load(apps, schema_editor):
    from peerhaven.safety.resources import load_resources

    load_resources(apps.get_model("safety", "CrisisResource"))
    template = apps.get_model("safety", "OutreachTemplate")
    for name, title, body in TEMPLATES:
        template.objects.get_or_create(name=name, defaults={"title": title, "body": body})


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
