"""Members, their roles, consents, personal access tokens and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    PEER_SUPPORTER = "peer_supporter", _("Peer supporter")
    MODERATOR = "moderator", _("Moderator")
    CLINICIAN = "clinician", _("Clinician")
    ADMIN = "admin", _("Programme admin")


# Roles whose features expose other people's sensitive data: they need two-factor authentication.
STAFF_ROLES = frozenset({Role.MODERATOR, Role.CLINICIAN, Role.ADMIN})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        from peerhaven.accounts.names import skeleton

        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if not user.display_name_key:
            user.display_name_key = skeleton(user.display_name)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


# A new account's zone until the person chooses one (onboarding suggests the device's own).
DEFAULT_TIME_ZONE = "UTC"


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Other members only ever see ``display_name``."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=30, unique=True)
    # Look-alike names share this key; the unique index refuses the second one.
    display_name_key = models.CharField(max_length=120, unique=True, editable=False)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    bio = models.TextField(_("about you"), max_length=500, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIME_ZONE)
    language = models.CharField(_("language"), max_length=10, default="en")
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        help_text=_("Decides which crisis lines we show you."),
    )
    guidelines_version = models.CharField(max_length=20, blank=True)
    guidelines_accepted_at = models.DateTimeField(null=True, blank=True)
    onboarded_at = models.DateTimeField(null=True, blank=True)
    quiet_hours_start = models.TimeField(_("quiet hours start"), null=True, blank=True)
    quiet_hours_end = models.TimeField(_("quiet hours end"), null=True, blank=True)
    is_active = models.BooleanField(default=True)
    # Access to Django's admin site only; product roles live in RoleAssignment.
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["display_name"]

    class Meta:
        ordering: ClassVar[list[str]] = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    @cached_property
    def roles(self) -> frozenset[str]:
        """The person's roles; every account is a member."""
        granted = {r.role for r in self.role_assignments.all()}
        return frozenset({Role.MEMBER.value, *granted})

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @cached_property
    def is_verified_clinician(self) -> bool:
        return any(
            r.role == Role.CLINICIAN and r.verified_at is not None
            for r in self.role_assignments.all()
        )

    @property
    def holds_staff_role(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    @property
    def needs_onboarding(self) -> bool:
        return self.guidelines_version != settings.GUIDELINES_VERSION or self.onboarded_at is None


class RoleAssignment(models.Model):
    """A role held by a person. Clinicians additionally need an admin's verification."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user"),
            models.CheckConstraint(
                condition=~models.Q(role=Role.MEMBER), name="member_role_is_implicit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class GuidelinesAcceptance(models.Model):
    """Each time a person accepted a version of the community guidelines."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="guideline_acceptances")
    version = models.CharField(max_length=20)
    accepted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id} accepted {self.version}"


class ConsentPurpose(models.TextChoices):
    CLINICAL_SHARING = "clinical_sharing", _("Share results with a clinician")
    EVALUATION = "evaluation", _("Programme evaluation")
    RESEARCH = "research", _("Research")
    EMAIL_DIGEST = "email_digest", _("E-mail digests")
    SCREENER = "screener", _("Help improve the safety screener")


class Consent(models.Model):
    """A person's consent for one purpose, optionally to one grantee, with a scope and an end.

    ``scope`` is a list of strings whose meaning belongs to the purpose (for clinical sharing:
    instrument ids, "attendance", "safety_plan", "risk_flags"). A consent is active while it is
    neither revoked nor expired; revocation takes effect at once.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=30, choices=ConsentPurpose.choices)
    grantee = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="consents_received"
    )
    scope = models.JSONField(default=list, blank=True)
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    text_version = models.CharField(max_length=20, blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["user", "purpose"]),
            models.Index(fields=["grantee", "purpose"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.purpose}"

    def is_active(self, at: datetime | None = None) -> bool:
        now = at or timezone.now()
        if self.revoked_at is not None and self.revoked_at <= now:
            return False
        return self.expires_at is None or self.expires_at > now

    def covers(self, item: str) -> bool:
        return self.is_active() and item in (self.scope or [])


class PersonalAccessToken(models.Model):
    """An API token. Only a SHA-256 hash of the secret is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now


class AuditEvent(models.Model):
    """Who did what to whose data, and when. Written by ``peerhaven.accounts.audit.record``.

    ``detail`` must never hold message content or other personal text; ids and field names only.
    """

    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_actions"
    )
    action = models.CharField(max_length=80, db_index=True)
    subject = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_about",
        help_text=_("The person whose data was read or changed."),
    )
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["subject", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
