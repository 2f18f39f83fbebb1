"""The live room over WebSockets (room_sockets' communicator, in-memory layer)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from room_sockets import (
    APP,
    WebsocketCommunicator,
    closed_with,
    connect,
    frames_until_pong,
    joined,
    until,
)

from peerhaven.accounts.models import User
from peerhaven.groups.models import Attendance, Meeting, Membership, RoomMessage, SupportGroup

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
    pytest.mark.usefixtures("fresh_connections_and_layers"),
]


async def test_outsider_is_refused_before_the_handshake(meeting: Meeting, outsider: User) -> None:
    _comm, ok, code = await connect(outsider, meeting.pk)
    assert (ok, code) == (False, 4404)


async def test_anonymous_visitor_is_refused(meeting: Meeting) -> None:
    from django.contrib.auth.models import AnonymousUser

    _comm, ok, code = await connect(AnonymousUser(), meeting.pk)
    assert (ok, code) == (False, 4401)


async def test_forged_meeting_ids_are_refused_the_same_way(
    meeting: Meeting,
    member: User,
    make_group: Callable[..., SupportGroup],
    make_meeting: Callable[..., Meeting],
) -> None:
    other = await database_sync_to_async(make_group)()
    other_meeting = await database_sync_to_async(make_meeting)(other)
    for forged in (meeting.pk + 10_000, other_meeting.pk):
        _comm, ok, code = await connect(member, forged)
        assert (ok, code) == (False, 4404)


async def test_room_that_is_not_open_yet_says_why(
    group: SupportGroup, member: User, make_meeting: Callable[..., Meeting]
) -> None:
    later = await database_sync_to_async(make_meeting)(group, starts_in=timedelta(days=2))
    comm, ok, _ = await connect(member, later.pk)
    assert ok
    error = await comm.receive_json_from()
    assert error["code"] == "room_closed"
    assert await closed_with(comm) == 4409


async def test_message_is_stored_before_it_is_acknowledged(meeting: Meeting, member: User) -> None:
    comm, _state = await joined(member, meeting.pk)
    await comm.send_json_to({"type": "message", "body": "Hello, everyone", "client_id": "c1"})
    ack = await until(comm, "ack")
    assert ack["client_id"] == "c1"
    stored = await database_sync_to_async(RoomMessage.objects.get)(pk=ack["id"])
    assert stored.body == "Hello, everyone"
    await comm.disconnect()


async def test_members_see_each_others_messages_and_presence(
    meeting: Meeting, member: User, facilitator: User
) -> None:
    fac, _ = await joined(facilitator, meeting.pk)
    mem, state = await joined(member, meeting.pk)
    assert {p["name"] for p in state["present"]} == {"Gentle Beacon", "Quiet Harbor"}
    presence = await until(fac, "presence")
    assert presence["event"] == "join"
    await mem.send_json_to({"type": "message", "body": "Glad to be here"})
    got = await until(fac, "message")
    assert got["message"]["body"] == "Glad to be here"
    assert got["message"]["author"]["name"] == "Quiet Harbor"
    await mem.disconnect()
    left = await until(fac, "presence")
    assert left["event"] == "leave"
    await fac.disconnect()


async def test_reconnecting_participant_gets_what_they_missed(
    meeting: Meeting, member: User, facilitator: User
) -> None:
    fac, _ = await joined(facilitator, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    await mem.send_json_to({"type": "message", "body": "first"})
    first = await until(mem, "ack")
    await mem.disconnect()
    for body in ("second", "third"):
        await fac.send_json_to({"type": "message", "body": body})
        await until(fac, "ack")
    mem2, state = await joined(member, meeting.pk, last_seen=first["id"])
    assert [m["body"] for m in state["messages"]] == ["second", "third"]
    await mem2.disconnect()
    await fac.disconnect()


async def test_flooding_closes_only_the_flooder(
    meeting: Meeting, member: User, facilitator: User, settings: Any
) -> None:
    settings.GROUPS_ROOM_RATE_COUNT = 5
    fac, _ = await joined(facilitator, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    for _ in range(10):
        await mem.send_json_to({"type": "ping"})
    error = await until(mem, "error")
    assert error["code"] == "rate_limited"
    assert await closed_with(mem) == 4429
    await fac.send_json_to({"type": "message", "body": "Still here"})
    assert (await until(fac, "ack"))["id"]
    await fac.disconnect()


async def test_oversized_frame_closes_the_connection(
    meeting: Meeting, member: User, settings: Any
) -> None:
    settings.GROUPS_ROOM_MAX_FRAME = 200
    mem, _ = await joined(member, meeting.pk)
    await mem.send_to(text_data='{"type": "message", "body": "' + "x" * 500 + '"}')
    assert (await until(mem, "error"))["code"] == "too_large"
    assert await closed_with(mem) == 4413


async def test_too_long_message_is_refused_without_closing(
    meeting: Meeting, member: User, settings: Any
) -> None:
    settings.GROUPS_ROOM_MAX_MESSAGE = 20
    mem, _ = await joined(member, meeting.pk)
    await mem.send_json_to({"type": "message", "body": "y" * 50, "client_id": "c9"})
    error = await until(mem, "error")
    assert (error["code"], error["client_id"]) == ("too_long", "c9")
    await mem.send_json_to({"type": "ping"})
    await until(mem, "pong")
    await mem.disconnect()


async def test_members_cannot_use_facilitator_tools(meeting: Meeting, member: User) -> None:
    mem, _ = await joined(member, meeting.pk)
    for action in ("end", "pause", "checkin.start", "welcome"):
        await mem.send_json_to({"type": action})
        assert (await until(mem, "error"))["code"] == "forbidden"
    await mem.disconnect()


async def test_pause_stops_members_but_not_facilitators(
    meeting: Meeting, member: User, facilitator: User
) -> None:
    fac, _ = await joined(facilitator, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    await fac.send_json_to({"type": "pause"})
    assert (await until(mem, "paused"))["paused"] is True
    await mem.send_json_to({"type": "message", "body": "can I speak?"})
    assert (await until(mem, "error"))["code"] == "paused"
    await fac.send_json_to({"type": "message", "body": "Let's breathe for a minute."})
    await until(fac, "ack")
    await fac.send_json_to({"type": "unpause"})
    assert (await until(mem, "paused"))["paused"] is False
    await mem.disconnect()
    await fac.disconnect()


async def test_checkin_round_gives_each_person_a_turn(
    meeting: Meeting,
    member: User,
    facilitator: User,
    make_user: Callable[..., User],
    add_member: Callable[..., Membership],
    group: SupportGroup,
) -> None:
    other = await database_sync_to_async(make_user)(display_name="Soft Meadow")
    await database_sync_to_async(add_member)(group, other)
    fac, _ = await joined(facilitator, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    oth, _ = await joined(other, meeting.pk)
    await fac.send_json_to({"type": "checkin.start"})
    state = await until(mem, "checkin")
    assert [p["name"] for p in state["order"]] == ["Gentle Beacon", "Quiet Harbor", "Soft Meadow"]
    assert state["current"] == facilitator.pk
    await mem.send_json_to({"type": "checkin.pass"})  # not their turn yet
    assert (await until(mem, "error"))["code"] == "not_your_turn"
    await fac.send_json_to({"type": "checkin.done"})
    assert (await until(mem, "checkin"))["current"] == member.pk
    await mem.send_json_to({"type": "checkin.pass"})
    turn = await until(oth, "checkin")
    while turn["current"] != other.pk:
        turn = await until(oth, "checkin")
    assert turn["previous"] == {"id": member.pk, "passed": True}
    await oth.send_json_to({"type": "checkin.done"})
    done = await until(fac, "checkin")
    while done["active"]:
        done = await until(fac, "checkin")
    assert done["current"] is None
    for c in (fac, mem, oth):
        await c.disconnect()


async def test_risk_alert_reaches_the_facilitator_only(
    meeting: Meeting,
    member: User,
    facilitator: User,
    make_user: Callable[..., User],
    add_member: Callable[..., Membership],
    group: SupportGroup,
) -> None:
    other = await database_sync_to_async(make_user)()
    await database_sync_to_async(add_member)(group, other)
    fac, _ = await joined(facilitator, meeting.pk)
    oth, _ = await joined(other, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    await mem.send_json_to({"type": "message", "body": "I keep thinking about killing myself."})
    ack = await until(mem, "ack")
    alert = await until(fac, "risk_alert")
    assert alert["message_id"] == ack["id"]
    assert alert["level"] in ("ideation", "imminent")
    stored = await database_sync_to_async(RoomMessage.objects.get)(pk=ack["id"])
    assert stored.risk_level == alert["level"]
    # The moderators' queue has it too (through the safety gate's report_outcome).
    from peerhaven.safety.models import RiskAlert

    queued = await database_sync_to_async(
        lambda: RiskAlert.objects.filter(kind="groups.room", author=member).exists()
    )()
    assert queued
    # The other member sees the message (unless held) but never the alert.
    # (A receive timeout would cancel the application: read up to a pong instead.)
    frames = await frames_until_pong(oth, timeout=3)
    assert "risk_alert" not in {f["type"] for f in frames}
    for c in (fac, oth, mem):
        await c.disconnect()


async def test_facilitator_removes_a_participant(
    meeting: Meeting, member: User, facilitator: User
) -> None:
    fac, _ = await joined(facilitator, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    await fac.send_json_to({"type": "remove", "user_id": member.pk})
    assert (await until(mem, "removed"))["user"]["id"] == member.pk
    assert await closed_with(mem) == 4403
    again, ok, _ = await connect(member, meeting.pk)
    assert ok
    assert (await again.receive_json_from())["code"] == "removed"
    assert await closed_with(again) == 4403
    await fac.disconnect()


async def test_facilitator_mutes_a_participant(
    meeting: Meeting, member: User, facilitator: User
) -> None:
    fac, _ = await joined(facilitator, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    await fac.send_json_to({"type": "mute", "user_id": member.pk})
    assert (await until(mem, "muted"))["muted"] is True
    await mem.send_json_to({"type": "message", "body": "hello?"})
    assert (await until(mem, "error"))["code"] == "muted"
    await mem.disconnect()
    await fac.disconnect()


async def test_facilitator_ends_the_meeting_and_attendance_is_recorded(
    meeting: Meeting, member: User, facilitator: User
) -> None:
    fac, _ = await joined(facilitator, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    await fac.send_json_to({"type": "welcome"})
    welcome = await until(mem, "message")
    assert welcome["message"]["kind"] == "welcome"
    await fac.send_json_to({"type": "end"})
    ended = await until(mem, "ended")
    assert ended["attendance"] == 2
    assert await closed_with(mem) == 1000
    rows = await database_sync_to_async(
        lambda: sorted(Attendance.objects.filter(meeting=meeting).values_list("user_id", "source"))
    )()
    assert rows == sorted([(member.pk, "room"), (facilitator.pk, "room")])
    again, _ok, _ = await connect(member, meeting.pk)
    assert (await again.receive_json_from())["code"] == "ended"
    await fac.disconnect()


async def test_imminent_risk_with_a_method_is_held_from_other_members(
    meeting: Meeting,
    member: User,
    facilitator: User,
    make_user: Callable[..., User],
    add_member: Callable[..., Membership],
    group: SupportGroup,
) -> None:
    other = await database_sync_to_async(make_user)()
    await database_sync_to_async(add_member)(group, other)
    fac, _ = await joined(facilitator, meeting.pk)
    oth, _ = await joined(other, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    await mem.send_json_to(
        {"type": "message", "body": "I am going to overdose on my pills tonight"}
    )
    ack = await until(mem, "ack")
    assert ack["held"] is True
    # The facilitator is told it was held (to support the member), never what it says.
    seen = [await fac.receive_json_from()]
    while seen[-1]["type"] != "risk_alert":
        seen.append(await fac.receive_json_from())
    seen += await frames_until_pong(fac)
    alert = next(f for f in seen if f["type"] == "risk_alert")
    assert (alert["message_id"], alert["held"]) == (ack["id"], True)
    assert all(f.get("message", {}).get("id") != ack["id"] for f in seen)
    assert "overdose" not in json.dumps(seen)
    frames = await frames_until_pong(oth)
    assert all(f.get("message", {}).get("id") != ack["id"] for f in frames)
    # Nor does the other member get it when resuming; the author does.
    again, state = await joined(other, meeting.pk)
    assert ack["id"] not in [m["id"] for m in state["messages"]]
    mine, state = await joined(member, meeting.pk)
    assert ack["id"] in [m["id"] for m in state["messages"]]
    for c in (fac, oth, mem, again, mine):
        await c.disconnect()


# --- Flood limit per person ---------------------------------------------------------------------


async def ping(comm: WebsocketCommunicator) -> None:
    await comm.send_json_to({"type": "ping"})
    await until(comm, "pong")


async def test_two_tabs_of_one_person_share_one_flood_limit(
    meeting: Meeting, member: User, settings: Any
) -> None:
    settings.GROUPS_ROOM_RATE_COUNT = 5
    first, _ = await joined(member, meeting.pk)  # frame 1 (hello)
    second, _ = await joined(member, meeting.pk)  # frame 2
    for tab in (first, second, first):  # frames 3-5: at the limit, still fine
        await ping(tab)
    # Frame 6 from either tab is one too many for this person (each tab alone sent only 3).
    await second.send_json_to({"type": "ping"})
    assert (await until(second, "error"))["code"] == "rate_limited"
    assert await closed_with(second) == 4429
    await first.disconnect()


async def test_people_at_the_flood_limit_do_not_affect_each_other(
    meeting: Meeting,
    member: User,
    facilitator: User,
    make_user: Callable[..., User],
    add_member: Callable[..., Membership],
    group: SupportGroup,
    settings: Any,
) -> None:
    settings.GROUPS_ROOM_RATE_COUNT = 4
    other = await database_sync_to_async(make_user)(display_name="Soft Meadow")
    await database_sync_to_async(add_member)(group, other)
    fac, _ = await joined(facilitator, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    oth, _ = await joined(other, meeting.pk)
    for _ in range(3):  # each of them reaches exactly the limit: 4 frames
        await ping(mem)
        await ping(oth)
    await mem.send_json_to({"type": "ping"})
    assert (await until(mem, "error"))["code"] == "rate_limited"
    assert await closed_with(mem) == 4429
    # The facilitator (1 frame so far) speaks; the other member, at the limit, still hears it.
    await fac.send_json_to({"type": "message", "body": "Let's slow down a little."})
    ack = await until(fac, "ack")
    assert (await until(oth, "message"))["message"]["id"] == ack["id"]
    await oth.disconnect()
    await fac.disconnect()


# --- Standing re-checked during the connection ------------------------------------------------


async def test_a_member_who_left_the_group_is_closed_out_on_their_next_message(
    meeting: Meeting, member: User, facilitator: User, group: SupportGroup
) -> None:
    from peerhaven.groups import services

    fac, _ = await joined(facilitator, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    await database_sync_to_async(services.leave_group)(group=group, user=member)
    await mem.send_json_to({"type": "message", "body": "still here?", "client_id": "c1"})
    error = await until(mem, "error")
    assert error["code"] == "not_member"
    assert await closed_with(mem) == 4403
    stored = await database_sync_to_async(
        lambda: RoomMessage.objects.filter(author=member).exists()
    )()
    assert not stored
    # The facilitator carries on.
    await fac.send_json_to({"type": "message", "body": "Thank you for coming."})
    assert (await until(fac, "ack"))["id"]
    await fac.disconnect()


async def test_a_member_removed_from_the_group_is_closed_out(
    meeting: Meeting, member: User, facilitator: User, group: SupportGroup
) -> None:
    from peerhaven.groups import services

    mem, _ = await joined(member, meeting.pk)
    await database_sync_to_async(services.remove_member)(
        group=group, user=member, actor=facilitator
    )
    await mem.send_json_to({"type": "hello", "last_seen_id": None})
    assert (await until(mem, "error"))["code"] == "not_member"
    assert await closed_with(mem) == 4403


async def test_a_room_removal_whose_event_was_missed_still_closes_the_connection(
    meeting: Meeting, member: User, facilitator: User
) -> None:
    # The removal was written (say by another process) but this connection never heard of it.
    from peerhaven.groups.models import RoomRestriction

    mem, _ = await joined(member, meeting.pk)
    await database_sync_to_async(RoomRestriction.objects.create)(
        meeting=meeting, user=member, removed=True, by=facilitator
    )
    await mem.send_json_to({"type": "message", "body": "hello"})
    assert (await until(mem, "error"))["code"] == "removed"
    assert await closed_with(mem) == 4403


async def test_a_member_banned_by_moderators_is_closed_out_and_cannot_come_back(
    meeting: Meeting, member: User, facilitator: User
) -> None:
    from peerhaven.safety.models import ModerationAction

    fac, _ = await joined(facilitator, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    await database_sync_to_async(ModerationAction.objects.create)(
        member=member, kind="ban", reason="Repeated harassment."
    )
    await mem.send_json_to({"type": "message", "body": "hello"})
    assert (await until(mem, "error"))["code"] == "banned"
    assert await closed_with(mem) == 4403
    again, ok, _ = await connect(member, meeting.pk)
    assert ok
    assert (await again.receive_json_from())["code"] == "banned"
    assert await closed_with(again) == 4403
    await fac.send_json_to({"type": "message", "body": "We carry on."})
    assert (await until(fac, "ack"))["id"]
    await fac.disconnect()


async def test_a_member_muted_by_moderators_can_read_but_not_post(
    meeting: Meeting, member: User, facilitator: User
) -> None:
    from peerhaven.safety.models import ModerationAction

    fac, _ = await joined(facilitator, meeting.pk)
    mem, _ = await joined(member, meeting.pk)
    await database_sync_to_async(ModerationAction.objects.create)(
        member=member, kind="mute", reason="Cooling off."
    )
    await mem.send_json_to({"type": "message", "body": "hello", "client_id": "c3"})
    error = await until(mem, "error")
    # The safety app's refusal (services.post_room_message calls its check_post): a muted
    # member stays connected and keeps reading.
    assert error["code"] == "muted"
    assert "Cooling off." in error["message"]
    assert error["client_id"] == "c3"
    await fac.send_json_to({"type": "message", "body": "Welcome back, everyone."})
    ack = await until(fac, "ack")
    assert (await until(mem, "message"))["message"]["id"] == ack["id"]
    stored = await database_sync_to_async(
        lambda: RoomMessage.objects.filter(author=member).exists()
    )()
    assert not stored
    await mem.disconnect()
    await fac.disconnect()


async def test_an_unassigned_facilitator_loses_the_tools_and_the_room(
    meeting: Meeting, facilitator: User, group: SupportGroup
) -> None:
    from peerhaven.groups.models import Facilitator

    fac, state = await joined(facilitator, meeting.pk)
    assert state["me"]["facilitator"] is True
    await database_sync_to_async(
        lambda: Facilitator.objects.filter(group=group, user=facilitator).delete()
    )()
    await fac.send_json_to({"type": "pause"})
    # Not a member either, so they leave the room (and the room has no facilitator now).
    assert (await until(fac, "error"))["code"] == "not_member"
    assert await closed_with(fac) == 4403


async def test_a_facilitator_who_is_also_a_member_keeps_the_room_but_not_the_tools(
    meeting: Meeting,
    facilitator: User,
    group: SupportGroup,
    make_user: Callable[..., User],
    add_member: Callable[..., Membership],
) -> None:
    from peerhaven.accounts.models import Role
    from peerhaven.groups.models import Facilitator, FacilitatorTraining

    def second_facilitator() -> User:
        user = make_user(display_name="Calm River", roles=(Role.PEER_SUPPORTER,))
        FacilitatorTraining.objects.create(
            peer_supporter=user,
            completed_on=meeting.starts_at.date() - timedelta(days=10),
            trainer="Peer Trainer",
            expires_on=meeting.starts_at.date() + timedelta(days=100),
        )
        Facilitator.objects.create(group=group, user=user)
        add_member(group, user)
        return user

    co = await database_sync_to_async(second_facilitator)()
    comm, state = await joined(co, meeting.pk)
    assert state["me"]["facilitator"] is True
    await database_sync_to_async(
        lambda: Facilitator.objects.filter(group=group, user=co).delete()
    )()
    await comm.send_json_to({"type": "pause"})
    assert (await until(comm, "error"))["code"] == "forbidden"
    await comm.send_json_to({"type": "message", "body": "Speaking as a member now."})
    assert (await until(comm, "ack"))["id"]
    await comm.disconnect()


async def test_a_ping_rechecks_standing_once_the_recheck_interval_has_passed(
    meeting: Meeting, member: User, group: SupportGroup, settings: Any
) -> None:
    from peerhaven.groups import services

    settings.GROUPS_ROOM_RECHECK_SECONDS = 0  # every frame is due for a re-check
    mem, _ = await joined(member, meeting.pk)
    await ping(mem)
    await database_sync_to_async(services.leave_group)(group=group, user=member)
    await mem.send_json_to({"type": "ping"})
    assert (await until(mem, "error"))["code"] == "not_member"
    assert await closed_with(mem) == 4403


async def test_a_meeting_cancelled_during_the_connection_closes_the_room(
    meeting: Meeting, member: User, facilitator: User
) -> None:
    from peerhaven.groups import services

    mem, _ = await joined(member, meeting.pk)
    await database_sync_to_async(services.cancel_meeting)(meeting=meeting, actor=facilitator)
    await mem.send_json_to({"type": "message", "body": "hello?"})
    assert (await until(mem, "error"))["code"] == "cancelled"
    assert await closed_with(mem) == 4409


async def test_a_banned_person_cannot_connect(meeting: Meeting, member: User) -> None:
    from peerhaven.safety.models import ModerationAction

    await database_sync_to_async(ModerationAction.objects.create)(
        member=member, kind="ban", reason="Spam."
    )
    comm, ok, _ = await connect(member, meeting.pk)
    assert ok
    assert (await comm.receive_json_from())["code"] == "banned"
    assert await closed_with(comm) == 4403


# --- Heartbeat and presence --------------------------------------------------------------------


class Ticker:
    """Stands in for the heartbeat's sleep: the test decides when a beat happens."""

    def __init__(self) -> None:
        self.go: asyncio.Queue[None] = asyncio.Queue()
        self.asleep: asyncio.Queue[float] = asyncio.Queue()

    async def sleep(self, seconds: float) -> None:
        self.asleep.put_nowait(seconds)
        await self.go.get()

    async def beat(self, *, then_asleep: bool = True) -> None:
        """Let the (one) connection beat once; wait until it is asleep again (unless the beat
        is expected to close the connection)."""
        await asyncio.wait_for(self.asleep.get(), 10)
        self.go.put_nowait(None)
        if then_asleep:
            await asyncio.wait_for(self.asleep.get(), 10)
            self.asleep.put_nowait(0)  # it is asleep: the next beat() may go at once


@pytest.fixture
def ticker(monkeypatch: pytest.MonkeyPatch) -> Ticker:
    from peerhaven.groups import consumers

    t = Ticker()
    monkeypatch.setattr(consumers, "heartbeat_sleep", t.sleep)
    return t


async def test_the_heartbeat_refreshes_the_connections_presence(
    meeting: Meeting, member: User, ticker: Ticker
) -> None:
    from django.utils import timezone

    from peerhaven.groups.models import RoomVisit

    mem, _ = await joined(member, meeting.pk)
    old = timezone.now() - timedelta(seconds=60)
    await database_sync_to_async(
        lambda: RoomVisit.objects.filter(meeting=meeting).update(last_seen_at=old)
    )()
    await ticker.beat()
    visit = await database_sync_to_async(RoomVisit.objects.get)(meeting=meeting, user=member)
    assert visit.left_at is None
    assert visit.last_seen_at > old + timedelta(seconds=30)
    await mem.disconnect()


async def test_a_live_connection_whose_visit_expired_comes_back_into_the_room(
    meeting: Meeting, member: User, ticker: Ticker
) -> None:
    # Say this process stalled past the presence window and the expiry job closed the visit.
    from django.utils import timezone

    from peerhaven.groups import services
    from peerhaven.groups.models import RoomVisit

    mem, _ = await joined(member, meeting.pk)
    await database_sync_to_async(
        lambda: RoomVisit.objects.filter(meeting=meeting).update(
            last_seen_at=timezone.now() - timedelta(minutes=10)
        )
    )()
    assert await database_sync_to_async(services.expire_stale_visits)() == 1
    assert await database_sync_to_async(services.presence)(meeting.pk) == []
    await ticker.beat()
    present = await database_sync_to_async(services.presence)(meeting.pk)
    assert [p["id"] for p in present] == [member.pk]
    joined_again = await until(mem, "presence")
    while joined_again["event"] != "join":
        joined_again = await until(mem, "presence")
    assert joined_again["user"]["id"] == member.pk
    await mem.disconnect()


async def test_the_heartbeat_closes_an_idle_member_who_left_the_group(
    meeting: Meeting, member: User, group: SupportGroup, ticker: Ticker
) -> None:
    from peerhaven.groups import services

    mem, _ = await joined(member, meeting.pk)
    await database_sync_to_async(services.leave_group)(group=group, user=member)
    await ticker.beat(then_asleep=False)
    assert (await until(mem, "error"))["code"] == "not_member"
    assert await closed_with(mem) == 4403


# --- Bans say why; signing out, a new password or deactivation close the room (4401) ------------


def _ban(member: User, *, reason: str, days: int = 3) -> Any:
    """A ban ending on a fixed minute, and the end as the member reads it (their own zone)."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from peerhaven.safety.models import ModerationAction

    ends = (timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)
    ModerationAction.objects.create(member=member, kind="ban", reason=reason, ends_at=ends)
    local = ends.astimezone(ZoneInfo(member.time_zone))
    assert local.utcoffset() != timedelta(0)  # so the test sees the zone applied, not UTC
    return f"{local.day} {local.strftime('%B %Y, %H:%M')} ({member.time_zone})"


async def test_a_banned_person_is_told_the_reason_the_end_and_where_to_appeal(
    meeting: Meeting, member: User
) -> None:
    member.time_zone = "Pacific/Auckland"
    await database_sync_to_async(member.save)(update_fields=["time_zone"])
    until_text = await database_sync_to_async(_ban)(member, reason="Repeated harassment.")
    comm, ok, _ = await connect(member, meeting.pk)
    assert ok
    error = await comm.receive_json_from()
    assert error["code"] == "banned"
    assert "Repeated harassment." in error["message"]
    assert until_text in error["message"]
    assert "/safety/actions/" in error["message"]
    assert await closed_with(comm) == 4403


async def test_the_heartbeat_closes_a_member_banned_mid_meeting_with_the_reason(
    meeting: Meeting, member: User, ticker: Ticker
) -> None:
    member.time_zone = "America/New_York"
    await database_sync_to_async(member.save)(update_fields=["time_zone"])
    mem, _ = await joined(member, meeting.pk)
    until_text = await database_sync_to_async(_ban)(member, reason="Threats in the forum.")
    await ticker.beat(then_asleep=False)
    error = await until(mem, "error")
    assert error["code"] == "banned"
    assert "Threats in the forum." in error["message"]
    assert until_text in error["message"]
    assert "/safety/actions/" in error["message"]
    assert await closed_with(mem) == 4403


def _signed_in_session(user: User) -> tuple[Any, Any]:
    """A browser's signed-in session (the Client) and the store the socket's scope carries."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client, SessionStore(session_key=client.session.session_key)


async def joined_with_session(user: User, meeting_id: int) -> tuple[WebsocketCommunicator, Any]:
    """In the room over a socket opened with the browser's session (as AuthMiddleware does)."""
    client, session = await database_sync_to_async(_signed_in_session)(user)
    comm = WebsocketCommunicator(APP, f"/ws/groups/rooms/{meeting_id}/")
    comm.scope["user"] = user
    comm.scope["session"] = session
    ok, _code = await comm.connect(timeout=10)
    assert ok
    await comm.send_json_to({"type": "hello", "last_seen_id": None})
    await until(comm, "state")
    return comm, client


async def test_signing_out_in_another_tab_closes_the_room_on_the_next_heartbeat(
    meeting: Meeting, member: User, ticker: Ticker
) -> None:
    mem, client = await joined_with_session(member, meeting.pk)
    await ticker.beat()  # the session is still theirs: the connection stays
    await ping(mem)
    await database_sync_to_async(client.logout)()  # flushes the session
    await ticker.beat(then_asleep=False)
    error = await until(mem, "error")
    assert error["code"] == "signed_out"
    assert "Sign in again" in error["message"]
    assert await closed_with(mem) == 4401


async def test_a_deleted_session_closes_the_room_on_the_next_hello(
    meeting: Meeting, member: User
) -> None:
    from django.contrib.sessions.models import Session

    mem, client = await joined_with_session(member, meeting.pk)
    key = client.session.session_key
    await database_sync_to_async(lambda: Session.objects.filter(session_key=key).delete())()
    await mem.send_json_to({"type": "hello", "last_seen_id": None})
    assert (await until(mem, "error"))["code"] == "signed_out"
    assert await closed_with(mem) == 4401


async def test_a_password_change_closes_the_room(meeting: Meeting, member: User) -> None:
    mem, _client = await joined_with_session(member, meeting.pk)

    def change_password() -> None:
        member.set_password("a-brand-new-passphrase-42")
        member.save(update_fields=["password"])

    await database_sync_to_async(change_password)()
    await mem.send_json_to({"type": "hello", "last_seen_id": None})
    error = await until(mem, "error")
    assert error["code"] == "signed_out"
    assert await closed_with(mem) == 4401
    stored = await database_sync_to_async(
        lambda: RoomMessage.objects.filter(author=member).exists()
    )()
    assert not stored


async def test_a_deactivated_account_is_closed_out_on_the_next_heartbeat(
    meeting: Meeting, member: User, ticker: Ticker
) -> None:
    mem, _client = await joined_with_session(member, meeting.pk)
    await database_sync_to_async(
        lambda: User.objects.filter(pk=member.pk).update(is_active=False)
    )()
    await ticker.beat(then_asleep=False)
    assert (await until(mem, "error"))["code"] == "signed_out"
    assert await closed_with(mem) == 4401


async def test_the_session_is_rechecked_only_when_the_interval_has_passed(
    meeting: Meeting, member: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerhaven.safety import sockets

    settings.GROUPS_ROOM_RECHECK_SECONDS = 10
    clock = [5000.0]
    monkeypatch.setattr(sockets, "clock", lambda: clock[0])
    mem, client = await joined_with_session(member, meeting.pk)  # hello: checked at 5000
    await database_sync_to_async(client.logout)()
    clock[0] += 9  # not due: a ping costs no database work and is answered
    await ping(mem)
    clock[0] += 1  # due
    await mem.send_json_to({"type": "ping"})
    assert (await until(mem, "error"))["code"] == "signed_out"
    assert await closed_with(mem) == 4401


async def test_a_member_who_has_not_accepted_new_guidelines_cannot_connect(
    meeting: Meeting, member: User
) -> None:
    """The web sends them to /welcome/ and the API refuses them; the room says so and closes
    (before, messages were stored and acknowledged)."""
    await database_sync_to_async(User.objects.filter(pk=member.pk).update)(
        guidelines_version="an-older-version"
    )
    member.guidelines_version = "an-older-version"
    comm, ok, _ = await connect(member, meeting.pk)
    assert ok  # accepted only to say why
    frame = await comm.receive_json_from()
    assert frame["code"] == "onboarding_required" and "guidelines" in frame["message"]
    assert await closed_with(comm) == 4403
    assert not await database_sync_to_async(RoomMessage.objects.exists)()


async def test_a_message_at_risk_brings_crisis_help_into_the_room_for_its_author(
    meeting: Meeting, member: User
) -> None:
    """Ideation or more: after the ack, the author's socket gets the crisis panel (lines, plan,
    whether the message is held), so help is in the same room; calm messages get none."""
    mem, _ = await joined(member, meeting.pk)
    await mem.send_json_to({"type": "message", "body": "Lovely to see everyone tonight."})
    await until(mem, "ack")
    await mem.send_json_to(
        {"type": "message", "body": "Honestly I keep thinking about killing myself."}
    )
    before_ack = []
    while (frame := await mem.receive_json_from(timeout=10))["type"] != "ack":
        before_ack.append(frame["type"])
    assert "safety.panel" not in before_ack  # the calm message brought none
    panel = await until(mem, "safety.panel")
    assert panel["level"] in ("ideation", "imminent") and panel["lines"]
    assert panel["help_url"] == "/help/"
    await mem.disconnect()


async def test_the_room_page_carries_the_crisis_panel_hidden_until_needed(
    meeting: Meeting, member: User
) -> None:
    from django.test import Client
    from personas import login

    def page() -> str:
        client = Client()
        login(client, member)
        return client.get(f"/groups/meetings/{meeting.pk}/room/").content.decode()

    html = await database_sync_to_async(page)()
    assert 'id="room-help"' in html and 'class="crisis-lines"' in html
