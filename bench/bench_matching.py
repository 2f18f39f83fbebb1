"""Benchmark mentor-mentee matching on seeded synthetic data.

    .venv/bin/python bench/bench_matching.py            # full sizes (a few minutes)
    .venv/bin/python bench/bench_matching.py --quick    # small sizes, for a smoke run

(a) suggestions for one mentee among 5,000 mentors: index build time, latency p50/p99;
(b) cohort of 20,000 mentees to 2,000 mentors (capacity 1-10): optimal vs greedy, time, memory;
(c) optimality of the cohort solver checked against networkx min-cost flow on smaller cohorts.
Prints the figures and writes bench/results/matching.json.
"""

from __future__ import annotations

import os

# BLAS threads fight over a shared 2-core machine and slow the small products down; one
# thread per process is also how the web and job workers run.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import networkx as nx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from peerhaven.mentoring.matching import (  # noqa: E402
    MatchWeights,
    MenteeIntake,
    MentorIndex,
    MentorProfile,
    assign_cohort,
    assign_greedy,
    is_eligible,
    score_match,
    suggest_mentors,
)
from peerhaven.mentoring.matching.synthetic import (  # noqa: E402
    synthetic_intakes,
    synthetic_mentors,
)


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def bench_suggest(n_mentors: int, n_mentees: int) -> dict[str, object]:
    mentors = synthetic_mentors(n_mentors, seed=1)
    intakes = synthetic_intakes(n_mentees, seed=2, mentor_ids=[m.id for m in mentors])
    t0 = time.perf_counter()
    index = MentorIndex(mentors)
    build = time.perf_counter() - t0
    suggest_mentors(intakes[0], index, k=3)  # warm-up: first-call allocations, zone caches
    latencies = []
    for intake in intakes:
        t0 = time.perf_counter()
        suggest_mentors(intake, index, k=3)
        latencies.append(time.perf_counter() - t0)
    # The same mentee against a plain loop over the scalar scorer, for scale.
    t0 = time.perf_counter()
    scalar = sorted(
        (e.score, -e.mentor_id) for m in mentors if (e := score_match(intakes[0], m)).eligible
    )[-3:]
    scalar_time = time.perf_counter() - t0
    fast = [(e.score, -e.mentor_id) for e in suggest_mentors(intakes[0], index, k=3)]
    assert fast == scalar[::-1]
    ms = sorted(x * 1000 for x in latencies)
    return {
        "mentors": n_mentors,
        "mentees": n_mentees,
        "k": 3,
        "index_build_s": round(build, 3),
        "segments": int(index.segments.shape[1]),
        "latency_ms_p50": round(statistics.median(ms), 3),
        "latency_ms_p99": round(ms[min(len(ms) - 1, int(0.99 * len(ms)))], 3),
        "latency_ms_max": round(ms[-1], 3),
        "scalar_loop_ms_one_mentee": round(scalar_time * 1000, 1),
    }


def bench_cohort(n_mentees: int, n_mentors: int) -> dict[str, object]:
    mentors = synthetic_mentors(n_mentors, seed=3)
    intakes = synthetic_intakes(n_mentees, seed=4, mentor_ids=[m.id for m in mentors])
    index = MentorIndex(mentors)
    places = int(index.free_places[index.open].sum())
    tracemalloc.start()
    t0 = time.perf_counter()
    optimal = assign_cohort(intakes, index)
    optimal_s = time.perf_counter() - t0
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    t0 = time.perf_counter()
    greedy = assign_greedy(intakes, index)
    greedy_s = time.perf_counter() - t0
    by_id = {m.id: m for m in mentors}
    intake_by_id = {i.id: i for i in intakes}
    for result in (optimal, greedy):
        assert all(
            is_eligible(intake_by_id[a.mentee_id], by_id[a.mentor_id]) for a in result.assignments
        )
        assert all(
            n <= by_id[j].capacity - by_id[j].current_load for j, n in result.mentor_load.items()
        )
    return {
        "mentees": n_mentees,
        "mentors": n_mentors,
        "open_places": places,
        "usable_pairs": optimal.eligible_pairs,
        "optimal": {
            "seconds": round(optimal_s, 2),
            "matched": optimal.matched_count,
            "total_score": round(optimal.total_score, 6),
            "mean_score": round(optimal.total_score / max(optimal.matched_count, 1), 4),
            "lp_rounds": optimal.rounds,
            "lp_pairs": optimal.candidate_pairs,
            "optimality_gap": optimal.optimality_gap,
            "certified_optimal": optimal.certified_optimal,
            "tracemalloc_peak_mib": round(traced_peak / 2**20, 1),
        },
        "greedy": {
            "seconds": round(greedy_s, 2),
            "matched": greedy.matched_count,
            "total_score": round(greedy.total_score, 6),
            "mean_score": round(greedy.total_score / max(greedy.matched_count, 1), 4),
        },
        "optimal_minus_greedy_total": round(optimal.total_score - greedy.total_score, 6),
        "process_peak_rss_mib": round(rss_mib(), 1),
    }


def networkx_optimum(
    intakes: list[MenteeIntake], mentors: list[MentorProfile], weights: MatchWeights
) -> tuple[int, float]:
    """Independent solver: max-flow min-cost with scores scaled to integer micro-points."""
    graph = nx.DiGraph()
    graph.add_nodes_from(["source", "sink"])
    scores: dict[tuple[int, int], float] = {}
    for m in mentors:
        if m.capacity > m.current_load:
            graph.add_edge(("m", m.id), "sink", capacity=m.capacity - m.current_load, weight=0)
    for i in intakes:
        graph.add_edge("source", ("i", i.id), capacity=1, weight=0)
        for m in mentors:
            e = score_match(i, m, weights)
            if e.eligible:
                scores[i.id, m.id] = e.score
                graph.add_edge(("i", i.id), ("m", m.id), capacity=1, weight=-round(e.score * 1e6))
    flow = nx.max_flow_min_cost(graph, "source", "sink")
    chosen = [
        (u[1], v[1])
        for u, out in flow.items()
        if isinstance(u, tuple) and u[0] == "i"
        for v, f in out.items()
        if f == 1 and isinstance(v, tuple)
    ]
    return len(chosen), sum(scores[p] for p in chosen)


def bench_optimality(cases: list[tuple[int, int, int]]) -> list[dict[str, object]]:
    rows = []
    for n_mentees, n_mentors, seed in cases:
        mentors = synthetic_mentors(n_mentors, seed=seed)
        intakes = synthetic_intakes(n_mentees, seed=seed + 1, mentor_ids=[m.id for m in mentors])
        t0 = time.perf_counter()
        ours = assign_cohort(intakes, mentors)
        ours_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        count, total = networkx_optimum(intakes, mentors, MatchWeights())
        nx_s = time.perf_counter() - t0
        greedy = assign_greedy(intakes, mentors)
        rows.append(
            {
                "mentees": n_mentees,
                "mentors": n_mentors,
                "seed": seed,
                "matched": ours.matched_count,
                "networkx_matched": count,
                "total": round(ours.total_score, 6),
                "networkx_total": round(total, 6),
                "difference": ours.total_score - total,
                "greedy_matched": greedy.matched_count,
                "greedy_total": round(greedy.total_score, 6),
                "ours_s": round(ours_s, 2),
                "networkx_s": round(nx_s, 2),
                "agrees": count == ours.matched_count
                and abs(ours.total_score - total) <= n_mentees * 1e-6,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    args = parser.parse_args()
    if args.quick:
        sizes = {"suggest": (1000, 50), "cohort": (2000, 200)}
        cases = [(60, 15, 7)]
    else:
        sizes = {"suggest": (5000, 200), "cohort": (20000, 2000)}
        cases = [(150, 30, 7), (300, 60, 8), (400, 50, 9)]

    results: dict[str, object] = {
        "command": "python bench/bench_matching.py" + (" --quick" if args.quick else ""),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu, python {platform.python_version()}"
        f", numpy {np.__version__}",
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
    }
    print("(a) suggestions ...", flush=True)
    results["suggest"] = suggest = bench_suggest(*sizes["suggest"])
    print(json.dumps(suggest, indent=2), flush=True)
    print("(b) cohort ...", flush=True)
    results["cohort"] = cohort = bench_cohort(*sizes["cohort"])
    print(json.dumps(cohort, indent=2), flush=True)
    print("(c) optimality against networkx ...", flush=True)
    results["optimality"] = checks = bench_optimality(cases)
    print(json.dumps(checks, indent=2), flush=True)

    out = ROOT / "bench" / "results" / "matching.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")
    if not all(c["agrees"] for c in checks):
        raise SystemExit("the cohort solver disagrees with networkx")


if __name__ == "__main__":
    main()
