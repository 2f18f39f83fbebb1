"""Evaluate the screener on the Reddit C-SSRS development split, per user.

A user counts at a level when their highest-scoring post reaches it. The report prints only
aggregate shares, never post text: the data set is real people's words about suicide.

    python -m peerhaven.safety.screening.evaluate /work/shared/data/cssrs-reddit/dev.jsonl

``--half tune`` / ``--half check`` restrict to one of two fixed halves of the users (by a hash
of the user id), so rules tuned while looking at one half can be checked on the other.

The report has two tables: the rule stage alone (what runs by default), and rules plus the
optional learned stage (``PEERHAVEN_SCREENING_LEARNED=1``). The shipped model was trained on the
development split, so on that file the second table is in-sample; ``--cross-validate`` adds the
honest figure, from models retrained without each fold's users (threshold included). Each table
also counts how many invented everyday depression-community posts (none suicidal) reach
``ideation``: the false alarms a depression community would see.

Every run also reads two invented sets of short statements (``data/statements_dev.jsonl`` and
``data/statements_check.jsonl``, 200 each: 70 imminent, 70 ideation, 60 below — idioms,
negations, supportive replies, third person, recovery stories, near-misses), written blind by a
helper session that never saw the rules. Rules may be written from the development set only;
the check set is never read, so its figure is the honest one for phrasings nobody wrote a
rule for.

And two invented sets of what the screener must tell apart (``data/distinctions_dev.jsonl``,
``data/distinctions_check.jsonl``, 240 each, session 5): 30 texts in each of own risk,
obfuscated own risk, negation, idioms, supportive replies, quotations, third person and recovery
stories, written blind in the same way; same rule: develop on the first, never read the second.

``--labels FILE`` adds an organisation's own moderator-labelled posts (``peerhaven screen
--export-labels``): per post, the share judged at risk that the screener raised to
``ideation`` (recall) and the share judged not at risk that it raised (false alarms); with
``--cross-validate`` they also join the learned stage's training folds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from peerhaven.safety.screening import learned
from peerhaven.safety.screening.engine import screen_normalized
from peerhaven.safety.screening.normalize import normalize
from peerhaven.safety.screening.result import RiskLevel

LABELS = ("Supportive", "Indicator", "Ideation", "Behavior", "Attempt")
AT_RISK = ("Ideation", "Behavior", "Attempt")
TARGET_RECALL = 0.90
TARGET_FALSE_ALARM = 0.20


def user_half(user: str) -> str:
    """Assign a user to the fixed "tune" or "check" half."""
    digest = hashlib.sha256(user.encode("utf-8")).digest()
    return "tune" if digest[0] % 2 == 0 else "check"


def _stage_name(model: Any, statements: Any) -> str:
    return "+".join(
        ["rules"]
        + (["statements"] if statements is not None else [])
        + (["learned"] if model else [])
    )


def evaluate(
    path: str | Path,
    half: str | None = None,
    model: learned.LearnedModel | None = None,
    statements: learned.LearnedModel | None = None,
) -> dict[str, Any]:
    """Screen every post of every user in ``path`` (JSON lines) and return per-label shares.

    ``model`` is the learned stage to add to the rules (``None``: the rules alone).
    """
    counts: Counter[str] = Counter()
    reached: dict[str, Counter[str]] = defaultdict(Counter)
    rule_users: dict[str, Counter[str]] = defaultdict(Counter)
    posts = 0
    started = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            user = str(row["user"])
            if half is not None and user_half(user) != half:
                continue
            label = str(row["label"])
            best = RiskLevel.NONE
            fired: set[str] = set()
            for post in row.get("posts", []):
                posts += 1
                result = screen_normalized(normalize(str(post)), model, statements)
                best = max(best, result.level)
                fired.update(e.rule for e in result.evidence if e.level >= RiskLevel.IDEATION)
            counts[label] += 1
            for level in RiskLevel:
                if best >= level:
                    reached[label][level.label] += 1
            for rule in fired:
                rule_users[label][rule] += 1
    elapsed = time.perf_counter() - started
    community = learned.community_posts()
    community_hits = sum(
        screen_normalized(normalize(text), model, statements).level >= RiskLevel.IDEATION
        for text in community
    )

    per_label: dict[str, dict[str, Any]] = {}
    for label in [*LABELS, *sorted(set(counts) - set(LABELS))]:
        n = counts[label]
        if n == 0:
            continue
        per_label[label] = {
            "users": n,
            "concern_or_above": reached[label]["concern"] / n,
            "ideation_or_above": reached[label]["ideation"] / n,
            "imminent": reached[label]["imminent"] / n,
        }
    at_risk_n = sum(counts[label] for label in AT_RISK)
    at_risk_hit = sum(reached[label]["ideation"] for label in AT_RISK)
    supportive = per_label.get("Supportive", {})
    return {
        "path": str(path),
        "half": half or "all",
        "stage": _stage_name(model, statements),
        "community_posts": len(community),
        "community_at_ideation": community_hits,
        "users": sum(counts.values()),
        "posts": posts,
        "seconds": round(elapsed, 2),
        "per_label": per_label,
        "at_risk_ideation_or_above": at_risk_hit / at_risk_n if at_risk_n else 0.0,
        "supportive_false_alarm": supportive.get("ideation_or_above", 0.0),
        "targets": {"at_risk_recall": TARGET_RECALL, "supportive_false_alarm": TARGET_FALSE_ALARM},
        "rules_by_label": {k: dict(v.most_common()) for k, v in rule_users.items()},
        "statements": evaluate_statements(model, statements),
        "distinctions": evaluate_distinctions(model, statements),
    }


def evaluate_labels(
    path: str | Path,
    model: learned.LearnedModel | None = None,
    statements: learned.LearnedModel | None = None,
) -> dict[str, Any]:
    """Per post: how the screener reads an organisation's moderator-labelled posts."""
    tally: dict[str, Counter[str]] = {"at_risk": Counter(), "no_risk": Counter()}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            label = str(row["label"])
            if label not in tally:
                raise ValueError(f"unknown label {label!r} in {path}")
            level = screen_normalized(normalize(str(row["text"])), model, statements).level
            tally[label]["posts"] += 1
            for step in RiskLevel:
                if level >= step:
                    tally[label][step.label] += 1
    return {
        "path": str(path),
        "stage": _stage_name(model, statements),
        "labels": {
            label: {
                "posts": c["posts"],
                "concern_or_above": c["concern"] / c["posts"] if c["posts"] else 0.0,
                "ideation_or_above": c["ideation"] / c["posts"] if c["posts"] else 0.0,
            }
            for label, c in tally.items()
        },
    }


def format_labels(report: dict[str, Any]) -> str:
    lines = [
        "",
        f"Moderator-labelled community posts ({report['stage']}), per post:",
        "",
        "| label | posts | ≥ concern | ≥ ideation |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, row in report["labels"].items():
        lines.append(
            f"| {label} | {row['posts']} | {_pct(row['concern_or_above'])} "
            f"| {_pct(row['ideation_or_above'])} |"
        )
    return "\n".join(lines)


STATEMENTS = {
    "development": Path(__file__).with_name("data") / "statements_dev.jsonl",
    "check": Path(__file__).with_name("data") / "statements_check.jsonl",
}


def _screened_rows(
    path: Path, model: learned.LearnedModel | None, statements: learned.LearnedModel | None
) -> Iterator[tuple[dict[str, Any], RiskLevel]]:
    """Each row of an invented JSON-lines set, with the level the screener gives its text."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                yield row, screen_normalized(normalize(str(row["text"])), model, statements).level


def evaluate_statements(
    model: learned.LearnedModel | None = None, statements: learned.LearnedModel | None = None
) -> dict[str, Any]:
    """Per invented statement: risk ones at ≥ ideation (and imminent ones at imminent), and
    the ones below ideation that the screener raised."""
    out: dict[str, Any] = {}
    for name, path in STATEMENTS.items():
        tally: Counter[str] = Counter()
        for row, level in _screened_rows(path, model, statements):
            expected = str(row["expected"])
            tally[expected] += 1
            tally[f"{expected}_raised"] += level >= RiskLevel.IDEATION
            tally[f"{expected}_exact"] += level == RiskLevel.IMMINENT
        risk = tally["imminent"] + tally["ideation"]
        out[name] = {
            "risk_statements": risk,
            "risk_at_ideation_or_above": (tally["imminent_raised"] + tally["ideation_raised"])
            / risk
            if risk
            else 0.0,
            "imminent_statements": tally["imminent"],
            "imminent_at_imminent": tally["imminent_exact"] / tally["imminent"]
            if tally["imminent"]
            else 0.0,
            "below_statements": tally["below"],
            "below_raised": tally["below_raised"],
        }
    return out


def format_statements(report: dict[str, Any]) -> str:
    lines = ["", "Invented statements written blind (per statement):", ""]
    lines += [
        "| set | risk statements at ≥ ideation | imminent ones at imminent | below raised |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, row in report.items():
        lines.append(
            f"| {name} | {_pct(row['risk_at_ideation_or_above'])} of {row['risk_statements']} "
            f"| {_pct(row['imminent_at_imminent'])} of {row['imminent_statements']} "
            f"| {row['below_raised']} of {row['below_statements']} |"
        )
    return "\n".join(lines)


DISTINCTIONS = {
    "development": Path(__file__).with_name("data") / "distinctions_dev.jsonl",
    "check": Path(__file__).with_name("data") / "distinctions_check.jsonl",
}
CATEGORIES = (
    "own_risk",
    "obfuscated",
    "negation",
    "idiom",
    "supportive",
    "quoted",
    "third_person",
    "recovery",
)


def _meets(expected: str, level: RiskLevel) -> bool:
    """Whether a level is what an invented text's expectation asks for."""
    if expected == "below":
        return level < RiskLevel.IDEATION
    if expected == "past":  # a recovery story: above none, below imminent
        return RiskLevel.CONCERN <= level < RiskLevel.IMMINENT
    if expected == "ideation":
        return level >= RiskLevel.IDEATION
    return level == RiskLevel.IMMINENT


def evaluate_distinctions(
    model: learned.LearnedModel | None = None, statements: learned.LearnedModel | None = None
) -> dict[str, Any]:
    """Per category of what the screener must tell apart (own risk, obfuscation, negation,
    idioms, supportive replies, quotations, third person, recovery stories): the share of
    invented texts whose level is what the category asks, and for the risk categories the
    share at ≥ ideation."""
    out: dict[str, Any] = {}
    for name, path in DISTINCTIONS.items():
        met: Counter[str] = Counter()
        total: Counter[str] = Counter()
        raised: Counter[str] = Counter()
        for row, level in _screened_rows(path, model, statements):
            category = str(row["category"])
            total[category] += 1
            met[category] += _meets(str(row["expected"]), level)
            raised[category] += level >= RiskLevel.IDEATION
        out[name] = {
            category: {
                "texts": total[category],
                "as_expected": met[category] / total[category] if total[category] else 0.0,
                "at_ideation_or_above": raised[category] / total[category]
                if total[category]
                else 0.0,
            }
            for category in CATEGORIES
        }
        out[name]["all"] = {
            "texts": sum(total.values()),
            "as_expected": sum(met.values()) / sum(total.values()) if total else 0.0,
            "at_ideation_or_above": sum(raised.values()) / sum(total.values()) if total else 0.0,
        }
    return out


_DISTINCTION_ASKS = {
    "own_risk": "≥ ideation; imminent when a method, plan or act is named",
    "obfuscated": "same, through leetspeak, spacing, look-alikes, misspellings, slang",
    "negation": "below ideation",
    "idiom": "below ideation",
    "supportive": "below ideation",
    "quoted": "below ideation",
    "third_person": "below ideation",
    "recovery": "concern or ideation (past, not none, not imminent)",
    "all": "",
}


def format_distinctions(report: dict[str, Any]) -> str:
    names = list(report)
    lines = ["", "What the screener must tell apart, invented texts written blind (per text):", ""]
    lines += [
        "| category | asks | " + " | ".join(f"{n}: as asked (≥ ideation)" for n in names) + " |",
        "| --- | --- | " + " | ".join("---:" for _ in names) + " |",
    ]
    for category in (*CATEGORIES, "all"):
        cells = [
            f"{_pct(report[n][category]['as_expected'])} "
            f"({_pct(report[n][category]['at_ideation_or_above'])}) "
            f"of {report[n][category]['texts']}"
            for n in names
        ]
        lines.append(f"| {category} | {_DISTINCTION_ASKS[category]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def format_report(report: dict[str, Any]) -> str:
    """Render ``evaluate``'s result as a markdown table plus the two target lines."""
    lines = [
        f"Screener: {report['stage']}. Users: {report['users']} ({report['half']}), "
        f"posts: {report['posts']}, {report['seconds']} s",
        "",
        "| label | users | ≥ concern | ≥ ideation | imminent |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label, row in report["per_label"].items():
        lines.append(
            f"| {label} | {row['users']} | {_pct(row['concern_or_above'])} | "
            f"{_pct(row['ideation_or_above'])} | {_pct(row['imminent'])} |"
        )
    targets = report["targets"]
    recall = report["at_risk_ideation_or_above"]
    false_alarm = report["supportive_false_alarm"]
    lines += [
        "",
        f"- Ideation/Behavior/Attempt users at ≥ ideation: {_pct(recall)} "
        f"(target ≥ {_pct(targets['at_risk_recall'])}: "
        f"{'met' if recall >= targets['at_risk_recall'] else 'NOT met'})",
        f"- Supportive users at ≥ ideation (false alarms): {_pct(false_alarm)} "
        f"(target ≤ {_pct(targets['supportive_false_alarm'])}: "
        f"{'met' if false_alarm <= targets['supportive_false_alarm'] else 'NOT met'})",
        f"- Invented everyday depression-community posts at ≥ ideation: "
        f"{report['community_at_ideation']} of {report['community_posts']}",
    ]
    if report.get("statements"):
        lines.append(format_statements(report["statements"]))
    if report.get("distinctions"):
        lines.append(format_distinctions(report["distinctions"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("path", help="JSON lines: {user, label, posts}")
    parser.add_argument("--half", choices=("tune", "check"), default=None)
    parser.add_argument("--json", action="store_true", help="print the raw result as JSON")
    parser.add_argument(
        "--cross-validate",
        action="store_true",
        help="also retrain the learned stage per fold and report users it never saw",
    )
    parser.add_argument(
        "--labels", help="moderator-labelled community posts (peerhaven screen --export-labels)"
    )
    args = parser.parse_args(argv)
    # Rules alone; the default (rules and the statement stage); and with the optional learned
    # stage as well, when its model is shipped.
    statements = learned.load(str(learned.STATEMENTS_MODEL_PATH))
    shipped = learned.load(str(learned.model_path()))  # the operator's own model when set
    stages: list[tuple[learned.LearnedModel | None, learned.LearnedModel | None]] = [(None, None)]
    if statements is not None:
        stages.append((None, statements))
    if shipped is not None:
        stages.append((shipped, statements))
    reports = [evaluate(args.path, half=args.half, model=m, statements=s) for m, s in stages]
    cv: dict[str, Any] | None = None
    if args.cross_validate:
        from peerhaven.safety.screening import train

        users = train.load_users(args.path)
        if args.labels:
            users += train.load_labels(args.labels)
        cv = train.cross_validate(users, train.DEFAULT_FALSE_ALARM)
    labelled = []
    if args.labels:
        labelled = [evaluate_labels(args.labels, m, s) for m, s in stages]
    if args.json:
        print(
            json.dumps({"reports": reports, "cross_validation": cv, "labels": labelled}, indent=2)
        )
        return 0
    for report in reports:
        print(_HEADINGS.get(report["stage"], ""))
        print(format_report(report))
    for report in labelled:
        print(format_labels(report))
    if cv is not None:
        print(format_cross_validation(cv))
    return 0


_HEADINGS = {
    "rules": "What runs by default: the rules alone.\n",
    "rules+statements": (
        "\nWith the optional statement stage (PEERHAVEN_SCREENING_STATEMENTS=1; short texts;"
        " trained on invented statements only, the development statements among them, so every"
        " other figure here is held out from it; off by default because it raises everyday"
        " short chat, see docs/safety.md):\n"
    ),
    "rules+statements+learned": (
        "\nPlus the optional learned stage (off unless PEERHAVEN_SCREENING_LEARNED=1). It was"
        " trained on the development split: on that file this table is in-sample (use"
        " --cross-validate for the held-out figure).\n"
    ),
}


def format_cross_validation(cv: dict[str, Any]) -> str:
    """Render ``train.cross_validate``'s result."""
    lines = [
        "",
        f"Cross-validated rules + learned stage ({cv['folds']} folds by user, thresholds chosen "
        "inside each fold; every user scored by a model that never saw them):",
        "",
        "| label | ≥ ideation |",
        "| --- | ---: |",
    ]
    for label, share in cv["ideation_or_above_by_label"].items():
        lines.append(f"| {label} | {_pct(share)} |")
    lines += [
        "",
        f"- Ideation/Behavior/Attempt users at ≥ ideation: {_pct(cv['at_risk_recall'])} "
        f"(rules alone {_pct(cv['rules_alone']['at_risk_recall'])})",
        f"- Supportive users at ≥ ideation: {_pct(cv['supportive_false_alarm'])} "
        f"(rules alone {_pct(cv['rules_alone']['supportive_false_alarm'])})",
    ]
    community = cv.get("community_posts", {})
    if community.get("no_risk") or community.get("at_risk"):
        lines.append(
            f"- Community posts judged not at risk raised to ideation: "
            f"{community['no_risk_raised']} of {community['no_risk']}; judged at risk: "
            f"{community['at_risk_raised']} of {community['at_risk']}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
