"""A forum report in the unified safety queue (/moderation/): the moderator goes from the queue
item to the forum report's page, acts there (hide, lock, ...) with the report preselected, and
the report and its queue item close together; the author sees the action and its reason."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import AuditEvent, Role, User
from peerhaven.forums import services
from peerhaven.forums.models import ModerationAction, Report, Thread
from peerhaven.notifications.models import Notification
from peerhaven.safety.models import AlertStatus, RiskAlert
from peerhaven.safety.services import claim_alert

pytestmark = pytest.mark.django_db


def _report(thread: Thread, reporter: User, detail: str = "Harsh words") -> Report:
    response = login(Client(), reporter).post(
        reverse("forums:report", args=[thread.posts.get(position=1).pk]),
        {"reason": "unkind", "detail": detail},
    )
    assert response.status_code == 302
    return Report.objects.latest("pk")


def test_a_moderator_acts_on_a_forum_report_from_the_unified_queue(
    thread: Thread, member: User, outsider: User, moderator: User
) -> None:
    report = _report(thread, outsider)
    alert = RiskAlert.objects.get(source="report")
    assert report.alert == alert
    mod = login(Client(), moderator)
    queue = mod.get(reverse("moderation:queue")).content.decode()
    assert reverse("moderation:alert", args=[alert.pk]) in queue
    item = mod.get(reverse("moderation:alert", args=[alert.pk])).content.decode()
    report_url = reverse("forums:report_detail", args=[report.pk])
    assert f'href="{report_url}"' in item
    page = mod.get(report_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Harsh words" in html and f'name="report" value="{report.pk}"' in html
    for action in ("hide", "lock", "pin", "move", "delete"):
        assert f"/{action}/" in html
    response = mod.post(
        reverse("forums:moderate_post", args=[thread.posts.get(position=1).pk, "hide"]),
        {"reason": "Please keep it kind", "report": report.pk, "next": report_url},
    )
    assert response.status_code == 302 and response["Location"] == report_url
    report.refresh_from_db()
    alert.refresh_from_db()
    assert report.resolved_at is not None and report.resolved_by == moderator
    assert alert.status == AlertStatus.RESOLVED and alert.outcome == "content_action"
    assert "Please keep it kind" in alert.resolution_note
    assert thread.posts.get(position=1).is_hidden
    # The author sees what was done and why: a notification and the thread's moderation notes.
    note = Notification.objects.get(recipient=member, kind="moderation")
    assert "Please keep it kind" in note.body
    own = login(Client(), member).get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert "Moderation notes" in own and "Please keep it kind" in own
    assert AuditEvent.objects.filter(action="forums.post.hide", subject=member).exists()
    assert AuditEvent.objects.filter(action="safety.alert.resolve", actor=moderator).exists()
    assert "Resolved" in mod.get(report_url).content.decode()


def test_thread_actions_from_the_report_page_close_the_report_and_its_queue_item(
    thread: Thread, member: User, outsider: User, moderator: User
) -> None:
    report = _report(thread, outsider)
    mod = login(Client(), moderator)
    mod.post(
        reverse("forums:moderate_thread", args=[thread.pk, "lock"]),
        {"reason": "Cooling off", "report": report.pk},
    )
    thread.refresh_from_db()
    report.refresh_from_db()
    assert thread.is_locked and report.resolved_at is not None
    assert RiskAlert.objects.get(pk=report.alert_id).status == AlertStatus.RESOLVED
    assert ModerationAction.objects.get(thread=thread).reason == "Cooling off"


def test_pinning_from_a_report_closes_that_report_only(
    make_thread: Callable[..., Thread], member: User, outsider: User, moderator: User
) -> None:
    first, other = make_thread(member), make_thread(member, title="Another one")
    report, untouched = _report(first, outsider), _report(other, outsider)
    login(Client(), moderator).post(
        reverse("forums:moderate_thread", args=[first.pk, "pin"]),
        {"reason": "Useful", "report": report.pk},
    )
    report.refresh_from_db()
    untouched.refresh_from_db()
    assert report.resolved_at is not None and untouched.resolved_at is None
    # A report about another thread is not taken as "the report acted on".
    login(Client(), moderator).post(
        reverse("forums:moderate_thread", args=[first.pk, "unpin"]),
        {"reason": "Done", "report": untouched.pk},
    )
    untouched.refresh_from_db()
    assert untouched.resolved_at is None


def test_closing_a_report_without_action_closes_its_queue_item_as_no_action(
    thread: Thread, outsider: User, moderator: User
) -> None:
    report = _report(thread, outsider)
    login(Client(), moderator).post(
        reverse("forums:dismiss_report", args=[report.pk]), {"reason": "Kind enough"}
    )
    alert = RiskAlert.objects.get(pk=report.alert_id)
    assert alert.status == AlertStatus.RESOLVED and alert.outcome == "no_action"


def test_a_queue_item_another_moderator_took_is_left_to_them(
    thread: Thread, outsider: User, moderator: User, make_user: Callable[..., User]
) -> None:
    report = _report(thread, outsider)
    other = make_user(roles=(Role.MODERATOR,))
    claim_alert(alert_id=report.alert_id, moderator=other)
    services.hide_post(
        post=thread.posts.get(position=1), actor=moderator, reason="Unkind", report=report
    )
    report.refresh_from_db()
    alert = RiskAlert.objects.get(pk=report.alert_id)
    assert report.resolved_at is not None
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.assigned_to == other


def test_the_report_page_is_for_moderators_only(
    thread: Thread, outsider: User, member: User
) -> None:
    report = _report(thread, outsider)
    url = reverse("forums:report_detail", args=[report.pk])
    assert login(Client(), member).get(url).status_code == 404
    assert login(Client(), outsider).get(url).status_code == 404


def test_moderation_forms_never_redirect_off_the_site(thread: Thread, moderator: User) -> None:
    response = login(Client(), moderator).post(
        reverse("forums:moderate_thread", args=[thread.pk, "lock"]),
        {"reason": "x", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("forums:thread", args=[thread.pk])
