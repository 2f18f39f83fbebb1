"""Long text in a report note or a moderator's reason is refused with a message, never cut:
no ``maxlength`` for a browser to cut a paste silently, and no truncation in the service."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.forums import services
from peerhaven.forums.models import Post, Thread

pytestmark = pytest.mark.django_db


def test_a_moderators_reason_over_the_limit_is_refused_not_cut(
    thread: Thread, moderator: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.set_locked(thread=thread, actor=moderator, locked=True, reason="x" * 501)
    assert "under 500 characters" in str(caught.value)
    thread.refresh_from_db()
    assert not thread.is_locked


def test_the_report_note_has_no_maxlength_and_a_long_one_is_kept_with_a_message(
    client: Client, thread: Thread, outsider: User
) -> None:
    post = Post.objects.filter(thread=thread).first()
    assert post is not None
    login(client, outsider)
    url = reverse("forums:report", args=[post.pk])
    assert "maxlength" not in client.get(url).content.decode()
    note = "They keep writing to me. " * 50  # 1,250 characters
    response = client.post(url, {"reason": "harassment", "detail": note})
    assert response.status_code in (400, 422)
    assert note.strip() in response.content.decode()
