"""Train and cross-validate the learned stage on clinician-labelled users.

    python -m peerhaven.safety.screening.train DEV.jsonl --cross-validate
    python -m peerhaven.safety.screening.train DEV.jsonl \
        --out src/peerhaven/safety/screening/model/learned.json

``--cross-validate`` gives the honest figures: every user scored by a model that never saw them.

Posts inherit their user's label: Ideation/Behavior/Attempt posts are positive, Supportive and
Indicator posts negative. The decision threshold is chosen on out-of-fold scores so that at
most ``--false-alarm`` of Supportive users are raised to ``ideation`` by rules and model
together, with the highest at-risk recall (one threshold: two, for texts the rules rate
``none`` or ``concern``, overfitted the small folds and raised more false alarms).
Cross-validation repeats the whole procedure inside each outer fold, threshold included, and
scores only the fold's unseen users.

An organisation's own moderator decisions can be added with ``--labels FILE`` (the JSON lines
``peerhaven screen --export-labels`` writes, from members who consented): posts judged not at
risk become negatives of their own kind ("Community"), posts judged at risk positives, and the
threshold must then also keep the share of the community's not-at-risk posts raised to
``ideation`` at or under ``--community-false-alarm``. This is how the stage can learn what
everyday writing in *this* community looks like, which the Reddit data cannot teach.

``--statements FILES --out-statements PATH`` trains the statement stage instead: the same model
on invented short statements (``data/statements_dev.jsonl`` and ``data/statements_train/``,
each ``{"text", "expected": "imminent"|"ideation"|"below"}``), scoring texts of at most
``STATEMENT_MAX_TOKENS`` words. Its threshold comes from five-fold cross-validation on those
statements alone: the lowest at which at most ``--statement-false-alarm`` of the "below"
statements are raised (rules included). The check set (``data/statements_check.jsonl``), the
Reddit data and the community posts are never used to train or tune it, so they measure it.

Privacy: the model keeps only terms used by at least ``MIN_USERS`` different people (and no
digits), so no rare phrase of one person is carried in the file. No text is printed.
Needs NumPy and SciPy (already dependencies of the insights capability).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy import optimize, sparse

from peerhaven.safety.screening.engine import screen_rules
from peerhaven.safety.screening.learned import FORMAT, MIN_TOKENS, features, tokens
from peerhaven.safety.screening.normalize import normalize

AT_RISK = frozenset({"Ideation", "Behavior", "Attempt"})
# Pseudo-users built from an organisation's moderator-labelled posts (``load_labels``).
COMMUNITY = "Community"
COMMUNITY_AT_RISK = "CommunityAtRisk"
POSITIVE = AT_RISK | {COMMUNITY_AT_RISK}
NEGATIVE = frozenset({"Supportive", "Indicator", COMMUNITY})
DEFAULT_COMMUNITY_FALSE_ALARM = 0.05
STATEMENT_MAX_TOKENS = 30
# Session 8: one to four words ("it", "I don't know", "just do it") are function words the model
# cannot read; a test of 300 invented chat lines raised 3 of them without this floor, 1 with it.
STATEMENT_MIN_TOKENS = 5
DEFAULT_STATEMENT_FALSE_ALARM = 0.03
MIN_USERS = 5
DEFAULT_FALSE_ALARM = 0.17
C = 0.1
FOLDS = 5
INNER_FOLDS = 4
GRID = [round(0.50 + 0.025 * i, 3) for i in range(21)]


@dataclass
class User:
    id: str
    label: str
    posts: list[Counter[str]]
    rule_levels: list[int]
    # Whether each post is long enough for the learned stage to raise it.
    long_enough: list[bool]
    # The real person behind a pseudo-user (one author's posts of two labels are two
    # pseudo-users): counted once for the privacy floor and kept in one fold.
    person: str = ""

    @property
    def who(self) -> str:
        return self.person or self.id


def load_statements(paths: Sequence[str | Path]) -> list[User]:
    """Invented statements, each its own pseudo-person; only short ones may be raised."""
    users: list[User] = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for n, line in enumerate(handle):
                if not line.strip():
                    continue
                row = json.loads(line)
                label = COMMUNITY if row["expected"] == "below" else COMMUNITY_AT_RISK
                user = _user(f"{Path(path).stem}:{n}", label, [str(row["text"])])
                norm = normalize(str(row["text"]))
                user.long_enough = [len(tokens(norm.text)) <= STATEMENT_MAX_TOKENS]
                users.append(user)
    return users


def statement_threshold(users: Sequence[User], false_alarm: float, salt: str = "stmt") -> float:
    """Lowest threshold at which the model, out of fold, raises at most ``false_alarm`` of the
    "below" statements the rules left below ideation."""
    everyone = list(range(len(users)))
    probs: dict[int, np.ndarray] = {}
    for fold in folds(users, FOLDS, salt):
        held = set(fold)
        model = Model(users, [i for i in everyone if i not in held])
        for i in fold:
            probs[i] = model.predict(users[i].posts)
    below = [i for i in everyone if users[i].label == COMMUNITY]
    for threshold in GRID:
        # Only what the model adds counts: the rules' own false alarms are not its to fix.
        added = sum(
            1
            for i in below
            if users[i].rule_levels[0] < 2 and users[i].long_enough[0] and probs[i][0] >= threshold
        )
        if below and added / len(below) <= false_alarm:
            return threshold
    return 1.01


def train_statements(paths: Sequence[str | Path], false_alarm: float) -> dict[str, Any]:
    users = load_statements(paths)
    threshold = statement_threshold(users, false_alarm)
    data = Model(users, list(range(len(users)))).export()
    data["threshold"] = threshold
    data["min_tokens"] = STATEMENT_MIN_TOKENS
    data["max_tokens"] = STATEMENT_MAX_TOKENS
    data["meta"] = {
        "trained_on": "invented statements written blind: "
        + ", ".join(sorted(Path(p).name for p in paths)),
        "statements": len(users),
        "trained": datetime.now(UTC).date().isoformat(),
        "target_below_false_alarm": false_alarm,
        "min_users_per_term": MIN_USERS,
        "regularisation_C": C,
    }
    return data


def _user(uid: str, label: str, posts: Sequence[str], person: str = "") -> User:
    user = User(uid, label, [], [], [], person)
    for post in posts:
        norm = normalize(str(post))
        toks = tokens(norm.text)
        user.posts.append(features(toks))
        user.rule_levels.append(int(screen_rules(norm).level))
        user.long_enough.append(len(toks) >= MIN_TOKENS)
    return user


def load_users(path: str | Path) -> list[User]:
    users: list[User] = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            users.append(_user(str(row["user"]), str(row["label"]), row.get("posts", [])))
    return users


def load_labels(path: str | Path) -> list[User]:
    """Moderator-labelled posts (``{"text", "label": "at_risk"|"no_risk", "author"}`` lines).

    Each author's posts of one label become one pseudo-user; ``User.person`` keeps the author,
    so their posts stay in one fold and count as one person for the privacy floor.
    """
    grouped: dict[tuple[str, str], list[str]] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            label = {"at_risk": COMMUNITY_AT_RISK, "no_risk": COMMUNITY}.get(str(row["label"]))
            if label is None:
                raise ValueError(f"unknown label {row['label']!r} in {path}")
            grouped.setdefault((str(row.get("author", "")), label), []).append(str(row["text"]))
    return [
        _user(f"{author}:{label}", label, texts, person=author)
        for (author, label), texts in grouped.items()
    ]


def folds(users: Sequence[User], k: int, salt: str) -> list[list[int]]:
    """Deterministic folds, stratified by label: users of a label dealt round-robin by hash.

    A person seen before (their posts of another label) joins the fold they are already in.
    """
    out: list[list[int]] = [[] for _ in range(k)]
    by_label: dict[str, list[int]] = {}
    for i, user in enumerate(users):
        by_label.setdefault(user.label, []).append(i)
    placed: dict[str, int] = {}
    for label in sorted(by_label):
        members = by_label[label]
        members.sort(key=lambda i: hashlib.sha256(f"{salt}:{users[i].who}".encode()).digest())
        n = 0
        for i in members:
            fold = placed.get(users[i].who)
            if fold is None:
                fold = placed[users[i].who] = n % k
                n += 1
            out[fold].append(i)
    return out


class Model:
    """TF-IDF vocabulary plus logistic-regression weights, trained on some users' posts."""

    def __init__(self, users: Sequence[User], idx: Sequence[int]) -> None:
        df: Counter[str] = Counter()
        user_df: Counter[str] = Counter()
        n_docs = 0
        seen_by: dict[str, set[str]] = {}
        for i in idx:
            seen = seen_by.setdefault(users[i].who, set())
            for counts in users[i].posts:
                df.update(counts.keys())
                seen.update(counts.keys())
                n_docs += 1
        for seen in seen_by.values():
            user_df.update(seen)
        vocab = sorted(
            t for t, n in user_df.items() if n >= MIN_USERS and not any(c.isdigit() for c in t)
        )
        self.index = {t: j for j, t in enumerate(vocab)}
        self.idf = np.array([math.log((1 + n_docs) / (1 + df[t])) + 1.0 for t in vocab])
        rows: list[Counter[str]] = []
        y: list[int] = []
        for i in idx:
            label = users[i].label
            if label in POSITIVE:
                target = 1
            elif label in NEGATIVE:
                target = 0
            else:
                continue
            rows.extend(users[i].posts)
            y.extend([target] * len(users[i].posts))
        x = self.matrix(rows)
        self.w, self.b = _fit_logistic(x, np.array(y, dtype=float))

    def matrix(self, rows: Sequence[Counter[str]]) -> sparse.csr_matrix:
        data: list[float] = []
        cols: list[int] = []
        ptr = [0]
        for counts in rows:
            for term, n in counts.items():
                j = self.index.get(term)
                if j is not None:
                    cols.append(j)
                    data.append((1.0 + math.log(n)) * self.idf[j])
            ptr.append(len(cols))
        x = sparse.csr_matrix((data, cols, ptr), shape=(len(rows), len(self.index)))
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ x)

    def predict(self, rows: Sequence[Counter[str]]) -> np.ndarray:
        z = self.matrix(rows) @ self.w + self.b
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))

    def export(self) -> dict[str, Any]:
        terms = sorted(self.index, key=self.index.__getitem__)
        return {
            "format": FORMAT,
            "features": {
                t: [round(float(self.idf[j]), 6), round(float(self.w[j]), 6)]
                for j, t in enumerate(terms)
            },
            "intercept": round(float(self.b), 6),
        }


def _fit_logistic(x: sparse.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression with balanced class weights (L-BFGS)."""
    n_pos = y.sum()
    n_neg = len(y) - n_pos
    sw = np.where(y == 1, len(y) / (2 * max(n_pos, 1)), len(y) / (2 * max(n_neg, 1)))
    d = x.shape[1]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:d], theta[d]
        z = x @ w + b
        # log(1 + exp(-s z)) with s = ±1, computed stably
        s = 2 * y - 1
        m = -s * z
        ll = np.logaddexp(0, m)
        f = 0.5 * float(w @ w) + C * float(sw @ ll)
        g_z = C * sw * (-s) * (1.0 / (1.0 + np.exp(-m)))
        grad = np.concatenate([w + x.T @ g_z, [g_z.sum()]])
        return f, grad

    result = optimize.minimize(
        loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", options={"maxiter": 2000}
    )
    return result.x[:d], float(result.x[d])


def _user_hits(
    users: Sequence[User], idx: Sequence[int], probs: dict[int, np.ndarray], threshold: float
) -> dict[int, bool]:
    out: dict[int, bool] = {}
    for i in idx:
        user = users[i]
        out[i] = any(
            lv >= 2 or (ok and pi >= threshold)
            for lv, ok, pi in zip(user.rule_levels, user.long_enough, probs[i], strict=True)
        )
    return out


def _rates(users: Sequence[User], hits: dict[int, bool]) -> tuple[float, float]:
    at = [hits[i] for i in hits if users[i].label in AT_RISK]
    sup = [hits[i] for i in hits if users[i].label == "Supportive"]
    return (
        sum(at) / len(at) if at else 0.0,
        sum(sup) / len(sup) if sup else 0.0,
    )


def _post_hits(
    users: Sequence[User],
    idx: Sequence[int],
    probs: dict[int, np.ndarray],
    threshold: float,
    label: str,
) -> tuple[int, int]:
    """(posts raised to ideation, posts) among ``label`` users: community figures are per post."""
    raised = total = 0
    for i in idx:
        user = users[i]
        if user.label != label:
            continue
        for lv, ok, pi in zip(user.rule_levels, user.long_enough, probs[i], strict=True):
            total += 1
            raised += int(lv >= 2 or bool(ok and pi >= threshold))
    return raised, total


def choose_threshold(
    users: Sequence[User],
    idx: Sequence[int],
    false_alarm: float,
    salt: str,
    community_false_alarm: float = DEFAULT_COMMUNITY_FALSE_ALARM,
) -> float:
    """Threshold from out-of-fold scores of ``idx``: best recall with Supportive ≤ target.

    With community labels, the share of not-at-risk community posts raised must also stay at
    or under ``community_false_alarm``. 1.01 (never raise) when the rules alone already exceed
    a target on these users.
    """
    probs: dict[int, np.ndarray] = {}
    for fold in folds([users[i] for i in idx], INNER_FOLDS, salt):
        held = [idx[j] for j in fold]
        held_set = set(held)
        model = Model(users, [i for i in idx if i not in held_set])
        for i in held:
            probs[i] = model.predict(users[i].posts) if users[i].posts else np.zeros(0)
    best = (-1.0, 1.01)
    for threshold in GRID:
        recall, fa = _rates(users, _user_hits(users, idx, probs, threshold))
        raised, total = _post_hits(users, idx, probs, threshold, COMMUNITY)
        if total and raised / total > community_false_alarm:
            continue
        if fa <= false_alarm and recall > best[0]:
            best = (recall, threshold)
    return best[1]


def cross_validate(
    users: Sequence[User],
    false_alarm: float,
    community_false_alarm: float = DEFAULT_COMMUNITY_FALSE_ALARM,
) -> dict[str, Any]:
    hits: dict[int, bool] = {}
    thresholds: list[float] = []
    community = {COMMUNITY: [0, 0], COMMUNITY_AT_RISK: [0, 0]}
    for n, fold in enumerate(folds(users, FOLDS, "outer")):
        held = set(fold)
        train = [i for i in range(len(users)) if i not in held]
        threshold = choose_threshold(users, train, false_alarm, f"inner{n}", community_false_alarm)
        thresholds.append(threshold)
        model = Model(users, train)
        probs = {i: model.predict(users[i].posts) for i in fold if users[i].posts}
        for i in fold:
            probs.setdefault(i, np.zeros(0))
        hits.update(_user_hits(users, fold, probs, threshold))
        for label, tally in community.items():
            raised, total = _post_hits(users, fold, probs, threshold, label)
            tally[0] += raised
            tally[1] += total
    per_label: dict[str, float] = {}
    for label in ("Supportive", "Indicator", "Ideation", "Behavior", "Attempt"):
        members = [hits[i] for i in hits if users[i].label == label]
        if members:
            per_label[label] = sum(members) / len(members)
    rule_hits = {i: any(lv >= 2 for lv in users[i].rule_levels) for i in range(len(users))}
    recall, fa = _rates(users, hits)
    rule_recall, rule_fa = _rates(users, rule_hits)
    return {
        "users": len(users),
        "folds": FOLDS,
        "thresholds_per_fold": thresholds,
        "ideation_or_above_by_label": per_label,
        "at_risk_recall": recall,
        "supportive_false_alarm": fa,
        "rules_alone": {"at_risk_recall": rule_recall, "supportive_false_alarm": rule_fa},
        # Per post, from the organisation's own labels (zero without ``--labels``).
        "community_posts": {
            "no_risk": community[COMMUNITY][1],
            "no_risk_raised": community[COMMUNITY][0],
            "at_risk": community[COMMUNITY_AT_RISK][1],
            "at_risk_raised": community[COMMUNITY_AT_RISK][0],
        },
    }


def train(
    users: Sequence[User],
    false_alarm: float,
    community_false_alarm: float = DEFAULT_COMMUNITY_FALSE_ALARM,
) -> dict[str, Any]:
    everyone = list(range(len(users)))
    threshold = choose_threshold(users, everyone, false_alarm, "final", community_false_alarm)
    model = Model(users, everyone)
    data = model.export()
    data["threshold"] = threshold
    data["meta"] = {
        "trained_on": "Reddit C-SSRS development split (300 users), posts labelled by their user",
        "trained": datetime.now(UTC).date().isoformat(),
        "target_supportive_false_alarm": false_alarm,
        "min_users_per_term": MIN_USERS,
        "regularisation_C": C,
        "community_labelled_posts": sum(
            len(u.posts) for u in users if u.label in (COMMUNITY, COMMUNITY_AT_RISK)
        ),
        "target_community_false_alarm": community_false_alarm,
    }
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("path", nargs="?", help="Reddit C-SSRS users (JSON lines)")
    parser.add_argument("--out", help="write the trained model here")
    parser.add_argument("--cross-validate", action="store_true")
    parser.add_argument("--false-alarm", type=float, default=DEFAULT_FALSE_ALARM)
    parser.add_argument(
        "--labels", help="moderator-labelled community posts (peerhaven screen --export-labels)"
    )
    parser.add_argument(
        "--community-false-alarm", type=float, default=DEFAULT_COMMUNITY_FALSE_ALARM
    )
    parser.add_argument("--statements", help="comma-separated statement files (statement stage)")
    parser.add_argument("--out-statements", help="write the statement stage's model here")
    parser.add_argument(
        "--statement-false-alarm", type=float, default=DEFAULT_STATEMENT_FALSE_ALARM
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.statements:
        data = train_statements(args.statements.split(","), args.statement_false_alarm)
        target = args.out_statements or "statements.json"
        with open(target, "w", encoding="utf-8") as handle:
            json.dump(data, handle, separators=(",", ":"), sort_keys=True)
        print(
            f"wrote {target}: {len(data['features'])} terms, threshold {data['threshold']}",
            file=sys.stderr,
        )
        if not args.path:
            return 0
    if not args.path:
        parser.error("give the Reddit data path, or --statements")
    users = load_users(args.path)
    if args.labels:
        users += load_labels(args.labels)
    if args.cross_validate:
        report = cross_validate(users, args.false_alarm, args.community_false_alarm)
        report["seconds"] = round(time.perf_counter() - started, 1)
        print(json.dumps(report, indent=2))
    if args.out:
        data = train(users, args.false_alarm, args.community_false_alarm)
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as handle:
            json.dump(data, handle, separators=(",", ":"), sort_keys=True)
        print(
            f"wrote {args.out}: {len(data['features'])} terms, threshold {data['threshold']}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
