"""Live-room fan-out: 100 participants, messages at a steady rate, latency send → all received.

Modes (each prints p50/p99 of the time from a facilitator sending a chat message until the
last of the other participants has received it; every message is screened and stored first):

  inproc-memory   one process, in-memory channel layer, consumers driven directly (no sockets)
  1proc-memory    one uvicorn process, in-memory layer, 100 real WebSocket clients
  2proc-redis     two uvicorn processes sharing the Redis layer, 50 clients on each
                  (only with REDIS_URL set)
  redis-pubsub    the floor: a bare Redis PUBLISH → SUBSCRIBE round trip (only with REDIS_URL)

Memory per connected participant: Python allocations per consumer in-process (tracemalloc) and
the RSS growth of a uvicorn process per connection.

    .venv/bin/python bench/bench_groups.py [--participants 100] [--messages 40] [--rate 5]
    REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/bench_groups.py

Writes bench/results/groups.json. Uses a throwaway SQLite database under a temp directory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TMP = Path(tempfile.mkdtemp(prefix="bench-groups-"))
REDIS_URL = os.environ.pop("REDIS_URL", "")  # the in-process run uses the in-memory layer
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerhaven.settings")
sys.path.insert(0, str(ROOT / "src"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

# The first messages warm caches up (the screener loads its rules on first use, which takes
# a second or two); they are sent, and fully delivered, before the timed messages start.
WARMUP = 3


async def delivered(received: dict[str, list[float]], bodies: list[str], n: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(len(received.get(b, [])) < n for b in bodies):
        await asyncio.sleep(0.05)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(latencies: list[float]) -> dict[str, Any]:
    ms = [v * 1000 for v in latencies]
    return {
        "n": len(ms),
        "p50_ms": round(pct(ms, 50), 2),
        "p99_ms": round(pct(ms, 99), 2),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else None,
    }


def setup_data(participants: int) -> dict[str, Any]:
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from peerhaven.accounts.models import Role, User
    from peerhaven.accounts.names import skeleton
    from peerhaven.accounts.services import grant_role
    from peerhaven.groups.models import (
        Facilitator,
        FacilitatorTraining,
        Meeting,
        Membership,
        SupportGroup,
    )

    call_command("migrate", verbosity=0)
    now = timezone.now()
    group = SupportGroup.objects.create(
        name="Bench",
        slug="bench",
        topic="Bench",
        agreement_text="Be kind.",
        time_zone="UTC",
        capacity=participants + 10,
    )
    users = []
    for i in range(participants):
        name = f"Bench Person {i:03d}"
        u = User.objects.create_user(
            f"bench{i}@example.org",
            "x-long-bench-password-1",
            display_name=name,
            display_name_key=skeleton(name),
            onboarded_at=now,
            guidelines_version=settings.GUIDELINES_VERSION,
            guidelines_accepted_at=now,
        )
        users.append(u)
    fac = users[0]
    grant_role(user=fac, role=Role.PEER_SUPPORTER, actor=None)
    FacilitatorTraining.objects.create(
        peer_supporter=fac,
        completed_on=now.date() - timedelta(days=1),
        trainer="Bench",
        expires_on=now.date() + timedelta(days=100),
    )
    Facilitator.objects.create(group=group, user=fac)
    for u in users[1:]:
        Membership.objects.create(group=group, user=u, status="active")
    meeting = Meeting.objects.create(group=group, starts_at=now, ends_at=now + timedelta(hours=6))
    cookies = []
    for u in users:
        c = Client()
        c.force_login(u, backend="django.contrib.auth.backends.ModelBackend")
        cookies.append(
            f"{settings.SESSION_COOKIE_NAME}={c.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return {
        "users": [User.objects.get(pk=u.pk) for u in users],
        "meeting": meeting.pk,
        "cookies": cookies,
    }


# --- In-process (consumers driven directly) -----------------------------------------------------


async def run_inproc(data: dict[str, Any], messages: int, rate: float) -> dict[str, Any]:
    import gc

    from asgiref.testing import ApplicationCommunicator
    from channels.routing import URLRouter

    from peerhaven.routing import websocket_urlpatterns

    app = URLRouter(websocket_urlpatterns)
    path = f"/ws/groups/rooms/{data['meeting']}/"
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    comms = []
    for user in data["users"]:
        scope = {
            "type": "websocket",
            "path": path,
            "query_string": b"",
            "headers": [],
            "subprotocols": [],
            "user": user,
        }
        comm = ApplicationCommunicator(app, scope)
        await comm.send_input({"type": "websocket.connect"})
        out = await comm.receive_output(10)
        assert out["type"] == "websocket.accept", out
        comms.append(comm)
    await asyncio.sleep(1)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    per_conn = sum(s.size_diff for s in after.compare_to(before, "filename")) / len(comms)

    received: dict[str, list[float]] = {}
    stop = asyncio.Event()

    async def reader(comm: Any) -> None:
        while not stop.is_set():
            try:
                out = await comm.receive_output(30)
            except Exception:
                return
            if out["type"] != "websocket.send":
                continue
            frame = json.loads(out["text"])
            if frame.get("type") == "message":
                received.setdefault(frame["message"]["body"], []).append(time.perf_counter())

    readers = [asyncio.ensure_future(reader(c)) for c in comms[1:]]
    sender = comms[0]
    sent: dict[str, float] = {}
    for i in range(messages + WARMUP):
        body = f"bench message {i}"
        if i == WARMUP:
            await delivered(received, list(sent), len(comms) - 1)
        sent[body] = time.perf_counter()
        await sender.send_input(
            {"type": "websocket.receive", "text": json.dumps({"type": "message", "body": body})}
        )
        await asyncio.sleep(1 / rate)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(
        len(received.get(b, [])) < len(comms) - 1 for b in sent
    ):
        await asyncio.sleep(0.05)
    stop.set()
    latencies = [
        max(received[b]) - t
        for i, (b, t) in enumerate(sent.items())
        if i >= WARMUP and len(received.get(b, [])) >= len(comms) - 1
    ]
    for c in comms:
        await c.send_input({"type": "websocket.disconnect", "code": 1000})
    for r in readers:
        r.cancel()
    await asyncio.sleep(0.5)
    return {
        **summary(latencies),
        "delivered_to_all": len(latencies),
        "timed": messages,
        "python_bytes_per_participant": round(per_conn),
    }


# --- Real servers over WebSockets -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    redis_url: str, prefix: str, socket_timeout: float | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{TMP}",
        "SECRET_KEY": settings.SECRET_KEY,
        "CHANNEL_PREFIX": prefix,
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
        if socket_timeout:
            # See docs/groups.md: redis-py 8's 5 s default read timeout races channels_redis'
            # 5 s BZPOPMIN; this override is the fix proposed for settings.py.
            (TMP / "bench_settings.py").write_text(
                "from peerhaven.settings import *  # noqa\n"
                "CHANNEL_LAYERS['default']['CONFIG']['hosts'] = "
                f"[{{'address': REDIS_URL, 'socket_timeout': {socket_timeout}}}]  # noqa\n"
            )
            env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "peerhaven.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.2)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def run_servers(
    data: dict[str, Any], ports: list[int], pids: list[int], messages: int, rate: float
) -> dict[str, Any]:
    import websockets

    path = f"/ws/groups/rooms/{data['meeting']}/"
    rss_before = sum(rss_kb(p) for p in pids)
    conns = []
    for i, cookie in enumerate(data["cookies"]):
        port = ports[i % len(ports)]
        ws = await websockets.connect(
            f"ws://127.0.0.1:{port}{path}",
            additional_headers={"Cookie": cookie},
            origin=f"http://127.0.0.1:{port}",
            proxy=None,
            max_queue=None,  # type: ignore[arg-type]
        )
        conns.append(ws)
    await asyncio.sleep(2)
    rss_after = sum(rss_kb(p) for p in pids)
    received: dict[str, list[float]] = {}

    async def reader(ws: Any) -> None:
        try:
            async for raw in ws:
                frame = json.loads(raw)
                if frame.get("type") == "message":
                    received.setdefault(frame["message"]["body"], []).append(time.perf_counter())
        except Exception:
            return

    readers = [asyncio.ensure_future(reader(ws)) for ws in conns[1:]]
    sent: dict[str, float] = {}
    for i in range(messages + WARMUP):
        body = f"bench message {i}"
        if i == WARMUP:
            await delivered(received, list(sent), len(conns) - 1)
        sent[body] = time.perf_counter()
        await conns[0].send(json.dumps({"type": "message", "body": body}))
        await asyncio.sleep(1 / rate)
    closed = sum(1 for ws in conns if ws.close_code is not None)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(
        len(received.get(b, [])) < len(conns) - 1 for b in sent
    ):
        await asyncio.sleep(0.05)
    latencies = [
        max(received[b]) - t
        for i, (b, t) in enumerate(sent.items())
        if i >= WARMUP and len(received.get(b, [])) >= len(conns) - 1
    ]
    for ws in conns:
        await ws.close()
    for r in readers:
        r.cancel()
    return {
        **summary(latencies),
        "delivered_to_all": len(latencies),
        "timed": messages,
        "rss_kb_per_participant": round((rss_after - rss_before) / len(conns), 1),
        "connections_lost": closed,
    }


async def redis_floor(url: str, messages: int) -> dict[str, Any]:
    import redis.asyncio as aioredis

    client = aioredis.from_url(url)
    pubsub = client.pubsub()
    await pubsub.subscribe("bench-groups-floor")
    await pubsub.get_message(timeout=1)
    latencies = []
    for i in range(messages):
        start = time.perf_counter()
        await client.publish("bench-groups-floor", f"m{i}")
        while True:
            msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
            if msg is not None:
                break
        latencies.append(time.perf_counter() - start)
    await pubsub.unsubscribe()
    await client.aclose()
    return summary(latencies)


def clear_messages(meeting_id: int) -> None:
    from peerhaven.groups.models import RoomMessage, RoomVisit

    RoomMessage.objects.filter(meeting_id=meeting_id).delete()
    RoomVisit.objects.filter(meeting_id=meeting_id).delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=100)
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument("--rate", type=float, default=5.0, help="messages per second")
    parser.add_argument(
        "--redis-socket-timeout",
        type=float,
        default=15.0,
        help="socket_timeout for the Redis layer in the server processes (0: as configured)",
    )
    args = parser.parse_args()
    # The sender is the facilitator; keep the per-person flood limit out of the way.
    os.environ["GROUPS_ROOM_RATE_COUNT"] = "10000"
    data = setup_data(args.participants)
    results: dict[str, Any] = {
        "participants": args.participants,
        "messages": args.messages,
        "rate_per_s": args.rate,
    }
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the bench's own bookkeeping queries
    results["inproc-memory"] = asyncio.run(run_inproc(data, args.messages, args.rate))
    clear_messages(data["meeting"])
    print("inproc-memory", results["inproc-memory"], flush=True)

    proc, port = start_server("", "bench1")
    try:
        results["1proc-memory"] = asyncio.run(
            run_servers(data, [port], [proc.pid], args.messages, args.rate)
        )
    finally:
        stop(proc)
    clear_messages(data["meeting"])
    print("1proc-memory", results["1proc-memory"], flush=True)

    if REDIS_URL:
        prefix = f"bench{os.getpid()}"
        p1, port1 = start_server(REDIS_URL, prefix, args.redis_socket_timeout)
        p2, port2 = start_server(REDIS_URL, prefix, args.redis_socket_timeout)
        try:
            try:
                results["2proc-redis"] = asyncio.run(
                    run_servers(data, [port1, port2], [p1.pid, p2.pid], args.messages, args.rate)
                )
            except Exception as exc:  # a lost connection must not lose the other figures
                results["2proc-redis"] = {"error": repr(exc)[:300]}
            results["2proc-redis"]["redis_socket_timeout"] = args.redis_socket_timeout or None
        finally:
            for p in (p1, p2):
                stop(p)
        print("2proc-redis", results["2proc-redis"], flush=True)
        results["redis-pubsub"] = asyncio.run(redis_floor(REDIS_URL, args.messages * 5))
        print("redis-pubsub floor", results["redis-pubsub"], flush=True)
    else:
        print("REDIS_URL not set: skipping 2proc-redis and the Redis pub/sub floor")

    out = ROOT / "bench" / "results" / "groups.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")
    shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
