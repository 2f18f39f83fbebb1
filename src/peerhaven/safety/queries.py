"""Permission-aware reads for safety: crisis resources, the queue, the dashboard."""

from __future__ import annotations

import datetime
import functools
import statistics
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from peerhaven.accounts.countries import COUNTRIES
from peerhaven.accounts.local_time import zone_named
from peerhaven.accounts.models import DEFAULT_TIME_ZONE
from peerhaven.safety.models import (
    AlertStatus,
    CrisisResource,
    ModerationAction,
    RiskAlert,
    SafetyPlan,
)
from peerhaven.safety.resources import INTERNATIONAL, read_resources


@dataclass(frozen=True)
class CrisisDirectory:
    country: str
    local: list[CrisisResource]
    international: list[CrisisResource]

    @property
    def has_lines(self) -> bool:
        """Whether the country has a crisis line listed (not only its emergency number)."""
        return any(not r.is_emergency for r in self.local)

    @property
    def emergency(self) -> list[CrisisResource]:
        """The country's emergency numbers."""
        return [r for r in self.local if r.is_emergency]

    @property
    def shown(self) -> list[CrisisResource]:
        """What a crisis panel lists: the country's own lines when it has crisis lines, else
        its emergency number (when known) and then the international directories."""
        if self.has_lines:
            return self.local
        return [*self.emergency, *self.international]


def crisis_resources(*, country: str, language: str = "en") -> CrisisDirectory:
    """Lines for ``country`` (in the member's language first), and the international fallback."""
    country = (country or "").upper()
    rows = list(CrisisResource.objects.filter(is_active=True, country__in={country, INTERNATIONAL}))
    if not rows and not CrisisResource.objects.exists():
        # An empty directory (a database restored without the data migration's rows) must never
        # leave a person in crisis with nothing: fall back to the shipped file, read-only.
        rows = [r for r in shipped_resources() if r.country in {country, INTERNATIONAL}]
    lang = (language or "en").split("-")[0]

    def order(r: CrisisResource) -> tuple[int, int, str]:
        return (0 if r.language == lang else 1, r.sort_order, r.name)

    local = sorted((r for r in rows if r.country == country and country), key=order)
    intl = sorted((r for r in rows if r.country == INTERNATIONAL), key=order)
    return CrisisDirectory(country=country, local=local, international=intl)


@functools.cache
def _shipped_rows() -> tuple[dict[str, Any], ...]:
    return tuple(read_resources())


def shipped_resources() -> list[CrisisResource]:
    """The resources in the shipped data file, as unsaved rows."""
    return [CrisisResource(**row) for row in _shipped_rows()]


def reverify_after_days() -> int:
    """Crisis lines unverified for longer than this are flagged (``SAFETY_RESOURCE_REVERIFY_DAYS``).

    180 by default, matching the guidance on the resources page: phone numbers and opening
    hours change, and a wrong number shown to a person in crisis is a harm.
    """
    return int(getattr(settings, "SAFETY_RESOURCE_REVERIFY_DAYS", 180))


def verification_cutoff(today: datetime.date | None = None) -> datetime.date:
    """Lines verified before this date need re-verification."""
    return (today or timezone.localdate()) - datetime.timedelta(days=reverify_after_days())


def needs_reverification(resource: CrisisResource, today: datetime.date | None = None) -> bool:
    return resource.verified_on < verification_cutoff(today)


def resources_needing_verification(
    today: datetime.date | None = None,
) -> QuerySet[CrisisResource]:
    """Lines shown to members whose "verified on" date is too old."""
    return CrisisResource.objects.filter(is_active=True, verified_on__lt=verification_cutoff(today))


def countries_with_resources() -> list[str]:
    return sorted(
        set(
            CrisisResource.objects.filter(is_active=True)
            .exclude(country=INTERNATIONAL)
            .values_list("country", flat=True)
        )
    )


def safety_plan_for(user: Any) -> SafetyPlan | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return SafetyPlan.objects.filter(user=user).first()


def other_open_alerts(alert: RiskAlert, limit: int = 20) -> tuple[int, list[RiskAlert]]:
    """The same member's other open or acknowledged alerts: how many, and the ``limit`` most
    urgent (soonest due first), so one person with five alerts gets one conversation and none
    is resolved blind. Two queries at most; none for an alert without an author."""
    if alert.author_id is None:
        return 0, []
    active = RiskAlert.objects.filter(
        author_id=alert.author_id, status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]
    ).exclude(pk=alert.pk)
    count = active.count()
    if not count:
        return 0, []
    return count, list(active.select_related("assigned_to").order_by("sla_due_at", "-pk")[:limit])


@dataclass(frozen=True)
class MemberClock:
    """Where a member said they are and what time it is there, for the moderator deciding how
    (and whether now) to reach them: a phone call at 3 a.m. may wake a household.

    ``country`` is the ISO code and ``country_name`` its name ("" for both when not given);
    ``local_now`` is the moment in the member's own zone (None when not given)."""

    country: str
    country_name: str
    local_now: datetime.datetime | None

    @property
    def zone(self) -> str:
        return str(self.local_now.tzinfo) if self.local_now is not None else ""


_COUNTRY_NAMES = dict(COUNTRIES)


def member_clock(member: Any, *, now: datetime.datetime | None = None) -> MemberClock:
    """The member's country and local time, from their preferences; no query.

    A zone counts as given when it is a zone this system knows, and not the default UTC of an
    account that never finished onboarding (it was never chosen, so showing a time in it
    would mislead). A country code the list does not know is shown as the code."""
    if member is None:
        return MemberClock(country="", country_name="", local_now=None)
    country = (getattr(member, "country", "") or "").upper()
    name = getattr(member, "time_zone", "") or ""
    zone = zone_named(name)
    if name == DEFAULT_TIME_ZONE and getattr(member, "onboarded_at", None) is None:
        zone = None
    return MemberClock(
        country=country,
        country_name=_COUNTRY_NAMES.get(country, country),
        local_now=(
            timezone.localtime(now or timezone.now(), zone).replace(microsecond=0)
            if zone is not None
            else None
        ),
    )


def queue_filters(
    *, status: str = "active", level: str = "", source: str = "", mine_for: Any = None
) -> dict[str, list[Any]]:
    """What the queue's filters keep, as {field: the values kept}: the one definition of them.

    ``queue`` filters the database with it, and the queue page hands it to ``live_queue.js``,
    which shows an alert arriving live only when each of these fields of the event
    (``live.alert_event`` uses the same names) is among the values kept, as a reload would.
    ``status`` "active" is open + acknowledged; an unknown status keeps every status.
    """
    kept: dict[str, list[Any]] = {}
    if status == "active":
        kept["status"] = [AlertStatus.OPEN.value, AlertStatus.ACKNOWLEDGED.value]
    elif status in AlertStatus.values:
        kept["status"] = [status]
    if level:
        kept["level"] = [level]
    if source:
        kept["source"] = [source]
    if mine_for is not None:
        kept["assigned_to_id"] = [mine_for.pk]
    return kept


def queue(
    *, status: str = "active", level: str = "", source: str = "", mine_for: Any = None
) -> QuerySet[RiskAlert]:
    """Alerts for moderators, most urgent first, as ``queue_filters`` keeps them."""
    qs = RiskAlert.objects.select_related("author", "assigned_to", "reporter")
    kept = queue_filters(status=status, level=level, source=source, mine_for=mine_for)
    qs = qs.filter(**{f"{field}__in": values for field, values in kept.items()})
    # Open alerts first (most overdue at the top), then acknowledged, then resolved.
    state = Case(
        When(status=AlertStatus.OPEN, then=Value(0)),
        When(status=AlertStatus.ACKNOWLEDGED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.order_by(state, "sla_due_at", "-pk")


@dataclass(frozen=True)
class Dashboard:
    open_alerts: int
    acknowledged_alerts: int
    imminent_open: int
    median_minutes_to_acknowledge: float | None
    sla_breaches_open: int
    sla_breaches_30_days: int
    resolved_30_days: int
    resources_to_reverify: int = 0


def dashboard(*, now: datetime.datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    since = now - datetime.timedelta(days=30)
    counts = {
        status: RiskAlert.objects.filter(status=status).count()
        for status in (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)
    }
    acknowledged = list(
        RiskAlert.objects.filter(acknowledged_at__isnull=False, created_at__gte=since).values_list(
            "created_at", "acknowledged_at"
        )
    )
    waits = [(ack - created).total_seconds() / 60 for created, ack in acknowledged if ack]
    return Dashboard(
        open_alerts=counts[AlertStatus.OPEN],
        acknowledged_alerts=counts[AlertStatus.ACKNOWLEDGED],
        imminent_open=RiskAlert.objects.filter(status=AlertStatus.OPEN, level="imminent").count(),
        median_minutes_to_acknowledge=round(statistics.median(waits), 1) if waits else None,
        sla_breaches_open=RiskAlert.objects.filter(
            status=AlertStatus.OPEN, sla_due_at__lt=now
        ).count(),
        sla_breaches_30_days=RiskAlert.objects.filter(created_at__gte=since)
        .filter(Q(escalation_count__gt=0) | Q(acknowledged_at__gt=F("sla_due_at")))
        .count(),
        resolved_30_days=RiskAlert.objects.filter(
            status=AlertStatus.RESOLVED, resolved_at__gte=since
        ).count(),
        resources_to_reverify=resources_needing_verification(timezone.localdate(now)).count(),
    )


def actions_for_member(user: Any) -> QuerySet[ModerationAction]:
    return ModerationAction.objects.filter(member=user).select_related("appeal")


def crisis_payload(user: Any, *, level: str, held: bool = False) -> dict[str, Any]:
    """The crisis panel as JSON, for live rooms and chats that cannot show a page panel.

    A consumer that screened a chat message as ideation or above sends this to the author's
    socket only, so they see crisis lines and their plan "in the same room".
    """
    directory = crisis_resources(country=user.country, language=user.language)
    lines = directory.shown

    def line(r: CrisisResource) -> dict[str, Any]:
        return {
            "name": r.name,
            "phone": r.phone,
            "text": r.text,
            "chat_url": r.chat_url,
            "url": r.url,
            "hours": r.hours,
            "description": r.description,
            "is_emergency": r.is_emergency,
        }

    plan = safety_plan_for(user)
    return {
        "type": "safety.panel",
        "level": level,
        "held": held,
        "lines": [line(r) for r in lines],
        "help_url": "/help/",
        "plan_url": "/safety/plan/" if plan and not plan.is_empty else "/safety/plan/edit/",
        "has_plan": bool(plan and not plan.is_empty),
    }
