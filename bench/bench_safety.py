"""The safety gate's cost on a write, and screening throughput, for 50/500/5,000-character text.

    python bench/bench_safety.py

One process (one core), a throwaway SQLite database under a temporary directory. For each size:
screening throughput (texts per second), and the latency of a write (one UPDATE in a
transaction) without and with the gate (``screen_user_text`` before, ``report_outcome`` after,
which creates an alert for risk text), p50/p99. Writes bench/results/safety.json.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

TMP = tempfile.mkdtemp(prefix="peerhaven-bench-safety-")
os.environ["PEERHAVEN_VAR_DIR"] = TMP
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerhaven.settings")
os.environ["PEERHAVEN_TESTING"] = "1"  # jobs inline, e-mail in memory
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

from bench_screening import make_text  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from peerhaven.accounts.models import User  # noqa: E402
from peerhaven.safety.gate import report_outcome, screen_user_text  # noqa: E402
from peerhaven.safety.screening import screen_text  # noqa: E402

SIZES = (50, 500, 5000)
COUNTS = {50: 2000, 500: 600, 5000: 80}


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn: object, items: list[str]) -> list[float]:
    out = []
    for text in items:
        start = time.perf_counter()
        fn(text)  # type: ignore[operator]
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> int:
    call_command("migrate", verbosity=0)
    author = User.objects.create_user("bench@example.org", "x" * 12, display_name="Bench Person")
    rng = random.Random(20261126)
    results = []
    for size in SIZES:
        texts = [make_text(rng, size) for _ in range(COUNTS[size])]

        start = time.perf_counter()
        for text in texts:
            screen_text(text)
        throughput = len(texts) / (time.perf_counter() - start)

        def plain_write(text: str) -> None:
            with transaction.atomic():
                User.objects.filter(pk=author.pk).update(bio=text)

        def gated_write(text: str) -> None:
            outcome = screen_user_text(text=text, kind="bench", author=author)
            with transaction.atomic():
                User.objects.filter(pk=author.pk).update(bio=text)
                report_outcome(outcome=outcome, author=author, kind="bench", obj=author, url="")

        plain = timed(plain_write, texts)
        gated = timed(gated_write, texts)
        row = {
            "chars": size,
            "texts": len(texts),
            "screen_per_second": round(throughput, 1),
            "write_p50_ms": round(pct(plain, 50), 3),
            "write_p99_ms": round(pct(plain, 99), 3),
            "gated_write_p50_ms": round(pct(gated, 50), 3),
            "gated_write_p99_ms": round(pct(gated, 99), 3),
            "added_p50_ms": round(pct(gated, 50) - pct(plain, 50), 3),
            "added_p99_ms": round(pct(gated, 99) - pct(plain, 99), 3),
            "mean_gated_ms": round(statistics.mean(gated), 3),
        }
        results.append(row)
        print(
            f"{size:>5} chars: {row['screen_per_second']:>8.1f} texts/s | write p50/p99 "
            f"{row['write_p50_ms']:.2f}/{row['write_p99_ms']:.2f} ms | with gate "
            f"{row['gated_write_p50_ms']:.2f}/{row['gated_write_p99_ms']:.2f} ms | added "
            f"{row['added_p50_ms']:.2f}/{row['added_p99_ms']:.2f} ms"
        )
    out = ROOT / "bench" / "results" / "safety.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "benchmark": "safety",
                "command": "python bench/bench_safety.py",
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "machine": platform.machine(),
                "database": "sqlite (temporary file)",
                "results": results,
            },
            indent=2,
        )
    )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
