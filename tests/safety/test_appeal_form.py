"""An appeal the page refuses keeps the member's words.

Someone just muted or banned may be upset; what they wrote must not vanish behind a redirect.
A refused appeal answers 4xx with the page, the reason, and their text still in the box.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import User
from peerhaven.safety import services
from peerhaven.safety.models import Appeal, ModerationAction

pytestmark = pytest.mark.django_db

FIRST = "I was upset that night and I am sorry"
SECOND = "Please also consider that I apologised to her afterwards"


@pytest.fixture
def mute(member: User, moderator: User) -> ModerationAction:
    return services.take_action(
        member=member, moderator=moderator, kind="mute", reason="Heated thread", hours=2
    )


def _appeal(client: Client, action: ModerationAction, text: str) -> Any:
    return client.post(reverse("safety:appeal", args=[action.pk]), {"text": text})


def test_an_empty_appeal_is_refused_with_a_reason(
    member_client: Client, mute: ModerationAction
) -> None:
    response = _appeal(member_client, mute, "   ")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please write why the decision should change." in html
    assert not Appeal.objects.exists()


def test_a_too_long_appeal_is_refused_with_the_text_kept(
    member_client: Client, mute: ModerationAction
) -> None:
    text = "I disagree. " * 400  # over the 4,000 characters an appeal can have
    response = _appeal(member_client, mute, text)
    assert response.status_code == 400
    html = response.content.decode()
    assert text.strip() in html
    # The reason says how long it may be and how long this one is (the textarea's own
    # maxlength="4000" attribute would match a bare "4000").
    assert f"at most 4000 characters (it has {len(text.strip())})" in html
    assert not Appeal.objects.exists()


def test_a_second_appeal_is_refused_with_its_text_kept(
    member_client: Client, mute: ModerationAction
) -> None:
    assert _appeal(member_client, mute, FIRST).status_code == 302
    response = _appeal(member_client, mute, SECOND)
    assert response.status_code == 409
    html = response.content.decode()
    assert "You have already appealed this decision." in html
    assert SECOND in html
    assert Appeal.objects.get().text == FIRST


def test_a_good_appeal_is_sent_and_goes_back_to_the_page(
    member_client: Client, mute: ModerationAction
) -> None:
    response = _appeal(member_client, mute, FIRST)
    assert response.status_code == 302
    assert Appeal.objects.get(action=mute).text == FIRST
    page = member_client.get(reverse("safety:my_actions")).content.decode()
    assert "Another moderator will review it." in page


def test_an_outsider_cannot_appeal_and_sees_nothing_of_it(
    client: Client, outsider: User, mute: ModerationAction
) -> None:
    login(client, outsider)
    assert _appeal(client, mute, FIRST).status_code == 404
    assert not Appeal.objects.exists()


def test_a_double_submitted_appeal_is_a_duplicate_not_an_error(
    member: User, mute: ModerationAction, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by review: two submits racing past the duplicate check hit the one-to-one
    constraint; the second must be refused as a duplicate (409 on the page), not a 500."""
    from django.core.exceptions import ValidationError
    from django.db.models.query import QuerySet

    services.file_appeal(action=mute, member=member, text=FIRST)
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)  # the race: check passed
    with pytest.raises(ValidationError) as caught:
        services.file_appeal(action=mute, member=member, text=SECOND)
    assert caught.value.code == "duplicate"
    monkeypatch.undo()
    assert list(Appeal.objects.values_list("text", flat=True)) == [FIRST]
