"""Mentoring through Django: what suggestions and cohort runs cost when inputs come from the DB.

    .venv/bin/python bench/bench_mentoring.py            # 5,000 mentors, cohort 2,000 x 5,000
    .venv/bin/python bench/bench_mentoring.py --quick    # 500 mentors, cohort 200 x 500

Runs on a fresh SQLite database in a temporary directory (or DATABASE_URL if set). Seeds the
mentors from the same synthetic generator as bench/bench_matching.py (users, roles, profiles,
tags, training, current mentorships), then measures:

(a) loading all mentor profiles from the database into matching inputs (queries, time);
(b) building the MentorIndex from them;
(c) ``services.suggest_for`` for one mentee, end to end: cold (no index cache: load + index +
    score + fetch the three profiles) and warm (per-process index cache hit);
(d) a cohort run through ``services.run_cohort`` (load intakes and mentors, optimal + greedy,
    store the run) and ``services.confirm_cohort`` (create the mentorships).
bench/bench_matching.py covers the pure algorithm at the full 20,000 x 2,000 size.
Prints the figures and writes bench/results/mentoring.json.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import datetime as dt
import json
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    n_mentors, n_cohort = (500, 200) if args.quick else (5000, 2000)

    tmp = tempfile.mkdtemp(prefix="peerhaven-bench-mentoring-")
    os.environ.setdefault("PEERHAVEN_VAR_DIR", tmp)
    os.environ["PEERHAVEN_TESTING"] = "1"  # inline jobs, fast hashing, locmem e-mail
    os.environ["DJANGO_SETTINGS_MODULE"] = "peerhaven.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from peerhaven.accounts.models import Role, RoleAssignment, User
    from peerhaven.accounts.names import skeleton
    from peerhaven.mentoring import services
    from peerhaven.mentoring.matching import MentorIndex
    from peerhaven.mentoring.matching.synthetic import (
        TAGS,
        synthetic_intakes,
        synthetic_mentors,
    )
    from peerhaven.mentoring.models import (
        ExperienceTag,
        MenteeIntake,
        MentorProfile,
        Mentorship,
        TrainingRecord,
    )

    call_command("migrate", verbosity=0)
    connection = connections["default"]
    now = timezone.now()
    today = timezone.localdate()

    # --- Seed ------------------------------------------------------------------------------------
    t0 = time.perf_counter()
    tag_rows = {
        name: ExperienceTag.objects.get_or_create(slug=name, defaults={"label": name})[0]
        for name in TAGS
    }
    mentors = synthetic_mentors(n_mentors, seed=1)
    intakes = synthetic_intakes(n_cohort + 1, seed=2)
    pool_size = sum(m.current_load for m in mentors)

    def people(prefix: str, n: int) -> list[User]:
        rows = [
            User(
                email=f"{prefix}{i}@bench.local",
                display_name=f"{prefix} {i}",
                display_name_key=skeleton(f"{prefix} {i}"),
                password="!",  # noqa: S106 - unusable password marker
                time_zone="UTC",
                guidelines_version=settings.GUIDELINES_VERSION,
                onboarded_at=now,
            )
            for i in range(n)
        ]
        return User.objects.bulk_create(rows, batch_size=1000)

    with transaction.atomic():
        mentor_users = people("Mentor", n_mentors)
        mentee_users = people("Mentee", len(intakes))
        pool = people("Busy", pool_size)
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=u, role=Role.PEER_SUPPORTER) for u in mentor_users],
            batch_size=1000,
        )
        profiles = MentorProfile.objects.bulk_create(
            [
                MentorProfile(
                    user=u,
                    languages=sorted(m.languages),
                    time_zone=m.time_zone,
                    availability=[list(w) for w in m.availability],
                    capacity=m.capacity,
                    gender=m.gender or "",
                    age_band=m.age_band or "",
                    paused=m.paused,
                )
                for u, m in zip(mentor_users, mentors, strict=True)
            ],
            batch_size=1000,
        )
        through = MentorProfile.tags.through
        through.objects.bulk_create(
            [
                through(mentorprofile_id=p.pk, experiencetag_id=tag_rows[t].pk)
                for p, m in zip(profiles, mentors, strict=True)
                for t in m.experience_tags
            ],
            batch_size=2000,
        )
        TrainingRecord.objects.bulk_create(
            [
                TrainingRecord(
                    mentor=u,
                    course="Foundations",
                    completed_on=today - dt.timedelta(days=100),
                    trainer="Team",
                    expires_on=today + dt.timedelta(days=200 if m.training_current else -5),
                )
                for u, m in zip(mentor_users, mentors, strict=True)
            ],
            batch_size=1000,
        )
        busy = iter(pool)
        Mentorship.objects.bulk_create(
            [
                Mentorship(mentor=u, mentee=next(busy))
                for u, m in zip(mentor_users, mentors, strict=True)
                for _ in range(m.current_load)
            ],
            batch_size=1000,
        )
        intake_rows = MenteeIntake.objects.bulk_create(
            [
                MenteeIntake(
                    member=u,
                    languages=sorted(i.languages),
                    preferred_languages=sorted(i.preferences.preferred_languages),
                    preferred_gender=i.preferences.preferred_gender or "",
                    preferred_age_band=i.preferences.preferred_age_band or "",
                    time_zone=i.time_zone,
                    availability=[list(w) for w in i.availability],
                )
                for u, i in zip(mentee_users, intakes, strict=True)
            ],
            batch_size=1000,
        )
        tthrough = MenteeIntake.tags.through
        pthrough = MenteeIntake.priority_tags.through
        tthrough.objects.bulk_create(
            [
                tthrough(menteeintake_id=r.pk, experiencetag_id=tag_rows[t].pk)
                for r, i in zip(intake_rows, intakes, strict=True)
                for t in i.tags_wanted
            ],
            batch_size=2000,
        )
        pthrough.objects.bulk_create(
            [
                pthrough(menteeintake_id=r.pk, experiencetag_id=tag_rows[t].pk)
                for r, i in zip(intake_rows, intakes, strict=True)
                for t in i.preferences.shared_experiences
            ],
            batch_size=2000,
        )
    seed_s = time.perf_counter() - t0
    print(f"seeded {n_mentors:,} mentors, {len(intakes):,} intakes in {seed_s:.1f} s")

    # --- (a) load, (b) index ---------------------------------------------------------------------
    load_times, index_times = [], []
    with CaptureQueriesContext(connection) as q:
        inputs = services.build_mentor_profiles()
    load_queries = len(q.captured_queries)
    for _ in range(max(3, args.repeat // 4)):
        t = time.perf_counter()
        inputs = services.build_mentor_profiles()
        load_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        MentorIndex(inputs)
        index_times.append(time.perf_counter() - t)

    # --- (c) suggestions end to end ---------------------------------------------------------------
    member = mentee_users[-1]
    cold, warm = [], []
    for _ in range(max(3, args.repeat // 4)):
        services._index_cache.clear()
        t = time.perf_counter()
        found = services.suggest_for(member=member, use_cache=False)
        cold.append(time.perf_counter() - t)
    services.suggest_for(member=member)  # fill the cache
    with CaptureQueriesContext(connection) as q:
        services.suggest_for(member=member)
    warm_queries = len(q.captured_queries)
    for _ in range(args.repeat):
        t = time.perf_counter()
        found = services.suggest_for(member=member)
        warm.append(time.perf_counter() - t)
    assert len(found) == 3, found

    # --- (d) cohort through the services ----------------------------------------------------------
    admin = User.objects.create_user(
        "admin@bench.local",
        None,
        display_name="Bench Admin",
        display_name_key=skeleton("Bench Admin"),
    )
    RoleAssignment.objects.create(user=admin, role=Role.ADMIN)
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(admin, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    admin = User.objects.get(pk=admin.pk)
    t = time.perf_counter()
    cohort_inputs = services._cohort_intakes([u.pk for u in mentee_users[:n_cohort]])
    cohort_load_s = time.perf_counter() - t
    t = time.perf_counter()
    run = services.run_cohort(actor=admin, mentee_ids=[u.pk for u in mentee_users[:n_cohort]])
    run_s = time.perf_counter() - t
    t = time.perf_counter()
    created = services.confirm_cohort(run=run, actor=admin)
    confirm_s = time.perf_counter() - t

    def ms(values: list[float]) -> float:
        return round(statistics.median(values) * 1000, 1)

    result = {
        "benchmark": "mentoring through Django (services, ORM, matching engine)",
        "database": connection.vendor,
        "machine": (
            f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
        ),
        "mentors": n_mentors,
        "load_profiles": {"queries": load_queries, "p50_ms": ms(load_times)},
        "build_index": {"p50_ms": ms(index_times)},
        "suggest_cold": {"p50_ms": ms(cold), "max_ms": round(max(cold) * 1000, 1)},
        "suggest_warm_cache": {
            "queries": warm_queries,
            "p50_ms": ms(warm),
            "p99_ms": round(sorted(warm)[int(len(warm) * 0.99) - 1] * 1000, 1),
        },
        "cohort": {
            "mentees": len(cohort_inputs),
            "mentors": n_mentors,
            "load_intakes_s": round(cohort_load_s, 2),
            "run_s": round(run_s, 2),
            "confirm_s": round(confirm_s, 2),
            "matched_optimal": run.optimal_matched,
            "matched_greedy": run.greedy_matched,
            "total_optimal": round(run.optimal_total, 3),
            "total_greedy": round(run.greedy_total, 3),
            "certified_optimal": run.certified_optimal,
            "mentorships_created": len(created),
        },
        "peak_rss_mib": round(rss_mib(), 1),
    }
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    name = "mentoring-quick.json" if args.quick else "mentoring.json"
    (out / name).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
