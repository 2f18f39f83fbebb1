"""Reaction.is_anonymous: a reaction given by someone anonymous in its thread (its anonymous
author, or a member who replied there anonymously) shows as "Anonymous member".

Reactions given before this field existed stay named: they were public by name already (and in
the post author's notifications), so turning them anonymous now would link the name to the
anonymous post."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0006_post_published_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="reaction",
            name="is_anonymous",
            field=models.BooleanField(default=False),
        ),
    ]
