"""Foundation benchmark: server time and query counts of the pages every member sees.

Runs against a fresh SQLite database in a temporary directory (or DATABASE_URL if set), with
the demo community loaded plus 500 notifications for the measured member. Prints a table and
writes bench/results/foundation.json.

    .venv/bin/python bench/bench_foundation.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="peerhaven-bench-")
    os.environ.setdefault("PEERHAVEN_VAR_DIR", tmp)
    os.environ["PEERHAVEN_TESTING"] = "1"  # inline jobs, fast hashing, locmem e-mail
    os.environ["DJANGO_SETTINGS_MODULE"] = "peerhaven.settings"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from peerhaven.accounts.models import User
    from peerhaven.accounts.services import create_token
    from peerhaven.notifications.services import notify

    call_command("migrate", verbosity=0)
    call_command("demo", "--no-progress", stdout=open(os.devnull, "w"))  # noqa: SIM115
    member = User.objects.get(email="member@demo.peerhaven.local")
    for i in range(500):
        notify(recipient=member, kind="system", title=f"Notification {i}")
    token = create_token(user=member, name="bench").secret

    client = Client()
    client.force_login(member)
    anonymous = Client()
    pages = [
        ("landing (anonymous)", anonymous, "/", {}),
        ("help (anonymous)", anonymous, "/help/", {}),
        ("home", client, "/", {}),
        ("notifications inbox", client, "/notifications/", {}),
        ("profile settings", client, "/settings/profile/", {}),
        ("GET /api/me (token)", Client(), "/api/me", {"HTTP_AUTHORIZATION": f"Bearer {token}"}),
        ("GET /api/notifications", client, "/api/notifications", {}),
        ("/healthz", anonymous, "/healthz", {}),
    ]
    rows = []
    for name, c, url, headers in pages:
        c.get(url, **headers)  # warm up
        connection = connections["default"]
        with CaptureQueriesContext(connection) as queries:
            response = c.get(url, **headers)
        # captured_queries slices the live log, which the next request resets: read it now.
        query_count = len(queries.captured_queries)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            c.get(url, **headers)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        rows.append(
            {
                "page": name,
                "url": url,
                "queries": query_count,
                "p50_ms": round(statistics.median(times), 2),
                "p99_ms": round(times[int(len(times) * 0.99) - 1], 2),
            }
        )
    result = {
        "benchmark": "foundation pages (Django test client, in-process)",
        "database": connections["default"].vendor,
        "repeat": args.repeat,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "rows": rows,
    }
    print(f"{'page':28} {'queries':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for r in rows:
        print(f"{r['page']:28} {r['queries']:>7} {r['p50_ms']:>8} {r['p99_ms']:>8}")
    out = ROOT / "bench" / "results" / "foundation.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
