"""Demo mentoring: mentor profiles with training and supervision, intakes, three active
mentorships with messages, goals and sessions, and peer services. All text is invented."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from peerhaven.accounts.models import User
from peerhaven.demo.people import DemoContext
from peerhaven.mentoring import services
from peerhaven.mentoring.models import (
    CaseloadEntry,
    ExperienceTag,
    MenteeIntake,
    MentorProfile,
    Mentorship,
    ServiceDelivery,
    ServiceType,
    Supervision,
    TrainingRecord,
)

MENTOR_KEYS = ["peer", "moderator", *[f"peer{i}" for i in range(2, 13)]]
STORIES = [
    "After my daughter was born I felt nothing for months. Talking to someone who had been "
    "there helped me more than I expected.",
    "I lost my brother and then my job in the same year. Walking every day and one honest "
    "friend got me through.",
    "University was the loneliest time of my life. I learned that asking for help is a skill.",
    "I care for my dad. Finding an hour for myself each week was the start of feeling better.",
    "Coming out late in life brought relief and a long low patch. I know both sides of it.",
    "I survived an attempt eight years ago. Recovery was slow, and it was real.",
    "Chronic pain and depression fed each other for years. Small routines broke the loop.",
    "Leaving the forces I lost my structure and my people. Rebuilding both took time.",
]
TAG_SETS = [
    ("postpartum", "carer"),
    ("bereavement", "job-loss"),
    ("student",),
    ("carer", "chronic-illness"),
    ("lgbtq", "student"),
    ("suicide-attempt-recovery", "trauma"),
    ("chronic-illness",),
    ("veteran", "trauma"),
]
WINDOWS = [
    [[0, 18 * 60, 20 * 60], [3, 18 * 60, 20 * 60]],
    [[1, 19 * 60, 21 * 60 + 30], [5, 10 * 60, 12 * 60]],
    [[2, 12 * 60, 14 * 60], [4, 17 * 60, 19 * 60]],
    [[6, 9 * 60, 11 * 60], [0, 20 * 60, 22 * 60]],
]
MENTORSHIPS = [
    (
        "member",
        "peer",
        [
            "Hi, thanks for saying yes. I am a bit nervous about this.",
            "That is completely normal. There is no right way to do this. What would help most?",
            "Mostly getting out of the house more. Some days I do not open the curtains.",
            "Opening the curtains counts. Shall we make that a first goal?",
        ],
        ("Open the curtains every morning", ["Curtains open by 10", "Step outside for 5 minutes"]),
    ),
    (
        "member2",
        "peer2",
        [
            "I started the job applications we talked about.",
            "That is a big step. How did it feel?",
            "Tiring, but better than not trying.",
        ],
        ("Apply for two jobs a week", ["Update my CV", "Ask a friend to read it", "Send two"]),
    ),
    (
        "member3",
        "peer3",
        [
            "Exams are in three weeks and I cannot focus at all.",
            "I remember that feeling. Short blocks helped me: twenty-five minutes, then a break.",
            "I will try that tomorrow morning.",
        ],
        ("Study in short blocks", ["Two blocks on Monday", "Tell my tutor I am struggling"]),
    ),
]


def _tags() -> dict[str, ExperienceTag]:
    return {t.slug: t for t in ExperienceTag.objects.all()}


def _mentor_profiles(ctx: DemoContext, tags: dict[str, ExperienceTag]) -> list[User]:
    today = timezone.localdate()
    mentors = []
    for i, key in enumerate(MENTOR_KEYS):
        user = ctx.users.get(key)
        if user is None:
            continue
        mentors.append(user)
        if not MentorProfile.objects.filter(user=user).exists():
            services.save_mentor_profile(
                user=user,
                tags=[tags[s] for s in TAG_SETS[i % len(TAG_SETS)] if s in tags],
                languages=["en", "es"] if i % 4 == 1 else ["en"],
                time_zone=user.time_zone,
                availability=WINDOWS[i % len(WINDOWS)],
                capacity=1 + i % 3,
                gender=ctx.rng.choice(["woman", "man", "non-binary", ""]),
                age_band=ctx.rng.choice(["25-34", "35-49", "50-64", ""]),
                story=STORIES[i % len(STORIES)],
            )
        if not TrainingRecord.objects.filter(mentor=user).exists():
            # One mentor's training has lapsed, so the demo shows that rule.
            expires = (
                today - dt.timedelta(days=10)
                if key == "peer12"
                else today + dt.timedelta(days=200 + 10 * i)
            )
            TrainingRecord.objects.create(
                mentor=user,
                course="Peer mentoring foundations",
                completed_on=expires - dt.timedelta(days=365),
                trainer="Peerhaven training team",
                expires_on=expires,
            )
        ctx.tick(1)
    return mentors


def _supervision(ctx: DemoContext, mentors: list[User]) -> None:
    supervisor = ctx.users.get("moderator")
    if supervisor is None:
        return
    today = timezone.localdate()
    for mentor in mentors:
        if mentor == supervisor or Supervision.objects.filter(mentor=mentor).exists():
            continue
        sup = Supervision.objects.create(mentor=mentor, supervisor=supervisor)
        sup.sessions.create(
            held_on=today - dt.timedelta(days=14), duration_minutes=45, notes="Monthly check-in."
        )


def _intakes(ctx: DemoContext, tags: dict[str, ExperienceTag]) -> None:
    texts = [
        "I would like to talk to someone who understands grief.",
        "Looking for help getting back into a routine after losing my job.",
        "Student, struggling with motivation and feeling alone.",
        "I look after my mum and have no time for myself.",
    ]
    keys = ["member", *[f"member{i}" for i in range(2, 13)]]
    for i, key in enumerate(keys):
        user = ctx.users.get(key)
        if user is None or MenteeIntake.objects.filter(member=user).exists():
            continue
        chosen = TAG_SETS[(i + 1) % len(TAG_SETS)]
        services.save_intake(
            member=user,
            support_text=texts[i % len(texts)],
            tags=[tags[s] for s in chosen if s in tags],
            priority_tags=[tags[chosen[0]]] if chosen[0] in tags else [],
            languages=["en"],
            time_zone=user.time_zone,
            availability=WINDOWS[(i + 2) % len(WINDOWS)],
        )
        ctx.tick(1)


def _mentorships(ctx: DemoContext) -> None:
    today = timezone.localdate()
    for mentee_key, mentor_key, lines, (goal_title, steps) in MENTORSHIPS:
        mentee, mentor = ctx.users.get(mentee_key), ctx.users.get(mentor_key)
        if mentee is None or mentor is None:
            continue
        if Mentorship.objects.filter(mentee=mentee, mentor=mentor).exists():
            continue
        m = Mentorship.objects.create(
            mentee=mentee,
            mentor=mentor,
            started_at=timezone.now() - dt.timedelta(days=ctx.rng.randint(10, 60)),
        )
        for n, line in enumerate(lines):
            services.send_message(mentorship=m, sender=mentee if n % 2 == 0 else mentor, body=line)
        goal = services.create_goal(mentorship=m, owner=mentee, title=goal_title, steps=steps)
        first_step = goal.steps.order_by("position").first()
        if first_step is not None:
            services.set_step_done(step=first_step, actor=mentee)
        services.log_session(
            mentorship=m,
            mentor=mentor,
            held_on=today - dt.timedelta(days=3),
            duration_minutes=40,
            topics="Getting started and what they hope for",
            private_notes="Warm first conversation; agreed to meet weekly.",
        )
        ctx.tick(1)


def _services(ctx: DemoContext) -> None:
    specialist = ctx.users.get("peer4")
    if specialist is None or CaseloadEntry.objects.filter(specialist=specialist).exists():
        return
    kinds = list(ServiceType.objects.filter(active=True))
    outcomes = ["completed", "completed", "partial", "referred"]
    today = timezone.localdate()
    for i in range(13, 19):
        member = ctx.users.get(f"member{i}")
        if member is None or not kinds:
            continue
        case = services.open_case(specialist=specialist, member=member)
        for k in range(ctx.rng.randint(1, 4)):
            ServiceDelivery.objects.create(
                case=case,
                service_type=ctx.rng.choice(kinds),
                delivered_on=today - dt.timedelta(days=ctx.rng.randint(1, 80) + k),
                duration_minutes=ctx.rng.choice([30, 45, 60, 90]),
                outcome=ctx.rng.choice(outcomes),
            )
        ctx.tick(1)


@transaction.atomic
def load_mentoring(ctx: DemoContext) -> None:
    tags = _tags()
    mentors = _mentor_profiles(ctx, tags)
    _supervision(ctx, mentors)
    _intakes(ctx, tags)
    _mentorships(ctx)
    _services(ctx)
    services.bump_index_version()


WEIGHT = len(MENTOR_KEYS) + 12 + len(MENTORSHIPS) + 6
