"""Moderators' judgements become labelled examples, exported only with the member's consent."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from peerhaven.accounts import privacy
from peerhaven.accounts.models import AuditEvent, Consent, ConsentPurpose, User
from peerhaven.accounts.services import grant_consent, revoke_consent
from peerhaven.forums import services as forums
from peerhaven.forums.models import Board, Post
from peerhaven.safety import feedback, services
from peerhaven.safety.models import RiskAlert, ScreeningLabel
from peerhaven.safety.screening import train

IDEATION_POST = "I wish I was dead, every single morning now."
EVERYDAY_REPLY = "Mornings are hard for me too. A walk before work helps me a little."


@pytest.fixture
def board(db: None) -> Board:
    return Board.objects.create(slug="living", name="Living with depression", position=1)


def _post(board: Board, author: User, body: str) -> Post:
    thread = forums.create_thread(board=board, author=author, title="Mornings", body=body)
    return thread.posts.get()


def _alert_for(post: Post) -> RiskAlert:
    return RiskAlert.objects.get(object_id=str(post.pk), source="screening")


def _resolve(alert: RiskAlert, moderator: User, outcome: str) -> None:
    services.claim_alert(alert_id=alert.pk, moderator=moderator)
    services.resolve_alert(alert=alert, moderator=moderator, outcome=outcome)


def _consent(user: User) -> Consent:
    return grant_consent(user=user, purpose=ConsentPurpose.SCREENER)


def _export() -> list[dict[str, str]]:
    out = io.StringIO()
    feedback.export_labels(out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.parametrize(
    ("outcome", "label"),
    [
        ("reached_out", "at_risk"),
        ("referred", "at_risk"),
        ("emergency", "at_risk"),
        ("no_risk", "no_risk"),
        ("no_action", None),
        ("content_action", None),
    ],
)
def test_resolving_an_alert_records_what_its_outcome_says(
    board: Board, member: User, moderator: User, outcome: str, label: str | None
) -> None:
    post = _post(board, member, IDEATION_POST)
    _resolve(_alert_for(post), moderator, outcome)
    record = ScreeningLabel.objects.filter(object_id=str(post.pk)).first()
    if label is None:
        assert record is None
    else:
        assert record is not None and record.label == label
        assert record.author == member and record.decided_by == moderator
        assert record.screened_level == "ideation" and record.kind == "forums.post"


def test_a_later_judgement_of_the_same_text_replaces_the_first(
    board: Board, member: User, outsider: User, moderator: User
) -> None:
    post = _post(board, member, IDEATION_POST)
    _resolve(_alert_for(post), moderator, "no_risk")
    # A member reports the same post later; the moderator now reaches out.
    report = services.file_report(reporter=outsider, obj=post, reason="worried", url="/")
    _resolve(report, moderator, "reached_out")
    assert list(ScreeningLabel.objects.values_list("label", "source")) == [("at_risk", "report")]


def test_a_report_about_a_person_records_no_label(
    member: User, outsider: User, moderator: User
) -> None:
    alert = services.file_report(reporter=outsider, obj=member, reason="worried", url="/")
    _resolve(alert, moderator, "reached_out")
    assert not ScreeningLabel.objects.exists()


def test_export_has_only_consenting_members_and_no_identity(
    board: Board,
    member: User,
    moderator: User,
    make_user: Callable[..., User],
) -> None:
    other = make_user(display_name="Quiet River")
    agreed = _post(board, member, IDEATION_POST)
    refused = _post(board, other, IDEATION_POST)
    for post in (agreed, refused):
        _resolve(_alert_for(post), moderator, "reached_out")
    _consent(member)

    rows = _export()
    assert [r["text"] for r in rows] == [IDEATION_POST]
    row = rows[0]
    assert row["label"] == "at_risk" and row["kind"] == "forums.post"
    assert row["author"] == feedback.pseudonym(member.pk)
    dumped = json.dumps(rows)
    for secret in (member.display_name, member.email, str(member.pk)):
        assert secret not in dumped.replace(row["author"], "")
    event = AuditEvent.objects.filter(action="safety.labels.export").latest("pk")
    assert event.detail == {"examples": 1}


def test_revoking_editing_or_deleting_takes_the_text_out_of_the_next_export(
    board: Board, member: User, moderator: User
) -> None:
    post = _post(board, member, IDEATION_POST)
    _resolve(_alert_for(post), moderator, "no_risk")
    consent = _consent(member)
    assert [r["text"] for r in _export()] == [IDEATION_POST]

    # An edit: the moderator never judged the new words, so they carry no label.
    Post.objects.filter(pk=post.pk).update(body="I feel better today.")
    assert _export() == []
    Post.objects.filter(pk=post.pk).update(body=IDEATION_POST)
    assert [r["text"] for r in _export()] == [IDEATION_POST]

    revoke_consent(consent=consent, actor=member)
    assert _export() == []

    _consent(member)
    Post.objects.filter(pk=post.pk).delete()
    assert _export() == []


def test_only_posts_and_messages_by_their_one_writer_are_labelled(
    board: Board, member: User, outsider: User, moderator: User
) -> None:
    # An alert about something that is not a post or message (here an appeal-like object:
    # the member's own account row) records nothing, whatever the outcome.
    alert = services.file_report(reporter=outsider, obj=member, reason="worried", url="/")
    _resolve(alert, moderator, "reached_out")
    # A post whose alert names someone else as author (not its writer) records nothing either.
    post = _post(board, member, EVERYDAY_REPLY)
    other = services.file_report(
        reporter=moderator, obj=post, reason="worried", url="/", author=outsider
    )
    _resolve(other, moderator, "reached_out")
    assert not ScreeningLabel.objects.exists()


def test_erasure_deletes_the_labels_and_the_export_names_them(
    board: Board, member: User, moderator: User
) -> None:
    post = _post(board, member, IDEATION_POST)
    _resolve(_alert_for(post), moderator, "reached_out")
    _consent(member)
    mine = services.export_safety(member)
    assert mine["help_improve_the_screener"] is True
    assert [x["label"] for x in mine["screener_labels_about_my_texts"]] == ["at_risk"]

    privacy.erase_member(user=member, mode=privacy.EraseMode.ANONYMISE)
    assert not ScreeningLabel.objects.exists()


def test_the_command_writes_a_file_training_can_read(
    board: Board, member: User, moderator: User, tmp_path: Path
) -> None:
    for body, outcome in (
        (IDEATION_POST, "reached_out"),
        (EVERYDAY_REPLY + " " + IDEATION_POST, "no_risk"),
    ):
        _resolve(_alert_for(_post(board, member, body)), moderator, outcome)
    _consent(member)
    path = tmp_path / "labels.jsonl"
    call_command("screen", "--export-labels", str(path))
    assert path.stat().st_mode & 0o777 == 0o600
    event = AuditEvent.objects.filter(action="safety.labels.export").latest("pk")
    assert event.detail["path"] == str(path) and event.detail["examples"] == 2
    users = train.load_labels(path)
    assert sorted(u.label for u in users) == [train.COMMUNITY, train.COMMUNITY_AT_RISK]
    assert all(u.id.startswith(feedback.pseudonym(member.pk)) for u in users)


# --- the member's page ------------------------------------------------------------------------


def test_the_member_agrees_and_stops_on_their_page(member: User, member_client: Client) -> None:
    url = "/safety/screener/"
    page = member_client.get(url)
    assert page.status_code == 200 and b"I agree" in page.content

    assert member_client.post(url, {"choice": "yes"}).status_code == 302
    assert feedback.active_consent(member) is not None
    assert b"Stop using my reviewed posts" in member_client.get(url).content

    assert member_client.post(url, {"choice": "no"}).status_code == 302
    assert feedback.active_consent(member) is None
    assert Consent.objects.filter(user=member, purpose="screener").count() == 1


def test_a_bad_choice_is_a_400_and_grants_nothing(member: User, member_client: Client) -> None:
    response = member_client.post("/safety/screener/", {"choice": "maybe"})
    assert response.status_code == 400 and b"Choose yes or no." in response.content
    assert feedback.active_consent(member) is None


def test_the_page_needs_sign_in_and_csrf(member: User, client: Client) -> None:
    assert client.get("/safety/screener/").status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    assert strict.post("/safety/screener/", {"choice": "yes"}).status_code == 403
    assert feedback.active_consent(member) is None


def test_the_export_costs_the_same_queries_for_more_labels(
    board: Board, member: User, moderator: User, django_assert_num_queries: Any
) -> None:
    """No query per label: the texts are read per batch and kind."""
    _consent(member)

    def label(n: int) -> None:
        for i in range(n):
            _resolve(
                _alert_for(_post(board, member, f"{IDEATION_POST} ({i})")), moderator, "no_risk"
            )

    label(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert len(list(feedback.labelled_examples())) == 2
    label(4)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(list(feedback.labelled_examples())) == 6
