"""Programmes, evaluation consent, enrolment and report runs."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerhaven.accounts import audit
from peerhaven.accounts.models import Consent, ConsentPurpose, Role, User
from peerhaven.accounts.permissions import can_use_staff_role
from peerhaven.accounts.privacy import EraseMode
from peerhaven.accounts.services import grant_consent, revoke_consent
from peerhaven.insights.models import Arm, Enrolment, Programme, ReportRun, ReportStatus

logger = logging.getLogger(__name__)


def check_admin(user: Any) -> None:
    if not can_use_staff_role(user, Role.ADMIN):
        raise PermissionDenied


def _instrument_ids() -> set[str]:
    from peerhaven.outcomes.instruments import shipped_definitions

    return set(shipped_definitions())


@transaction.atomic
def create_programme(
    *,
    actor: User,
    name: str,
    description: str = "",
    instruments: list[str],
    wave_days: list[int],
    has_comparison_arm: bool = False,
    linked: dict[str, Any] | None = None,
) -> Programme:
    """Preconditions: ``actor`` is an admin with 2FA; wave 0 is the baseline, days increase."""
    check_admin(actor)
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the programme a name."), code="name")
    unknown = set(instruments) - _instrument_ids()
    if not instruments or unknown:
        raise ValidationError(_("Choose at least one known instrument."), code="instruments")
    if not wave_days or wave_days[0] != 0 or sorted(set(wave_days)) != list(wave_days):
        raise ValidationError(
            _("Waves are days after enrolment, starting with 0 (baseline), in increasing order."),
            code="waves",
        )
    if wave_days[-1] > 3650:
        raise ValidationError(_("The last wave must be within 10 years."), code="waves")
    programme = Programme.objects.create(
        name=name[:200],
        description=description.strip(),
        instruments=list(dict.fromkeys(instruments)),
        wave_days=list(wave_days),
        has_comparison_arm=has_comparison_arm,
        linked=linked or {},
        created_by=actor,
    )
    audit.record(actor=actor, action="insights.programme.create", obj=programme)
    return programme


def evaluation_consent(user: User) -> Consent | None:
    return next(
        (
            c
            for c in Consent.objects.filter(
                user=user, purpose=ConsentPurpose.EVALUATION, revoked_at__isnull=True
            ).order_by("-granted_at")
            if c.is_active()
        ),
        None,
    )


def set_evaluation_consent(*, user: User, consent: bool) -> Consent | None:
    """Separate from every other consent, revocable; revoking leaves future reports."""
    current = evaluation_consent(user)
    if consent and current is None:
        return grant_consent(
            user=user, purpose=ConsentPurpose.EVALUATION, text_version="evaluation-1"
        )
    if not consent and current is not None:
        revoke_consent(consent=current, actor=user)
    return evaluation_consent(user)


@transaction.atomic
def enrol_member(
    *, actor: User, programme: Programme, member: User, arm: str = Arm.PROGRAMME, site: str = ""
) -> Enrolment:
    check_admin(actor)
    if arm not in Arm.values or (arm == Arm.COMPARISON and not programme.has_comparison_arm):
        raise ValidationError(_("This programme has no such arm."), code="arm")
    if evaluation_consent(member) is None:
        raise ValidationError(
            _("%(name)s has not consented to programme evaluation.") % {"name": member},
            code="no_consent",
        )
    site = site.strip()[:80]
    enrolment, created = Enrolment.objects.get_or_create(
        programme=programme, member=member, defaults={"arm": arm, "site": site}
    )
    restarted = False
    if not created and enrolment.withdrawn_at is not None:
        # A new participation: its waves count from today, in the arm and site chosen now.
        # Keeping the old date would put every new answer in waves counted from it (most
        # outside every window), and the arm and site typed now would be silently ignored.
        enrolment.enrolled_at, enrolment.withdrawn_at = timezone.now(), None
        enrolment.arm, enrolment.site = arm, site
        enrolment.save(update_fields=["enrolled_at", "withdrawn_at", "arm", "site"])
        restarted = True
    elif not created and (enrolment.arm, enrolment.site) != (arm, site):
        # Moving someone between arms mid-programme would corrupt the comparison.
        raise ValidationError(
            _(
                "%(name)s is already enrolled (arm: %(arm)s, site: %(site)s). To change that, "
                "they must withdraw first; enrolling again then starts a new participation."
            )
            % {
                "name": member,
                "arm": enrolment.get_arm_display(),
                "site": enrolment.site or "—",
            },
            code="already_enrolled",
        )
    audit.record(
        actor=actor,
        action="insights.enrol",
        subject=member,
        obj=programme,
        detail={"restarted": True} if restarted else None,
    )
    _schedule_waves(member=member, programme=programme)
    return enrolment


def _schedule_waves(*, member: User, programme: Programme) -> None:
    """Ask the outcomes capability to schedule the programme's check-ins."""
    from peerhaven.outcomes.services import schedule_checkins_safely

    waves = list(programme.wave_days)
    cadence = (waves[1] - waves[0]) if len(waves) > 1 else 28
    schedule_checkins_safely(
        user=member,
        instrument_ids=list(programme.instruments),
        cadence_days=cadence,
        source="programme",
    )


def withdraw(*, actor: User, enrolment: Enrolment) -> None:
    if actor.pk != enrolment.member_id:
        check_admin(actor)
    enrolment.withdrawn_at = timezone.now()
    enrolment.save(update_fields=["withdrawn_at"])
    audit.record(
        actor=actor, action="insights.withdraw", subject=enrolment.member, obj=enrolment.programme
    )


def current_report(programme: Programme) -> ReportRun | None:
    """The newest finished report whose data is still current, if any."""
    from peerhaven.insights.data import data_version

    version = data_version(programme)
    return (
        ReportRun.objects.filter(
            programme=programme, data_version=version, status=ReportStatus.DONE
        )
        .order_by("-created_at")
        .first()
    )


def request_report(*, actor: User, programme: Programme) -> ReportRun:
    """Reuse the cached report while data is unchanged; otherwise queue a new run."""
    from peerhaven.insights.data import data_version

    check_admin(actor)
    version = data_version(programme)
    existing = (
        ReportRun.objects.filter(programme=programme, data_version=version)
        .exclude(status=ReportStatus.FAILED)
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        return existing
    run = ReportRun.objects.create(programme=programme, data_version=version, requested_by=actor)
    audit.record(actor=actor, action="insights.report.request", obj=programme)
    from peerhaven.insights.tasks import run_report_task

    transaction.on_commit(partial(run_report_task, run.pk))
    return run


def compute_report(run: ReportRun) -> ReportRun:
    """Run one report (called by the job queue). Progress is saved as it goes."""
    from peerhaven.insights.data import collect
    from peerhaven.insights.report import build_report

    def progress(percent: int, stage: str) -> None:
        ReportRun.objects.filter(pk=run.pk).update(progress=percent, stage=stage[:120])

    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportStatus.RUNNING, progress=1, stage="reading data"
    )
    try:
        data = collect(run.programme)
        result = build_report(run.programme, data, progress)
    except Exception as exc:
        logger.exception("Report %s failed", run.pk)
        ReportRun.objects.filter(pk=run.pk).update(
            status=ReportStatus.FAILED, error=type(exc).__name__, finished_at=timezone.now()
        )
        run.refresh_from_db()
        return run
    figures = result.pop("figures", {})
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportStatus.DONE,
        progress=100,
        stage="done",
        result=result,
        figures=figures,
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def export_insights(user: User) -> dict[str, Any]:
    return {
        "evaluation_consent": evaluation_consent(user) is not None,
        "enrolments": [
            {
                "programme": e.programme.name,
                "arm": e.arm,
                "site": e.site,
                "enrolled_at": e.enrolled_at.isoformat(),
                "withdrawn_at": e.withdrawn_at.isoformat() if e.withdrawn_at else None,
            }
            for e in Enrolment.objects.filter(member=user).select_related("programme")
        ],
    }


def erase_insights(user: User, mode: EraseMode) -> None:
    Enrolment.objects.filter(member=user).delete()
