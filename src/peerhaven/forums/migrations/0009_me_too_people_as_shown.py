"""A thread's "N people said me too" counts a member once by name and once as "Anonymous
member" when they said it both ways (see ``services.react``): counted once, the number did
not move when their anonymous "Me too" appeared, which told readers who it was.

Recounts the threads where someone said "Me too" both ways; every other thread's count is
the same under either rule. Undoing it leaves the counts as they are."""

from typing import Any

from django.db import migrations
from django.db.models import Count


def recount(apps: Any, schema_editor: Any) -> None:
    reaction = apps.get_model("forums", "Reaction")
    thread = apps.get_model("forums", "Thread")
    me_too = reaction.objects.filter(kind="me_too")
    mixed = set(
        me_too.values("post__thread_id", "user_id")
        .annotate(ways=Count("is_anonymous", distinct=True))
        .filter(ways__gt=1)
        .values_list("post__thread_id", flat=True)
    )
    for thread_id in mixed:
        people = (
            me_too.filter(post__thread_id=thread_id)
            .values("user_id", "is_anonymous")
            .distinct()
            .count()
        )
        thread.objects.filter(pk=thread_id).update(me_too_count=people)


class Migration(migrations.Migration):
    dependencies = [("forums", "0008_reaction_given")]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop, elidable=True)]
