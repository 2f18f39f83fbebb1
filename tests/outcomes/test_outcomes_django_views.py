"""Check-in pages: one question per screen without JavaScript, progress, screener, admin."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from personas import login

from peerhaven.outcomes import services
from peerhaven.outcomes.models import InstrumentSetting, Response

pytestmark = pytest.mark.django_db


def start(client: Client, instrument_id: str = "phq9") -> int:
    page = client.post(f"/outcomes/checkin/{instrument_id}/")
    assert page.status_code == 302
    match = re.search(r"/outcomes/response/(\d+)/", page["Location"])
    assert match, page["Location"]
    return int(match.group(1))


def test_the_check_ins_page_explains_who_can_see_the_answers(member_client: Client) -> None:
    page = member_client.get("/outcomes/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Who can see your answers?" in text
    assert "Only you." in text
    assert "PHQ-9" in text


def test_signed_out_visitors_are_sent_to_sign_in(client: Client) -> None:
    for url in ("/outcomes/", "/outcomes/checkin/phq9/", "/outcomes/progress/phq9/"):
        page = client.get(url)
        assert page.status_code == 302
        assert "/accounts/login/" in page["Location"]


def test_the_start_page_says_why_and_how_many_questions(member_client: Client) -> None:
    page = member_client.get("/outcomes/checkin/phq9/")
    text = page.content.decode()
    assert "10 questions, one per screen." in text
    assert "Only you." in text


def test_one_question_per_screen_with_progress_and_an_accessible_radio_group(
    member_client: Client,
) -> None:
    response_id = start(member_client)
    page = member_client.get(f"/outcomes/response/{response_id}/")
    text = page.content.decode()
    assert "Question 1 of 10" in text
    assert "<fieldset><legend>Little interest or pleasure in doing things</legend>" in text
    assert text.count('type="radio"') == 4
    assert "Over the last 2 weeks" in text

    saved = member_client.post(
        f"/outcomes/response/{response_id}/", {"item": "phq9_1", "answer": "2"}
    )
    assert saved.status_code == 302
    page = member_client.get(saved["Location"])
    assert "Question 2 of 10" in page.content.decode()


def test_a_whole_check_in_by_posting_each_answer_ends_on_the_progress_page(
    member_client: Client, member: Any, phq9_answers: Any
) -> None:
    response_id = start(member_client)
    url = f"/outcomes/response/{response_id}/"
    last = None
    for item_id, value in phq9_answers(7).items():
        last = member_client.post(url, {"item": item_id, "answer": str(value)})
        assert last.status_code == 302
    assert last is not None
    assert last["Location"] == url
    finished = member_client.get(url)
    assert finished.status_code == 302
    assert finished["Location"] == "/outcomes/progress/phq9/"
    stored = Response.objects.get(pk=response_id)
    assert stored.status == Response.Status.COMPLETE
    assert stored.total == 7
    progress = member_client.get("/outcomes/progress/phq9/").content.decode()
    assert "Mild:" in progress
    assert "<svg" in progress


def test_a_check_in_left_halfway_resumes_at_the_next_question(member_client: Client) -> None:
    response_id = start(member_client)
    url = f"/outcomes/response/{response_id}/"
    for i in range(1, 4):
        member_client.post(url, {"item": f"phq9_{i}", "answer": "1"})

    assert start(member_client) == response_id
    page = member_client.get(url).content.decode()
    assert "Question 4 of 10" in page
    assert 'href="?item=phq9_3"' in page


def test_going_back_shows_the_earlier_answer_chosen(member_client: Client) -> None:
    response_id = start(member_client)
    url = f"/outcomes/response/{response_id}/"
    member_client.post(url, {"item": "phq9_1", "answer": "3"})
    page = member_client.get(url + "?item=phq9_1").content.decode()
    assert re.search(r'value="3"[^>]*checked', page)


@pytest.mark.parametrize("value", ["7", "-1", "two", ""])
def test_an_out_of_range_answer_shows_an_error_and_keeps_earlier_answers(
    member_client: Client, value: str
) -> None:
    response_id = start(member_client)
    url = f"/outcomes/response/{response_id}/"
    member_client.post(url, {"item": "phq9_1", "answer": "2"})

    page = member_client.post(url, {"item": "phq9_2", "answer": value})

    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()
    assert Response.objects.get(pk=response_id).answers == {"phq9_1": 2}


def test_an_outsider_cannot_see_or_answer_someone_elses_check_in(
    member_client: Client, client: Client, outsider: Any
) -> None:
    response_id = start(member_client)
    other = login(Client(), outsider)
    assert other.get(f"/outcomes/response/{response_id}/").status_code == 404
    assert (
        other.post(
            f"/outcomes/response/{response_id}/", {"item": "phq9_1", "answer": "1"}
        ).status_code
        == 404
    )
    assert other.get(f"/outcomes/response/{response_id}/safety/").status_code == 404
    assert Response.objects.get(pk=response_id).answers == {}


def test_an_outsider_sees_only_their_own_empty_progress(
    member: Any, outsider: Any, complete_phq9: Any
) -> None:
    complete_phq9(member, 14)
    page = login(Client(), outsider).get("/outcomes/progress/phq9/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "You have no finished check-ins" in text
    assert "<svg" not in text


def test_a_disabled_instrument_gives_a_clear_error(
    member_client: Client, enable_instruments: Any
) -> None:
    response_id = start(member_client)
    enable_instruments("phq9", enabled=False)
    page = member_client.get("/outcomes/checkin/phq9/")
    assert page.status_code == 409
    assert "switched off" in page.content.decode()
    answered = member_client.post(
        f"/outcomes/response/{response_id}/", {"item": "phq9_1", "answer": "1"}
    )
    assert answered.status_code == 409
    assert member_client.get("/outcomes/checkin/nope/").status_code == 404


def test_item_9_leads_to_crisis_support_and_the_screener(
    member_client: Client, member: Any, report_outcome: Any
) -> None:
    response_id = start(member_client)
    url = f"/outcomes/response/{response_id}/"
    for i in range(1, 9):
        member_client.post(url, {"item": f"phq9_{i}", "answer": "0"})
    moved = member_client.post(url, {"item": "phq9_9", "answer": "1"})
    assert moved["Location"] == f"/outcomes/response/{response_id}/safety/"
    assert report_outcome.call_args.kwargs["outcome"].level == "ideation"

    page = member_client.get(moved["Location"]).content.decode()
    assert 'href="/help/"' in page
    assert "Question 1 of 6" in page
    assert "wished you were dead" in page

    safety = f"/outcomes/response/{response_id}/safety/"
    for question, value in (("q1", "yes"), ("q2", "yes"), ("q3", "no"), ("q4", "yes")):
        assert (
            member_client.post(safety, {"question": question, "answer": value}).status_code == 302
        )
    assert report_outcome.call_args.kwargs["outcome"].level == "imminent"
    member_client.post(safety, {"question": "q5", "answer": "no"})
    member_client.post(safety, {"question": "q6", "answer": "no"})
    member.country = "GB"
    member.save(update_fields=["country"])
    done = member_client.get(safety).content.decode()
    assert "important to talk to someone today" in done
    assert "Continue the check-in" in done
    # The lines themselves on the last screen (tappable), not only a link to them.
    assert 'class="crisis-lines"' in done and 'href="tel:' in done


def test_the_screener_can_be_declined_and_the_check_in_continues(
    member_client: Client, report_outcome: Any
) -> None:
    response_id = start(member_client)
    url = f"/outcomes/response/{response_id}/"
    for i in range(1, 10):
        member_client.post(url, {"item": f"phq9_{i}", "answer": "1"})
    declined = member_client.post(f"{url}safety/", {"action": "decline"})
    assert declined["Location"] == url
    assert "Question 10 of 10" in member_client.get(url).content.decode()


def test_the_progress_page_shows_a_chart_a_table_and_careful_change_wording(
    member: Any, member_client: Client, complete_phq9: Any
) -> None:
    now = timezone.now()
    complete_phq9(member, 16, at=now - dt.timedelta(days=60))
    complete_phq9(member, 12, at=now - dt.timedelta(days=30))
    complete_phq9(member, 8, at=now)

    page = member_client.get("/outcomes/progress/phq9/").content.decode()

    assert 'role="img"' in page
    assert "<table>" in page
    assert "Your PHQ-9 score went from 16 to 8, down 8 points." in page
    assert "looks like a real improvement" in page
    assert "not a diagnosis" in page
    assert "style=" not in page
    assert page.count('class="marker"') == 3


def test_the_home_page_has_a_check_ins_card_with_what_is_due(
    member: Any, member_client: Client
) -> None:
    services.schedule_checkins(
        user=member, instrument_ids=["phq9"], cadence_days=14, source="group"
    )
    page = member_client.get("/").content.decode()
    assert "Check-ins: 1 check-in is due" in page
    assert 'href="/outcomes/"' in page


def test_skipping_from_the_page_moves_the_schedule(member: Any, member_client: Client) -> None:
    services.schedule_checkins(
        user=member, instrument_ids=["phq9"], cadence_days=14, source="group"
    )
    member_client.post("/outcomes/checkin/phq9/skip/")
    assert "Check-ins: see how you are doing" in member_client.get("/").content.decode()


def test_an_outsider_cannot_skip_someone_elses_schedule(member: Any, outsider: Any) -> None:
    services.schedule_checkins(
        user=member, instrument_ids=["phq9"], cadence_days=14, source="group"
    )
    page = login(Client(), outsider).post("/outcomes/checkin/phq9/skip/")
    assert page.status_code == 404


def test_admins_switch_instruments_on_and_off(admin_client: Client) -> None:
    page = admin_client.get("/outcomes/manage/")
    assert page.status_code == 200
    assert "ucla3" in page.content.decode()
    admin_client.post("/outcomes/manage/", {"instrument": "ucla3", "enabled": "1"})
    assert InstrumentSetting.objects.get(instrument_id="ucla3").enabled is True


def test_members_and_admins_without_two_factor_cannot_switch_instruments(
    member_client: Client, make_user: Any
) -> None:
    assert member_client.get("/outcomes/manage/").status_code == 404
    assert (
        member_client.post("/outcomes/manage/", {"instrument": "ucla3", "enabled": "1"}).status_code
        == 404
    )
    assert not InstrumentSetting.objects.exists()


def test_the_progress_page_query_count_is_constant_with_five_years_of_check_ins(
    member: Any,
    member_client: Client,
    django_assert_max_num_queries: Any,
    phq9_answers: Any,
) -> None:
    now = timezone.now()
    rows = []
    for week in range(5 * 52):
        total = 5 + (week * 7) % 20
        at = now - dt.timedelta(weeks=5 * 52 - week)
        rows.append(
            Response(
                member=member,
                instrument_id="phq9",
                instrument_version="1.0.0",
                status=Response.Status.COMPLETE,
                answers=phq9_answers(total),
                started_at=at,
                completed_at=at,
                total=total,
            )
        )
    Response.objects.bulk_create(rows)
    with django_assert_max_num_queries(12):
        page = member_client.get("/outcomes/progress/phq9/")
    assert page.status_code == 200
    assert "Show 210 older scores" in page.content.decode()


def test_chart_ticks_are_round_numbers_within_the_instrument_range() -> None:
    from peerhaven.outcomes.charts import nice_ticks

    assert nice_ticks(0, 27) == [0, 5, 10, 15, 20, 25]
    assert nice_ticks(3, 9) == [3, 4, 5, 6, 7, 8, 9]
    assert nice_ticks(1, 5) == [1, 2, 3, 4, 5]


def test_a_single_check_in_draws_one_point_and_long_histories_drop_the_markers(
    defns: Any,
) -> None:
    from peerhaven.outcomes.charts import MAX_MARKERS, build_chart

    now = timezone.now()
    one = build_chart(defns["phq9"], [(now, 12.0)])
    assert one is not None
    assert len(one.markers) == 1
    assert one.cutoff_y is not None
    many = build_chart(
        defns["phq9"], [(now + dt.timedelta(days=i), 5.0) for i in range(MAX_MARKERS + 1)]
    )
    assert many is not None
    assert many.markers == ()
    assert many.line.count(",") == MAX_MARKERS + 1
    assert build_chart(defns["phq9"], []) is None
