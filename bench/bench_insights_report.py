"""The full evaluation report (the code path the job queue runs) on 50,000 members × 6 waves.

    .venv/bin/python bench/bench_insights_report.py [--members 50000] [--waves 6]

Data come from the seeded simulator (a real programme effect, sites, a comparison arm and
missing waves) instead of the database, so this measures ``insights.report.build_report``:
every analysis, figure and suppression step, end to end. Reading the same number of rows from
the database is measured apart (``bench/bench_outcomes.py`` reads 1,000,000 responses).
Prints time per stage and the process's peak memory; writes bench/results/insights_report.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--waves", type=int, default=6)
    args = parser.parse_args()
    os.environ.setdefault("PEERHAVEN_VAR_DIR", tempfile.mkdtemp(prefix="peerhaven-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "peerhaven.settings"
    import django

    django.setup()
    from peerhaven.insights.data import ProgrammeData
    from peerhaven.insights.models import Programme
    from peerhaven.insights.report import build_report
    from peerhaven.insights.stats.simulate import SimulationConfig, simulate_programme

    started = time.perf_counter()
    sim = simulate_programme(SimulationConfig(n_members=args.members, n_waves=args.waves, seed=1))
    long = sim.long.copy()
    long["arm"] = long["arm"].map(lambda a: "programme" if a in (1, "programme") else "comparison")
    long["site"] = long["site"].astype(str)
    long["member_id"] = long["member_id"].astype(str)
    simulate_seconds = time.perf_counter() - started
    programme = Programme(
        name="bench",
        instruments=["phq9", "mspss"],
        wave_days=[28 * w for w in range(args.waves)],
        has_comparison_arm=True,
    )
    data = ProgrammeData(
        long=long, enrolled=args.members, consenting=args.members, engagement_columns=[]
    )
    stages: list[tuple[str, float]] = []
    current = ["setup", time.perf_counter()]

    def progress(percent: int, stage: str) -> None:
        # Each call starts a stage: the time since the previous call belongs to that one.
        now = time.perf_counter()
        stages.append((str(current[0]), now - float(current[1])))
        current[0], current[1] = stage, now

    started = time.perf_counter()
    report = build_report(programme, data, progress)
    total = time.perf_counter() - started
    stages.append((str(current[0]), time.perf_counter() - float(current[1])))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "members": args.members,
        "waves": args.waves,
        "rows": len(long),
        "simulate_s": round(simulate_seconds, 1),
        "report_s": round(total, 1),
        "stages_s": [(name, round(sec, 2)) for name, sec in stages],
        "peak_rss_mib": round(peak_mib),
        "growth_converged": report.get("growth", {}).get("converged"),
        "notes": report["notes"],
    }
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "results" / "insights_report.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
