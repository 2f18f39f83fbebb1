"""The demo forums load once, with the boards from the issue and threads that need replies."""

from __future__ import annotations

import pytest

from peerhaven.demo.forums import BOARDS, THREADS, load_forums
from peerhaven.demo.people import DemoContext, load_people
from peerhaven.forums.models import Board, Post, Reaction, Report, Thread

pytestmark = pytest.mark.django_db


def test_the_demo_forums_load_once_with_replies_reactions_and_a_report() -> None:
    ctx = DemoContext()
    load_people(ctx)
    load_forums(ctx)
    counts = (Board.objects.count(), Thread.objects.count(), Post.objects.count())
    assert counts[:2] == (len(BOARDS), len(THREADS))
    assert counts[2] > len(THREADS) * 2
    assert Reaction.objects.filter(kind="me_too").exists()
    assert Thread.objects.filter(answered_at__isnull=True, board__slug="small-wins").exists()
    assert Report.objects.filter(resolved_at__isnull=True).count() == 1
    # Nothing in the demo text should trip the safety screener into holding it.
    assert not Post.objects.filter(is_held=True).exists()
    assert not Post.objects.filter(risk_level__in=["ideation", "imminent"]).exists()
    load_forums(ctx)
    assert (Board.objects.count(), Thread.objects.count(), Post.objects.count()) == counts
