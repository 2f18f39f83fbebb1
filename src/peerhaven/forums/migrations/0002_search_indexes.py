"""Full-text search indexes, on PostgreSQL only (SQLite searches with LIKE instead).

The indexed expressions are exactly what ``SearchVector(<field>, config="english")`` compiles
to, so the planner uses them for ``queries.search``.
"""

from django.db import migrations

INDEXES = {
    "forums_post_body_fts": (
        "forums_post",
        "to_tsvector('english'::regconfig, COALESCE((\"body\")::text, ''))",
    ),
    "forums_thread_title_fts": (
        "forums_thread",
        "to_tsvector('english'::regconfig, COALESCE((\"title\")::text, ''))",
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("forums", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
