"""Programme evaluation through the web: programmes, consent, enrolment, reports, exports."""

from __future__ import annotations

import io
from datetime import timedelta

import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from personas import login

from peerhaven.accounts.models import User
from peerhaven.demo import insights as demo_insights
from peerhaven.demo.people import DemoContext
from peerhaven.insights import services
from peerhaven.insights.data import data_version
from peerhaven.insights.models import Enrolment, Programme, ReportRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_programme(make_user, admin: User) -> Programme:  # type: ignore[no-untyped-def]
    ctx = DemoContext()
    ctx.users = {f"member{i}": make_user() for i in range(1, 31)}
    ctx.users["admin"] = admin
    demo_insights.load_insights(ctx)
    return Programme.objects.get(name=demo_insights.NAME)


def _run(admin: User, programme: Programme, capture) -> ReportRun:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        run = services.request_report(actor=admin, programme=programme)
    run.refresh_from_db()
    return run


def test_an_admin_creates_a_programme_and_bad_waves_are_refused(admin_client: Client) -> None:
    url = reverse("insights:programmes")
    response = admin_client.post(
        url, {"name": "Spring cohort", "instruments": ["phq9"], "wave_days": "0, 28, 56"}
    )
    assert response.status_code == 302
    programme = Programme.objects.get(name="Spring cohort")
    assert programme.wave_days == [0, 28, 56]
    for bad in ("28, 56", "0, 56, 28", "zero", "0, 99999"):
        response = admin_client.post(
            url, {"name": "Bad", "instruments": ["phq9"], "wave_days": bad}
        )
        assert response.status_code == 400, bad
    assert not Programme.objects.filter(name="Bad").exists()


@pytest.mark.parametrize("who", ["member", "moderator", "clinician", "anonymous"])
def test_evaluation_pages_are_for_admins_only(
    client: Client, who: str, request: pytest.FixtureRequest, demo_programme: Programme
) -> None:
    if who != "anonymous":
        login(client, request.getfixturevalue(who))
    for url in (
        reverse("insights:programmes"),
        reverse("insights:programme", args=[demo_programme.pk]),
        reverse("insights:export", args=[demo_programme.pk, "csv"]),
    ):
        status = client.get(url).status_code
        assert status in {302, 404}, (who, url)
        if who != "anonymous":
            assert status == 404


def test_enrolment_needs_evaluation_consent(admin: User, make_user) -> None:  # type: ignore[no-untyped-def]
    programme = services.create_programme(
        actor=admin, name="P", instruments=["phq9"], wave_days=[0, 28]
    )
    person = make_user()
    with pytest.raises(ValidationError, match="not consented"):
        services.enrol_member(actor=admin, programme=programme, member=person)
    services.set_evaluation_consent(user=person, consent=True)
    enrolment = services.enrol_member(actor=admin, programme=programme, member=person, site="North")
    assert enrolment.site == "North"
    with pytest.raises(ValidationError):
        services.enrol_member(actor=admin, programme=programme, member=person, arm="comparison")


def test_the_report_runs_in_the_job_queue_and_is_reused_until_data_changes(
    admin: User, demo_programme: Programme, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    run = _run(admin, demo_programme, django_capture_on_commit_callbacks)
    assert run.status == "done" and run.progress == 100
    assert services.request_report(actor=admin, programme=demo_programme).pk == run.pk
    result = run.result
    phq9 = next(o for o in result["outcomes"] if o["instrument"] == "phq9")
    assert phq9["mean_change_all"]["mean_change"] < 0
    assert phq9["standardised_all"]["standardiser"] == "baseline_sd"
    assert "between_arms" in phq9
    assert result["growth"]["fixed_effects"]
    assert any(m.get("result") for m in result["mediation"])
    assert result["pooling"]["dl"]["estimate"] is not None
    assert {"forest", "trajectories", "retention"} <= set(run.figures)
    # New data: a new version, so a new report.
    member = Enrolment.objects.filter(programme=demo_programme).first().member
    before = data_version(demo_programme)
    services.set_evaluation_consent(user=member, consent=False)
    assert data_version(demo_programme) != before
    rerun = _run(admin, demo_programme, django_capture_on_commit_callbacks)
    assert rerun.pk != run.pk
    assert rerun.result["consenting"] == run.result["consenting"] - 1


def test_a_programme_with_no_data_says_so(admin: User, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    programme = services.create_programme(
        actor=admin, name="Empty", instruments=["phq9"], wave_days=[0, 28]
    )
    run = _run(admin, programme, django_capture_on_commit_callbacks)
    assert run.status == "done"
    assert any("No outcome data" in note for note in run.result["notes"])
    assert "outcomes" not in run.result


def test_fewer_than_ten_people_show_nothing(
    admin: User, make_user, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    ctx = DemoContext()
    ctx.users = {f"member{i}": make_user() for i in range(1, 7)}
    demo_insights.load_insights(ctx)
    programme = Programme.objects.get(name=demo_insights.NAME)
    run = _run(admin, programme, django_capture_on_commit_callbacks)
    assert any("Fewer than 10" in note for note in run.result["notes"])
    assert "outcomes" not in run.result
    assert all(row["n"] is None for row in run.result["enrolment"])


def test_one_wave_and_identical_scores_do_not_mislead(
    admin: User, make_user, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from peerhaven.outcomes.instruments import get_definition, score
    from peerhaven.outcomes.models import Response

    programme = services.create_programme(
        actor=admin, name="Flat", instruments=["phq9"], wave_days=[0, 28]
    )
    defn = get_definition("phq9")
    answers = {f"phq9_{i}": 1 for i in range(1, 10)}
    answers["phq9_9"] = 0
    total = score(defn, answers).total
    for _ in range(12):
        person = make_user()
        services.set_evaluation_consent(user=person, consent=True)
        enrolment = services.enrol_member(actor=admin, programme=programme, member=person)
        Response.objects.create(
            member=person,
            instrument_id="phq9",
            instrument_version=defn.version,
            status="complete",
            answers=answers,
            completed_at=enrolment.enrolled_at + timedelta(hours=1),
            total=total,
        )
    run = _run(admin, programme, django_capture_on_commit_callbacks)
    assert any("Only one wave" in note for note in run.result["notes"])
    # Now everyone answers identically at follow-up too.
    for enrolment in Enrolment.objects.filter(programme=programme):
        Response.objects.create(
            member=enrolment.member,
            instrument_id="phq9",
            instrument_version=defn.version,
            status="complete",
            answers=answers,
            total=total,
            completed_at=enrolment.enrolled_at + timedelta(days=28),
        )
    run = _run(admin, programme, django_capture_on_commit_callbacks)
    assert run.status == "done"
    phq9 = run.result["outcomes"][0]
    assert phq9["mean_change_all"]["mean_change"] == 0
    assert phq9["mean_change_all"]["ci_low"] is None  # no zero-width interval
    assert phq9["standardised_all"]["g"] is None


def test_exports_are_deidentified(admin_client: Client, demo_programme: Programme) -> None:
    response = admin_client.get(reverse("insights:export", args=[demo_programme.pk, "csv"]))
    assert response.status_code == 200
    text = response.content.decode()
    frame = pd.read_csv(io.StringIO(text))
    assert {"member_id", "arm", "site", "wave", "days", "phq9", "mspss", "ucla3", "dose"} <= set(
        frame.columns
    )
    for person in User.objects.all():
        assert person.display_name not in text and person.email not in text
    ids = set(frame["member_id"].astype(str))
    assert all(len(i) == 12 for i in ids)
    assert not ids & {str(p.pk) for p in User.objects.all()}
    parquet = admin_client.get(reverse("insights:export", args=[demo_programme.pk, "parquet"]))
    assert len(pd.read_parquet(io.BytesIO(parquet.content))) == len(frame)
    dictionary = admin_client.get(
        reverse("insights:export", args=[demo_programme.pk, "dictionary"])
    )
    assert "member_id" in dictionary.content.decode()
    assert (
        admin_client.get(reverse("insights:export", args=[demo_programme.pk, "xlsx"])).status_code
        == 404
    )


def test_the_report_page_and_download_show_effects_mediation_and_a_forest_plot(
    admin_client: Client, admin: User, demo_programme: Programme, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("insights:run_report", args=[demo_programme.pk]))
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    for text in (
        "Hedges’ g",
        "Indirect effect",
        "Forest plot",
        "DerSimonian–Laird",
        "Paule–Mandel",
        "data:image/png;base64,",
        "Numbers behind the retention curve",
        "Numbers behind the trajectory figure",
        "Numbers behind the forest plot",
    ):
        assert text in page, text
    run = ReportRun.objects.get(programme=demo_programme)
    download = admin_client.get(
        reverse("insights:report_download", args=[demo_programme.pk, run.pk])
    )
    assert download["Content-Disposition"].startswith("attachment")
    assert "Forest plot" in download.content.decode()


def test_a_running_report_shows_progress(
    admin_client: Client, admin: User, demo_programme: Programme
) -> None:
    run = ReportRun.objects.create(
        programme=demo_programme,
        data_version="x",
        progress=45,
        stage="growth model",
        status="running",
    )
    page = admin_client.get(
        reverse("insights:report", args=[demo_programme.pk, run.pk])
    ).content.decode()
    assert "45%" in page and 'http-equiv="refresh"' in page


def test_members_choose_evaluation_consent_themselves(client: Client, member: User) -> None:
    login(client, member)
    url = reverse("insights:evaluation_consent")
    assert client.post(url, {"consent": "on"}).status_code == 302
    assert services.evaluation_consent(member) is not None
    assert client.post(url, {}).status_code == 302
    assert services.evaluation_consent(member) is None


def test_linked_activities_decide_what_counts_as_engagement(admin: User, make_user) -> None:  # type: ignore[no-untyped-def]
    from peerhaven.insights.data import _engagement

    person = make_user()
    since = {person.pk: timezone.now() - timedelta(days=30)}
    everything = _engagement({person.pk}, since, {})
    only_mentoring = _engagement({person.pk}, since, {"mentoring": True})
    assert set(only_mentoring) == {"mentoring_sessions"} & set(everything)
    assert set(_engagement({person.pk}, since, {"groups": [999]})) <= {"meetings_attended"}
