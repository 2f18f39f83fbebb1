"""A one-group calendar address opens that group alone, and a person can replace their addresses.

The group page used to put the person's "all my groups" token into the one-group address too,
so whoever was given one group's address (a partner, a carer, a shared calendar) could paste its
token into ``/groups/calendar/<token>.ics`` and read every group the person takes part in (names
such as "Postpartum depression circle", in-person addresses); and nothing let the person replace a
token that had leaked. Now each one-group address carries a token made for that person and that
group, and "Reset my calendar addresses" replaces them all.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import AuditEvent, User
from peerhaven.groups import services
from peerhaven.groups.models import (
    CalendarFeed,
    Facilitator,
    GroupFormat,
    Meeting,
    Membership,
    SupportGroup,
)

pytestmark = pytest.mark.django_db

SECOND = "Postpartum depression circle"
ADDRESS = "Room 4, 12 Harbour Street"


@pytest.fixture
def second(
    make_group: Callable[..., SupportGroup],
    make_meeting: Callable[..., Meeting],
    member: User,
    facilitator: User,
    add_member: Callable[[SupportGroup, User], Membership],
) -> SupportGroup:
    """A second group the member takes part in, whose name and address say a lot."""
    g = make_group(
        name=SECOND,
        slug="postpartum-depression-circle",
        format=GroupFormat.IN_PERSON,
        address=ADDRESS,
    )
    Facilitator.objects.create(group=g, user=facilitator)
    add_member(g, member)
    make_meeting(g)
    return g


def _addresses(client: Client, user: User, group: SupportGroup) -> tuple[str, str]:
    """The ("All my groups", "This group") addresses the group's page shows ``user`` (paths)."""
    login(client, user)
    response = client.get(reverse("groups:detail", args=[group.slug]))
    assert response.status_code == 200
    client.logout()  # calendar apps fetch without a session
    return (
        urlsplit(response.context["member_feed"]).path,
        urlsplit(response.context["group_feed"]).path,
    )


def _token(path: str) -> str:
    return path.rsplit("/", 1)[1].removesuffix(".ics")


def test_a_one_group_address_does_not_open_the_all_groups_feed(
    client: Client, group: SupportGroup, meeting: Meeting, second: SupportGroup, member: User
) -> None:
    mine, one_group = _addresses(client, member, group)
    assert client.get(one_group).status_code == 200
    assert _token(mine) not in one_group

    # Someone given the one-group address edits it into an "all my groups" address.
    edited = reverse("groups:ical_member", args=[_token(one_group)])
    response = client.get(edited)
    assert response.status_code == 404
    assert SECOND not in response.content.decode()
    assert "Harbour Street" not in response.content.decode()


def test_a_one_group_address_does_not_open_another_group(
    client: Client, group: SupportGroup, meeting: Meeting, second: SupportGroup, member: User
) -> None:
    _mine, one_group = _addresses(client, member, group)
    edited = reverse("groups:ical_group", args=[second.slug, _token(one_group)])
    response = client.get(edited)
    assert response.status_code == 404
    assert "Harbour Street" not in response.content.decode()
    # The member's own address for that group does open it.
    _mine, theirs = _addresses(client, member, second)
    assert "Harbour Street" in client.get(theirs).content.decode()


def test_the_all_groups_token_in_a_one_group_address_reads_nothing(
    client: Client, second: SupportGroup, member: User
) -> None:
    token = services.calendar_feed_for(member).token
    response = client.get(reverse("groups:ical_group", args=[second.slug, token]))
    assert response.status_code == 404
    assert "Harbour Street" not in response.content.decode()


def test_another_persons_group_token_is_not_mine(
    client: Client, group: SupportGroup, meeting: Meeting, member: User, other: User
) -> None:
    """The id in the token only finds the row: a made-up code after it reads nothing."""
    _mine, address = _addresses(client, member, group)
    token = _token(address)
    feed_id, _dot, code = token.partition(".")
    theirs = services.calendar_feed_for(other)
    for forged in (
        f"{theirs.pk}.{code}",
        f"{feed_id}.{code[:-1]}",
        f"{feed_id}.",
        f"{feed_id}",
        f"²{feed_id}.{code}",
        f"{'9' * 40}.{code}",
    ):
        response = client.get(reverse("groups:ical_group", args=[group.slug, forged]))
        assert response.status_code == 404, forged


def test_resetting_replaces_every_address(
    client: Client, group: SupportGroup, meeting: Meeting, second: SupportGroup, member: User
) -> None:
    old_mine, old_group = _addresses(client, member, group)
    _old_mine, old_second = _addresses(client, member, second)
    for address in (old_mine, old_group, old_second):
        assert client.get(address).status_code == 200

    login(client, member)
    response = client.post(reverse("groups:calendar_reset", args=[group.slug]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("groups:detail", args=[group.slug])
    assert "Your calendar addresses were replaced" in response.content.decode()
    client.logout()

    for address in (old_mine, old_group, old_second):
        gone = client.get(address)
        assert gone.status_code == 404, address
        assert "VEVENT" not in gone.content.decode()
    new_mine, new_group = _addresses(client, member, group)
    assert {new_mine, new_group}.isdisjoint({old_mine, old_group})
    assert client.get(new_mine).status_code == 200
    assert client.get(new_group).status_code == 200

    event = AuditEvent.objects.get(action="groups.calendar.reset")
    assert event.actor_id == member.pk and event.subject_id == member.pk
    assert _token(new_mine) not in str(event.detail) and _token(old_mine) not in str(event.detail)


def test_the_group_page_offers_the_reset_to_people_who_take_part(
    client: Client, group: SupportGroup, member: User, outsider: User
) -> None:
    action = reverse("groups:calendar_reset", args=[group.slug])
    login(client, member)
    page = client.get(reverse("groups:detail", args=[group.slug])).content.decode()
    assert f'action="{action}"' in page
    assert "Reset my calendar addresses" in page
    login(client, outsider)
    page = client.get(reverse("groups:detail", args=[group.slug])).content.decode()
    assert action not in page


def test_the_reset_needs_a_post_with_the_csrf_token(group: SupportGroup, member: User) -> None:
    before = services.calendar_feed_for(member).token
    client = login(Client(enforce_csrf_checks=True), member)
    url = reverse("groups:calendar_reset", args=[group.slug])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert CalendarFeed.objects.get(user=member).token == before

    page = client.get(reverse("groups:detail", args=[group.slug]))
    csrf = page.context["csrf_token"]
    assert client.post(url, {"csrfmiddlewaretoken": str(csrf)}).status_code == 302
    assert CalendarFeed.objects.get(user=member).token != before


def test_the_reset_needs_sign_in_and_a_group_the_person_can_see(
    client: Client, group: SupportGroup, member: User, outsider: User
) -> None:
    before = services.calendar_feed_for(member).token
    response = client.post(reverse("groups:calendar_reset", args=[group.slug]))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "next=" in response["Location"]
    assert CalendarFeed.objects.get(user=member).token == before

    login(client, outsider)
    missing = reverse("groups:calendar_reset", args=["no-such-group"])
    assert client.post(missing).status_code == 404
    assert not AuditEvent.objects.filter(action="groups.calendar.reset").exists()
