"""Demo members: 72 pseudonymous people with varied roles and invented bios."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from peerhaven.accounts import services
from peerhaven.accounts.models import Role, User
from peerhaven.accounts.names import skeleton

DEMO_PASSWORD = "peerhaven-demo"  # noqa: S105 - published demo credential, local demo only
DEMO_DOMAIN = "demo.peerhaven.local"
# A fixed TOTP secret (base32) for demo staff, so the demo can be explored with any
# authenticator app; printed by the demo command.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - published demo value
SEED = 20261126

ADJECTIVES = [
    "Quiet",
    "Morning",
    "Gentle",
    "Steady",
    "Amber",
    "Silver",
    "Hidden",
    "Patient",
    "Northern",
    "Brave",
    "Soft",
    "Little",
    "Wandering",
    "Hopeful",
    "Autumn",
    "Misty",
    "Kind",
    "Slow",
]
NOUNS = [
    "Harbor",
    "Fern",
    "Lantern",
    "River",
    "Sparrow",
    "Meadow",
    "Pebble",
    "Willow",
    "Tide",
    "Cedar",
    "Heron",
    "Ember",
    "Moss",
    "Orchard",
    "Comet",
    "Thistle",
]
PRONOUNS = ["", "", "she/her", "he/him", "they/them", "she/they", "he/they"]
BIO_OPENERS = [
    "Living with depression since my twenties.",
    "New here, still finding my words.",
    "Parent of two, learning to ask for help.",
    "Student, night owl, slowly getting better at mornings.",
    "Ten years of ups and downs; these days more ups.",
    "Carer for my mum and trying to care for myself too.",
    "Recovering perfectionist.",
    "Postpartum depression survivor, here to pay it forward.",
]
BIO_CLOSERS = [
    "Walks help me. So does tea.",
    "I like gardening, bad puns and long playlists.",
    "Happy to listen if you need someone.",
    "Small wins count.",
    "I draw when words are hard.",
    "Working on being as kind to myself as I am to others.",
]
TIMEZONES = [
    ("America/New_York", "US"),
    ("America/Chicago", "US"),
    ("America/Los_Angeles", "US"),
    ("America/Toronto", "CA"),
    ("Europe/London", "GB"),
    ("Europe/Dublin", "IE"),
    ("Australia/Sydney", "AU"),
    ("Pacific/Auckland", "NZ"),
    ("Asia/Kolkata", "IN"),
]


@dataclass(frozen=True)
class PersonSpec:
    key: str
    roles: tuple[str, ...] = ()
    verified_clinician: bool = False


def _specs() -> list[PersonSpec]:
    specs = [
        PersonSpec("member"),
        PersonSpec("peer", roles=(Role.PEER_SUPPORTER,)),
        PersonSpec("moderator", roles=(Role.MODERATOR, Role.PEER_SUPPORTER)),
        PersonSpec("clinician", roles=(Role.CLINICIAN,), verified_clinician=True),
        PersonSpec("admin", roles=(Role.ADMIN,)),
        PersonSpec("clinician2", roles=(Role.CLINICIAN,)),  # awaits an admin's verification
    ]
    specs += [PersonSpec(f"peer{i}", roles=(Role.PEER_SUPPORTER,)) for i in range(2, 13)]
    specs += [PersonSpec(f"moderator{i}", roles=(Role.MODERATOR,)) for i in range(2, 4)]
    specs += [PersonSpec(f"member{i}") for i in range(2, 54)]
    return specs


PEOPLE_SPEC = _specs()


@dataclass
class DemoContext:
    """Shared between steps: who was created, and a seeded random source."""

    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    users: dict[str, User] = field(default_factory=dict)
    tick: Callable[[int], None] = lambda n: None


def demo_email(key: str) -> str:
    return f"{key}@{DEMO_DOMAIN}"


def _display_names(rng: random.Random, count: int) -> list[str]:
    pairs = [f"{a} {n}" for a in ADJECTIVES for n in NOUNS]
    rng.shuffle(pairs)
    return pairs[:count]


@cache
def _demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


@transaction.atomic
def _ensure_person(spec: PersonSpec, name: str, rng: random.Random) -> User:
    email = demo_email(spec.key)
    tz, country = rng.choice(TIMEZONES)
    bio = f"{rng.choice(BIO_OPENERS)} {rng.choice(BIO_CLOSERS)}"
    pronouns = rng.choice(PRONOUNS)
    joined_days_ago = rng.randint(5, 700)
    user = User.objects.filter(email=email).first()
    if user is None:
        now = timezone.now()
        user = User.objects.create_user(
            email,
            None,
            display_name=name,
            display_name_key=skeleton(name),
            pronouns=pronouns,
            bio=bio,
            time_zone=tz,
            country=country,
            guidelines_version=settings.GUIDELINES_VERSION,
            guidelines_accepted_at=now,
            onboarded_at=now,
            date_joined=now - timedelta(days=joined_days_ago),
        )
        # Argon2 is slow by design: hash the shared demo password once, not 70 times.
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    for role in spec.roles:
        services.grant_role(user=user, role=role, actor=None)
    if spec.verified_clinician and not user.is_verified_clinician:
        services.verify_clinician(clinician=user, actor=None)
    if (
        user.holds_staff_role
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    ):
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def load_people(ctx: DemoContext) -> None:
    names = _display_names(ctx.rng, len(PEOPLE_SPEC))
    for spec, name in zip(PEOPLE_SPEC, names, strict=True):
        ctx.users[spec.key] = _ensure_person(spec, name, ctx.rng)
        ctx.tick(1)
