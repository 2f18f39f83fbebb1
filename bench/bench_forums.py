"""Benchmark: forum pages on a big forum — query counts, server time, search, throughput.

    .venv/bin/python bench/bench_forums.py [--threads 20000] [--posts 200000]
        [--repeat 15] [--load-seconds 8] [--concurrency 4] [--rounds 4] [--no-load] [--reuse]

The issue's target size (100,000 threads / 1,000,000 posts) takes about 7.5 minutes to build
on the development machine: ``--threads 100000 --posts 1000000``, then ``--reuse`` to measure
again without rebuilding.

Builds a forum of ``--threads`` threads and ``--posts`` posts (one "hot" thread of 500 posts
with reactions) in a fresh database: a SQLite file under var/bench/ by default, or the
database named by DATABASE_URL (it must be empty or a previous bench database; the tables are
truncated). Then measures, through Django's test client with a signed-in member:

- the board page (first page, and a page deep in the keyset) and the thread page of the
  500-post thread (first and last page of 50, and all 500 posts on one page): queries per
  page and server time (median and p95);
- forum search (SQLite: LIKE; PostgreSQL: full-text with ranking);
- unless --no-load: throughput of the board page, the thread page and a trivial view served
  by the same uvicorn process, under concurrent keep-alive load from separate processes on
  loopback, and the ratio to the trivial view (the three take turns in ``--rounds`` rounds
  of ``--load-seconds / --rounds`` each, so that load from elsewhere falls on all alike).

Prints the figures and writes bench/results/forums.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_DB = ROOT / "var" / "bench" / "forums.sqlite3"
# Varied titles, so that PostgreSQL's statistics on the title search index look like a forum's.
TOPICS = [
    "Mornings", "Sleep", "Work", "Exams", "Medication", "Therapy", "Family", "Friends",
    "Grief", "Appetite", "Weekends", "Walking", "Music", "Motivation", "Loneliness", "Winter",
    "Anxiety", "Cooking", "Routines", "Hope", "Birthdays", "Money", "Pets", "Reading",
    "Gardening", "Commuting", "Holidays", "Energy", "Parenting", "Rest", "Journaling",
]  # fmt: skip


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerhaven.settings")
    import django

    django.setup()


def build(threads: int, posts: int, seed: int) -> dict[str, Any]:
    """Write the forum straight to the tables (bulk inserts), with consistent counts."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from peerhaven.accounts.models import User
    from peerhaven.forums.models import Board, Post, Reaction, Thread
    from peerhaven.forums.rendering import render_markdown

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        for table in ("forums_reaction", "forums_post", "forums_threadreadstate",
                      "forums_threadfollow", "forums_thread", "forums_board"):  # fmt: skip
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    User.objects.filter(email__endswith="@bench.invalid").delete()
    rng = random.Random(seed)
    now = timezone.now()
    people = [
        User(
            email=f"bench{i}@bench.invalid",
            display_name=f"Bench Person {i:03d}",
            display_name_key=f"bench person {i:03d}",
            guidelines_version=settings.GUIDELINES_VERSION,
            guidelines_accepted_at=now,
            onboarded_at=now,
        )
        for i in range(60)
    ]
    for p in people:
        p.set_unusable_password()
    User.objects.bulk_create(people)
    people = list(User.objects.filter(email__endswith="@bench.invalid").order_by("pk"))
    board = Board.objects.create(slug="bench", name="Living with depression (bench)")
    Board.objects.create(slug="small-wins-bench", name="Small wins (bench)")

    # Posts per thread: the hot thread has 500, every other thread 1 + a random share.
    counts = [1] * threads
    counts[0] = 500
    extra = max(posts - sum(counts), 0)
    for index in rng.choices(range(1, threads), k=extra) if threads > 1 else []:
        counts[index] += 1
    started = time.perf_counter()
    batch: list[Thread] = []
    for i in range(threads):
        when = now - timedelta(minutes=threads - i)
        batch.append(
            Thread(
                board=board,
                author=people[i % len(people)],
                title=f"{TOPICS[i % len(TOPICS)]} and {TOPICS[(i // len(TOPICS)) % len(TOPICS)]}"
                f" (bench thread {i})",
                created_at=when,
                last_activity_at=when if i else now,
                reply_count=counts[i] - 1,
                last_position=counts[i],
                answered_at=when if counts[i] > 1 else None,
            )
        )
        if len(batch) == 10_000:
            Thread.objects.bulk_create(batch)
            batch = []
    Thread.objects.bulk_create(batch)
    thread_ids = list(
        Thread.objects.filter(board=board).order_by("pk").values_list("pk", flat=True)
    )
    bodies = [
        "Thank you for writing this. Mornings are hard for me too; *one small step* at a time.",
        "I hear you. Sending strength for the appointment tomorrow.",
        "Sleep has been rough. I tried the wind-down routine from the other thread and it helped.",
        "Small win: I went outside for ten minutes. The air was cold and it helped.",
    ]
    rendered = [render_markdown(b) for b in bodies]
    post_batch: list[Post] = []
    written = 0
    for tid, n in zip(thread_ids, counts, strict=True):
        for position in range(1, n + 1):
            k = (tid + position) % len(bodies)
            post_batch.append(
                Post(
                    thread_id=tid,
                    author=people[(tid + position) % len(people)],
                    position=position,
                    body=bodies[k],
                    body_html=rendered[k],
                    created_at=now,
                )
            )
        if len(post_batch) >= 20_000:
            Post.objects.bulk_create(post_batch)
            written += len(post_batch)
            post_batch = []
    Post.objects.bulk_create(post_batch)
    written += len(post_batch)
    hot = Thread.objects.get(pk=thread_ids[0])
    hot.title = "The hot thread: what got you through this week?"
    hot.save(update_fields=["title"])
    reactions = []
    for post in Post.objects.filter(thread=hot).only("pk"):
        for person in rng.sample(people[1:], 3):
            reactions.append(Reaction(post=post, user=person, kind="me_too"))
    Reaction.objects.bulk_create(reactions)
    Board.objects.filter(pk=board.pk).update(
        thread_count=threads, post_count=written, last_activity_at=now
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "build_seconds": round(time.perf_counter() - started, 1),
        "threads": threads,
        "posts": written,
        "hot_thread": hot.pk,
        "reader": people[1].pk,
        "board": board.slug,
    }


def existing() -> dict[str, Any]:
    """The description of a forum built by an earlier run (for --reuse)."""
    from peerhaven.accounts.models import User
    from peerhaven.forums.models import Board, Thread

    board = Board.objects.get(slug="bench")
    hot = Thread.objects.filter(board=board).order_by("pk").first()
    reader = User.objects.filter(email__endswith="@bench.invalid").order_by("pk")[1]
    assert hot is not None
    return {
        "build_seconds": None,
        "threads": board.thread_count,
        "posts": board.post_count,
        "hot_thread": hot.pk,
        "reader": reader.pk,
        "board": board.slug,
    }


def timed(client: Any, url: str, repeat: int) -> dict[str, Any]:
    from django.db import connection

    client.get(url)  # warm caches, create read state
    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "url": url,
        "queries": len(executed),
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 2),
        "bytes": len(response.content),
    }


def measure_pages(info: dict[str, Any], repeat: int) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    from peerhaven.accounts.models import User
    from peerhaven.forums import queries
    from peerhaven.forums.models import Thread

    reader = User.objects.get(pk=info["reader"])
    client = Client()
    client.force_login(reader, backend="django.contrib.auth.backends.ModelBackend")
    hot = info["hot_thread"]
    threads = Thread.objects.filter(board__slug=info["board"]).order_by("-last_activity_at", "-id")
    deep = threads[min(info["threads"] - 1, info["threads"] // 2)]
    results = {
        "board_first_page": timed(client, f"/forums/b/{info['board']}/", repeat),
        "board_deep_page": timed(
            client, f"/forums/b/{info['board']}/?after={queries.encode_cursor(deep)}", repeat
        ),
        "thread_500_first_page_of_50": timed(client, f"/forums/t/{hot}/", repeat),
        "thread_500_last_page_of_50": timed(client, f"/forums/t/{hot}/?page=last", repeat),
        "api_posts_200": timed(client, f"/api/forums/threads/{hot}/posts?limit=200", repeat),
    }
    with override_settings(FORUMS_POSTS_PER_PAGE=500):
        results["thread_500_all_on_one_page"] = timed(client, f"/forums/t/{hot}/", repeat)
    search_times = []
    hits = 0
    for word in ("appointment", "wind-down routine", "mornings", "cold air outside"):
        start = time.perf_counter()
        hits = len(queries.search(reader, word))
        search_times.append((time.perf_counter() - start) * 1000)
    results["search"] = {
        "backend": "postgresql full-text" if settings.USING_POSTGRES else "sqlite LIKE",
        "median_ms": round(statistics.median(search_times), 1),
        "max_ms": round(max(search_times), 1),
        "hits_last_query": hits,
    }
    if settings.USING_POSTGRES:
        from django.contrib.postgres.search import SearchQuery, SearchVector

        from peerhaven.forums.models import Post

        q = SearchQuery("appointment", config="english", search_type="websearch")
        plan = (
            Post.objects.annotate(vector=SearchVector("body", config="english"))
            .filter(vector=q)
            .explain()
        )
        results["search"]["uses_gin_index"] = "forums_post_body_fts" in plan
    return results


# --- throughput -------------------------------------------------------------------------------

SERVER_SETTINGS = """
from peerhaven.settings import *  # noqa
ROOT_URLCONF = "forums_bench_urls"
DEBUG = False
LOGGING = {
    "version": 1,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
"""
SERVER_URLS = """
from django.http import HttpResponse
from django.urls import path, include

def trivial(request):
    return HttpResponse("ok")

urlpatterns = [path("bench/trivial/", trivial), path("", include("peerhaven.urls"))]
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _worker(args: tuple[int, str, str, float]) -> int:
    port, path, cookie, seconds = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    done = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}")
        done += 1
    conn.close()
    return done


def measure_throughput(
    info: dict[str, Any], database_url: str, seconds: float, concurrency: int, rounds: int = 4
) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client

    from peerhaven.accounts.models import User

    client = Client()
    client.force_login(
        User.objects.get(pk=info["reader"]), backend="django.contrib.auth.backends.ModelBackend"
    )
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    tmp = Path(tempfile.mkdtemp(prefix="forums-bench-"))
    (tmp / "forums_bench_settings.py").write_text(textwrap.dedent(SERVER_SETTINGS))
    (tmp / "forums_bench_urls.py").write_text(textwrap.dedent(SERVER_URLS))
    port = _free_port()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="forums_bench_settings",
        PYTHONPATH=os.pathsep.join([str(tmp), str(ROOT / "src")]),
        # Under ASGI each worker thread would keep its own persistent connection; a shared
        # PostgreSQL runs out of slots. Same setting for every page measured.
        DB_CONN_MAX_AGE=os.environ.get("DB_CONN_MAX_AGE", "0"),
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "peerhaven.asgi:application",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        paths = {
            "trivial_view": "/bench/trivial/",
            "board_page": f"/forums/b/{info['board']}/",
            "thread_page_50_posts": f"/forums/t/{info['hot_thread']}/",
        }
        results: dict[str, Any] = {
            "concurrency": concurrency,
            "seconds": seconds,
            "rounds": rounds,
        }
        ctx = multiprocessing.get_context("spawn")
        done: dict[str, list[int]] = {name: [] for name in paths}
        with ctx.Pool(concurrency) as pool:
            for path in paths.values():
                _worker((port, path, cookie, 0.5))  # warm up
            # The pages take turns in short rounds, so that a change in the machine's load
            # (it is shared) falls on all of them alike instead of on whichever ran then.
            for _round in range(rounds):
                for name, path in paths.items():
                    counts = pool.map(
                        _worker, [(port, path, cookie, seconds / rounds)] * concurrency
                    )
                    done[name].append(sum(counts))
        for name in paths:
            results[name] = {
                "requests_per_second": round(sum(done[name]) / seconds, 1),
                "per_round": [round(n * rounds / seconds, 1) for n in done[name]],
            }
        trivial = results["trivial_view"]["requests_per_second"]
        for name in ("board_page", "thread_page_50_posts"):
            results[name]["ratio_to_trivial"] = round(
                results[name]["requests_per_second"] / trivial, 3
            )
            results[name]["ratio_per_round"] = [
                round(page / base, 3)
                for page, base in zip(
                    results[name]["per_round"], results["trivial_view"]["per_round"], strict=True
                )
            ]
        return results
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # `make bench` default: a fifth of the target, about a minute and a half to build.
    parser.add_argument("--threads", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--load-seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=4, help="load rounds the pages take turns in")
    parser.add_argument("--no-load", action="store_true", help="skip the throughput part")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the forum built by the previous run"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "forums.json")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        DEFAULT_DB.parent.mkdir(parents=True, exist_ok=True)
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{DEFAULT_DB}{suffix}").unlink(missing_ok=True)
        database_url = f"sqlite:///{DEFAULT_DB}"
    setup_django(database_url)
    from django.db import connection

    if args.reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        info = existing()
        print(f"Reusing {info['threads']} threads / {info['posts']} posts on {connection.vendor}")
    else:
        print(f"Building {args.threads} threads / {args.posts} posts on {connection.vendor} …")
        info = build(args.threads, args.posts, args.seed)
        print(f"  built in {info['build_seconds']} s ({info['posts']} posts)")
    pages = measure_pages(info, args.repeat)
    print(f"{'page':36} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    for name, row in pages.items():
        if name == "search":
            continue
        print(f"{name:36} {row['queries']:>7} {row['median_ms']:>10} {row['p95_ms']:>8}")
    s = pages["search"]
    print(f"search ({s['backend']}): median {s['median_ms']} ms, max {s['max_ms']} ms")
    load = None
    if not args.no_load:
        connection.close()
        load = measure_throughput(
            info, database_url, args.load_seconds, args.concurrency, max(args.rounds, 1)
        )
        for name in ("trivial_view", "board_page", "thread_page_50_posts"):
            row = load[name]
            ratio = (
                f"  ({row['ratio_to_trivial']:.0%} of trivial)" if "ratio_to_trivial" in row else ""
            )
            print(f"throughput {name:22} {row['requests_per_second']:>8} req/s{ratio}")
            if "ratio_per_round" in row:
                print(f"{'':33} per round: {', '.join(f'{r:.0%}' for r in row['ratio_per_round'])}")
    result = {
        "benchmark": "forums",
        "command": " ".join(["python", "bench/bench_forums.py", *sys.argv[1:]]),
        "database": connection.vendor,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "data": info,
        "pages": pages,
        "throughput": load,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
