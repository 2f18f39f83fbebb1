"""Vectorised scoring of many mentees against many mentors.

``MentorIndex`` turns a list of mentors into arrays once; scoring a mentee is then a handful of
matrix products. The arithmetic mirrors ``scoring.py`` operation for operation, so the scores
are the same floating-point numbers (tests compare them).

Availability without losing minutes: instead of an hour-by-hour bitmap (which would round
India's +5:30 or Nepal's +5:45 and half-hour windows), the week is cut at every minute where
some mentor's free time starts or ends. Each mentor is free for the whole of a segment or none
of it, so a mentor is a 0/1 row over segments, a mentee is the number of their free minutes in
each segment, and their overlap is an exact dot product. Real availability uses a 15- or
30-minute grid, which gives at most 672 segments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from .availability import MINUTES_PER_DAY, MINUTES_PER_WEEK, utc_intervals, utc_offset_minutes
from .profiles import DEFAULT_WEIGHTS, MatchWeights, MenteeIntake, MentorProfile

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_NOT_ASKED = -2
_UNKNOWN = -1  # asked for / has a value that no mentor in the index has


def _vocab(values: Iterable[str]) -> dict[str, int]:
    return {v: i for i, v in enumerate(sorted(set(values)))}


def _indicator(rows: Sequence[Iterable[str]], vocab: dict[str, int]) -> FloatArray:
    out = np.zeros((len(rows), len(vocab)), dtype=np.float64)
    for r, values in enumerate(rows):
        cols = [vocab[v] for v in values if v in vocab]
        out[r, cols] = 1.0
    return out


@dataclass(frozen=True)
class MenteeBatch:
    """Mentee-side arrays aligned to one ``MentorIndex``'s vocabularies and segments."""

    intakes: tuple[MenteeIntake, ...]
    ids: IntArray
    plain_tags: FloatArray
    priority_tags: FloatArray
    n_plain: FloatArray
    n_priority: FloatArray
    languages: FloatArray
    preferred_languages: FloatArray
    asks_language: IntArray
    gender: IntArray
    age_band: IntArray
    coverage: npt.NDArray[np.float32]
    utc_offset: IntArray
    forbidden: tuple[IntArray, ...]
    """Per mentee, the mentor rows ruled out by identity or a block in either direction."""

    def __len__(self) -> int:
        return len(self.intakes)


class MentorIndex:
    """Arrays describing mentors, sorted by mentor id (the tie-break order everywhere)."""

    def __init__(
        self,
        mentors: Iterable[MentorProfile],
        reference_monday: date = DEFAULT_WEIGHTS.reference_monday,
    ) -> None:
        self.mentors: tuple[MentorProfile, ...] = tuple(sorted(mentors, key=lambda m: m.id))
        self.reference_monday = reference_monday
        self.ids: IntArray = np.array([m.id for m in self.mentors], dtype=np.int64)
        if len(np.unique(self.ids)) != len(self.ids):
            raise ValueError("mentor ids must be unique")
        self.row_of: dict[int, int] = {m.id: r for r, m in enumerate(self.mentors)}
        n = len(self.mentors)

        self.capacity: IntArray = np.array([m.capacity for m in self.mentors], dtype=np.int64)
        self.load: IntArray = np.array([m.current_load for m in self.mentors], dtype=np.int64)
        self.free_places: IntArray = np.maximum(self.capacity - self.load, 0)
        # Mentor-side hard constraints, the same for every mentee.
        self.open: BoolArray = np.array(
            [m.training_current and not m.paused and m.current_load < m.capacity
             for m in self.mentors],
            dtype=np.bool_,
        )  # fmt: skip
        self.load_value: FloatArray = np.array(
            [1.0 - m.current_load / m.capacity if m.capacity > 0 else 0.0 for m in self.mentors],
            dtype=np.float64,
        )

        self.language_vocab = _vocab(lang for m in self.mentors for lang in m.languages)
        self.languages = _indicator([m.languages for m in self.mentors], self.language_vocab)
        self.tag_vocab = _vocab(t for m in self.mentors for t in m.experience_tags)
        self.tags = _indicator([m.experience_tags for m in self.mentors], self.tag_vocab)
        self.gender_vocab = _vocab(m.gender for m in self.mentors if m.gender is not None)
        self.gender: IntArray = np.array(
            [self.gender_vocab.get(m.gender, _UNKNOWN) if m.gender else _UNKNOWN
             for m in self.mentors],
            dtype=np.int64,
        )  # fmt: skip
        self.age_vocab = _vocab(m.age_band for m in self.mentors if m.age_band is not None)
        self.age_band: IntArray = np.array(
            [self.age_vocab.get(m.age_band, _UNKNOWN) if m.age_band else _UNKNOWN
             for m in self.mentors],
            dtype=np.int64,
        )  # fmt: skip
        self.utc_offset: IntArray = np.array(
            [utc_offset_minutes(m.time_zone, reference_monday) for m in self.mentors],
            dtype=np.int64,
        )

        intervals = [utc_intervals(m.availability, m.time_zone, reference_monday)
                     for m in self.mentors]  # fmt: skip
        cuts = {0, MINUTES_PER_WEEK}
        for mentor_intervals in intervals:
            for start, end in mentor_intervals:
                cuts.add(start)
                cuts.add(end)
        self.segment_bounds: IntArray = np.array(sorted(cuts), dtype=np.int64)
        n_segments = len(self.segment_bounds) - 1
        # +1/-1 at each interval's first and past-last segment; a running sum marks free ones.
        steps = np.zeros((n, n_segments + 1), dtype=np.int32)
        for r, mentor_intervals in enumerate(intervals):
            for start, end in mentor_intervals:
                steps[r, np.searchsorted(self.segment_bounds, start)] += 1
                steps[r, np.searchsorted(self.segment_bounds, end)] -= 1
        # float32 so the overlap is one BLAS product; sums of whole minutes up to 10,080 are
        # exact in float32 (below 2**24), whatever order BLAS adds them in.
        self.segments = (np.cumsum(steps, axis=1)[:, :n_segments] > 0).astype(np.float32)

        blocked: dict[int, list[int]] = {}
        for r, m in enumerate(self.mentors):
            for member_id in m.blocked_member_ids:
                blocked.setdefault(member_id, []).append(r)
        self.blocked_by_mentors: dict[int, IntArray] = {
            k: np.array(v, dtype=np.int64) for k, v in blocked.items()
        }

    def __len__(self) -> int:
        return len(self.mentors)

    # -- mentees ---------------------------------------------------------------------------

    def coverage(self, intake: MenteeIntake) -> npt.NDArray[np.float32]:
        """Free minutes of the mentee in each of the index's segments."""
        intervals = utc_intervals(intake.availability, intake.time_zone, self.reference_monday)
        if not intervals:
            return np.zeros(len(self.segment_bounds) - 1, dtype=np.float32)
        starts = np.array([s for s, _ in intervals], dtype=np.int64)
        lengths = np.array([e - s for s, e in intervals], dtype=np.int64)
        # Free minutes before each cut, then differences between consecutive cuts.
        before = np.clip(self.segment_bounds[:, None] - starts[None, :], 0, lengths[None, :])
        free: npt.NDArray[np.float32] = np.diff(before.sum(axis=1)).astype(np.float32)
        return free

    def batch(self, intakes: Sequence[MenteeIntake]) -> MenteeBatch:
        intakes = tuple(intakes)
        ref = self.reference_monday
        forbidden: list[IntArray] = []
        for intake in intakes:
            rows = [self.row_of[i] for i in intake.blocked_mentor_ids if i in self.row_of]
            if intake.id in self.row_of:
                rows.append(self.row_of[intake.id])
            from_mentors = self.blocked_by_mentors.get(intake.id)
            if from_mentors is not None:
                rows.extend(from_mentors.tolist())
            forbidden.append(np.array(sorted(set(rows)), dtype=np.int64))
        prefs = [i.preferences for i in intakes]
        plain = [i.tags_wanted - p.shared_experiences for i, p in zip(intakes, prefs, strict=True)]
        priority = [
            i.tags_wanted & p.shared_experiences for i, p in zip(intakes, prefs, strict=True)
        ]
        n_segments = len(self.segment_bounds) - 1
        coverage = (
            np.stack([self.coverage(i) for i in intakes])
            if intakes
            else np.zeros((0, n_segments), dtype=np.float32)
        )

        def ints(values: Iterable[int]) -> IntArray:
            return np.fromiter(values, dtype=np.int64, count=len(intakes))

        return MenteeBatch(
            intakes=intakes,
            ids=ints(i.id for i in intakes),
            plain_tags=_indicator(plain, self.tag_vocab),
            priority_tags=_indicator(priority, self.tag_vocab),
            n_plain=np.array([len(t) for t in plain], dtype=np.float64),
            n_priority=np.array([len(t) for t in priority], dtype=np.float64),
            languages=_indicator([i.languages for i in intakes], self.language_vocab),
            preferred_languages=_indicator(
                [p.preferred_languages for p in prefs], self.language_vocab
            ),
            asks_language=ints(int(bool(p.preferred_languages)) for p in prefs),
            gender=ints(self._code(p.preferred_gender, self.gender_vocab) for p in prefs),
            age_band=ints(self._code(p.preferred_age_band, self.age_vocab) for p in prefs),
            coverage=coverage,
            utc_offset=ints(utc_offset_minutes(i.time_zone, ref) for i in intakes),
            forbidden=tuple(forbidden),
        )

    @staticmethod
    def _code(value: str | None, vocab: dict[str, int]) -> int:
        if value is None:
            return _NOT_ASKED
        # -3 never equals a mentor's code, not even a mentor's "unknown" (-1).
        return vocab.get(value, -3)

    # -- scoring ---------------------------------------------------------------------------

    def score_block(
        self,
        batch: MenteeBatch,
        rows: npt.NDArray[np.intp] | slice,
        weights: MatchWeights = DEFAULT_WEIGHTS,
    ) -> tuple[FloatArray, BoolArray]:
        """Scores (0.0 where ineligible) and eligibility of ``batch[rows]`` x all mentors."""
        if weights.reference_monday != self.reference_monday:
            raise ValueError("weights.reference_monday differs from the index's")
        p = weights.priority_tag_weight
        # Shared experience: counts of shared plain and priority tags, then counts x weights.
        shared_plain = batch.plain_tags[rows] @ self.tags.T
        shared_priority = batch.priority_tags[rows] @ self.tags.T
        total = batch.n_plain[rows] + batch.n_priority[rows] * p
        covered = shared_plain + shared_priority * p
        shared = np.zeros_like(covered)
        np.divide(covered, total[:, None], out=shared, where=total[:, None] > 0)

        overlap = (batch.coverage[rows] @ self.segments.T).astype(np.float64)
        availability = np.minimum(overlap / (weights.availability_target_hours * 60.0), 1.0)

        # A few dozen distinct offsets exist: compute one row per offset, then look it up.
        offsets, which = np.unique(batch.utc_offset[rows], return_inverse=True)
        diff = (self.utc_offset[None, :] - offsets[:, None]) % MINUTES_PER_DAY
        distance = np.abs(np.where(diff > MINUTES_PER_DAY // 2, diff - MINUTES_PER_DAY, diff))
        time_zone = (1.0 - distance / (MINUTES_PER_DAY // 2))[which.reshape(-1)]

        gender = batch.gender[rows]
        age = batch.age_band[rows]
        asks_language = batch.asks_language[rows]
        asked = asks_language + (gender != _NOT_ASKED) + (age != _NOT_ASKED)
        language_met = (batch.preferred_languages[rows] @ self.languages.T) > 0
        met = (
            (language_met & (asks_language[:, None] > 0)).astype(np.int64)
            + (gender[:, None] == self.gender[None, :])
            + (age[:, None] == self.age_band[None, :])
        )
        preferences = np.ones(met.shape, dtype=np.float64)
        np.divide(met, asked[:, None], out=preferences, where=asked[:, None] > 0)

        w_shared, w_avail, w_tz, w_prefs, w_load = weights.normalised()
        score = w_shared * shared
        score = score + w_avail * availability
        score = score + w_tz * time_zone
        score = score + w_prefs * preferences
        score = score + w_load * self.load_value[None, :]

        eligible = self.open[None, :] & ((batch.languages[rows] @ self.languages.T) > 0)
        block_rows = range(len(batch))[rows] if isinstance(rows, slice) else rows
        for b, r in enumerate(block_rows):
            forbidden = batch.forbidden[int(r)]
            if forbidden.size:
                eligible[b, forbidden] = False
        score[~eligible] = 0.0
        return score, eligible

    def scores(
        self, intake: MenteeIntake, weights: MatchWeights = DEFAULT_WEIGHTS
    ) -> tuple[FloatArray, BoolArray]:
        """Scores and eligibility of one mentee against every mentor, in ``ids`` order."""
        score, eligible = self.score_block(self.batch([intake]), slice(0, 1), weights)
        return score[0], eligible[0]
