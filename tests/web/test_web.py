from __future__ import annotations

from unittest import mock

import pytest
from django.test import Client

from peerhaven.accounts.models import User

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_channel_layer(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("status", "checks")} == {
        "status": "ok",
        "checks": {"database": "ok", "channel_layer": "ok"},
    }


def test_healthz_says_503_when_the_database_is_down(client: Client) -> None:
    with mock.patch("peerhaven.web.views._check_database", side_effect=RuntimeError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error"


def test_the_landing_page_invites_people_to_join(client: Client) -> None:
    html = client.get("/").content.decode()
    assert "You are not alone." in html
    assert 'href="/accounts/signup/"' in html


def test_every_page_has_a_get_help_link_skip_link_and_landmarks(
    client: Client, member: User
) -> None:
    client.force_login(member)
    for url in ("/", "/help/", "/guidelines/", "/settings/profile/", "/notifications/"):
        html = client.get(url).content.decode()
        assert 'href="/help/"' in html, url
        assert 'href="#main"' in html, url
        assert "<main" in html and "<header" in html and "<nav" in html, url


def test_help_needs_no_account(client: Client) -> None:
    response = client.get("/help/")
    assert response.status_code == 200
    assert "emergency number" in response.content.decode()


def test_the_home_page_tells_a_member_what_is_next(client: Client, member: User) -> None:
    client.force_login(member)
    html = client.get("/").content.decode()
    assert f"Welcome back, {member.display_name}" in html
    assert "Tell the community a little about yourself" in html


def test_unknown_pages_are_a_friendly_404(client: Client) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "couldn’t find that page" in response.content.decode()


def test_the_member_language_is_used(client: Client, make_user, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGES = [("en", "English"), ("es", "Spanish")]
    user = make_user(language="es")
    client.force_login(user)
    assert client.get("/").wsgi_request.LANGUAGE_CODE == "es"
