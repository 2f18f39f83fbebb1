"""Erasure rewrites other members' notifications that name the erased person."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from peerhaven.accounts import privacy
from peerhaven.accounts.models import User
from peerhaven.accounts.privacy import EraseMode, erase_member
from peerhaven.notifications import services
from peerhaven.notifications.erasure import (
    Scrubber,
    erase_notifications,
    rewrite_notifications_naming,
)
from peerhaven.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _note(recipient: User, title: str, body: str = "", url: str = "") -> Notification:
    return services.notify(recipient=recipient, kind="mentoring", title=title, body=body, url=url)


def _reread(n: Notification) -> Notification:
    return Notification.objects.get(pk=n.pk)


@pytest.mark.parametrize("mode", [EraseMode.ANONYMISE, EraseMode.REMOVE])
def test_erasure_replaces_the_name_in_other_members_notifications(
    make_user: Callable[..., User], member: User, mode: EraseMode
) -> None:
    leaving = make_user(display_name="Amber Willow", email="amber.willow@example.org")
    message = _note(member, "New message from Amber Willow", "Say hello back.", url="/m/3/")
    reply = services.notify(
        recipient=member,
        kind="reply",
        title="Your thread “Rainy days” has its first reply",
        body="Amber Willow replied. You are not alone in this.",
    )
    unrelated = _note(member, "New message from Quiet Harbor", "Amber is a colour.")
    own = _note(leaving, "Welcome aboard, Amber Willow")
    erase_member(user=leaving, mode=mode)
    assert _reread(message).title == "New message from a former member"
    assert _reread(message).url == "/m/3/"  # the link does not name them: kept
    assert _reread(reply).body == "A former member replied. You are not alone in this."
    assert _reread(reply).title == "Your thread “Rainy days” has its first reply"
    assert (_reread(unrelated).title, _reread(unrelated).body) == (
        "New message from Quiet Harbor",
        "Amber is a colour.",
    )
    assert not Notification.objects.filter(pk=own.pk).exists()  # theirs went with the account


def test_the_name_is_matched_as_a_whole_word_and_case_sensitively(
    make_user: Callable[..., User], member: User
) -> None:
    leaving = make_user(display_name="Ann")
    kept = [
        _note(member, "Annual review of your goals"),
        _note(member, "Joanne sent you a message"),
        _note(member, "ann and ANN are not how the name is stored"),
        _note(member, "Ann_2 replied"),
    ]
    changed = _note(
        member, "Ann's thread has a new reply", "Thanks, Ann! Say hi (to Ann).\nAnn replied."
    )
    erase_notifications(leaving, EraseMode.ANONYMISE)
    for n in kept:
        assert _reread(n).title == n.title
    again = _reread(changed)
    assert again.title == "A former member's thread has a new reply"
    assert again.body == (
        "Thanks, a former member! Say hi (to a former member).\nA former member replied."
    )


def test_another_members_longer_name_that_contains_the_erased_one_is_left_alone(
    make_user: Callable[..., User], member: User
) -> None:
    leaving = make_user(display_name="Sam Lee")
    make_user(display_name="Sam Lee Jones")
    n = _note(member, "Sam Lee Jones and Sam Lee replied to your thread")
    erase_notifications(leaving, EraseMode.REMOVE)
    assert _reread(n).title == "Sam Lee Jones and a former member replied to your thread"


def test_names_with_punctuation_are_matched_exactly(
    make_user: Callable[..., User], member: User
) -> None:
    leaving = make_user(display_name="J.R. Oak")
    n = _note(
        member, "J.R. Oak paused your mentorship", "Contact J.R. Oak's supervisor? No: JxR. Oak"
    )
    erase_notifications(leaving, EraseMode.ANONYMISE)
    assert _reread(n).title == "A former member paused your mentorship"
    assert _reread(n).body == "Contact a former member's supervisor? No: JxR. Oak"


def test_every_email_address_of_the_account_is_replaced_in_any_case(
    make_user: Callable[..., User], member: User
) -> None:
    leaving = make_user(display_name="Amber Willow", email="amber.willow@example.org")
    EmailAddress.objects.create(user=leaving, email="old.amber@example.net", verified=True)
    n = _note(
        member,
        "Amber.Willow@Example.org accepted your invitation",
        "Also known as OLD.AMBER@example.net; not xold.amber@example.net or "
        "old.amber@example.network.",
    )
    erase_notifications(leaving, EraseMode.ANONYMISE)
    again = _reread(n)
    assert again.title == "A former member accepted your invitation"
    assert again.body == (
        "Also known as a former member; not xold.amber@example.net or old.amber@example.network."
    )
    assert "amber.willow" not in again.title.lower()


def test_a_link_that_names_the_person_is_dropped(
    make_user: Callable[..., User], member: User
) -> None:
    leaving = make_user(display_name="Amber Willow", email="amber.willow@example.org")
    by_name = _note(member, "Profile", url="/members/Amber%20Willow/")
    by_raw_name = _note(member, "Profile", url="/members/Amber Willow/")
    by_email = _note(member, "Invite", url="/invite/?to=amber.willow%40example.org")
    other = _note(member, "Profile", url="/members/Amber%20Willows/x")
    kept = _note(member, "Thread", url="/forums/t/12/")
    erase_notifications(leaving, EraseMode.ANONYMISE)
    assert [_reread(n).url for n in (by_name, by_raw_name, by_email)] == ["", "", ""]
    assert _reread(kept).url == "/forums/t/12/"
    # Percent-encoded forms are matched as text: a look-alike longer name loses its link too.
    assert _reread(other).url == ""


def test_a_longer_title_is_cut_to_the_columns_length(
    make_user: Callable[..., User], member: User
) -> None:
    leaving = make_user(display_name="Ann")
    title = ("Ann " * 50)[:200]
    assert len(title) == 200
    n = _note(member, title)
    erase_notifications(leaving, EraseMode.ANONYMISE)
    again = _reread(n).title
    assert len(again) <= 200
    assert again.startswith("A former member a former member ")
    assert "Ann" not in again


def test_an_email_not_yet_sent_goes_out_without_the_name(
    make_user: Callable[..., User],
    member: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    leaving = make_user(display_name="Amber Willow")
    # Queued while the recipient is in quiet hours (nothing sent yet).
    from unittest import mock

    with mock.patch("peerhaven.notifications.services.in_quiet_hours", return_value=True):
        n = services.notify(
            recipient=member, kind="group", title="Amber Willow asked to join Evening Circle"
        )
    assert n.email_wanted and mail.outbox == []
    erase_member(user=leaving, mode=EraseMode.ANONYMISE)
    with mock.patch("peerhaven.notifications.services.in_quiet_hours", return_value=False):
        assert services.deliver_deferred_emails() == 1
    assert "A former member asked to join Evening Circle" in mail.outbox[0].subject
    assert "Amber Willow" not in mail.outbox[0].subject + mail.outbox[0].body


def test_erasure_reads_and_writes_a_fixed_number_of_times(
    make_user: Callable[..., User],
    member: User,
    outsider: User,
    django_assert_num_queries: Any,
) -> None:
    leaving = make_user(display_name="Amber Willow")
    for i in range(60):
        _note(member if i % 2 else outsider, "New message from Amber Willow", f"#{i}")
    # Addresses, other names, the candidate rows, one batched update.
    with django_assert_num_queries(4):
        assert rewrite_notifications_naming(leaving) == 60
    assert not Notification.objects.filter(title__contains="Amber Willow").exists()


def test_notifications_is_a_registered_eraser() -> None:
    assert privacy._sections["notifications"].eraser is erase_notifications


def test_an_empty_name_matches_nothing() -> None:
    scrubber = Scrubber.for_person(name="  ", emails=[])
    assert scrubber.empty
    assert scrubber.text("Anything at all", "a former member") == "Anything at all"


def test_many_notifications_are_rewritten_page_by_page(
    make_user: Callable[..., User], member: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peerhaven.notifications import erasure

    monkeypatch.setattr(erasure, "PAGE", 7)
    leaving = make_user(display_name="Amber Willow")
    naming = [_note(member, f"New message from Amber Willow #{i}") for i in range(20)]
    # Candidates on SQLite (its LIKE ignores case) that must stay as they are.
    lookalikes = [_note(member, f"amber willow is not the name #{i}") for i in range(9)]
    assert rewrite_notifications_naming(leaving) == 20
    assert all(_reread(n).title.startswith("New message from a former member #") for n in naming)
    assert [_reread(n).title for n in lookalikes] == [n.title for n in lookalikes]
