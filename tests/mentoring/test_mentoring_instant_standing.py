"""A change of standing closes an open 1:1 mentoring socket at once.

Periodic re-checks are off (``no_periodic_rechecks``): after the change the test only listens,
so a close can only come from the standing event the service sent.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from standing_sockets import (
    closed_promptly,
    no_periodic_rechecks,  # noqa: F401 - a fixture, used through pytestmark
    open_socket,
    still_open,
)

from peerhaven.accounts.models import User
from peerhaven.mentoring import services
from peerhaven.mentoring.models import Mentorship

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.asyncio,
    pytest.mark.usefixtures("no_periodic_rechecks"),
]


def _start(mentee: User, mentor: User) -> Mentorship:
    req = services.request_mentor(mentee=mentee, mentor=mentor)
    return services.accept_request(req=req, mentor=mentor)


async def _following(user: User, mentorship: Mentorship) -> Any:
    comm, ok = await open_socket(f"/ws/mentoring/{mentorship.pk}/", user)
    assert ok
    return comm


async def test_ending_the_mentorship_closes_both_live_pages_at_once(
    mentee: User, mentor: User
) -> None:
    m = await sync_to_async(_start)(mentee, mentor)
    to_mentor = await _following(mentor, m)
    to_mentee = await _following(mentee, m)
    await sync_to_async(services.end_mentorship)(
        mentorship=m, actor=mentee, helpfulness=4, reason="goals_met"
    )
    for comm in (to_mentor, to_mentee):
        frames, code = await closed_promptly(comm)
        assert (frames[-1]["type"], frames[-1]["code"], code) == ("closed", "ended", 4410)


async def test_blocking_closes_both_live_pages_at_once(mentee: User, mentor: User) -> None:
    m = await sync_to_async(_start)(mentee, mentor)
    to_mentor = await _following(mentor, m)
    await sync_to_async(services.block_in_mentorship)(mentorship=m, actor=mentee)
    frames, code = await closed_promptly(to_mentor)
    assert (frames[-1]["code"], code) == ("ended", 4410)


async def test_a_ban_closes_the_banned_persons_page_at_once_and_not_the_others(
    mentee: User, mentor: User, moderator: User
) -> None:
    from peerhaven.safety.services import take_action

    m = await sync_to_async(_start)(mentee, mentor)
    to_mentor = await _following(mentor, m)
    to_mentee = await _following(mentee, m)
    await sync_to_async(take_action)(
        member=mentor, moderator=moderator, kind="ban", reason="Asked for money.", hours=2
    )
    frames, code = await closed_promptly(to_mentor)
    assert (frames[-1]["code"], code) == ("banned", 4403)
    assert "Asked for money." in frames[-1]["message"]
    assert await still_open(to_mentee) == []
    await to_mentee.disconnect()


async def test_erasing_one_account_closes_the_other_persons_page_at_once(
    mentee: User, mentor: User
) -> None:
    from peerhaven.accounts.privacy import EraseMode, erase_member

    m = await sync_to_async(_start)(mentee, mentor)
    to_mentor = await _following(mentor, m)
    await sync_to_async(erase_member)(user=mentee, mode=EraseMode.ANONYMISE)
    frames, code = await closed_promptly(to_mentor)
    assert (frames[-1]["code"], code) == ("ended", 4410)  # the history stays for the mentor
