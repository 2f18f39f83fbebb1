"""Outcomes benchmark: bulk scoring of stored responses, and the progress page with 5 years.

1. Stores ``--rows`` complete PHQ-9 responses (default 1,000,000) and scores them all with
   the vectorised engine, reading answers from the database in keyset chunks
   (``peerhaven.outcomes.bulk.iter_scored_chunks``). Reports read+parse time, scoring time
   and rows per second, and checks a sample against the scalar engine.
2. The progress page for a member with 5 years of weekly PHQ-9 check-ins (260) and 5 years of
   daily check-ins (1,826): query count and median server time.

Runs against a fresh SQLite database in a temporary directory (or DATABASE_URL if set).
Prints a table and writes bench/results/outcomes.json.

    .venv/bin/python bench/bench_outcomes.py [--rows 1000000] [--chunk 50000] [--repeat 50]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--var-dir", help="reuse this directory's database (rows already stored are kept)"
    )
    args = parser.parse_args()

    tmp = args.var_dir or tempfile.mkdtemp(prefix="peerhaven-bench-")
    os.environ["PEERHAVEN_VAR_DIR"] = tmp
    os.environ["PEERHAVEN_TESTING"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "peerhaven.settings"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    import numpy as np
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from peerhaven.accounts.models import User
    from peerhaven.outcomes.bulk import iter_scored_chunks
    from peerhaven.outcomes.instruments import get_definition, score
    from peerhaven.outcomes.models import Response

    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    now = timezone.now()
    defn = get_definition("phq9")
    rng = random.Random(7)

    def person(email: str, name: str) -> User:
        found = User.objects.filter(email=email).first()
        return found or User.objects.create_user(
            email,
            "x-bench-password-1",
            display_name=name,
            guidelines_version=settings.GUIDELINES_VERSION,
            guidelines_accepted_at=now,
            onboarded_at=now,
        )

    people = [person(f"bench{i}@example.org", f"Bench {i}") for i in range(200)]

    # --- 1. store, then bulk score ----------------------------------------------------------
    start = time.perf_counter()
    batch = 20_000
    stored = Response.objects.filter(member__in=people).count()
    already = stored
    while stored < args.rows:
        size = min(batch, args.rows - stored)
        rows = []
        for i in range(size):
            answers = {item_id: rng.randint(0, 3) for item_id in defn.item_ids}
            if (stored + i) % 1000 == 0:
                del answers["phq9_4"]  # some incomplete responses: no total
            rows.append(
                Response(
                    member=people[(stored + i) % len(people)],
                    instrument_id="phq9",
                    instrument_version=defn.version,
                    status=Response.Status.COMPLETE,
                    answers=answers,
                    started_at=now,
                    completed_at=now,
                )
            )
        with transaction.atomic():
            Response.objects.bulk_create(rows, batch_size=2000)
        stored += size
    insert_s = time.perf_counter() - start
    print(f"stored {stored - already:,} responses in {insert_s:.1f} s ({vendor})", flush=True)

    start = time.perf_counter()
    scored = 0
    scoring_s = 0.0
    with_total = 0
    flagged = 0
    sample: dict[int, float] = {}
    original = iter_scored_chunks.__globals__["score_matrix"]

    def timed_score_matrix(*a: object, **k: object) -> dict[str, np.ndarray]:
        nonlocal scoring_s
        t0 = time.perf_counter()
        out = original(*a, **k)
        scoring_s += time.perf_counter() - t0
        return out

    iter_scored_chunks.__globals__["score_matrix"] = timed_score_matrix
    try:
        for chunk in iter_scored_chunks(instrument_id="phq9", chunk_size=args.chunk):
            if scored >= args.rows:
                break
            scored += len(chunk.ids)
            totals = chunk.scores["total"]
            with_total += int(np.count_nonzero(~np.isnan(totals)))
            flagged += int(np.count_nonzero(chunk.scores["flag:item9_positive"]))
            for j in range(0, len(chunk.ids), max(1, len(chunk.ids) // 5)):
                sample[int(chunk.ids[j])] = float(totals[j])
    finally:
        iter_scored_chunks.__globals__["score_matrix"] = original
    total_s = time.perf_counter() - start
    # The vectorised totals must equal the scalar engine's for a sample of rows.
    for response in Response.objects.filter(pk__in=list(sample)[:200]):
        expected = score(defn, response.answers).total
        got = sample[response.pk]
        assert (expected is None and np.isnan(got)) or expected == got, (response.pk, got)

    # Scalar engine on 20,000 rows, for comparison.
    answers_sample = list(
        Response.objects.order_by("pk").values_list("answers", flat=True)[:20_000]
    )
    t0 = time.perf_counter()
    for answers in answers_sample:
        score(defn, answers)
    scalar_rate = len(answers_sample) / (time.perf_counter() - t0)

    bulk = {
        "rows": scored,
        "with_total": with_total,
        "item9_flagged": flagged,
        "chunk_size": args.chunk,
        "insert_seconds": round(insert_s, 1) if stored > already else None,
        "read_and_score_seconds": round(total_s, 2),
        "score_matrix_seconds": round(scoring_s, 3),
        "rows_per_second_end_to_end": round(scored / total_s),
        "rows_per_second_score_matrix_only": round(scored / scoring_s) if scoring_s else None,
        "scalar_engine_rows_per_second": round(scalar_rate),
    }

    print(f"\nBulk scoring, {vendor}: {scored:,} stored PHQ-9 responses, chunks of {args.chunk:,}")
    for key, value in bulk.items():
        print(f"  {key:36} {value}")
    write(args, vendor, bulk, {})

    # --- 2. progress page with 5 years of check-ins -------------------------------------------
    pages = {}
    for label, step_days in (("weekly, 5 years (260)", 7), ("daily, 5 years (1826)", 1)):
        member = person(f"progress{step_days}@example.org", f"Progress {step_days}")
        Response.objects.filter(member=member).delete()
        count = 5 * 365 // step_days + (1 if step_days == 1 else 0)
        rows = []
        for n in range(count):
            at = now - dt.timedelta(days=step_days * (count - n))
            total = max(0, min(27, 18 - n * 12 // count + rng.randint(-2, 2)))
            answers = {f"phq9_{i}": 0 for i in range(1, 11)}
            remaining = total
            for i in range(1, 9):
                answers[f"phq9_{i}"] = min(3, remaining)
                remaining -= answers[f"phq9_{i}"]
            rows.append(
                Response(
                    member=member,
                    instrument_id="phq9",
                    instrument_version=defn.version,
                    status=Response.Status.COMPLETE,
                    answers=answers,
                    started_at=at,
                    completed_at=at,
                    total=total,
                    band=defn.band_for(total).id,  # type: ignore[union-attr]
                )
            )
        Response.objects.bulk_create(rows)
        client = Client()
        client.force_login(member)
        url = "/outcomes/progress/phq9/"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        query_count = len(queries.captured_queries)
        assert response.status_code == 200
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        pages[label] = {
            "check_ins": count,
            "queries": query_count,
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(sorted(times)[int(len(times) * 0.95) - 1], 1),
            "html_kb": round(len(response.content) / 1024, 1),
        }

    print()
    print(f"{'progress page':28} {'queries':>8} {'median ms':>10} {'p95 ms':>8} {'HTML KB':>8}")
    for label, row in pages.items():
        print(
            f"{label:28} {row['queries']:>8} {row['median_ms']:>10} {row['p95_ms']:>8} "
            f"{row['html_kb']:>8}"
        )

    write(args, vendor, bulk, pages)


def write(args: argparse.Namespace, vendor: str, bulk: dict, pages: dict) -> None:
    out = ROOT / "bench" / "results" / "outcomes.json"
    out.parent.mkdir(exist_ok=True)
    argv = [a for a in sys.argv[1:] if not a.startswith("--var-dir") and a != args.var_dir]
    out.write_text(
        json.dumps(
            {
                "command": "bench/bench_outcomes.py " + " ".join(argv),
                "database": vendor,
                "python": platform.python_version(),
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
                "bulk_scoring": bulk,
                "progress_page": pages,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {out.relative_to(ROOT)}", flush=True)


if __name__ == "__main__":
    main()
