"""Benchmark: vectorised vs. scalar scoring of random PHQ-9 responses.

    .venv/bin/python bench/bench_scoring.py [--rows 1000000] [--sample 20000]

Prints responses per second for both engines and writes bench/results/scoring.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from peerhaven.outcomes.instruments import get_definition, score  # noqa: E402
from peerhaven.outcomes.instruments.bulk import BAND_NONE, score_matrix  # noqa: E402


def random_phq9(n: int, rng: np.random.Generator, missing_rate: float) -> np.ndarray:
    matrix = rng.integers(0, 4, size=(n, 10)).astype(np.float64)
    matrix[rng.random((n, 10)) < missing_rate] = np.nan
    return matrix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="rows scored one by one")
    parser.add_argument("--repeat", type=int, default=3, help="vectorised runs; best is kept")
    parser.add_argument("--missing-rate", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "scoring.json")
    args = parser.parse_args()

    phq9 = get_definition("phq9")
    rng = np.random.default_rng(args.seed)
    matrix = random_phq9(args.rows, rng, args.missing_rate)

    vector_times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        bulk = score_matrix(phq9, matrix)
        vector_times.append(time.perf_counter() - start)
    vector_best = min(vector_times)

    sample = matrix[: args.sample]
    rows = [
        {i: None if np.isnan(v) else int(v) for i, v in zip(phq9.item_ids, row, strict=True)}
        for row in sample
    ]
    start = time.perf_counter()
    results = [score(phq9, row) for row in rows]
    scalar_seconds = time.perf_counter() - start

    # The figures mean nothing if the two engines disagree, so check on the sample.
    for n, result in enumerate(results):
        got = bulk["total"][n]
        assert (np.isnan(got) and result.total is None) or got == result.total, n
        band = BAND_NONE if result.band is None else phq9.bands.index(result.band)
        assert bulk["band"][n] == band, n

    scored = int(np.count_nonzero(~np.isnan(bulk["total"])))
    figures = {
        "benchmark": "scoring",
        "instrument": "phq9",
        "command": " ".join([".venv/bin/python bench/bench_scoring.py", *sys.argv[1:]]),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": args.rows,
        "missing_rate": args.missing_rate,
        "rows_with_total": scored,
        "vectorised_seconds_best": round(vector_best, 4),
        "vectorised_seconds_all": [round(t, 4) for t in vector_times],
        "vectorised_responses_per_second": round(args.rows / vector_best),
        "scalar_sample_rows": args.sample,
        "scalar_seconds": round(scalar_seconds, 4),
        "scalar_responses_per_second": round(args.sample / scalar_seconds),
        "speedup": round((args.rows / vector_best) / (args.sample / scalar_seconds), 1),
        "agreement_checked_rows": args.sample,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")

    print(f"PHQ-9, {args.rows:,} random responses ({args.missing_rate:.0%} of answers missing)")
    print(
        f"  vectorised: {vector_best:.3f} s best of {args.repeat} -> "
        f"{figures['vectorised_responses_per_second']:,} responses/s"
    )
    print(
        f"  scalar:     {scalar_seconds:.3f} s for {args.sample:,} -> "
        f"{figures['scalar_responses_per_second']:,} responses/s"
    )
    print(f"  speed-up:   {figures['speedup']}x; engines agree on {args.sample:,} rows")
    print(f"  written to {args.output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
