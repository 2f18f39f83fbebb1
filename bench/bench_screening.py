"""Throughput and latency of the risk screener on invented text of three sizes.

    python bench/bench_screening.py

Runs in one process (one core). Prints texts per second and per-text latency p50/p99 for
texts of about 50, 500 and 5,000 characters, then the same for report reasons (read twice by
``screen_report``: directly and with persons shifted) of 50, 500 and 1,000 characters (the
longest reason a report takes), and writes bench/results/screening.json.
"""

from __future__ import annotations

import json
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from peerhaven.safety.screening import screen_report, screen_text  # noqa: E402

# Invented sentences: everyday posts, distress, supportive replies, idioms and a few risk
# phrases, so every code path (hits, modifiers, normalisation) is exercised.
SENTENCES = [
    "Had a long day at work and the bus was late again.",
    "Does anyone have tips for sleeping better when your mind races?",
    "I went for a walk by the river and it helped a little.",
    "This exam is killing me, three more chapters to go.",
    "I feel so hopeless about everything lately.",
    "You are not alone, we are here for you, please reach out.",
    "My therapist suggested writing down three good things each evening.",
    "I would never hurt myself but some nights are really hard.",
    "Two years ago I was in a dark place and I am doing better now.",
    "Sometimes I want to die and I don't know who to tell.",
    "Thank you all for the kind replies yesterday, it meant a lot.",
    "I could die of embarrassment after that meeting lol.",
    "My cat sat on my keyboard and sent a half-written email.",
    "I've been feeling numb and empty for weeks now.",
    "Please talk to a doctor or call a crisis line if it gets worse.",
    "k1ll mys3lf is what my brain keeps saying, but I'm still here.",
]
SIZES = (50, 500, 5000)
TEXTS_PER_SIZE = {50: 4000, 500: 1500, 5000: 200}
# Invented report reasons: about someone else, with the reporter's own words now and then.
REPORT_SENTENCES = [
    "She keeps posting the same advert in every thread.",
    "He said he has the pills ready tonight, please check on him.",
    "This member is rude to everyone in the evening group.",
    "I'm worried about her, she cut herself again last week.",
    "They wrote that nobody would miss them and then went quiet.",
    "He told her to go away and stop posting.",
    "Her post says she hurt her ankle at practice, not sure why it was flagged.",
    "Reading this makes me feel awful, I don't know what to do.",
]
REPORT_SIZES = (50, 500, 1000)
REPORTS_PER_SIZE = {50: 3000, 500: 1000, 1000: 500}


def make_text(rng: random.Random, size: int, sentences: list[str] = SENTENCES) -> str:
    parts: list[str] = []
    length = 0
    while length < size:
        sentence = rng.choice(sentences)
        parts.append(sentence)
        length += len(sentence) + 1
    return " ".join(parts)[:size]


def run(
    size: int,
    count: int,
    rng: random.Random,
    screen: Callable[[str], object] = screen_text,
    sentences: list[str] = SENTENCES,
) -> dict[str, float]:
    texts = [make_text(rng, size, sentences) for _ in range(count)]
    for text in texts[:20]:
        screen(text)
    latencies: list[float] = []
    started = time.perf_counter()
    for text in texts:
        t0 = time.perf_counter()
        screen(text)
        latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "chars": size,
        "texts": count,
        "texts_per_second_per_core": round(count / elapsed, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 3),
        "p99_ms": round(1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))], 3),
    }


def main() -> int:
    rng = random.Random(20240601)
    results = [run(size, TEXTS_PER_SIZE[size], rng) for size in SIZES]
    reports = [
        run(size, REPORTS_PER_SIZE[size], rng, screen_report, REPORT_SENTENCES)
        for size in REPORT_SIZES
    ]
    for title, rows in (("screen_text", results), ("screen_report", reports)):
        print(title)
        print(f"{'chars':>6} {'texts/s/core':>13} {'p50 ms':>9} {'p99 ms':>9}")
        for row in rows:
            print(
                f"{row['chars']:>6} {row['texts_per_second_per_core']:>13} "
                f"{row['p50_ms']:>9} {row['p99_ms']:>9}"
            )
    out = ROOT / "bench" / "results" / "screening.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": "safety.screening",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "results": results,
        "reports": reports,
    }
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
