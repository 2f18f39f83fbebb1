"""The room's periodic re-check also asks whether the session is still the person's."""

from __future__ import annotations

from typing import Any

import pytest

from peerhaven.accounts.models import User
from peerhaven.groups.models import Meeting

pytestmark = pytest.mark.django_db


def test_the_rooms_recheck_reads_the_session_with_a_small_fixed_cost(
    meeting: Meeting, member: User, django_assert_num_queries: Any
) -> None:
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client

    from peerhaven.groups.consumers import standing_now

    client = Client()
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    scope = {"user": member, "session": SessionStore(session_key=client.session.session_key)}
    # Standing (1) + ban (1) + the session row, the account and its roles (3).
    with django_assert_num_queries(5):
        fresh, standing = standing_now(scope, member, meeting.pk)
    assert standing.ok and fresh is not None and fresh.pk == member.pk
    client.logout()
    fresh, standing = standing_now(scope, member, meeting.pk)
    assert fresh is None
    assert (standing.ok, standing.code, standing.close_code) == (False, "signed_out", 4401)
