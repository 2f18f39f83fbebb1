"""Every write to accounts goes through these functions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from peerhaven.accounts import audit, permissions
from peerhaven.accounts.countries import COUNTRY_CODES
from peerhaven.accounts.local_time import member_zone
from peerhaven.accounts.models import (
    Consent,
    ConsentPurpose,
    GuidelinesAcceptance,
    PersonalAccessToken,
    Role,
    RoleAssignment,
    User,
)
from peerhaven.accounts.names import skeleton, validate_display_name
from peerhaven.safety.gate import report_outcome, screen_user_text
from peerhaven.safety.permissions import check_post
from peerhaven.safety.sockets import standing_changed

TOKEN_PREFIX = "ph_"  # noqa: S105 - a public prefix, not a secret
MAX_TOKENS_PER_USER = 20


def valid_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_display_name_available(name: str, *, exclude: User | None = None) -> str:
    """Validate and normalise ``name`` and refuse one that looks like an existing name."""
    value = validate_display_name(name)
    clashes = User.objects.filter(display_name_key=skeleton(value))
    if exclude is not None:
        clashes = clashes.exclude(pk=exclude.pk)
    if clashes.exists():
        raise ValidationError(
            _("That name, or one that looks very like it, is taken. Please choose another."),
            code="taken",
        )
    return value


@transaction.atomic
def update_profile(
    *,
    user: User,
    display_name: str,
    pronouns: str = "",
    bio: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Change the public profile. Text is screened (profile text is user text too) and the
    safety capability acts on the result once the profile is saved.

    Pronouns and bio are public words every member can read: under a moderator's mute or ban
    new ones are refused (``PostingRestrictedError``); clearing them, or changing only the
    display name, stays possible."""
    value = check_display_name_available(display_name, exclude=user)
    pronouns = pronouns.strip()
    bio = bio.strip()
    if len(pronouns) > 40:
        raise ValidationError(_("Pronouns can be at most 40 characters."), code="too_long")
    if len(bio) > 500:
        raise ValidationError(_("Your bio can be at most 500 characters."), code="too_long")
    current = User.objects.filter(pk=user.pk).values_list("pronouns", "bio").first() or ("", "")
    # Field by field: a new non-empty value is refused; clearing one while keeping the other is not.
    if any(new and new != old for new, old in zip((pronouns, bio), current, strict=True)):
        check_post(user)
    outcome = screen_user_text(text=f"{pronouns}\n{bio}", kind="profile", author=user)
    user.display_name = value
    user.display_name_key = skeleton(value)
    user.pronouns = pronouns
    user.bio = bio
    try:
        with transaction.atomic():
            user.save(update_fields=["display_name", "display_name_key", "pronouns", "bio"])
    except IntegrityError as exc:  # a concurrent sign-up took the name first
        raise ValidationError(
            _("That name was just taken. Please choose another."), "taken"
        ) from exc
    report_outcome(
        outcome=outcome,
        author=user,
        kind="profile",
        obj=user,
        url=f"/members/{user.display_name}/",
        request=request,
    )
    return user


def update_preferences(
    *,
    user: User,
    time_zone: str,
    language: str,
    country: str,
    quiet_hours_start: time | None = None,
    quiet_hours_end: time | None = None,
) -> User:
    if time_zone not in valid_timezones():
        raise ValidationError(_("Choose a time zone from the list."), code="invalid_timezone")
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(_("Choose a language from the list."), code="invalid_language")
    if country and country not in COUNTRY_CODES:
        raise ValidationError(_("Choose a country from the list."), code="invalid_country")
    if (quiet_hours_start is None) != (quiet_hours_end is None):
        raise ValidationError(
            _("Give both a start and an end for quiet hours, or neither."), code="quiet_hours"
        )
    user.time_zone = time_zone
    user.language = language
    user.country = country
    user.quiet_hours_start = quiet_hours_start
    user.quiet_hours_end = quiet_hours_end
    user.save(
        update_fields=["time_zone", "language", "country", "quiet_hours_start", "quiet_hours_end"]
    )
    return user


@transaction.atomic
def complete_onboarding(
    *, user: User, time_zone: str, language: str, country: str, accept_guidelines: bool
) -> User:
    """Record guideline acceptance (version and time) and the member's basic preferences."""
    if not accept_guidelines:
        raise ValidationError(
            _("Please read and accept the community guidelines to continue."), code="guidelines"
        )
    update_preferences(user=user, time_zone=time_zone, language=language, country=country)
    now = timezone.now()
    GuidelinesAcceptance.objects.create(
        user=user, version=settings.GUIDELINES_VERSION, accepted_at=now
    )
    user.guidelines_version = settings.GUIDELINES_VERSION
    user.guidelines_accepted_at = now
    user.onboarded_at = user.onboarded_at or now
    user.save(update_fields=["guidelines_version", "guidelines_accepted_at", "onboarded_at"])
    return user


# --- Roles ----------------------------------------------------------------------------------


@transaction.atomic
def grant_role(*, user: User, role: str, actor: User | None) -> RoleAssignment:
    """Give ``user`` a role. ``actor`` None means the system (demo data, the CLI)."""
    if role == Role.MEMBER:
        raise ValidationError(_("Every account is a member already."), code="implicit_role")
    if role not in Role.values:
        raise ValidationError(_("Unknown role."), code="unknown_role")
    if actor is not None and not permissions.can_manage_roles(actor):
        raise PermissionDenied
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user, role=role, defaults={"granted_by": actor}
    )
    if user.is_staff is False and role == Role.ADMIN:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("roles", None)
    audit.record(actor=actor, action="accounts.role.grant", subject=user, detail={"role": role})
    return assignment


@transaction.atomic
def revoke_role(*, user: User, role: str, actor: User | None) -> None:
    if actor is not None and not permissions.can_manage_roles(actor):
        raise PermissionDenied
    RoleAssignment.objects.filter(user=user, role=role).delete()
    if role == Role.ADMIN and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("roles", None)
    audit.record(actor=actor, action="accounts.role.revoke", subject=user, detail={"role": role})
    standing_changed(user.pk)  # e.g. a moderator's live queue closes once this commits


@transaction.atomic
def verify_clinician(*, clinician: User, actor: User | None) -> RoleAssignment:
    """Mark a clinician verified. Only an admin with two-factor authentication may."""
    if actor is not None and not permissions.can_verify_clinicians(actor):
        raise PermissionDenied
    try:
        assignment = RoleAssignment.objects.select_for_update().get(
            user=clinician, role=Role.CLINICIAN
        )
    except RoleAssignment.DoesNotExist as exc:
        raise ValidationError(
            _("This person does not hold the clinician role."), "no_role"
        ) from exc
    assignment.verified_at = timezone.now()
    assignment.verified_by = actor
    assignment.save(update_fields=["verified_at", "verified_by"])
    clinician.__dict__.pop("is_verified_clinician", None)
    audit.record(actor=actor, action="accounts.clinician.verify", subject=clinician)
    return assignment


# --- Consent --------------------------------------------------------------------------------


def grant_consent(
    *,
    user: User,
    purpose: str,
    scope: list[str] | None = None,
    grantee: User | None = None,
    duration: timedelta | None = None,
    text_version: str = "",
) -> Consent:
    if purpose not in ConsentPurpose.values:
        raise ValidationError(_("Unknown consent purpose."), code="unknown_purpose")
    now = timezone.now()
    consent = Consent.objects.create(
        user=user,
        purpose=purpose,
        grantee=grantee,
        scope=sorted(set(scope or [])),
        granted_at=now,
        expires_at=now + duration if duration else None,
        text_version=text_version,
    )
    audit.record(actor=user, action="accounts.consent.grant", subject=user, obj=consent)
    return consent


def revoke_consent(*, consent: Consent, actor: User) -> Consent:
    """Revoke at once. Only the person who gave the consent may revoke it."""
    if consent.user_id != actor.pk:
        raise PermissionDenied
    if consent.revoked_at is None:
        consent.revoked_at = timezone.now()
        consent.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="accounts.consent.revoke", subject=actor, obj=consent)
    return consent


# --- Personal access tokens -------------------------------------------------------------------


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: PersonalAccessToken
    secret: str


def create_token(*, user: User, name: str, expires_in_days: int | None = 90) -> NewToken:
    """Create a token; the returned secret is shown once and never stored. Every token expires."""
    name = name.strip()
    if not name or len(name) > 60:
        raise ValidationError(_("Give the token a name of 1 to 60 characters."), code="name")
    if expires_in_days is None or not 1 <= expires_in_days <= 366:
        raise ValidationError(_("A token can last from 1 to 366 days."), code="expiry")
    active = PersonalAccessToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_TOKENS_PER_USER:
        raise ValidationError(
            _("You have %(n)d active tokens; revoke one first.") % {"n": active}, code="limit"
        )
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = PersonalAccessToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        token_hash=hash_token(secret),
        expires_at=timezone.now() + timedelta(days=expires_in_days),
    )
    audit.record(actor=user, action="accounts.token.create", subject=user, obj=token)
    return NewToken(token=token, secret=secret)


def revoke_token(*, token: PersonalAccessToken, actor: User) -> None:
    if token.user_id != actor.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="accounts.token.revoke", subject=actor, obj=token)


def revoke_all_tokens(
    *, user: User, actor: User | None, reason: str, request: HttpRequest | None = None
) -> int:
    """Revoke every usable token of ``user`` at once and return how many there were.

    Called when the password changes (``accounts.standing``): a token is a second way in that
    does not know the password, so a member who resets a compromised password must not leave
    a token the attacker made still working. One audit event lists the revoked token ids;
    nothing is written when there were none.
    """
    now = timezone.now()
    usable = PersonalAccessToken.objects.filter(user=user, revoked_at__isnull=True).exclude(
        expires_at__lte=now
    )
    ids = sorted(usable.values_list("pk", flat=True))
    if not ids:
        return 0
    PersonalAccessToken.objects.filter(pk__in=ids, revoked_at__isnull=True).update(revoked_at=now)
    audit.record(
        actor=actor,
        action="accounts.token.revoke_all",
        subject=user,
        detail={"reason": reason, "token_ids": ids},
        request=request,
    )
    return len(ids)


def authenticate_token(secret: str) -> User | None:
    """The active user a token belongs to, or None for anything malformed, revoked or expired."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    try:
        token = PersonalAccessToken.objects.select_related("user").get(
            token_hash=hash_token(secret)
        )
    except PersonalAccessToken.DoesNotExist:
        return None
    if not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    # Write last-used at most once a minute so busy API clients do not write on every call.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def in_quiet_hours(user: User, at: datetime | None = None) -> bool:
    """True if ``at`` (default now) falls in the person's quiet hours, in their time zone."""
    start, end = user.quiet_hours_start, user.quiet_hours_end
    if start is None or end is None or start == end:
        return False
    local = timezone.localtime(at or timezone.now(), member_zone(user)).time()
    if start < end:
        return start <= local < end
    return local >= start or local < end  # the quiet period spans midnight
