"""After a reply that screens at ideation or more, the thread opens on the crisis panel (at the
top of the page), not at the reply far below it where the panel would be out of sight."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.forums.models import Thread

pytestmark = pytest.mark.django_db


def test_a_reply_at_risk_opens_the_thread_on_the_crisis_panel(
    client: Client, thread: Thread, outsider: User
) -> None:
    login(client, outsider)
    response = client.post(
        reverse("forums:reply", args=[thread.pk]),
        {"body": "Some days I wish I could just not wake up."},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#crisis-help")
    page = client.get(response["Location"]).content.decode()
    assert 'id="crisis-help"' in page


def test_an_ordinary_reply_opens_at_the_reply(
    client: Client, thread: Thread, outsider: User
) -> None:
    login(client, outsider)
    response = client.post(
        reverse("forums:reply", args=[thread.pk]), {"body": "Sending you strength today."}
    )
    assert response.status_code == 302
    assert "#post-" in response["Location"]


def test_the_new_thread_page_names_its_board(client: Client, member: User, board) -> None:  # type: ignore[no-untyped-def]
    login(client, member)
    page = client.get(reverse("forums:new_thread", args=[board.slug])).content.decode()
    assert f"Start a thread in {board.name}" in page


def test_a_new_thread_at_risk_opens_on_the_crisis_panel(
    client: Client, thread: Thread, outsider: User
) -> None:
    login(client, outsider)
    response = client.post(
        reverse("forums:new_thread", args=[thread.board.slug]),
        {"title": "Tonight", "body": "Some days I wish I could just not wake up."},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#crisis-help")
    assert 'id="crisis-help"' in client.get(response["Location"]).content.decode()


def test_an_ordinary_new_thread_opens_without_a_fragment(
    client: Client, thread: Thread, outsider: User
) -> None:
    login(client, outsider)
    response = client.post(
        reverse("forums:new_thread", args=[thread.board.slug]),
        {"title": "Small wins", "body": "I went for a walk today."},
    )
    assert response.status_code == 302
    assert "#" not in response["Location"]
