"""Reaction.is_anonymous: a reaction given by someone anonymous in its thread (its anonymous
author, or a member who replied there anonymously) shows as "Anonymous member". Existing
reactions given after their giver's first anonymous post in the thread become anonymous, as
new ones would have been."""

from typing import Any

from django.db import migrations, models


def backfill(apps: Any, schema_editor: Any) -> None:
    Post = apps.get_model("forums", "Post")
    Reaction = apps.get_model("forums", "Reaction")
    anonymous_before = Post.objects.filter(
        thread_id=models.OuterRef("post__thread_id"),
        author_id=models.OuterRef("user_id"),
        is_anonymous=True,
        created_at__lte=models.OuterRef("created_at"),
    )
    Reaction.objects.filter(models.Exists(anonymous_before)).update(is_anonymous=True)


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
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
