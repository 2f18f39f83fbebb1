"""Simulation validation of the insights statistics: bias and 95% CI coverage against known truth.

    .venv/bin/python bench/validate_insights.py                  # full study (1,000 replications)
    .venv/bin/python bench/validate_insights.py --reps 100 --growth-reps 50 --out /tmp/v.json

Each replication simulates one programme (peerhaven.insights.stats.simulate) and runs the
estimators on it. The growth model is slower (MixedLM), so it runs on the first --growth-reps
replications only. Prints a table and writes bench/results/insights_validation.json.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from peerhaven.insights.stats import (  # noqa: E402
    compare_arm_changes,
    fit_growth_model,
    mean_change,
    mediation_analysis,
    pool_random_effects,
    prepost_frame,
    prepost_standardised_change,
)
from peerhaven.insights.stats.simulate import SimulationConfig, simulate_programme  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "insights_validation.json"


class Tally:
    def __init__(self, name: str, target: str) -> None:
        self.name = name
        self.target = target
        self.errors: list[float] = []
        self.truths: list[float] = []
        self.hits: list[bool] = []
        self.widths: list[float] = []
        self.missing = 0

    def add(self, est: float | None, lo: float | None, hi: float | None, truth: float) -> None:
        if est is None or lo is None or hi is None:
            self.missing += 1
            return
        self.errors.append(est - truth)
        self.truths.append(truth)
        self.hits.append(lo <= truth <= hi)
        self.widths.append(hi - lo)

    def summary(self) -> dict[str, object]:
        k = len(self.hits)
        cov = float(np.mean(self.hits)) if k else math.nan
        err = np.asarray(self.errors)
        return {
            "estimand": self.name,
            "target": self.target,
            "replications": k,
            "not_computed": self.missing,
            "mean_truth": float(np.mean(self.truths)) if k else None,
            "bias": float(err.mean()) if k else None,
            "relative_bias": float(err.mean() / np.mean(self.truths)) if k else None,
            "rmse": float(np.sqrt((err**2).mean())) if k else None,
            "coverage_95": cov,
            "coverage_mc_se": math.sqrt(cov * (1 - cov) / k) if k else None,
            "mean_ci_width": float(np.mean(self.widths)) if k else None,
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--growth-reps", type=int, default=200)
    ap.add_argument("--members", type=int, default=400)
    ap.add_argument("--waves", type=int, default=6)
    ap.add_argument("--sites", type=int, default=10)
    ap.add_argument("--n-boot", type=int, default=1000)
    ap.add_argument("--growth-members", type=int, default=300)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    args = ap.parse_args()

    cfg = SimulationConfig(n_members=args.members, n_waves=args.waves, n_sites=args.sites)
    tallies = {
        "mean_change": Tally("mean PHQ-9 change, programme arm (t CI)", "conditional on sites"),
        "arm_difference": Tally("difference in change, programme - comparison (Welch)", "cond."),
        "g_change": Tally("Hedges' g of change scores between arms", "conditional on sites"),
        "g_prepost": Tally("pre-post g, baseline-SD standardiser (programme)", "cond."),
        "indirect": Tally("indirect effect a*b per session (percentile bootstrap)", "structural"),
        "direct": Tally("direct effect c' per session (OLS t CI)", "structural"),
        "growth_time": Tally("growth model: time slope (MixedLM)", "structural"),
        "growth_dose": Tally("growth model: dose effect (MixedLM)", "structural"),
        "pooled_dl": Tally("pooled site effect, DL, z CI", "mean of site distribution"),
        "pooled_pm": Tally("pooled site effect, PM, z CI", "mean of site distribution"),
        "pooled_dl_hksj": Tally("pooled site effect, DL, HKSJ t CI", "mean of site distribution"),
        "pooled_dl_realised": Tally("pooled site effect, DL, z CI", "mean of these sites' effects"),
    }
    growth_fallbacks = 0
    started = time.perf_counter()
    for rep in range(args.reps):
        sim = simulate_programme(replace(cfg, seed=args.seed + rep))
        t = sim.truth
        w = prepost_frame(sim.long, columns=["phq9", "mspss"], carry=["arm", "site", "dose"])
        prog, comp = w[w.arm == 1], w[w.arm == 0]
        mc = mean_change(prog.phq9_pre, prog.phq9_post)
        tallies["mean_change"].add(mc.mean_change, mc.ci_low, mc.ci_high, t.mean_change_programme)
        arms = compare_arm_changes(prog.phq9_pre, prog.phq9_post, comp.phq9_pre, comp.phq9_post)
        tallies["arm_difference"].add(arms.difference, arms.ci_low, arms.ci_high, t.arm_difference)
        tallies["g_change"].add(arms.g.g, arms.g.ci_low, arms.g.ci_high, t.g_change)
        sc = prepost_standardised_change(prog.phq9_pre, prog.phq9_post)
        tallies["g_prepost"].add(sc.g, sc.ci_low, sc.ci_high, t.g_prepost_programme)
        med = mediation_analysis(
            w.dose,
            w.mspss_post - w.mspss_pre,
            w.phq9_post - w.phq9_pre,
            n_boot=args.n_boot,
            seed=rep,
        )
        tallies["indirect"].add(
            med.indirect, med.indirect_ci_low, med.indirect_ci_high, t.indirect_per_session
        )
        if med.direct is not None:
            tallies["direct"].add(
                med.direct.estimate, med.direct.ci_low, med.direct.ci_high, t.direct_per_session
            )
        effects, variances = [], []
        for _, site in w.groupby("site"):
            c = compare_arm_changes(
                site[site.arm == 1].phq9_pre,
                site[site.arm == 1].phq9_post,
                site[site.arm == 0].phq9_pre,
                site[site.arm == 0].phq9_post,
            )
            if c.se is not None:
                effects.append(c.difference)
                variances.append(c.se**2)
        dl = pool_random_effects(effects, variances, method="dl")
        pm = pool_random_effects(effects, variances, method="pm")
        tallies["pooled_dl"].add(dl.estimate, dl.ci_low, dl.ci_high, t.arm_difference_population)
        tallies["pooled_pm"].add(pm.estimate, pm.ci_low, pm.ci_high, t.arm_difference_population)
        tallies["pooled_dl_hksj"].add(
            dl.estimate, dl.ci_low_hksj, dl.ci_high_hksj, t.arm_difference_population
        )
        tallies["pooled_dl_realised"].add(
            dl.estimate, dl.ci_low, dl.ci_high, float(np.mean(t.site_arm_differences))
        )
        if rep < args.growth_reps:
            sub = sim.long[sim.long.member_id < args.growth_members]
            gm = fit_growth_model(sub, arm="arm")
            growth_fallbacks += gm.fell_back
            for key, term, truth in (
                ("growth_time", "wave", t.growth_time),
                ("growth_dose", "dose", t.growth_dose),
            ):
                fe = gm.fixed(term)
                if fe is None or not gm.converged:
                    tallies[key].missing += 1
                else:
                    tallies[key].add(fe.estimate, fe.ci_low, fe.ci_high, truth)
        if (rep + 1) % max(1, args.reps // 10) == 0:
            print(f"  {rep + 1}/{args.reps} replications, {time.perf_counter() - started:.0f} s")

    rows = [t.summary() for t in tallies.values()]
    elapsed = time.perf_counter() - started
    header = f"{'estimand':58} {'reps':>5} {'truth':>8} {'bias':>8} {'rmse':>7} {'cover':>6} ±MCSE"
    print()
    print(header)
    print("-" * len(header))
    for r in rows:
        if not r["replications"]:
            continue
        print(
            f"{r['estimand']:58} {r['replications']:>5} {r['mean_truth']:>8.3f} "
            f"{r['bias']:>8.4f} {r['rmse']:>7.4f} {r['coverage_95']:>6.3f} "
            f"{r['coverage_mc_se']:.3f}"
        )
    print(f"\ngrowth model fell back to random intercept in {growth_fallbacks} fits")
    print(f"elapsed {elapsed:.0f} s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    out = {
        "command": "python bench/validate_insights.py " + " ".join(sys.argv[1:]),
        "config": {
            **vars(args),
            "simulation": {k: v for k, v in asdict(cfg).items() if k != "seed"},
        },
        "results": rows,
        "growth_fallbacks": growth_fallbacks,
        "elapsed_seconds": elapsed,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    args.out.write_text(json.dumps(out, indent=2, default=str) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
