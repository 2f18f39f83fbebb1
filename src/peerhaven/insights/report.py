"""The evaluation report: numbers and figures computed from ProgrammeData.

Every number goes through the small-cell rule: nothing about fewer than 10 people is shown.
Every estimator lives in ``insights.stats``; this module only chooses the analyses, feeds them
and turns the results into a JSON-safe document for the page and the downloads.
"""

from __future__ import annotations

import base64
import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from peerhaven.insights import stats
from peerhaven.insights.data import ProgrammeData
from peerhaven.insights.models import Programme
from peerhaven.insights.stats import figures

MIN_N = 10
MEDIATORS = (
    ("mspss", "Perceived social support (MSPSS)"),
    ("ucla3", "Loneliness (UCLA-3)"),
    ("brcs", "Resilient coping (BRCS)"),
)
Progress = Callable[[int, str], None]
OTHER_SITES = "other sites (each under 10 people)"
ALL_ARMS = "both arms"
NOTE_SMALL_ARM = (
    f"An arm has fewer than {MIN_N} consenting members, so enrolment, retention and trajectories "
    "are shown for both arms together: the other arm's exact numbers beside the total would give "
    "the small arm's back."
)


def jsonable(value: Any) -> Any:
    """Dataclasses, numpy values and NaN/inf (as None) to plain JSON."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bytes):
        return None
    return value


def _definition(instrument_id: str) -> Any:
    from peerhaven.outcomes.instruments import shipped_definitions

    return shipped_definitions().get(instrument_id)


def _short_title(instrument_id: str) -> str:
    """What readers call the instrument ("PHQ-9"), not its id ("phq9")."""
    defn = _definition(instrument_id)
    return defn.short_title if defn is not None else instrument_id


def _prepost(long: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per member: baseline (wave 0) and their last later wave with this score."""
    have = long.dropna(subset=[column])
    base = have[have["wave"] == 0].set_index("member_id")[column]
    later = have[have["wave"] > 0].sort_values("wave").groupby("member_id").last()
    frame = pd.DataFrame({"pre": base}).join(later[[column, "arm", "site", "dose"]], how="inner")
    return frame.rename(columns={column: "post"})


def _shown(n: int) -> int | None:
    """A head-count as printed: None ("fewer than 10") when it describes fewer than MIN_N."""
    return int(n) if n >= MIN_N else None


def _parts_safe(sizes: Any) -> bool:
    """Whether parts of these sizes may be shown beside their total: each is 0 or >= MIN_N.

    A part of 1 to MIN_N - 1 people shown as "fewer than 10" would come back as the total
    minus the other parts, so then none of the parts may be shown exactly.
    """
    return all(int(n) == 0 or int(n) >= MIN_N for n in sizes)


def _enrolment_table(
    data: ProgrammeData, waves: list[int], *, by_arm: bool
) -> list[dict[str, Any]]:
    long = data.long
    rows = []
    arms = (sorted(set(long["arm"])) if by_arm else [ALL_ARMS]) if not long.empty else []
    for wave in range(len(waves)):
        at = long[long["wave"] == wave] if not long.empty else long
        for arm in arms:
            part = at if arm == ALL_ARMS else at[at["arm"] == arm]
            rows.append(
                {
                    "wave": wave,
                    "day": waves[wave],
                    "arm": arm,
                    "n": int(part["member_id"].nunique()),
                }
            )
    # The arms of a wave add up to the wave's members with data (the retention table shows
    # them per wave too), so they are hidden together.
    return jsonable(
        stats.suppress(rows, "n", MIN_N, keep=("wave", "day", "arm"), together=("wave",)).rows
    )


def _engagement(data: ProgrammeData) -> list[dict[str, Any]]:
    long = data.long
    if long.empty:
        return []
    # Engagement is counted up to each check-in, so a member's latest wave holds their total.
    per_member = long.sort_values("wave").groupby("member_id").last()
    rows = []
    for column in [*data.engagement_columns, "dose"]:
        values = per_member[column].astype(float)
        rows.append(
            {
                "measure": column,
                "n": len(values),
                "mean": float(values.mean()),
                "median": float(values.median()),
            }
        )
    return jsonable(stats.suppress(rows, "n", MIN_N, keep=("measure",)).rows)


NOTE_NO_RELIABLE_CRITERION = (
    "Change is reported in points only: this questionnaire has no confirmed criterion for "
    "reliable change."
)


def _reliable(defn: Any, frame: pd.DataFrame) -> dict[str, Any] | None:
    """Reliable change by the method the instrument's definition prefers.

    ``fixed_threshold`` (PHQ-9: 6 points, GAD-7: 4, the NHS Talking Therapies convention) is
    used as such; ``jacobson_truax`` with the definition's reliability and its reference SD,
    or the programme's baseline SD when it has none; ``none`` (e.g. UCLA-3, whose reliability
    is unconfirmed) gets a note instead of figures.
    """
    spec = defn.reliable_change
    cutoff = defn.clinical_cutoff.value if defn.clinical_cutoff else None
    if cutoff is None or len(frame) < 2:
        return None
    threshold = spec.fixed_threshold.value if spec.fixed_threshold else None
    reliability = spec.reliability.value if spec.reliability else None
    if spec.preferred == "fixed_threshold" and threshold is None:
        return {"note": NOTE_NO_RELIABLE_CRITERION}
    if spec.preferred == "jacobson_truax" and reliability is None:
        return {"note": NOTE_NO_RELIABLE_CRITERION}
    if spec.preferred not in ("fixed_threshold", "jacobson_truax"):
        return {"note": NOTE_NO_RELIABLE_CRITERION}
    if not stats.may_show_analysis(len(frame), MIN_N).allowed:
        return {"note": stats.may_show_analysis(len(frame), MIN_N).note}
    direction = (
        stats.Direction.HIGHER_IS_WORSE
        if defn.higher_is_worse
        else stats.Direction.HIGHER_IS_BETTER
    )
    if spec.preferred == "fixed_threshold":
        summary = stats.classify_reliable_change(
            frame["pre"].to_numpy(),
            frame["post"].to_numpy(),
            cutoff=cutoff,
            direction=direction,
            fixed_threshold=threshold,
        )
        source = spec.fixed_threshold.source or ""
        confirmed = bool(spec.fixed_threshold.confirmed)
        sd_source = ""
    else:
        reference = spec.sd.value if spec.sd and spec.sd.confirmed else None
        sd = reference if reference else float(frame["pre"].std(ddof=1))
        if not sd or not math.isfinite(sd):
            return {"note": "Baseline scores do not vary, so reliable change cannot be judged."}
        summary = stats.classify_reliable_change(
            frame["pre"].to_numpy(),
            frame["post"].to_numpy(),
            reliability=reliability,
            sd=sd,
            cutoff=cutoff,
            direction=direction,
        )
        source = spec.reliability.source or ""
        confirmed = bool(spec.reliability.confirmed)
        sd_source = (
            "reference SD from the definition"
            if reference
            else "baseline SD of this programme's members"
        )
    out = jsonable(summary)
    out.pop("members", None)  # individual rows never leave the engine
    _suppress_reliable_cells(out)
    out["method"] = summary.criteria.method
    out["criterion_source"] = source
    out["reliability_confirmed"] = confirmed
    out["sd_source"] = sd_source
    return out


def _suppress_reliable_cells(out: dict[str, Any]) -> None:
    """Hide each reliable-change category, and the recovery figures, describing < MIN_N people.

    Improved + unchanged + deteriorated add up to the n shown, so when exactly one of them is
    hidden the next smallest is hidden too: otherwise subtraction would give the hidden one back.
    """
    categories = ("improved", "unchanged", "deteriorated")
    hidden = {c for c in categories if out[f"n_{c}"] < MIN_N}
    if len(hidden) == 1:
        hidden.add(min((c for c in categories if c not in hidden), key=lambda c: out[f"n_{c}"]))
    for category in hidden:
        out[f"n_{category}"] = out[f"share_{category}"] = None
    recovery: tuple[str, ...] = ("n_recovered", "share_recovered", "share_recovered_of_clinical")
    if out["n_clinical_at_baseline"] < MIN_N:
        recovery = (*recovery, "n_clinical_at_baseline")
    elif out["n_recovered"] >= MIN_N:
        recovery = ()
    for key in recovery:
        out[key] = None
    if hidden or recovery:
        out["suppression_note"] = (
            f"Figures describing fewer than {MIN_N} people are hidden (shown as a dash)."
        )


def _outcome(defn: Any, long: pd.DataFrame, comparison: bool) -> dict[str, Any]:
    column = defn.id
    frame = _prepost(long, column)
    result: dict[str, Any] = {"instrument": column, "title": defn.title, "n": _shown(len(frame))}
    disclosure = stats.may_show_analysis(len(frame), MIN_N)
    if not disclosure.allowed:
        result["note"] = disclosure.note
        return result
    programme_arm = frame[frame["arm"] == "programme"]
    other = frame[frame["arm"] != "programme"]
    # The programme arm's figures beside everyone's give the rest (the comparison arm) by
    # subtraction, so they are shown only when the rest is nobody or at least MIN_N people.
    arm_safe = _parts_safe([len(programme_arm), len(other)])
    for key, part in (("all", frame), ("programme_arm", programme_arm)):
        if comparison is False and key == "programme_arm":
            continue
        if key == "programme_arm" and not arm_safe:
            continue
        if not stats.may_show_analysis(len(part), MIN_N).allowed:
            continue
        result[f"mean_change_{key}"] = jsonable(stats.mean_change(part["pre"], part["post"]))
        result[f"standardised_{key}"] = jsonable(
            stats.prepost_standardised_change(part["pre"], part["post"])
        )
    if comparison and not arm_safe:
        result["reliable_change"] = {
            "note": (
                f"Reliable change is shown for the programme arm only when the comparison arm "
                f"has nobody or at least {MIN_N} people with a baseline and a follow-up."
            )
        }
    else:
        result["reliable_change"] = _reliable(defn, programme_arm if comparison else frame)
    if comparison:
        if len(programme_arm) >= MIN_N and len(other) >= MIN_N:
            result["between_arms"] = jsonable(
                stats.compare_arm_changes(
                    programme_arm["pre"], programme_arm["post"], other["pre"], other["post"]
                )
            )
        else:
            result["between_arms_note"] = (
                "Each arm needs at least 10 people with baseline and follow-up to compare arms."
            )
    return result


def _arms_big_enough(frame: pd.DataFrame) -> bool:
    """Two arms, each with at least MIN_N members in ``frame``."""
    if "member_id" in frame:  # long: a row per member and wave
        sizes = frame.groupby("arm")["member_id"].nunique()
    else:  # pre-post: a row per member
        sizes = frame.groupby("arm").size()
    return len(sizes) == 2 and bool((sizes >= MIN_N).all())


def _figure(output: Any) -> dict[str, Any]:
    return {
        "png": base64.b64encode(output.png).decode("ascii"),
        "alt": output.alt_text,
        "table": jsonable(output.table),
        "n": output.n,
        "note": output.note,
    }


def build_report(programme: Programme, data: ProgrammeData, progress: Progress) -> dict[str, Any]:
    long = data.long
    waves = list(programme.wave_days)
    comparison = programme.has_comparison_arm
    notes: list[str] = []
    # Head-counts under MIN_N are printed as "fewer than 10"; the enrolled total is hidden too
    # when it and the consenting count would give 1 to 9 members without consent.
    report: dict[str, Any] = {
        "programme": programme.name,
        "enrolled": (
            _shown(data.enrolled)
            if data.consenting < MIN_N or _parts_safe([data.enrolled - data.consenting])
            else None
        ),
        "consenting": _shown(data.consenting),
        "waves": waves,
        "min_cell": MIN_N,
        "notes": notes,
        "figures": {},
    }
    progress(10, "enrolment and retention")
    # With an arm of 1 to 9 consenting members, nothing is split by arm: the other arm's exact
    # counts beside the total (the summary, a wave's members, the retention denominators)
    # would give the small arm's back by subtraction.
    by_arm = comparison and _parts_safe(data.consenting_by_arm.values())
    if comparison and not by_arm:
        notes.append(NOTE_SMALL_ARM)
    report["enrolment"] = _enrolment_table(data, waves, by_arm=by_arm or not comparison)
    report["engagement"] = _engagement(data)
    if long.empty:
        notes.append("No outcome data yet: nobody who consented has answered a check-in.")
        return report
    if long["wave"].nunique() < 2:
        notes.append(
            "Only one wave has data so far, so change cannot be measured yet. Enrolment is shown."
        )
    if data.consenting < MIN_N:
        notes.append(
            f"Fewer than {MIN_N} members consented to evaluation, so no results can be shown."
        )
        return report

    progress(25, "outcome change")
    outcomes = []
    for instrument_id in programme.instruments:
        defn = _definition(instrument_id)
        if defn is None or instrument_id not in long or long[instrument_id].notna().sum() == 0:
            outcomes.append(
                {"instrument": instrument_id, "n": None, "note": "Nobody answered this instrument."}
            )
            continue
        outcomes.append(_outcome(defn, long, comparison))
    report["outcomes"] = outcomes

    primary = "phq9" if "phq9" in programme.instruments else programme.instruments[0]
    progress(45, "growth model")
    growth_data = long.dropna(subset=[primary])
    use_arm = comparison and _arms_big_enough(growth_data)
    if comparison and not use_arm:
        notes.append(
            f"The arms are not compared in the growth model or mediation: each arm needs at least "
            f"{MIN_N} people, and a smaller arm's estimate would describe those few people."
        )
    if (
        growth_data["wave"].nunique() >= 2
        and stats.may_show_analysis(growth_data["member_id"].nunique(), MIN_N).allowed
    ):
        growth = stats.fit_growth_model(
            growth_data,
            outcome=primary,
            time="wave",
            member="member_id",
            dose="dose" if growth_data["dose"].nunique() > 1 else None,
            arm="arm" if use_arm else None,
            time_by_arm=use_arm,
        )
        report["growth"] = jsonable(growth)
        for effect in report["growth"]["fixed_effects"]:
            effect["name"] = effect["name"].replace("time:", "wave × ")
    else:
        report["growth"] = {"note": "A growth model needs at least two waves and 10 people."}

    progress(60, "mechanisms")
    mediation = []
    primary_frame = _prepost(long, primary)
    for mediator, label in MEDIATORS:
        if mediator not in programme.instruments or mediator == primary:
            continue
        m_frame = _prepost(long, mediator)
        both = primary_frame.join(m_frame[["pre", "post"]].add_suffix("_m"), how="inner")
        entry: dict[str, Any] = {"mediator": mediator, "label": label, "n": _shown(len(both))}
        # With a comparison arm, the arm is X (the design's contrast); otherwise engagement dose.
        if comparison and _arms_big_enough(both):
            x, x_name = (both["arm"] == "programme").astype(float), "programme arm (vs comparison)"
        else:
            x, x_name = both["dose"].astype(float), "engagement dose"
        small_arm = comparison and both["arm"].nunique() > 1 and not _arms_big_enough(both)
        if stats.may_show_analysis(len(both), MIN_N).allowed and x.nunique() > 1 and not small_arm:
            entry["x"] = x_name
            entry["result"] = jsonable(
                stats.mediation_analysis(
                    x,
                    both["post_m"] - both["pre_m"],
                    both["post"] - both["pre"],
                    n_boot=1000,
                    seed=0,
                    x_name=x_name,
                    mediator_name=f"change in {_short_title(mediator)}",
                    outcome_name=f"change in {_short_title(primary)}",
                )
            )
        else:
            entry["note"] = (
                "Needs at least 10 people with both scores at baseline and follow-up, and either "
                "a comparison arm (at least 10 people in each arm) or engagement that varies "
                "between people."
            )
        mediation.append(entry)
    report["mediation"] = mediation

    progress(75, "sites")
    sites = []
    # A site under MIN_N people is merged into one "other sites" group, and left out of the
    # pooling if that is still too small: the forest plot would hide such a site, but the
    # pooled estimate, the other sites' effects and their weights would give it back.
    sizes = primary_frame.groupby("site").size()
    small = set(sizes[sizes < MIN_N].index)
    site_frame = primary_frame.assign(
        site=primary_frame["site"].where(~primary_frame["site"].isin(small), OTHER_SITES)
    )
    n_other = int((site_frame["site"] == OTHER_SITES).sum())
    if 0 < n_other < MIN_N:
        site_frame = site_frame[site_frame["site"] != OTHER_SITES]
        notes.append(
            f"Fewer than {MIN_N} people, at sites with fewer than {MIN_N} people each, are left "
            "out of the pooling of sites, to protect their privacy."
        )
    for site, part in site_frame.groupby("site"):
        if len(part) >= 2:
            change = stats.prepost_standardised_change(part["pre"], part["post"])
            if change.g is not None and change.var_g is not None:
                sites.append((str(site), change.g, change.var_g, len(part)))
    pooled_n = sum(s[3] for s in sites)
    if len(sites) >= 2 and not stats.may_show_analysis(pooled_n, MIN_N).allowed:
        report["pooling"] = {"note": stats.may_show_analysis(pooled_n, MIN_N).note}
    elif len(sites) >= 2:
        labels = [s[0] for s in sites]
        pooled_dl = stats.pool_random_effects(
            [s[1] for s in sites], [s[2] for s in sites], labels=labels, method="dl"
        )
        pooled_pm = stats.pool_random_effects(
            [s[1] for s in sites], [s[2] for s in sites], labels=labels, method="pm"
        )
        report["pooling"] = {
            "outcome": primary,
            "effect": "standardised pre-post change (Hedges' g, baseline SD)",
            "dl": jsonable(pooled_dl),
            "pm": jsonable(pooled_pm),
            "site_n": {s[0]: s[3] for s in sites},
        }
        progress(85, "figures")
        report["figures"]["forest"] = _figure(
            figures.forest_plot(pooled_dl, site_n={s[0]: s[3] for s in sites}, min_n=MIN_N)
        )
        if not _parts_safe([len(primary_frame) - pooled_n]):
            # Everyone with change (the outcome's n) minus the pooled sites' people would give
            # the number left out: the sites' head-counts are not shown then.
            report["pooling"]["site_n"] = None
            for row in report["figures"]["forest"]["table"]:
                row["n"] = None
            report["figures"]["forest"]["n"] = None
    else:
        report["pooling"] = {"note": "Pooling needs at least two sites with data."}
    progress(90, "figures")
    report["figures"]["trajectories"] = _figure(
        figures.trajectory_plot(
            long.dropna(subset=[primary]),
            outcome=primary,
            group="arm" if by_arm else None,
            min_n=MIN_N,
            outcome_label=_short_title(primary),
        )
    )
    trajectory_cells = report["figures"]["trajectories"]["table"]
    if "n_observations" in report["growth"] and any(r["n"] is None for r in trajectory_cells):
        # The model's observations are the trajectory cells added up: with one hidden, the
        # total minus the others would give it back.
        report["growth"]["n_observations"] = None
    # Retention is a share of everyone consenting, including those who never answered.
    enrolled: dict[Any, int] = dict(data.consenting_by_arm) if by_arm else {None: data.consenting}
    report["figures"]["retention"] = _figure(
        figures.retention_curve(
            long,
            group="arm" if by_arm else None,
            min_n=MIN_N,
            enrolled=enrolled,
        )
    )
    return report
