"""Compatibility of one mentor with one mentee: hard constraints, then a weighted score.

"The match is the intervention: shared experience is what makes the support land." Shared
lived experience therefore carries the largest default weight; the other components make sure
the two people can actually meet, talk and keep going.

Every component value is in [0, 1]; the score is ``sum(weight_c * value_c) / sum(weight_c)``.
The arithmetic here is mirrored operation for operation by the vectorised ``MentorIndex``,
so both give the same floating-point score (tests check this).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from .availability import (
    MINUTES_PER_DAY,
    clock_difference_minutes,
    overlap_minutes,
    utc_intervals,
    utc_offset_minutes,
)
from .profiles import (
    COMPONENT_NAMES,
    DEFAULT_WEIGHTS,
    Component,
    MatchExplanation,
    MatchWeights,
    MenteeIntake,
    MentorProfile,
)

HALF_DAY_MINUTES = MINUTES_PER_DAY // 2


def ineligibility_reasons(intake: MenteeIntake, mentor: MentorProfile) -> list[str]:
    """Hard constraints that the pair breaks; empty when the pair may be matched."""
    reasons: list[str] = []
    if mentor.id == intake.id:
        reasons.append("the mentor is the mentee themself")
    if not mentor.training_current:
        reasons.append("the mentor's training is not current")
    if mentor.paused:
        reasons.append("the mentor has paused mentoring")
    if mentor.current_load >= mentor.capacity:
        reasons.append(
            f"the mentor has no free place (mentoring {mentor.current_load} of {mentor.capacity})"
        )
    if not (intake.languages & mentor.languages):
        reasons.append("they share no language")
    # Who blocked whom is not said: the reason may be shown to staff who need not know.
    if intake.id in mentor.blocked_member_ids or mentor.id in intake.blocked_mentor_ids:
        reasons.append("one of them has blocked the other")
    return reasons


def is_eligible(intake: MenteeIntake, mentor: MentorProfile) -> bool:
    return not ineligibility_reasons(intake, mentor)


def _hours(minutes: float) -> str:
    hours = minutes / 60
    text = f"{hours:.2f}".rstrip("0").rstrip(".")
    return f"{text} hour" if text == "1" else f"{text} hours"


def _list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _quoted(tags: AbstractSet[str]) -> str:
    return _list([f"'{t}'" for t in sorted(tags)])


def shared_experience_value(
    intake: MenteeIntake, mentor: MentorProfile, weights: MatchWeights
) -> tuple[float, str]:
    priority = intake.preferences.shared_experiences
    wanted = intake.tags_wanted
    shared = wanted & mentor.experience_tags
    n_plain = len(wanted - priority)
    n_priority = len(wanted & priority)
    shared_plain = len(shared - priority)
    shared_priority = len(shared & priority)
    # Written as counts times weights (not a sum over tags) so the vectorised path matches.
    total = n_plain + n_priority * weights.priority_tag_weight
    covered = shared_plain + shared_priority * weights.priority_tag_weight
    if total <= 0:
        return 0.0, ("You did not name experiences to match on, so this part gives every mentor 0.")
    value = covered / total
    if not shared:
        return value, f"Shares none of the {len(wanted)} experiences you named."
    text = f"Has lived experience of {len(shared)} of the {len(wanted)} things you named: "
    text += _quoted(shared) + "."
    if shared_priority:
        verb = "is" if shared_priority == 1 else "are"
        text += f" {_quoted(shared & priority)} {verb} among what you said matters most."
    missed_priority = priority - mentor.experience_tags
    if missed_priority:
        text += f" Does not share {_quoted(missed_priority)}."
    return value, text


def availability_value(
    intake: MenteeIntake, mentor: MentorProfile, weights: MatchWeights
) -> tuple[float, str, int]:
    ref = weights.reference_monday
    minutes = overlap_minutes(
        utc_intervals(intake.availability, intake.time_zone, ref),
        utc_intervals(mentor.availability, mentor.time_zone, ref),
    )
    target = weights.availability_target_hours * 60.0
    value = min(minutes / target, 1.0)
    if minutes == 0:
        text = (
            "Your free times do not overlap in a usual week; you would need to agree other "
            "times or keep in touch by messages."
        )
    else:
        text = (
            f"You are both free for {_hours(minutes)} a week; "
            f"{_hours(target)} or more counts in full."
        )
    return value, text, minutes


def time_zone_value(
    intake: MenteeIntake, mentor: MentorProfile, weights: MatchWeights
) -> tuple[float, str]:
    ref = weights.reference_monday
    diff = clock_difference_minutes(
        utc_offset_minutes(intake.time_zone, ref), utc_offset_minutes(mentor.time_zone, ref)
    )
    distance = abs(diff)
    value = 1.0 - distance / HALF_DAY_MINUTES
    if distance == 0:
        text = "Their clock shows the same time as yours."
    else:
        side = "ahead of" if diff > 0 else "behind"
        text = f"Their clock is {_hours(distance)} {side} yours."
    return value, text


def preferences_value(intake: MenteeIntake, mentor: MentorProfile) -> tuple[float, str]:
    prefs = intake.preferences
    met: list[str] = []
    missed: list[str] = []
    if prefs.preferred_languages:
        common = sorted(prefs.preferred_languages & mentor.languages)
        if common:
            met.append(f"language ({_list(common)})")
        else:
            missed.append(f"language ({_list(sorted(prefs.preferred_languages))})")
    if prefs.preferred_gender is not None:
        if mentor.gender == prefs.preferred_gender:
            met.append(f"gender ({prefs.preferred_gender})")
        else:
            missed.append(f"gender ({prefs.preferred_gender})")
    if prefs.preferred_age_band is not None:
        if mentor.age_band == prefs.preferred_age_band:
            met.append(f"age band ({prefs.preferred_age_band})")
        else:
            missed.append(f"age band ({prefs.preferred_age_band})")
    asked = len(met) + len(missed)
    if asked == 0:
        return 1.0, "You did not ask for a language, gender or age band, so none is missed."
    value = len(met) / asked
    text = f"Meets {len(met)} of your {asked} preferences"
    text += f": {_list(met)}." if met else "."
    if missed:
        text += f" Not met: {_list(missed)}."
    return value, text


def load_value(mentor: MentorProfile) -> tuple[float, str]:
    if mentor.capacity <= 0:
        return 0.0, "Has no places for mentees."
    value = 1.0 - mentor.current_load / mentor.capacity
    text = (
        f"Mentoring {mentor.current_load} of up to {mentor.capacity} people now; "
        "mentors with more room are preferred so nobody is stretched."
    )
    return value, text


def combine(values: tuple[float, ...], normalised_weights: tuple[float, ...]) -> float:
    """Left-to-right sum of weight * value; the vectorised path adds in the same order."""
    score = 0.0
    for weight, value in zip(normalised_weights, values, strict=True):
        score = score + weight * value
    return score


def score_match(
    intake: MenteeIntake, mentor: MentorProfile, weights: MatchWeights = DEFAULT_WEIGHTS
) -> MatchExplanation:
    """Score and explain one pair. Ineligible pairs score 0.0 but keep their components."""
    shared, shared_text = shared_experience_value(intake, mentor, weights)
    avail, avail_text, _ = availability_value(intake, mentor, weights)
    tz, tz_text = time_zone_value(intake, mentor, weights)
    prefs, prefs_text = preferences_value(intake, mentor)
    load, load_text = load_value(mentor)
    values = (shared, avail, tz, prefs, load)
    texts = (shared_text, avail_text, tz_text, prefs_text, load_text)
    normalised = weights.normalised()
    components = [
        Component(
            name=name, value=value, weight=weight, contribution=weight * value, explanation=text
        )
        for name, value, weight, text in zip(
            COMPONENT_NAMES, values, normalised, texts, strict=True
        )
    ]
    reasons = ineligibility_reasons(intake, mentor)
    return MatchExplanation(
        score=combine(values, normalised) if not reasons else 0.0,
        components=components,
        eligible=not reasons,
        reasons_ineligible=reasons,
        mentor_id=mentor.id,
        mentee_id=intake.id,
    )
