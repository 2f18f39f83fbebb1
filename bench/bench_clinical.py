"""Clinical benchmark: the clinician dashboard and the FHIR export at realistic sizes.

    .venv/bin/python bench/bench_clinical.py [--clients 200] [--repeat 20]

A fresh SQLite database in a temporary directory; one verified clinician with N consenting
clients, each with 24 PHQ-9 and 24 GAD-7 responses (two years, monthly). Prints SQL query
counts and server time (Django test client, in process) and writes bench/results/clinical.json.
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
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("PEERHAVEN_VAR_DIR", tempfile.mkdtemp(prefix="peerhaven-bench-"))
    os.environ["PEERHAVEN_TESTING"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "peerhaven.settings"
    import django

    django.setup()
    from allauth.mfa.totp.internal.auth import TOTP
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from peerhaven.accounts.models import Consent, Role, User
    from peerhaven.accounts.services import grant_role, verify_clinician
    from peerhaven.outcomes.instruments import get_definition, score
    from peerhaven.outcomes.models import Response

    call_command("migrate", verbosity=0)
    from django.conf import settings

    doctor = User.objects.create_user(
        "doc@example.org",
        "x",
        display_name="Bench Doctor",
        guidelines_version=settings.GUIDELINES_VERSION,
        onboarded_at=timezone.now(),
    )
    grant_role(user=doctor, role=Role.CLINICIAN, actor=None)
    verify_clinician(clinician=doctor, actor=None)
    TOTP.activate(doctor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    now = timezone.now()
    phq9, gad7 = get_definition("phq9"), get_definition("gad7")
    rows = []
    for n in range(args.clients):
        person = User.objects.create_user(f"c{n}@example.org", None, display_name=f"Client {n:05d}")
        Consent.objects.create(
            user=person,
            grantee=doctor,
            purpose="clinical_sharing",
            scope=["gad7", "phq9", "risk_flags"],
            expires_at=now + timedelta(days=180),
        )
        for month in range(24):
            when = now - timedelta(days=30 * month)
            for defn, prefix, count in ((phq9, "phq9", 9), (gad7, "gad7", 7)):
                answers = {f"{prefix}_{i}": (n + month + i) % 4 for i in range(1, count + 1)}
                if prefix == "phq9":
                    answers["phq9_9"] = 0
                result = score(defn, answers)
                rows.append(
                    Response(
                        member=person,
                        instrument_id=prefix,
                        instrument_version=defn.version,
                        status="complete",
                        answers=answers,
                        started_at=when,
                        updated_at=when,
                        completed_at=when,
                        total=result.total,
                        band=result.band.id if result.band else "",
                        flags=list(result.flags),
                    )
                )
    Response.objects.bulk_create(rows, batch_size=2000)
    client = Client()
    client.force_login(doctor)
    first = User.objects.get(email="c0@example.org")
    pages = [
        (f"dashboard ({args.clients} clients)", "/clinical/"),
        ("client page (48 responses)", f"/clinical/clients/{first.pk}/"),
        ("FHIR export (48 responses)", f"/clinical/clients/{first.pk}/fhir.json"),
    ]
    results = []
    for name, url in pages:
        client.get(url)
        connection = connections["default"]
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries = len(captured.captured_queries)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        results.append(
            {
                "page": name,
                "queries": queries,
                "p50_ms": round(statistics.median(times), 1),
                "max_ms": round(times[-1], 1),
                "bytes": len(response.content),
            }
        )
    print(f"{'page':32} {'queries':>7} {'p50 ms':>8} {'max ms':>8} {'bytes':>9}")
    for r in results:
        print(f"{r['page']:32} {r['queries']:>7} {r['p50_ms']:>8} {r['max_ms']:>8} {r['bytes']:>9}")
    out = ROOT / "bench" / "results" / "clinical.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "clients": args.clients,
                "repeat": args.repeat,
                "machine": f"{platform.machine()} {os.cpu_count()} cores",
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
