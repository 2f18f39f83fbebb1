"""Benchmark: a full programme-evaluation analysis on 50,000 members x 6 waves.

    .venv/bin/python bench/bench_insights.py                      # full data everywhere
    .venv/bin/python bench/bench_insights.py --members 5000       # quick
    .venv/bin/python bench/bench_insights.py --no-trace           # skip the memory runs

Stages are timed with time.perf_counter without tracemalloc. Peak memory per stage is
tracemalloc's peak of Python and numpy allocations (numpy reports to tracemalloc) from a second,
traced run of the same stage. The growth-model stages are not traced (tracemalloc slows
statsmodels' per-member loop 20-40x): for them, read maxrss_growth_mib, how much the process peak
RSS rose during the stage (a lower bound on the stage's own peak).
Writes bench/results/insights.json (or --out).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from peerhaven.insights.stats import (  # noqa: E402
    classify_reliable_change,
    compare_arm_changes,
    fit_growth_model,
    mean_change,
    mediation_analysis,
    pool_random_effects,
    prepost_frame,
    prepost_standardised_change,
    suppress,
)
from peerhaven.insights.stats.figures import (  # noqa: E402
    forest_plot,
    retention_curve,
    trajectory_plot,
)
from peerhaven.insights.stats.simulate import SimulationConfig, simulate_programme  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--members", type=int, default=50_000)
    ap.add_argument("--waves", type=int, default=6)
    ap.add_argument("--sites", type=int, default=20)
    ap.add_argument("--n-boot", type=int, default=2000)
    ap.add_argument(
        "--growth-max-members",
        type=int,
        default=None,
        help="fit the growth model on a seeded sample of this many members (default: all)",
    )
    ap.add_argument("--also-subsample", type=int, default=5000, help="extra growth fit (0: none)")
    ap.add_argument("--no-trace", action="store_true", help="do not run tracemalloc")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "insights.json")
    args = ap.parse_args()
    trace = not args.no_trace

    stages: list[dict[str, Any]] = []
    state: dict[str, Any] = {}

    def stage(name: str, fn: Callable[[], Any], traced: bool = True) -> Any:
        # Each stage runs once untimed by tracemalloc (the wall time we report) and, for the
        # cheap stages, a second time under tracemalloc for its peak memory. The growth stages
        # are never traced (tracemalloc slows statsmodels' per-member loop 20-40x): for them,
        # maxrss_growth_mib is how much the process peak RSS rose during the stage.
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0 = time.perf_counter()
        out = fn()
        wall = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        peak = None
        if trace and traced:
            tracemalloc.start()
            fn()
            _, peak_b = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            peak = round(peak_b / 2**20, 1)
        stages.append(
            {
                "stage": name,
                "seconds": round(wall, 3),
                "peak_traced_mib": peak,
                "maxrss_mib": round(rss, 1),
                "maxrss_growth_mib": round(rss - rss_before, 1),
            }
        )
        print(
            f"{name:50} {wall:8.2f} s  peak {peak if peak is not None else '-':>7} MiB"
            f"  maxrss {rss:7.1f} MiB (+{rss - rss_before:.1f})",
            flush=True,
        )
        return out

    cfg = SimulationConfig(
        n_members=args.members, n_waves=args.waves, n_sites=args.sites, seed=12345
    )
    sim = stage("simulate programme", lambda: simulate_programme(cfg))
    long = sim.long
    print(f"  {len(long):,} observed rows for {args.members:,} members x {args.waves} waves")
    w = stage(
        "reshape to pre-post (prepost_frame)",
        lambda: prepost_frame(long, columns=["phq9", "mspss"], carry=["arm", "site", "dose"]),
    )
    prog, comp = w[w.arm == 1], w[w.arm == 0]
    # The growth fits run before the bootstrap so that the rise in peak RSS during them is theirs
    # (the bootstrap's chunk buffers would otherwise set a higher peak first).
    growth_runs = []
    if args.also_subsample and args.also_subsample < args.members:
        sub = stage(
            f"growth model, sample of {args.also_subsample:,} members",
            lambda: fit_growth_model(long, arm="arm", max_members=args.also_subsample),
            traced=False,
        )
        growth_runs.append(sub)
    label = (
        f"growth model, sample of {args.growth_max_members:,} members"
        if args.growth_max_members
        else f"growth model, all {args.members:,} members"
    )
    gm = stage(
        label,
        lambda: fit_growth_model(long, arm="arm", max_members=args.growth_max_members),
        traced=False,
    )
    growth_runs.append(gm)

    def effects() -> None:
        state["mc"] = mean_change(prog.phq9_pre, prog.phq9_post)
        state["arms"] = compare_arm_changes(
            prog.phq9_pre, prog.phq9_post, comp.phq9_pre, comp.phq9_post
        )
        state["sc"] = prepost_standardised_change(prog.phq9_pre, prog.phq9_post)

    stage("effect sizes (mean change, Welch, g, pre-post g)", effects)
    stage(
        "reliable change (Jacobson-Truax, every member)",
        lambda: classify_reliable_change(
            w.phq9_pre, w.phq9_post, reliability=0.84, sd=5.0, cutoff=10
        ),
    )
    med = stage(
        f"mediation ({args.n_boot} bootstrap resamples)",
        lambda: mediation_analysis(
            w.dose, w.mspss_post - w.mspss_pre, w.phq9_post - w.phq9_pre, n_boot=args.n_boot
        ),
    )

    def pooling() -> Any:
        effects, variances, labels, ns = [], [], [], {}
        for s, site in w.groupby("site"):
            c = compare_arm_changes(
                site[site.arm == 1].phq9_pre,
                site[site.arm == 1].phq9_post,
                site[site.arm == 0].phq9_pre,
                site[site.arm == 0].phq9_post,
            )
            if c.se is not None:
                effects.append(c.difference)
                variances.append(c.se**2)
                labels.append(f"Site {s}")
                ns[f"Site {s}"] = c.n
        state["site_n"] = ns
        return (
            pool_random_effects(effects, variances, labels=labels, method="dl"),
            pool_random_effects(effects, variances, labels=labels, method="pm"),
        )

    dl, _pm = stage("per-site effects + pooling (DL and PM)", pooling)

    def figures() -> None:
        forest_plot(dl, site_n=state["site_n"])
        trajectory_plot(long, group="arm")
        retention_curve(long, group="arm")

    stage("figures (forest, trajectories, retention)", figures)
    stage(
        "small-cell suppression (site x wave table)",
        lambda: suppress(
            long.groupby(["site", "wave"])
            .agg(n=("phq9", "size"), mean=("phq9", "mean"))
            .reset_index()
            .to_dict("records"),
            "n",
            keep=("site", "wave"),
        ),
    )
    total = sum(s["seconds"] for s in stages)
    print(f"{'total':50} {total:8.2f} s")
    truth = sim.truth
    checks = {
        "mean_change_programme": [state["mc"].mean_change, truth.mean_change_programme],
        "arm_difference": [state["arms"].difference, truth.arm_difference],
        "indirect_per_session": [med.indirect, truth.indirect_per_session],
        "indirect_ci": [med.indirect_ci_low, med.indirect_ci_high],
        "pooled_dl": [dl.estimate, truth.arm_difference_population],
        "growth": [
            {
                "n_members": g.n,
                "n_observations": g.n_observations,
                "subsampled": g.subsampled,
                "random_effects": g.random_effects,
                "converged": g.converged,
                "time": [g.fixed("wave").estimate if g.fixed("wave") else None, truth.growth_time],
                "dose": [g.fixed("dose").estimate if g.fixed("dose") else None, truth.growth_dose],
                "note": g.note,
            }
            for g in growth_runs
        ],
    }
    print(json.dumps(checks, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "command": "python bench/bench_insights.py " + " ".join(sys.argv[1:]),
                "members": args.members,
                "waves": args.waves,
                "rows": len(long),
                "tracemalloc": trace,
                "stages": stages,
                "total_seconds": round(total, 2),
                "estimates_vs_truth": checks,
                "python": platform.python_version(),
                "machine": platform.machine(),
                "cpus_note": "2 cores shared with other work while measured",
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
