"""A change of standing closes (or silences) an open room connection at once.

Periodic re-checks are off here (``no_periodic_rechecks``): after the service call the test only
listens, so the close can only come from the standing event the service sent.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from personas import PASSWORD
from room_sockets import joined, until
from standing_sockets import (
    closed_promptly,
    frame_promptly,
    no_periodic_rechecks,  # noqa: F401 - a fixture, used through pytestmark
    open_with_browser,
    signed_in,
    still_open,
)

from peerhaven.accounts.models import User
from peerhaven.groups import services
from peerhaven.groups.models import Meeting, RoomMessage, SupportGroup

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
    pytest.mark.usefixtures("no_periodic_rechecks"),
]


async def _in_room_with_browser(user: User, meeting_id: int) -> tuple[Any, Any]:
    comm, client = await open_with_browser(f"/ws/groups/rooms/{meeting_id}/", user)
    await comm.send_json_to({"type": "hello", "last_seen_id": None})
    while (await comm.receive_json_from(timeout=5))["type"] != "state":
        pass
    return comm, client


async def test_a_ban_closes_the_room_at_once_with_its_reason(
    meeting: Meeting, member: User, facilitator: User, moderator: User
) -> None:
    from peerhaven.safety.services import take_action

    fac, _ = await joined(facilitator, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    await sync_to_async(take_action)(
        member=member, moderator=moderator, kind="ban", reason="Threats in the forum.", hours=24
    )
    frames, code = await closed_promptly(mem)
    assert code == 4403
    errors = [f for f in frames if f["type"] == "error"]
    assert errors[-1]["code"] == "banned"
    assert "Threats in the forum." in errors[-1]["message"]
    # The facilitator, whose standing did not change, stays in the room.
    assert not [f for f in await still_open(fac) if f["type"] == "error"]
    await fac.disconnect()


async def test_removal_from_the_group_closes_the_room_at_once(
    meeting: Meeting, group: SupportGroup, member: User, admin: User
) -> None:
    mem, _ = await joined(member, meeting.pk)
    await sync_to_async(services.remove_member)(group=group, user=member, actor=admin)
    frames, code = await closed_promptly(mem)
    assert code == 4403
    assert frames[-1]["type"] == "error" and frames[-1]["code"] == "not_member"


async def test_leaving_the_group_in_another_tab_closes_the_room_at_once(
    meeting: Meeting, group: SupportGroup, member: User
) -> None:
    mem, _ = await joined(member, meeting.pk)
    await sync_to_async(services.leave_group)(group=group, user=member)
    frames, code = await closed_promptly(mem)
    assert code == 4403
    assert frames[-1]["code"] == "not_member"


async def test_a_password_changed_in_another_browser_closes_the_room_at_once(
    meeting: Meeting, member: User
) -> None:
    from django.urls import reverse

    mem, _browser = await _in_room_with_browser(member, meeting.pk)
    elsewhere, _session = await sync_to_async(signed_in)(member)
    new = "a-brand-new-Passphrase-77"
    response = await sync_to_async(elsewhere.post)(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302, response.content[:500]
    frames, code = await closed_promptly(mem)
    assert code == 4401
    assert frames[-1]["code"] == "signed_out"


async def test_signing_out_closes_the_room_opened_with_that_session_at_once(
    meeting: Meeting, member: User
) -> None:
    from django.urls import reverse

    mem, browser = await _in_room_with_browser(member, meeting.pk)
    # The same person in another browser: that session is not signed out.
    other, _ = await _in_room_with_browser(member, meeting.pk)
    response = await sync_to_async(browser.post)(reverse("account_logout"))
    assert response.status_code == 302
    frames, code = await closed_promptly(mem)
    assert code == 4401
    assert frames[-1]["code"] == "signed_out"
    assert not [f for f in await still_open(other) if f["type"] == "error"]
    await other.disconnect()


async def test_a_moderators_mute_makes_the_room_read_only_at_once_and_its_end_lifts_it(
    meeting: Meeting, member: User, moderator: User, make_user: Any
) -> None:
    from peerhaven.accounts.models import Role
    from peerhaven.safety import services as safety

    mem, _ = await joined(member, meeting.pk)
    action = await sync_to_async(safety.take_action)(
        member=member, moderator=moderator, kind="mute", reason="Heated thread.", hours=2
    )
    muted = await frame_promptly(mem, "muted")
    assert muted["muted"] is True
    assert muted["user"]["id"] == member.pk
    assert "Heated thread." in muted["message"]
    # Still in the room, reading; writing is refused by the service as before.
    await still_open(mem)
    await mem.send_json_to({"type": "message", "body": "Can I still post?", "client_id": "c1"})
    refused = await until(mem, "error")
    assert refused["code"] == "muted"
    assert not await sync_to_async(RoomMessage.objects.filter(author=member).exists)()

    # Another moderator overturns the mute on appeal: the room is writable again at once.
    other = await sync_to_async(make_user)(roles=(Role.MODERATOR,))
    appeal = await sync_to_async(safety.file_appeal)(
        action=action, member=member, text="It was a misunderstanding."
    )
    await sync_to_async(safety.decide_appeal)(
        appeal=appeal, moderator=other, overturn=True, response="Agreed."
    )
    lifted = await frame_promptly(mem, "muted")
    assert lifted["muted"] is False
    await mem.disconnect()


async def test_a_facilitator_unassigned_and_not_a_member_leaves_the_room_at_once(
    meeting: Meeting, group: SupportGroup, facilitator: User, admin: User
) -> None:
    fac, _ = await joined(facilitator, meeting.pk)
    await sync_to_async(services.unassign_facilitator)(group=group, user=facilitator, actor=admin)
    frames, code = await closed_promptly(fac)
    assert code == 4403
    assert frames[-1]["code"] == "not_member"
