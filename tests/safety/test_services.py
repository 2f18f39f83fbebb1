"""What happens on risk: alerts, live fan-out, e-mail, claims, outreach, escalation, privacy."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import timezone

from peerhaven.accounts.models import AuditEvent, User
from peerhaven.accounts.privacy import EraseMode, erase_member, export_member_data
from peerhaven.notifications.models import Notification
from peerhaven.safety import services
from peerhaven.safety.gate import GateOutcome, report_outcome
from peerhaven.safety.models import (
    AlertSource,
    AlertStatus,
    CrisisResource,
    ModerationAction,
    OutreachTemplate,
    RiskAlert,
    SafetyPlan,
)
from peerhaven.safety.permissions import can_post, can_view_held, is_banned, is_muted

IMMINENT_TEXT = "I am going to overdose on my pills tonight"
IDEATION_TEXT = "I wish I was dead"
CONCERN_TEXT = "everything feels hopeless lately"


def _request(user: User) -> Any:
    request = RequestFactory().post("/forums/")
    request.user = user
    request.session = {}  # type: ignore[assignment]
    return request


def test_concern_shows_the_author_gentle_support_and_raises_no_alert(
    member: User, outcome_for: Callable[[str], GateOutcome]
) -> None:
    request = _request(member)
    report_outcome(
        outcome=outcome_for(CONCERN_TEXT), author=member, kind="forums.post", request=request
    )
    assert request.session[services.SESSION_PANEL_KEY]["level"] == "concern"
    assert not RiskAlert.objects.exists()


def test_nothing_happens_for_text_without_risk(
    member: User, outcome_for: Callable[[str], GateOutcome]
) -> None:
    request = _request(member)
    report_outcome(
        outcome=outcome_for("a lovely walk today"), author=member, kind="x", request=request
    )
    assert services.SESSION_PANEL_KEY not in request.session
    assert not RiskAlert.objects.exists()


def test_ideation_puts_an_alert_in_the_queue_and_the_crisis_panel_in_front_of_the_author(
    member: User, outcome_for: Callable[[str], GateOutcome], django_capture_on_commit_callbacks: Any
) -> None:
    request = _request(member)
    with django_capture_on_commit_callbacks(execute=True):
        report_outcome(
            outcome=outcome_for(IDEATION_TEXT),
            author=member,
            kind="forums.post",
            obj=member,
            url="/forums/t/1/",
            request=request,
        )
    alert = RiskAlert.objects.get()
    assert (alert.level, alert.source, alert.status) == ("ideation", "screening", "open")
    assert alert.evidence and alert.evidence[0]["rule"].startswith("ideation")
    assert alert.url == "/forums/t/1/"
    assert request.session[services.SESSION_PANEL_KEY] == {
        "level": "ideation",
        "held": False,
        "kind": "forums.post",
    }
    # Ideation is not e-mailed to moderators; only imminent risk is.
    assert mail.outbox == []


def test_imminent_risk_alerts_moderators_on_duty_in_app_and_by_email(
    member: User,
    on_duty: User,
    admin: User,
    outcome_for: Callable[[str], GateOutcome],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        alert = services.handle_screening(
            outcome=outcome_for(IMMINENT_TEXT),
            author=member,
            kind="forums.post",
            obj=member,
            url="",
        )
    assert alert is not None and alert.held and alert.level == "imminent"
    assert alert.sla_due_at - alert.created_at == datetime.timedelta(minutes=15)
    note = Notification.objects.get(recipient=on_duty)
    assert note.kind == "safety" and f"/moderation/alerts/{alert.pk}/" in note.url
    assert [m.to for m in mail.outbox] == [[on_duty.email]]
    # Only the moderator on duty is disturbed; the admin hears only on escalation.
    assert not Notification.objects.filter(recipient=admin).exists()


def test_imminent_risk_with_nobody_on_duty_reaches_every_moderator_and_admin(
    member: User, moderator: User, admin: User, outcome_for: Callable[[str], GateOutcome]
) -> None:
    services.handle_screening(outcome=outcome_for(IMMINENT_TEXT), author=member, kind="x")
    assert set(Notification.objects.values_list("recipient", flat=True)) == {moderator.pk, admin.pk}


def test_a_screening_error_creates_a_review_item_and_never_drops_the_text(member: User) -> None:
    outcome = GateOutcome(level="concern", needs_review=True, error="RuntimeError")
    alert = services.handle_screening(
        outcome=outcome, author=member, kind="forums.post", obj=member
    )
    assert alert is not None
    assert alert.source == AlertSource.REVIEW and "RuntimeError" in alert.reason


def test_the_gate_fails_safe_when_the_screener_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    from peerhaven.safety import screening
    from peerhaven.safety.gate import screen_user_text

    def broken(text: str) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(screening, "screen_text", broken)
    outcome = screen_user_text(text="hello", kind="x")
    assert outcome.needs_review and outcome.level == "concern"


def test_handling_errors_never_break_the_callers_write(
    member: User, monkeypatch: pytest.MonkeyPatch, outcome_for: Callable[[str], GateOutcome]
) -> None:
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("db down")

    monkeypatch.setattr(services, "raise_alert", broken)
    assert (
        services.handle_screening(outcome=outcome_for(IDEATION_TEXT), author=member, kind="x")
        is None
    )


def test_a_second_screening_of_the_same_object_updates_its_open_alert(
    make_alert: Callable[..., RiskAlert], member: User
) -> None:
    first = make_alert(text=IDEATION_TEXT, obj=member)
    second = make_alert(text=IMMINENT_TEXT, obj=member)
    assert first.pk == second.pk
    second.refresh_from_db()
    assert second.level == "imminent" and second.held


def test_claiming_an_alert_makes_it_the_moderators_and_nobody_elses(
    make_alert: Callable[..., RiskAlert], moderator: User, second_moderator: User
) -> None:
    alert = make_alert()
    claimed = services.claim_alert(alert_id=alert.pk, moderator=moderator)
    assert claimed.status == AlertStatus.ACKNOWLEDGED and claimed.assigned_to == moderator
    assert claimed.acknowledged_at is not None
    with pytest.raises(services.AlertUnavailableError):
        services.claim_alert(alert_id=alert.pk, moderator=second_moderator)
    assert (
        AuditEvent.objects.filter(action="safety.alert.acknowledge", actor=moderator).count() == 1
    )


def test_outsiders_and_moderators_without_two_factor_cannot_claim(
    make_alert: Callable[..., RiskAlert], outsider: User, make_user: Callable[..., User]
) -> None:
    from peerhaven.accounts.models import Role

    alert = make_alert()
    no_2fa = make_user(roles=(Role.MODERATOR,), two_factor=False)
    for person in (outsider, no_2fa):
        with pytest.raises(PermissionDenied):
            services.claim_alert(alert_id=alert.pk, moderator=person)


def test_claim_next_takes_the_most_urgent_alert(
    member: User, moderator: User, outcome_for: Callable[[str], GateOutcome]
) -> None:
    slow = services.handle_screening(outcome=outcome_for(IDEATION_TEXT), author=member, kind="a")
    urgent = services.handle_screening(outcome=outcome_for(IMMINENT_TEXT), author=member, kind="b")
    assert slow and urgent
    assert services.claim_next_alert(moderator=moderator) == urgent
    assert services.claim_next_alert(moderator=moderator) == slow
    assert services.claim_next_alert(moderator=moderator) is None


def test_outreach_sends_the_member_a_safety_message_from_a_template(
    make_alert: Callable[..., RiskAlert], moderator: User, member: User
) -> None:
    alert = make_alert()
    template = OutreachTemplate.objects.get(name="Checking in")
    with pytest.raises(PermissionDenied):
        services.send_outreach(alert=alert, moderator=moderator, template=template)
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    services.send_outreach(alert=alert, moderator=moderator, template=template)
    note = Notification.objects.get(recipient=member)
    assert note.kind == "safety" and member.display_name in note.body
    alert.refresh_from_db()
    assert alert.outreach_at is not None
    assert AuditEvent.objects.filter(action="safety.alert.outreach", subject=member).exists()


def test_resolving_needs_the_claim_and_an_outcome_and_keeps_held_content_unless_asked(
    make_alert: Callable[..., RiskAlert], moderator: User, second_moderator: User, member: User
) -> None:
    released: list[tuple[str, bool]] = []
    services.register_hold_releaser(
        "accounts.user", lambda pk, publish: released.append((pk, publish))
    )
    alert = make_alert(text=IMMINENT_TEXT, obj=member)
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    with pytest.raises(PermissionDenied):
        services.resolve_alert(alert=alert, moderator=second_moderator, outcome="no_risk")
    with pytest.raises(ValidationError):
        services.resolve_alert(alert=alert, moderator=moderator, outcome="shrug")
    resolved = services.resolve_alert(alert=alert, moderator=moderator, outcome="reached_out")
    assert resolved.status == AlertStatus.RESOLVED and resolved.resolved_at is not None
    # Publishing held text is the moderator's explicit choice, never a default.
    assert released == [(str(member.pk), False)]
    with pytest.raises(services.AlertUnavailableError):
        services.resolve_alert(alert=alert, moderator=moderator, outcome="reached_out")

    again = make_alert(text=IMMINENT_TEXT, obj=member)
    services.claim_alert(alert_id=again.pk, moderator=moderator)
    services.resolve_alert(
        alert=again, moderator=moderator, outcome="no_risk", note="A song", release_held=True
    )
    assert released[-1] == (str(member.pk), True)


def test_overdue_alerts_escalate_to_the_next_moderator_on_duty_and_to_admins(
    make_alert: Callable[..., RiskAlert], on_duty: User, admin: User
) -> None:
    alert = make_alert()
    later = alert.sla_due_at + datetime.timedelta(minutes=1)
    assert services.escalate_overdue_alerts(now=later) == 1
    alert.refresh_from_db()
    assert alert.escalation_count == 1 and alert.assigned_to == on_duty
    assert alert.status == AlertStatus.OPEN
    titles = Notification.objects.filter(title__contains="escalated")
    assert set(titles.values_list("recipient", flat=True)) == {on_duty.pk, admin.pk}
    # Not again until the new SLA period has passed too.
    assert services.escalate_overdue_alerts(now=later) == 0
    assert services.escalate_overdue_alerts(now=later + datetime.timedelta(hours=2)) == 1


def test_acknowledged_alerts_do_not_escalate(
    make_alert: Callable[..., RiskAlert], moderator: User
) -> None:
    alert = make_alert()
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    assert services.escalate_overdue_alerts(now=timezone.now() + datetime.timedelta(days=1)) == 0


def test_reports_from_other_apps_land_in_the_same_queue(member: User, outsider: User) -> None:
    alert = services.file_report(reporter=outsider, obj=member, reason="Rude to me", url="/u/1/")
    assert alert.source == AlertSource.REPORT and alert.author == member
    assert alert.reporter == outsider and alert.reason == "Rude to me"
    with pytest.raises(ValidationError):
        services.file_report(reporter=outsider, obj=member, reason=" ", url="")


def test_reports_are_rate_limited(member: User, outsider: User) -> None:
    for _ in range(services.REPORT_LIMIT_PER_HOUR):
        services.file_report(reporter=outsider, obj=member, reason="spam", url="")
    with pytest.raises(ValidationError):
        services.file_report(reporter=outsider, obj=member, reason="spam", url="")


def test_held_content_is_visible_to_its_author_and_moderators_only(
    member: User, outsider: User, moderator: User, make_user: Callable[..., User]
) -> None:
    from django.contrib.auth.models import AnonymousUser

    from peerhaven.accounts.models import Role

    assert can_view_held(member, member)
    assert can_view_held(member, member.pk)
    assert can_view_held(moderator, member)
    assert not can_view_held(outsider, member)
    assert not can_view_held(AnonymousUser(), member)
    assert not can_view_held(make_user(roles=(Role.MODERATOR,), two_factor=False), member)


def test_mute_and_ban_stop_posting_until_they_end_and_the_member_sees_why(
    member: User, moderator: User
) -> None:
    action = services.take_action(
        member=member,
        moderator=moderator,
        kind="mute",
        reason="Cool-off after a heated thread",
        hours=24,
    )
    assert is_muted(member) and not is_banned(member) and not can_post(member)
    note = Notification.objects.get(recipient=member, kind="moderation")
    assert note.body == "Cool-off after a heated thread"
    action.ends_at = timezone.now() - datetime.timedelta(seconds=1)
    action.save()
    assert can_post(member)


def test_an_appeal_is_decided_by_another_moderator_and_can_reverse_the_action(
    member: User, moderator: User, second_moderator: User, outsider: User
) -> None:
    action = services.take_action(member=member, moderator=moderator, kind="ban", reason="Spam")
    with pytest.raises(PermissionDenied):
        services.file_appeal(action=action, member=outsider, text="not mine")
    appeal = services.file_appeal(action=action, member=member, text="It was a mistake")
    with pytest.raises(PermissionDenied):
        services.decide_appeal(appeal=appeal, moderator=moderator, overturn=True, response="ok")
    services.decide_appeal(
        appeal=appeal, moderator=second_moderator, overturn=True, response="Sorry"
    )
    action.refresh_from_db()
    assert action.revoked_at is not None and not is_banned(member)


def test_safety_plans_are_saved_by_step_and_reject_unknown_steps(member: User) -> None:
    plan = services.save_safety_plan(user=member, steps={"warning_signs": " Not sleeping "})
    assert plan.warning_signs == "Not sleeping" and not plan.is_empty
    with pytest.raises(ValidationError):
        services.save_safety_plan(user=member, steps={"password": "x"})


def test_the_shipped_crisis_resources_cover_the_launch_countries(db: None) -> None:
    countries = set(CrisisResource.objects.values_list("country", flat=True))
    assert {"US", "CA", "GB", "IE", "AU", "NZ", "IN", "INTL"} <= countries
    assert CrisisResource.objects.get(country="GB", name="Samaritans").phone == "116 123"
    assert all(r.verified_on for r in CrisisResource.objects.all())


def test_a_bad_resource_file_is_refused(tmp_path: Any) -> None:
    from peerhaven.safety.resources import read_resources

    bad = tmp_path / "r.json"
    bad.write_text(
        '{"verified_on": "2025-01-01", "resources": [{"country": "XYZ", "name": "A", "phone": "1"}]}'
    )
    with pytest.raises(ValidationError):
        read_resources(bad)


def test_export_and_erasure_cover_safety_data(
    member: User, moderator: User, make_alert: Callable[..., RiskAlert]
) -> None:
    services.save_safety_plan(user=member, steps={"people_to_ask": "My aunt Rosalind"})
    make_alert()
    services.take_action(member=member, moderator=moderator, kind="warning", reason="Be kind")
    data = export_member_data(user=member)
    assert data["safety"]["safety_plan"]["people_to_ask"] == "My aunt Rosalind"
    assert data["safety"]["risk_alerts_about_me"][0]["level"] == "ideation"
    erase_member(user=member, mode=EraseMode.ANONYMISE)
    assert not SafetyPlan.objects.exists()
    assert not RiskAlert.objects.exists()
    assert not ModerationAction.objects.exists()


def test_live_rooms_get_the_crisis_panel_as_json(make_user: Callable[..., User]) -> None:
    from peerhaven.safety.queries import crisis_payload

    person = make_user(country="CA")
    payload = crisis_payload(person, level="imminent", held=True)
    assert payload["type"] == "safety.panel" and payload["held"]
    assert any(line["phone"] == "988" for line in payload["lines"])
    assert payload["plan_url"] == "/safety/plan/edit/" and not payload["has_plan"]


def test_the_dashboard_counts_late_acknowledgements_as_breaches(
    make_alert: Callable[..., RiskAlert], moderator: User
) -> None:
    from peerhaven.safety.queries import dashboard

    alert = make_alert()
    RiskAlert.objects.filter(pk=alert.pk).update(
        sla_due_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    stats = dashboard()
    assert stats.sla_breaches_30_days == 1 and stats.median_minutes_to_acknowledge is not None


def test_outreach_templates_substitute_only_the_name(member) -> None:  # type: ignore[no-untyped-def]
    from peerhaven.safety.models import OutreachTemplate
    from peerhaven.safety.services import render_template

    template = OutreachTemplate(title="Hi {name.upper.x} {name:>999999999}", body="Dear {name},")
    title, body = render_template(template, member)
    assert title == "Hi {name.upper.x} {name:>999999999}"
    assert body == f"Dear {member.display_name},"


def test_with_nobody_on_duty_an_escalation_reaches_every_moderator(
    make_alert: Callable[..., RiskAlert], moderator: User, second_moderator: User
) -> None:
    """No admin and nobody on duty (a small community at night): before, the escalation went
    to the admins only, so to nobody; now every moderator is told, as for an imminent alert."""
    alert = make_alert()
    later = alert.sla_due_at + datetime.timedelta(minutes=1)
    assert services.escalate_overdue_alerts(now=later) == 1
    titles = Notification.objects.filter(title__contains="escalated")
    assert set(titles.values_list("recipient", flat=True)) == {moderator.pk, second_moderator.pk}
    assert all(n.urgent for n in titles)
