"""Bad input answers with a clear refusal, never a crash or a surprising success (review s6).

- Room text no database can store (a lone surrogate from a JSON "\\ud800", a NUL) gets an
  ``error`` frame and the connection stays open (it used to kill the consumer).
- The facilitator tools page answers 404 to a Unicode digit id ("²" passed isdigit(), then
  int() raised: a 500).
- A meeting cannot be moved to a time that has passed.
- A schedule rule cannot make several meetings a day (BYHOUR/BYMINUTE/BYSECOND).
- A facilitator can mute or remove only people of the group, not any account id.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from personas import login
from room_sockets import frames_until_pong, joined

from peerhaven.accounts.models import User
from peerhaven.groups import recurrence, services
from peerhaven.groups.models import (
    Attendance,
    Meeting,
    MeetingSeries,
    RoomMessage,
    RoomRestriction,
    SupportGroup,
)

NOTE = "We meet in the small room this time"


# --- Room text that cannot be stored ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.usefixtures("fresh_connections_and_layers")
@pytest.mark.parametrize("escaped", ["I feel \\ud800 today", "I feel \\u0000 today"])
async def test_room_text_that_cannot_be_stored_gets_an_error_and_the_connection_stays(
    meeting: Meeting, member: User, escaped: str
) -> None:
    comm, _state = await joined(member, meeting.pk)
    await comm.send_to('{"type": "message", "body": "' + escaped + '", "client_id": "c1"}')
    frames = await frames_until_pong(comm)
    errors = [f for f in frames if f["type"] == "error"]
    assert [(e["code"], e["client_id"]) for e in errors] == [("bad_text", "c1")]
    assert not [f for f in frames if f["type"] == "ack"]
    # Still connected: the next message goes through.
    await comm.send_json_to({"type": "message", "body": "Sorry, typo", "client_id": "c2"})
    frames = await frames_until_pong(comm)
    assert [f["client_id"] for f in frames if f["type"] == "ack"] == ["c2"]
    bodies = await database_sync_to_async(
        lambda: list(RoomMessage.objects.values_list("body", flat=True))
    )()
    assert bodies == ["Sorry, typo"]
    await comm.disconnect()


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["Welcome \ud800", "Welcome \x00"])
def test_a_welcome_that_cannot_be_stored_is_refused(
    meeting: Meeting, facilitator: User, text: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.post_welcome(meeting_id=meeting.pk, actor=facilitator, text=text)
    assert caught.value.code == "bad_text"
    assert not RoomMessage.objects.exists()


# --- Ids on the facilitator tools page ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["membership", "meeting"])
def test_manage_page_answers_404_to_a_unicode_digit_id(
    client: Client, facilitator: User, group: SupportGroup, meeting: Meeting, field: str
) -> None:
    action = "approve" if field == "membership" else "cancel"
    login(client, facilitator)
    response = client.post(
        reverse("groups:manage", args=[group.slug]), {"action": action, field: "²"}
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_manage_page_ignores_unicode_digits_in_attendance(
    client: Client, facilitator: User, member: User, group: SupportGroup, meeting: Meeting
) -> None:
    login(client, facilitator)
    response = client.post(
        reverse("groups:manage", args=[group.slug]),
        {"action": "attendance", "meeting": meeting.pk, "present": ["²", str(member.pk)]},
    )
    assert response.status_code == 302
    assert list(Attendance.objects.values_list("user_id", flat=True)) == [member.pk]


# --- Moving a meeting into the past -----------------------------------------------------------


@pytest.mark.django_db
def test_moving_a_meeting_into_the_past_is_refused(meeting: Meeting, facilitator: User) -> None:
    before = meeting.starts_at
    with pytest.raises(ValidationError) as caught:
        services.move_meeting(
            meeting=meeting, actor=facilitator, starts_at=timezone.now() - timedelta(days=365)
        )
    assert caught.value.code == "in_past"
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.sequence) == (before, 0)


@pytest.mark.django_db
def test_the_manage_page_refuses_a_move_into_the_past_and_keeps_the_note(
    client: Client, facilitator: User, group: SupportGroup, meeting: Meeting
) -> None:
    login(client, facilitator)
    last_year = timezone.now().astimezone() - timedelta(days=365)
    response = client.post(
        reverse("groups:manage", args=[group.slug]),
        {
            "action": "move",
            "meeting": meeting.pk,
            "starts_at": last_year.strftime("%Y-%m-%dT%H:%M"),
            "note": NOTE,
        },
    )
    assert response.status_code == 400
    assert NOTE in response.content.decode()
    before = meeting.starts_at
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.change_note) == (before, "")


# --- Rules that would make many meetings a day ------------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYHOUR=9,19",
        "FREQ=WEEKLY;BYDAY=TU;BYMINUTE=0,30",
        "FREQ=DAILY;BYSECOND=0,1,2",
    ],
)
def test_rules_with_several_times_a_day_are_refused(rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        recurrence.parse_rule(rule, dtstart=datetime(2027, 1, 5, 19, 0))
    assert caught.value.code == "invalid_rrule"


@pytest.mark.django_db
def test_a_schedule_every_minute_is_refused_and_makes_no_meetings(
    client: Client, facilitator: User, group: SupportGroup
) -> None:
    login(client, facilitator)
    minutes = ",".join(str(m) for m in range(60))
    response = client.post(
        f"/api/groups/{group.pk}/schedules",
        {
            "frequency": "custom",
            "rrule": f"FREQ=DAILY;BYMINUTE={minutes}",
            "local_start": "19:00",
            "duration_minutes": 90,
            "starts_on": timezone.localdate().isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "rrule" in response.json()["error"]["fields"]
    assert not MeetingSeries.objects.exists()
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_a_daily_rule_still_makes_one_meeting_a_day(group: SupportGroup, facilitator: User) -> None:
    series = services.add_series(
        group=group,
        actor=facilitator,
        rrule="FREQ=DAILY",
        starts_on=timezone.localdate() + timedelta(days=1),
        local_start=time(19, 0),
        weeks=1,
    )
    starts = list(Meeting.objects.filter(series=series).values_list("starts_at", flat=True))
    assert 6 <= len(starts) <= 8
    assert len({s.date() for s in starts}) == len(starts)


# --- Facilitator tools only on people of the group ----------------------------------------------


@pytest.mark.django_db
def test_a_facilitator_cannot_mute_an_account_outside_the_group(
    meeting: Meeting, facilitator: User, outsider: User, run: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        run(
            services.restrict_participant,
            meeting_id=meeting.pk,
            actor=facilitator,
            user_id=outsider.pk,
            mute=True,
        )
    assert caught.value.code == "invalid_target"
    assert not RoomRestriction.objects.exists()


@pytest.mark.django_db
def test_a_facilitator_still_mutes_a_member_of_the_group(
    meeting: Meeting, facilitator: User, member: User, run: Any
) -> None:
    _row, events = run(
        services.restrict_participant,
        meeting_id=meeting.pk,
        actor=facilitator,
        user_id=member.pk,
        mute=True,
    )
    assert [e["event"]["type"] for e in events] == ["muted"]
    assert RoomRestriction.objects.get(user=member).muted
