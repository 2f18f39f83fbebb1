"""Post.published_at: when a post first became public, so that releasing a held *edit* of a
published post sends no news again. Posts public now were published when written; posts held
now count as never published (what a release assumed until now)."""

from typing import Any

from django.db import migrations, models


def backfill(apps: Any, schema_editor: Any) -> None:
    Post = apps.get_model("forums", "Post")
    Post.objects.filter(is_held=False).update(published_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0005_title_edits_report_alert"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
