"""Staff walkthrough: what clinicians and clients read on the clinical pages.

The change summary speaks about the client to the clinician ("Their score ..."), while the
member's own pages keep "Your score ..."; the sharing page names questionnaires and accesses in
words and leaves out the client's own actions; dates read "26 Nov 2026" in the reader's zone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from personas import login

from peerhaven.accounts.models import Consent, User
from peerhaven.clinical import services
from peerhaven.outcomes.instruments import describe_change, get_definition

pytestmark = pytest.mark.django_db

# PHQ-9 answers totalling 18 and 6, item 9 at 0 (no safety flow).
PHQ9_18 = {**{f"phq9_{i}": 2 for i in range(1, 7)}, "phq9_7": 3, "phq9_8": 3, "phq9_9": 0}
PHQ9_6 = {**{f"phq9_{i}": 1 for i in range(1, 7)}, "phq9_7": 0, "phq9_8": 0, "phq9_9": 0}


def _share(clinician: User, client: User, scope: list[str]) -> Consent:
    created = services.create_referral(clinician=clinician, target="group")
    return services.accept_referral(
        code=created.code, client=client, scope=scope, duration_days=180
    )


def _text(html: str) -> str:
    """The page's text, tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def improved(member: User, make_response: Callable[..., Any]) -> User:
    make_response(member, "phq9", PHQ9_18, days_ago=60)
    make_response(member, "phq9", PHQ9_6, days_ago=1)
    return member


# --- 2. The change summary, for the clinician --------------------------------------------------


@pytest.mark.parametrize("printable", [False, True])
def test_the_client_page_describes_the_change_to_the_clinician_not_to_the_client(
    client: Client, clinician: User, improved: User, printable: bool
) -> None:
    _share(clinician, improved, ["phq9"])
    login(client, clinician)
    url = reverse("clinical:client", args=[improved.pk]) + ("?print=1" if printable else "")

    page = _text(client.get(url).content.decode())

    assert "Their PHQ-9 score went from 18 to 6, down 12 points." in page
    assert "Their score is now below 10" in page
    assert "Your PHQ-9 score" not in page and "Your score" not in page


def test_the_api_change_summary_is_for_the_clinician_too(
    client: Client, clinician: User, improved: User
) -> None:
    _share(clinician, improved, ["phq9"])
    login(client, clinician)

    body = client.get(f"/api/clinical/clients/{improved.pk}/results").json()

    summary = body["instruments"][0]["change_summary"]
    assert summary.startswith("Their PHQ-9 score went from 18 to 6")


def test_the_members_own_progress_page_still_says_your(client: Client, improved: User) -> None:
    login(client, improved)

    page = _text(client.get(reverse("outcomes:progress", args=["phq9"])).content.decode())

    assert "Your PHQ-9 score went from 18 to 6" in page
    assert "Their " not in page


def test_describe_change_for_a_clinician_gives_no_advice_meant_for_the_member() -> None:
    defn = get_definition("phq9")
    member = describe_change(defn, 6, 18)
    clinician = describe_change(defn, 6, 18, reader="clinician")

    assert member.summary.startswith("Your PHQ-9 score went from 6 to 18")
    assert "talk it over" in member.summary
    assert clinician.summary.startswith("Their PHQ-9 score went from 6 to 18")
    assert "Their score is now 10 or above" in clinician.summary
    assert "talk it over" not in clinician.summary and "Your" not in clinician.summary
    # Only the wording differs.
    assert (clinician.status, clinician.reliable, clinician.threshold) == (
        member.status,
        member.reliable,
        member.threshold,
    )
    same = describe_change(defn, 9, 9, reader="clinician")
    assert same.summary.startswith("Their PHQ-9 score is the same as last time (9).")
    with pytest.raises(ValueError, match="reader"):
        describe_change(defn, 6, 18, reader="someone")  # type: ignore[arg-type]


# --- 3. The client's sharing page ---------------------------------------------------------------


def test_the_sharing_page_names_questionnaires_and_accesses_in_words(
    client: Client, clinician: User, member: User
) -> None:
    _share(clinician, member, ["phq9", "safety_plan"])
    login(client, clinician)
    client.get(reverse("clinical:client", args=[member.pk]))
    client.get(reverse("clinical:client_fhir", args=[member.pk]))
    login(client, member)

    page = _text(client.get(reverse("clinical:sharing")).content.decode())

    assert "Sharing: Results of Patient Health Questionnaire (PHQ-9), My safety plan" in page
    assert "Sharing: phq9" not in page
    looked = page.split("When clinicians looked", 1)[1]
    assert f"{clinician.display_name} looked at your results" in looked
    assert f"{clinician.display_name} downloaded your results (FHIR)" in looked
    # When, in the site's style ("26 Nov 2026, 14:05").
    assert re.search(
        rf"\d{{1,2}} [A-Z][a-z]{{2}} \d{{4}}, \d{{2}}:\d{{2}} — {clinician.display_name}", looked
    )
    assert "clinical." not in page
    # Accepting the invitation was the member's own doing, not a clinician looking.
    assert member.display_name not in looked


def test_the_sharing_page_without_clinician_reads_says_nobody_looked(
    client: Client, clinician: User, member: User
) -> None:
    _share(clinician, member, ["phq9"])  # the member's own "accept" is in the audit log
    login(client, member)

    page = _text(client.get(reverse("clinical:sharing")).content.decode())

    assert "No clinician has looked at your results." in page


# --- 4. Dates in the site's style and the reader's zone ----------------------------------------


def test_clinical_dates_read_like_the_rest_of_the_site_in_the_readers_zone(
    client: Client, clinician: User, member: User
) -> None:
    consent = _share(clinician, member, ["phq9"])
    # 23:30 UTC on 25 May is already 26 May in Auckland, still 25 May in New York.
    Consent.objects.filter(pk=consent.pk).update(
        expires_at=datetime(2027, 5, 25, 23, 30, tzinfo=UTC)
    )
    User.objects.filter(pk=clinician.pk).update(time_zone="Pacific/Auckland")
    User.objects.filter(pk=member.pk).update(time_zone="America/New_York")

    login(client, clinician)
    dashboard = _text(client.get(reverse("clinical:dashboard")).content.decode())
    detail = _text(client.get(reverse("clinical:client", args=[member.pk])).content.decode())
    login(client, member)
    sharing = _text(client.get(reverse("clinical:sharing")).content.decode())

    assert "Sharing until 26 May 2027" in dashboard
    assert "Until 26 May 2027." in detail
    assert "until 25 May 2027" in sharing
    for page in (dashboard, detail, sharing):
        assert not re.search(r"\b\d{2}/\d{2}/\d{4}\b", page)
