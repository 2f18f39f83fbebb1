"""Demo support groups: six invented groups with trained facilitators, schedules and history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from peerhaven.accounts.models import User
from peerhaven.demo.people import DemoContext
from peerhaven.groups import services
from peerhaven.groups.models import (
    Attendance,
    AttendanceSource,
    Facilitator,
    FacilitatorTraining,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Membership,
    MembershipStatus,
    SupportGroup,
)

AGREEMENT = (
    "What is shared here stays here. We listen without judging and without fixing. "
    "Everyone may pass. We speak from our own experience. If someone is in danger, the "
    "facilitator may ask the safety team for help."
)


@dataclass(frozen=True)
class GroupSpec:
    slug: str
    name: str
    topic: str
    description: str
    format: str
    time_zone: str
    rrule: str
    local_start: time
    facilitators: tuple[str, ...]
    join_policy: str = "open"
    capacity: int = 12
    address: str = ""
    language: str = "en"


GROUPS = (
    GroupSpec(
        "young-adults-evening",
        "Young Adults Evening Circle",
        "Young adults",
        "For people aged 18–25 finding their way with low mood.",
        "online",
        "Europe/London",
        "FREQ=WEEKLY;BYDAY=TU",
        time(19, 0),
        ("peer", "peer2"),
    ),
    GroupSpec(
        "new-parents",
        "New Parents Peer Group",
        "Postpartum",
        "For parents in the first two years after a birth.",
        "hybrid",
        "America/New_York",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
        time(10, 30),
        ("peer3",),
        address="Community Hall, 12 Harbour Road (invented)",
    ),
    GroupSpec(
        "rainbow-circle",
        "Rainbow Circle",
        "LGBTQ+",
        "A space for LGBTQ+ people living with depression.",
        "online",
        "Europe/Berlin",
        "FREQ=WEEKLY;BYDAY=WE",
        time(20, 0),
        ("peer4", "peer5"),
        join_policy="approval",
    ),
    GroupSpec(
        "carers-together",
        "Carers Together",
        "Carers",
        "For people who care for someone and need care too.",
        "in_person",
        "Europe/London",
        "FREQ=MONTHLY;BYDAY=2TU",
        time(18, 30),
        ("peer6",),
        address="Library meeting room, 3 Elm Street (invented)",
    ),
    GroupSpec(
        "mens-group",
        "Monday Men's Group",
        "Men's group",
        "Talking about how things really are.",
        "online",
        "America/Chicago",
        "FREQ=WEEKLY;BYDAY=MO",
        time(19, 30),
        ("peer7", "peer8"),
        capacity=10,
    ),
    GroupSpec(
        "after-loss",
        "After a Loss",
        "Bereavement",
        "For people grieving and struggling with low mood.",
        "online",
        "Australia/Sydney",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU",
        time(16, 0),
        ("peer9", "peer10"),
        join_policy="closed",
        capacity=8,
    ),
)


def load_groups(ctx: DemoContext) -> None:
    today = timezone.localdate()
    for peer_key in (f"peer{i}" if i > 1 else "peer" for i in range(1, 13)):
        user = ctx.users.get(peer_key)
        if user is None:
            continue
        FacilitatorTraining.objects.get_or_create(
            peer_supporter=user,
            trainer="Peerhaven facilitator course",
            defaults={
                "completed_on": today - timedelta(days=120),
                "expires_on": today + timedelta(days=600),
            },
        )
    members = [ctx.users[k] for k in sorted(ctx.users) if k.startswith("member")]
    for index, spec in enumerate(GROUPS):
        _load_group(ctx, spec, members[index * 7 : index * 7 + 9])
        ctx.tick(1)


@transaction.atomic
def _load_group(ctx: DemoContext, spec: GroupSpec, members: list[User]) -> None:
    group, _created = SupportGroup.objects.get_or_create(
        slug=spec.slug,
        defaults={
            "name": spec.name,
            "topic": spec.topic,
            "description": spec.description,
            "format": spec.format,
            "address": spec.address,
            "language": spec.language,
            "time_zone": spec.time_zone,
            "capacity": spec.capacity,
            "join_policy": spec.join_policy,
            "agreement_text": AGREEMENT,
        },
    )
    for key in spec.facilitators:
        if key in ctx.users:
            Facilitator.objects.get_or_create(group=group, user=ctx.users[key])
    now = timezone.now()
    for person in members[: spec.capacity - 1]:
        Membership.objects.get_or_create(
            group=group,
            user=person,
            defaults={
                "status": MembershipStatus.ACTIVE,
                "agreement_version": group.agreement_version,
                "agreement_accepted_at": now - timedelta(days=70),
                "joined_at": now - timedelta(days=70),
            },
        )
    services._sync_member_count(group)
    series, _created = MeetingSeries.objects.get_or_create(
        group=group,
        rrule=spec.rrule,
        defaults={
            "starts_on": date(2026, 1, 5),
            "local_start": spec.local_start,
            "duration_minutes": 90,
        },
    )
    # Past meetings (the last ~8 weeks) with attendance, then the coming weeks.
    services.generate_meetings(series=series, weeks=10, now=now - timedelta(weeks=8))
    services.generate_meetings(series=series, weeks=8, now=now)
    facilitator_ids = [ctx.users[k].pk for k in spec.facilitators if k in ctx.users]
    rng = ctx.rng
    for meeting in Meeting.objects.filter(series=series, ends_at__lt=now):
        if meeting.status == MeetingStatus.SCHEDULED:
            meeting.status = MeetingStatus.ENDED
            meeting.ended_at = meeting.ends_at
            meeting.save(update_fields=["status", "ended_at"])
        if meeting.attendance.exists():
            continue
        source = AttendanceSource.MANUAL if spec.format == "in_person" else AttendanceSource.ROOM
        for person in members:
            if rng.random() < 0.7:
                Attendance.objects.get_or_create(
                    meeting=meeting, user=person, defaults={"source": source}
                )
        for uid in facilitator_ids[:1]:
            Attendance.objects.get_or_create(
                meeting=meeting, user_id=uid, defaults={"source": source, "as_facilitator": True}
            )
