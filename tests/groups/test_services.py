"""Group services: joining, schedules, meetings, RSVP, reminders, facilitators, afterwards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from peerhaven.accounts.models import Role, User
from peerhaven.accounts.privacy import EraseMode, erase_member
from peerhaven.groups import queries, services
from peerhaven.groups.models import (
    Facilitator,
    JoinPolicy,
    Meeting,
    MeetingStatus,
    Membership,
    MembershipStatus,
    RoomMessage,
    RoomRestriction,
    SupportGroup,
)
from peerhaven.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_admin_creates_a_group_with_a_valid_time_zone(admin: User) -> None:
    g = services.create_group(
        actor=admin,
        name="Carers' Circle",
        topic="Carers",
        agreement_text="Respect.",
        time_zone="America/New_York",
    )
    assert g.slug == "carers-circle"


def test_create_group_refuses_an_unknown_time_zone(admin: User) -> None:
    with pytest.raises(ValidationError) as info:
        services.create_group(
            actor=admin, name="X", topic="Y", agreement_text="Z", time_zone="Moon/Base"
        )
    assert info.value.code == "invalid_time_zone"


def test_in_person_group_needs_an_address(admin: User) -> None:
    with pytest.raises(ValidationError) as info:
        services.create_group(
            actor=admin,
            name="X",
            topic="Y",
            agreement_text="Z",
            time_zone="UTC",
            format="in_person",
        )
    assert "address" in info.value.message_dict


def test_only_admins_create_groups(member: User, peer_supporter: User) -> None:
    for person in (member, peer_supporter):
        with pytest.raises(PermissionDenied):
            services.create_group(
                actor=person, name="X", topic="Y", agreement_text="Z", time_zone="UTC"
            )


def test_joining_needs_the_agreement(
    make_group: Callable[..., SupportGroup], outsider: User
) -> None:
    g = make_group()
    with pytest.raises(ValidationError) as info:
        services.join_group(group=g, user=outsider, accept_agreement=False)
    assert info.value.code == "agreement_required"
    m = services.join_group(group=g, user=outsider, accept_agreement=True)
    assert m.status == MembershipStatus.ACTIVE
    assert m.agreement_version == g.agreement_version
    assert m.agreement_accepted_at is not None
    g.refresh_from_db()
    assert g.member_count == 1


def test_joining_a_full_group_gives_a_clear_error(
    make_group: Callable[..., SupportGroup], make_user: Callable[..., User]
) -> None:
    g = make_group(capacity=2)
    for _ in range(2):
        services.join_group(group=g, user=make_user(), accept_agreement=True)
    with pytest.raises(ValidationError) as info:
        services.join_group(group=g, user=make_user(), accept_agreement=True)
    assert info.value.code == "full"
    assert "full" in info.value.messages[0]


def test_closed_group_needs_an_invitation(
    group: SupportGroup, facilitator: User, outsider: User
) -> None:
    group.join_policy = JoinPolicy.CLOSED
    group.save()
    with pytest.raises(ValidationError) as info:
        services.join_group(group=group, user=outsider, accept_agreement=True)
    assert info.value.code == "invitation_required"
    services.invite_member(group=group, user=outsider, actor=facilitator)
    assert Notification.objects.filter(recipient=outsider, kind="group").exists()
    m = services.join_group(group=group, user=outsider, accept_agreement=True)
    assert m.status == MembershipStatus.ACTIVE


def test_approval_group_creates_a_request_a_facilitator_approves(
    group: SupportGroup, facilitator: User, outsider: User
) -> None:
    group.join_policy = JoinPolicy.APPROVAL
    group.save()
    m = services.join_group(group=group, user=outsider, accept_agreement=True)
    assert m.status == MembershipStatus.REQUESTED
    assert Notification.objects.filter(recipient=facilitator, kind="group").exists()
    services.decide_request(membership=m, actor=facilitator, approve=True)
    m.refresh_from_db()
    assert m.status == MembershipStatus.ACTIVE


def test_members_cannot_approve_requests(group: SupportGroup, member: User, outsider: User) -> None:
    group.join_policy = JoinPolicy.APPROVAL
    group.save()
    m = services.join_group(group=group, user=outsider, accept_agreement=True)
    with pytest.raises(PermissionDenied):
        services.decide_request(membership=m, actor=member, approve=True)


def test_leaving_frees_a_place(group: SupportGroup, member: User) -> None:
    services.leave_group(group=group, user=member)
    group.refresh_from_db()
    assert group.member_count == 0
    assert Membership.objects.get(group=group, user=member).status == MembershipStatus.LEFT


def test_facilitators_need_a_current_training(
    group: SupportGroup, admin: User, peer_supporter: User, facilitator: User
) -> None:
    with pytest.raises(ValidationError) as info:
        services.assign_facilitator(group=group, user=peer_supporter, actor=admin)
    assert info.value.code == "not_trained"
    services.assign_facilitator(group=group, user=facilitator, actor=admin)


def test_expired_training_closes_the_room(
    group: SupportGroup, meeting: Meeting, facilitator: User, member: User
) -> None:
    facilitator.facilitator_trainings.update(expires_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError) as info:
        queries.open_room(user=member, meeting_id=meeting.pk)
    assert info.value.code == "no_facilitator"


def test_add_series_generates_meetings_idempotently(group: SupportGroup, admin: User) -> None:
    today = timezone.localdate()
    series = services.add_series(
        group=group,
        actor=admin,
        rrule="FREQ=WEEKLY;BYDAY=MO,TH",
        starts_on=today,
        local_start=time(19, 0),
        duration_minutes=60,
        weeks=4,
    )
    first = Meeting.objects.filter(series=series).count()
    assert 7 <= first <= 10
    assert services.generate_meetings(series=series, weeks=4) == 0
    assert Meeting.objects.filter(series=series).count() == first
    local = {
        m.starts_at.astimezone(ZoneInfo("Europe/London")).time() for m in series.meetings.all()
    }
    assert local == {time(19, 0)}


def test_add_series_refuses_an_invalid_rule(group: SupportGroup, admin: User) -> None:
    with pytest.raises(ValidationError) as info:
        services.add_series(
            group=group,
            actor=admin,
            rrule="FREQ=SOMETIMES",
            starts_on=date(2030, 1, 1),
            local_start=time(19, 0),
        )
    assert info.value.code == "invalid_rrule"


def test_a_moved_meeting_is_not_generated_again(group: SupportGroup, admin: User) -> None:
    series = services.add_series(
        group=group,
        actor=admin,
        rrule="FREQ=WEEKLY;BYDAY=MO",
        starts_on=timezone.localdate(),
        local_start=time(19, 0),
        weeks=3,
    )
    m = series.meetings.order_by("starts_at").last()
    assert m is not None
    services.move_meeting(meeting=m, actor=admin, starts_at=m.starts_at + timedelta(days=1))
    before = series.meetings.count()
    services.generate_meetings(series=series, weeks=3)
    assert series.meetings.count() == before


def test_moving_a_meeting_tells_members_and_bumps_the_sequence(
    meeting: Meeting, facilitator: User, member: User
) -> None:
    new = meeting.starts_at + timedelta(days=2)
    services.move_meeting(meeting=meeting, actor=facilitator, starts_at=new, note="Room change")
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert meeting.starts_at == new
    n = Notification.objects.get(recipient=member, kind="group")
    assert "moved" in n.title
    assert "Room change" in n.body


def test_cancelling_tells_members_and_rsvp_then_fails_clearly(
    meeting: Meeting, facilitator: User, member: User
) -> None:
    services.cancel_meeting(meeting=meeting, actor=facilitator, note="Facilitator unwell")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.sequence == 1
    assert Notification.objects.filter(recipient=member, title__contains="cancelled").exists()
    with pytest.raises(ValidationError) as info:
        services.rsvp(meeting=meeting, user=member, response="yes")
    assert info.value.code == "cancelled"


def test_members_cannot_cancel_meetings(meeting: Meeting, member: User) -> None:
    with pytest.raises(PermissionDenied):
        services.cancel_meeting(meeting=meeting, actor=member)


def test_outsiders_cannot_rsvp(meeting: Meeting, outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        services.rsvp(meeting=meeting, user=outsider, response="yes")


def test_rsvp_can_be_changed(meeting: Meeting, member: User) -> None:
    services.rsvp(meeting=meeting, user=member, response="yes")
    row = services.rsvp(meeting=meeting, user=member, response="no")
    assert row.response == "no"
    assert meeting.rsvps.count() == 1


def test_reminders_go_once_and_skip_people_who_said_no(
    group: SupportGroup,
    make_meeting: Callable[..., Meeting],
    member: User,
    facilitator: User,
    make_user: Callable[..., User],
    add_member: Callable[..., Membership],
) -> None:
    other = make_user()
    add_member(group, other)
    m = make_meeting(group, starts_in=timedelta(minutes=60))
    make_meeting(group, starts_in=timedelta(days=3))  # not due yet
    services.rsvp(meeting=m, user=other, response="no")
    assert services.send_due_reminders() == 2  # the member and the facilitator
    assert services.send_due_reminders() == 0
    assert Notification.objects.filter(recipient=member, title__startswith="Reminder").count() == 1
    assert not Notification.objects.filter(recipient=other, title__startswith="Reminder").exists()


def test_reminder_task_runs_the_service(meeting: Meeting, member: User) -> None:
    from peerhaven.groups.tasks import send_meeting_reminders

    send_meeting_reminders.call_local()
    assert Notification.objects.filter(recipient=member, title__startswith="Reminder").exists()


def test_manual_attendance_only_for_members(
    meeting: Meeting, facilitator: User, member: User, outsider: User
) -> None:
    services.record_manual_attendance(meeting=meeting, actor=facilitator, present=[member])
    assert meeting.attendance.filter(user=member, source="manual").exists()
    with pytest.raises(ValidationError):
        services.record_manual_attendance(meeting=meeting, actor=facilitator, present=[outsider])


def test_mood_is_one_to_five(meeting: Meeting, member: User) -> None:
    meeting.starts_at = timezone.now() - timedelta(hours=2)
    meeting.ends_at = timezone.now() - timedelta(minutes=30)
    meeting.save()
    with pytest.raises(ValidationError):
        services.record_mood(meeting=meeting, user=member, score=6)
    assert services.record_mood(meeting=meeting, user=member, score=4).score == 4


def test_outsiders_cannot_record_a_mood(meeting: Meeting, outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        services.record_mood(meeting=meeting, user=outsider, score=3)


def test_facilitator_concern_reaches_the_moderation_queue(
    meeting: Meeting, facilitator: User
) -> None:
    from peerhaven.safety.models import RiskAlert

    services.write_facilitator_note(
        meeting=meeting,
        actor=facilitator,
        text="Calm meeting, six people.",
        concern="One member seemed very low; please reach out.",
    )
    assert RiskAlert.objects.filter(source="report").exists()


def test_members_cannot_write_facilitator_notes(meeting: Meeting, member: User) -> None:
    with pytest.raises(PermissionDenied):
        services.write_facilitator_note(meeting=meeting, actor=member, text="x")


def test_facilitator_checkin_asking_for_support_tells_admins(
    meeting: Meeting, facilitator: User, admin: User
) -> None:
    services.facilitator_checkin(user=facilitator, meeting=meeting, score=2, wants_support=True)
    assert Notification.objects.filter(recipient=admin, kind="group").exists()


def test_erasing_a_member_anonymises_room_messages(
    meeting: Meeting, member: User, group: SupportGroup
) -> None:
    msg = RoomMessage.objects.create(meeting=meeting, author=member, body="hello all")
    erase_member(user=member, mode=EraseMode.ANONYMISE)
    msg.refresh_from_db()
    assert msg.author is None
    group.refresh_from_db()
    assert group.member_count == 0
    assert not Membership.objects.filter(group=group).exists()


def test_erasing_with_remove_deletes_room_messages(meeting: Meeting, member: User) -> None:
    RoomMessage.objects.create(meeting=meeting, author=member, body="hello all")
    erase_member(user=member, mode=EraseMode.REMOVE)
    assert not RoomMessage.objects.exists()


def test_peer_supporter_without_training_is_not_a_facilitator(peer_supporter: User) -> None:
    from peerhaven.groups.permissions import can_be_facilitator

    assert not can_be_facilitator(peer_supporter)
    assert peer_supporter.has_role(Role.PEER_SUPPORTER)


def test_facilitator_row_alone_does_not_make_an_untrained_person_facilitate(
    group: SupportGroup, peer_supporter: User, meeting: Meeting
) -> None:
    Facilitator.objects.create(group=group, user=peer_supporter)
    with pytest.raises(Exception):  # noqa: B017 - Http404 from fetch-and-authorize
        queries.open_room(user=peer_supporter, meeting_id=meeting.pk)


def test_joining_a_group_schedules_a_baseline_check_in(
    make_group: Callable[..., SupportGroup], outsider: User
) -> None:
    from peerhaven.outcomes.models import CheckInSchedule

    group = make_group()
    services.join_group(group=group, user=outsider, accept_agreement=True)
    schedules = CheckInSchedule.objects.filter(member=outsider, source="group")
    assert {s.instrument_id for s in schedules} == {"phq9", "ucla3"}


# --- Standing in a live room (re-checked during the connection) --------------------------------


def test_room_standing_is_one_query_plus_the_ban_check(
    meeting: Meeting, member: User, facilitator: User, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        standing = queries.room_standing(user=member, meeting_id=meeting.pk)
    assert (standing.ok, standing.is_facilitator) == (True, False)
    assert queries.room_standing(user=facilitator, meeting_id=meeting.pk).is_facilitator


def test_room_standing_says_why_someone_must_leave(
    meeting: Meeting, member: User, facilitator: User, outsider: User, group: SupportGroup
) -> None:
    def why(user: User) -> tuple[str, int]:
        s = queries.room_standing(user=user, meeting_id=meeting.pk)
        assert not s.ok
        return s.code, s.close_code

    assert why(outsider) == ("not_member", 4403)
    RoomRestriction.objects.create(meeting=meeting, user=member, removed=True)
    assert why(member) == ("removed", 4403)
    RoomRestriction.objects.all().delete()
    from peerhaven.safety.models import ModerationAction

    ModerationAction.objects.create(member=member, kind="ban", reason="r")
    assert why(member) == ("banned", 4403)
    ModerationAction.objects.all().delete()
    User.objects.filter(pk=member.pk).update(is_active=False)
    assert why(member) == ("signed_out", 4401)
    User.objects.filter(pk=member.pk).update(is_active=True)
    facilitator.facilitator_trainings.update(expires_on=timezone.localdate() - timedelta(days=1))
    assert why(facilitator) == ("not_member", 4403)  # lapsed and not a member
    assert why(member) == ("no_facilitator", 4409)  # nobody can hold the meeting now
    assert queries.room_standing(user=member, meeting_id=meeting.pk + 999).code == "not_found"


def test_room_standing_agrees_with_open_room(
    meeting: Meeting, member: User, facilitator: User
) -> None:
    for person in (member, facilitator):
        access = queries.open_room(user=person, meeting_id=meeting.pk)
        standing = queries.room_standing(user=person, meeting_id=meeting.pk)
        assert standing.ok
        assert standing.is_facilitator == access.is_facilitator


def test_removing_a_member_needs_a_facilitator_and_updates_the_count(
    group: SupportGroup, member: User, facilitator: User, outsider: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.remove_member(group=group, user=member, actor=outsider)
    services.remove_member(group=group, user=member, actor=facilitator)
    group.refresh_from_db()
    assert group.member_count == 0
    assert Membership.objects.get(group=group, user=member).status == MembershipStatus.REMOVED
    with pytest.raises(ValidationError) as info:
        services.join_group(group=group, user=member, accept_agreement=True)
    assert info.value.code == "invitation_required"
    with pytest.raises(ValidationError):
        services.remove_member(group=group, user=member, actor=facilitator)
