"""Rebuild the thread-title search index on the expression Django actually queries.

``SearchVector("title")`` on a varchar column compiles to
``COALESCE(title, ''::varchar)::text``, not ``COALESCE(title::text, '')`` as 0002 indexed, so
PostgreSQL never used that index. PostgreSQL only; nothing to do on SQLite.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX forums_thread_title_fts ON forums_thread USING gin "
    "((to_tsvector('english'::regconfig, COALESCE(title, ''::character varying)::text)))"
)
CREATE_OLD = (
    "CREATE INDEX forums_thread_title_fts ON forums_thread USING gin "
    "((to_tsvector('english'::regconfig, COALESCE((\"title\")::text, ''))))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS forums_thread_title_fts")
    schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS forums_thread_title_fts")
    schema_editor.execute(CREATE_OLD)


class Migration(migrations.Migration):
    dependencies = [("forums", "0003_pinned_threads_index")]

    operations = [migrations.RunPython(forwards, backwards)]
