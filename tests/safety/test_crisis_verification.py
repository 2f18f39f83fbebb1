"""Crisis lines whose "verified on" date is old are flagged where operators look."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.utils import timezone
from personas import login

from peerhaven.accounts.models import Role, User
from peerhaven.safety import queries
from peerhaven.safety.models import CrisisResource


def _only(*, fresh_days: int, stale_days: int) -> tuple[CrisisResource, CrisisResource]:
    """Replace the shipped lines with one verified recently and one verified long ago."""
    CrisisResource.objects.all().delete()
    today = timezone.localdate()
    fresh = CrisisResource.objects.create(
        country="GB",
        name="Recently Checked Line",
        phone="0800 000 001",
        verified_on=today - datetime.timedelta(days=fresh_days),
    )
    stale = CrisisResource.objects.create(
        country="GB",
        name="Long Unchecked Line",
        phone="0800 000 002",
        verified_on=today - datetime.timedelta(days=stale_days),
    )
    return fresh, stale


def test_lines_older_than_the_period_need_reverification(db: Any, settings: Any) -> None:
    settings.SAFETY_RESOURCE_REVERIFY_DAYS = 365
    fresh, stale = _only(fresh_days=364, stale_days=366)
    assert not queries.needs_reverification(fresh)
    assert queries.needs_reverification(stale)
    assert list(queries.resources_needing_verification()) == [stale]
    # Hidden lines are not counted: members do not see them.
    CrisisResource.objects.filter(pk=stale.pk).update(is_active=False)
    assert not queries.resources_needing_verification().exists()


def test_the_shipped_directory_is_flagged_until_someone_verifies_it(db: Any) -> None:
    # The shipped numbers carry verified_on 2025-01-01 and could not be checked on this machine.
    shipped = CrisisResource.objects.filter(is_active=True).count()
    assert shipped > 0
    today = datetime.date(2025, 1, 1) + datetime.timedelta(days=queries.reverify_after_days() + 1)
    assert queries.resources_needing_verification(today).count() == shipped


def test_the_resources_page_marks_stale_lines_and_counts_them(
    client: Client, moderator: User
) -> None:
    _only(fresh_days=10, stale_days=400)
    html = login(client, moderator).get("/moderation/resources/").content.decode()
    assert "1 line shown to members needs re-verification" in html
    rows = {row.split("</td>")[1]: row for row in html.split("<tr")[2:]}
    stale_row = next(r for name, r in rows.items() if "Long Unchecked Line" in name)
    fresh_row = next(r for name, r in rows.items() if "Recently Checked Line" in name)
    assert "needs re-verification" in stale_row
    assert "needs re-verification" not in fresh_row


def test_the_dashboard_shows_how_many_lines_need_reverification(
    client: Client, moderator: User
) -> None:
    _only(fresh_days=10, stale_days=400)
    assert queries.dashboard().resources_to_reverify == 1
    html = login(client, moderator).get("/moderation/dashboard/").content.decode()
    assert "Crisis lines that need re-verification" in html
    assert 'href="/moderation/resources/">1</a>' in html


def test_the_admin_list_flags_stale_lines_and_filters_them(
    client: Client, make_user: Callable[..., User]
) -> None:
    _only(fresh_days=10, stale_days=400)
    superuser = make_user(roles=(Role.ADMIN,), is_superuser=True, is_staff=True)
    login(client, superuser)
    url = "/admin/safety/crisisresource/"
    html = client.get(url).content.decode()
    assert "needs re-verification" in html
    assert "1 crisis line shown to members has not been verified" in html
    filtered = client.get(url, {"verification": "stale"}).content.decode()
    assert "Long Unchecked Line" in filtered and "Recently Checked Line" not in filtered
