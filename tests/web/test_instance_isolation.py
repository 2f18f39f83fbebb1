"""Several instances from one checkout: own job queue, own links, a site name, a favicon."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import environ
import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command, get_commands
from django.test import Client
from django.urls import reverse
from personas import PASSWORD

from peerhaven.accounts.management.commands.serve import served_site_url
from peerhaven.settings import job_queue_file


def _db(url: str) -> dict[str, Any]:
    return environ.Env.db_url_config(url)


# --- The job queue follows the database ------------------------------------------------------


def test_the_default_database_keeps_the_job_queue_at_var_jobs(tmp_path: Path) -> None:
    database = _db(f"sqlite:///{(tmp_path / 'peerhaven.sqlite3').as_posix()}")
    assert job_queue_file(database, tmp_path) == tmp_path / "jobs.sqlite3"


def test_the_settings_put_the_queue_of_the_default_database_at_var_jobs() -> None:
    # The settings as loaded (the test runner renames the database only afterwards).
    if {"DATABASE_URL", "REDIS_URL", "HUEY_FILENAME"} & set(os.environ):
        pytest.skip("the environment chooses another database or queue")
    assert django_settings.HUEY["filename"] == str(django_settings.VAR_DIR / "jobs.sqlite3")


def test_two_sqlite_databases_get_two_job_queues_beside_them(tmp_path: Path) -> None:
    var = tmp_path / "var"
    a = job_queue_file(_db(f"sqlite:///{tmp_path.as_posix()}/a.sqlite3"), var)
    b = job_queue_file(_db(f"sqlite:///{tmp_path.as_posix()}/b.sqlite3"), var)
    assert a != b
    assert a == tmp_path / "a.jobs.sqlite3"
    assert b == tmp_path / "b.jobs.sqlite3"


def test_a_sqlite_database_in_another_directory_is_not_the_default(tmp_path: Path) -> None:
    other = tmp_path / "other" / "peerhaven.sqlite3"
    queue = job_queue_file(_db(f"sqlite:///{other.as_posix()}"), tmp_path / "var")
    assert queue == tmp_path / "other" / "peerhaven.jobs.sqlite3"


def test_two_postgres_databases_get_two_job_queues_under_var(tmp_path: Path) -> None:
    a = job_queue_file(_db("postgres://postgres@127.0.0.1:5432/helper_a"), tmp_path)
    b = job_queue_file(_db("postgres://postgres@127.0.0.1:5432/helper_b"), tmp_path)
    elsewhere = job_queue_file(_db("postgres://postgres@db.internal:5432/helper_a"), tmp_path)
    assert len({a, b, elsewhere}) == 3
    assert {a.parent, b.parent, elsewhere.parent} == {tmp_path}
    assert a.name.startswith("jobs-helper_a-")
    assert a != tmp_path / "jobs.sqlite3"


def test_the_same_database_always_gets_the_same_job_queue(tmp_path: Path) -> None:
    url = "postgres://postgres:secret@127.0.0.1:5432/peerhaven"
    assert job_queue_file(_db(url), tmp_path) == job_queue_file(_db(url), tmp_path)


def test_huey_filename_overrides_the_job_queue_file(tmp_path: Path) -> None:
    database = _db(f"sqlite:///{tmp_path.as_posix()}/a.sqlite3")
    override = tmp_path / "queue.sqlite3"
    assert job_queue_file(database, tmp_path, str(override)) == override


# --- E-mails greet with the site's name --------------------------------------------------------


def _sign_up(client: Client) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "display_name": "Quiet Harbour",
            "email": "harbour@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_sign_up_email_names_the_site_and_its_domain(client: Client) -> None:
    _sign_up(client)
    message = mail.outbox[-1]
    assert "Hello from Peerhaven!" in message.body
    assert "register an account on testserver." in message.body
    assert "Hello from !" not in message.body
    assert message.subject.startswith("[Peerhaven] ")


@pytest.mark.django_db
def test_the_site_name_comes_from_the_setting(client: Client, settings: Any) -> None:
    settings.SITE_NAME = "Harbour Peers"
    _sign_up(client)
    assert "Hello from Harbour Peers!" in mail.outbox[-1].body


@pytest.mark.django_db
def test_a_password_reset_email_names_the_site(client: Client, make_user: Any) -> None:
    person = make_user(email="reset@example.org")
    response = client.post(reverse("account_reset_password"), {"email": person.email})
    assert response.status_code == 302
    assert "Hello from Peerhaven!" in mail.outbox[-1].body


# --- `peerhaven serve` links to where it serves ----------------------------------------------


@pytest.fixture
def no_site_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # setenv first so that undo restores the original state, whatever the command writes.
    monkeypatch.setenv("SITE_URL", "placeholder")
    monkeypatch.delenv("SITE_URL")
    yield


def _serve(*args: str) -> dict[str, str]:
    """Run `peerhaven serve` with uvicorn stubbed; what the server would have seen."""
    seen: dict[str, str] = {}

    def fake_run(*_: Any, **__: Any) -> None:
        seen["settings"] = django_settings.SITE_URL
        seen["environ"] = os.environ.get("SITE_URL", "")

    with mock.patch("uvicorn.run", fake_run):
        call_command("serve", *args, "--no-jobs")
    return seen


def test_peerhaven_serve_is_the_command_that_sets_site_url() -> None:
    assert get_commands()["serve"] == "peerhaven.accounts"


def test_serve_on_another_port_links_to_that_port(no_site_url: None, settings: Any) -> None:
    seen = _serve("--port", "8201")
    # This process (the ASGI worker) and the environment (the job worker) agree.
    assert seen == {"settings": "http://127.0.0.1:8201", "environ": "http://127.0.0.1:8201"}


def test_serve_on_the_default_address_keeps_the_default_site_url(
    no_site_url: None, settings: Any
) -> None:
    assert _serve()["settings"] == "http://127.0.0.1:8000"


def test_an_explicit_site_url_wins_over_the_served_port(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    monkeypatch.setenv("SITE_URL", "https://peers.example.org")
    settings.SITE_URL = "https://peers.example.org"
    seen = _serve("--port", "8202")
    assert seen == {"settings": "https://peers.example.org", "environ": "https://peers.example.org"}


def test_production_does_not_guess_site_url(no_site_url: None, settings: Any) -> None:
    settings.PRODUCTION = True
    seen = _serve("--port", "8203")
    assert seen == {"settings": "http://127.0.0.1:8000", "environ": ""}


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 8201, "http://127.0.0.1:8201"),
        ("localhost", 8202, "http://localhost:8202"),
        ("0.0.0.0", 8000, "http://127.0.0.1:8000"),  # noqa: S104
        ("::1", 9000, "http://[::1]:9000"),
        ("::", 9000, "http://127.0.0.1:9000"),
    ],
)
def test_served_site_url(host: str, port: int, url: str) -> None:
    assert served_site_url(host, port) == url


# --- A favicon, no 404 on every page -----------------------------------------------------------


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_favicon_ico_answers_with_an_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert _body(response).startswith(b"\x00\x00\x01\x00")  # the ICO signature


@pytest.mark.django_db
def test_every_page_links_an_icon_that_is_served(client: Client) -> None:
    html = client.get("/").content.decode()
    links = re.findall(r'<link rel="icon" href="([^"]+)"', html)
    assert any(link.endswith(".svg") for link in links), html[:600]
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response["Content-Type"].startswith("image/"), link
