"""ReactionGiven: that a member once gave a reaction of a kind to a post, kept when they take
it back, so that giving it again keeps its first anonymity and notifies nobody (a reaction
taken back by name and given again anonymously linked the name to its giver's anonymous reply).

Reactions present now are recorded as given, with their anonymity. Reactions taken back before
this migration are not known: giving one of them again is decided and notified as new."""

from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def backfill(apps: Any, schema_editor: Any) -> None:
    # One INSERT … SELECT: a forum can hold millions of reactions.
    qn = schema_editor.connection.ops.quote_name
    given = qn(apps.get_model("forums", "ReactionGiven")._meta.db_table)
    reaction = qn(apps.get_model("forums", "Reaction")._meta.db_table)
    columns = "post_id, user_id, kind, is_anonymous, created_at"
    schema_editor.execute(
        f"INSERT INTO {given} ({columns}) SELECT {columns} FROM {reaction}"  # noqa: S608 - table names from model metadata
    )


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0007_reaction_is_anonymous"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReactionGiven",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("hear_you", "I hear you"),
                            ("me_too", "Me too"),
                            ("thank_you", "Thank you"),
                            ("strength", "Sending strength"),
                        ],
                        max_length=20,
                    ),
                ),
                ("is_anonymous", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "post",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="forums.post",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("post", "user", "kind"), name="forums_reaction_given_once"
                    )
                ],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
