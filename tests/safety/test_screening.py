"""Behaviour of the risk screener. Every sentence here is invented for the test."""

from __future__ import annotations

import json
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerhaven.safety.screening import Evidence, RiskLevel, Screening, screen_report, screen_text
from peerhaven.safety.screening import rules as table
from peerhaven.safety.screening.engine import _compiled, _compiled_anyone
from peerhaven.safety.screening.normalize import normalize

NONE, CONCERN, IDEATION, IMMINENT = (
    RiskLevel.NONE,
    RiskLevel.CONCERN,
    RiskLevel.IDEATION,
    RiskLevel.IMMINENT,
)


def level(text: str) -> RiskLevel:
    return screen_text(text).level


# --- the author's own risk ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I want to die.",
        "Honestly I just want to kill myself.",
        "I don't want to live anymore.",
        "Everyone would be better off without me.",
        "I keep thinking about suicide, every single night.",
        "I hope I don't wake up tomorrow.",
        "I have no reason to live.",
        "I wish I had never been born.",
        "The urge to cut myself is back and it scares me.",
        "I'm so tired of being alive.",
    ],
)
def test_own_wish_to_be_dead_is_ideation(text: str) -> None:
    assert level(text) == IDEATION


@pytest.mark.parametrize(
    "text",
    [
        "I'm going to kill myself tonight.",
        "I've written my goodbye note and I'm giving away my things.",
        "I have been stockpiling my pills for weeks.",
        "I took 40 pills last night.",
        "Tonight I'm going to jump off the bridge near my flat.",
        "I tied a noose in the garage.",
        "I cut myself again yesterday.",
        "Goodbye everyone, thank you for trying.",
        "By the time anyone reads this I will be gone.",
    ],
)
def test_intent_plan_method_or_recent_behaviour_is_imminent(text: str) -> None:
    assert level(text) == IMMINENT


@pytest.mark.parametrize(
    "text",
    [
        "I feel so hopeless about everything lately.",
        "I'm worthless and a burden to everyone around me.",
        "I can't take this anymore.",
        "I hate myself so much.",
        "What's the point of anything?",
    ],
)
def test_distress_without_ideation_is_concern(text: str) -> None:
    assert level(text) == CONCERN


@pytest.mark.parametrize(
    "text",
    [
        "Had a lovely walk with my dog today.",
        "Can anyone recommend a good book about gardening?",
        "",
        "   \n\t ",
        "Thank you all for the kind words yesterday!",
    ],
)
def test_ordinary_text_is_none(text: str) -> None:
    assert level(text) == NONE


# --- negation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I would never kill myself, I love my kids too much.",
        "I'm not suicidal, just really sad this week.",
        "I don't want to die, I want the pain to stop.",
        "I won't hurt myself, I promised my sister.",
        "I am not going to kill myself, don't worry.",
    ],
)
def test_negated_intent_is_not_ideation(text: str) -> None:
    assert level(text) < IDEATION
    assert any("negated" in e.modifiers for e in screen_text(text).evidence)


def test_negation_does_not_reach_past_but() -> None:
    assert level("I don't drink much but I want to die.") == IDEATION


def test_lacking_courage_is_not_read_as_negation() -> None:
    assert level("I don't have the guts to kill myself.") >= IDEATION


def test_not_yet_keeps_the_risk() -> None:
    assert level("I haven't tried to kill myself yet.") >= IDEATION


# --- idioms and hyperbole ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "This exam is killing me.",
        "I could die of embarrassment after that meeting.",
        "My feet are killing me after the hike.",
        "I'm dying to see the new film.",
        "My mum is going to kill me when she sees the car.",
        "We were bored to death in that lecture.",
        "I killed it at the interview!",
        "Let's hang out on Saturday.",
        "I'm cutting back on sugar.",
        "Posting that would be career suicide.",
        "I shot myself in the foot with that email.",
    ],
)
def test_idioms_are_not_risk(text: str) -> None:
    assert level(text) == NONE


def test_laughter_lowers_a_hyperbolic_phrase_but_not_to_none() -> None:
    result = screen_text("if I have to redo this essay I'll kill myself lol")
    assert result.level < IMMINENT
    assert result.level >= CONCERN


# --- supportive replies to someone else -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Please don't kill yourself, we're here for you.",
        "If you are feeling suicidal, please call a crisis line. You are not alone.",
        "Do you want to die, or do you want the pain to end? Either way, I'm here for you.",
        "Are you thinking about suicide? Please reach out to someone tonight.",
        "It gets better, I promise. Your life matters.",
    ],
)
def test_supportive_reply_is_not_the_authors_ideation(text: str) -> None:
    assert level(text) < IDEATION


def test_supportive_reply_that_also_discloses_present_ideation_still_counts() -> None:
    assert level("You're not alone. Honestly I want to die too some days.") == IDEATION


@pytest.mark.parametrize(
    "text",
    [
        "Do you ever feel like you want to die? I do, all the time.",
        "Do you ever feel like you want to die? Same here.",
        "You want to die? Me too honestly.",
        "My friend feels suicidal and so do I.",
        "Does anyone else here feel suicidal every night? I do.",
        "Do you want to die sometimes? I do too.",
    ],
)
def test_author_counting_themselves_in_restores_their_own_risk(text: str) -> None:
    assert level(text) == IDEATION


@pytest.mark.parametrize(
    "text",
    [
        "Do you want to die? I do not know what to say, but I'm here for you.",
        "Do you want to die? I did, years ago, and it got better.",
        "If you want to die, please call 988. I do care about you.",
        "My friend feels suicidal. I am so worried about her.",
        # Found by review: replies that start like counting in but say something else.
        "You said you want to die. I'm too tired to write much but please call a helpline.",
        "My friend wants to die. I'm too scared to tell anyone.",
        "You want to die? I am as well placed as anyone to say: please stay.",
        "Your sister wants to die? I'm the same age as her and I understand.",
        "She wants to die. I'm the same as always, still here for her.",
        "You want to die? I do all I can to keep going and so can you.",
        "Do you want to die? I do every thing I can to help people like you.",
        "You said you want to die. I do, every day, pray for you.",
        # Counting in, but in a recovery story.
        "Do you want to die? Me too, years ago, and I'm glad I stayed.",
        "Do you want to die? Same, back in 2019. It got better.",
        "She said she wants to die. Me too, I felt that way in my teens.",
        # A bare topic is claimed only by a plain "I do" / "me too".
        "The documentary about suicide was moving. Same here, I cried.",
    ],
)
def test_replies_that_only_look_like_counting_in_stay_supportive(text: str) -> None:
    assert level(text) < IDEATION


# --- common phrasings of a wish to be dead, intent and preparation -------------------------
# Written from clinical wording (C-SSRS items, safe-messaging lexicons), not from the
# evaluation data; each has a near-miss below that must stay below ideation.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sometimes I wish I was never born", IDEATION),
        ("what's the point of living anymore", IDEATION),
        ("I have no reason to keep going", IDEATION),
        ("I'm ready to give up on life", IDEATION),
        ("I can't see myself being alive next year", IDEATION),
        ("I feel like ending it", IDEATION),
        ("I hope I die in my sleep", IDEATION),
        ("I don't think I'll make it through the night", IDEATION),
        ("I wouldn't mind if I got hit by a bus", IDEATION),
        ("I keep having dark thoughts about not being here", IDEATION),
        ("I want to be gone", IDEATION),
        ("I've had enough of life", IDEATION),
        ("I want my life to be over", IDEATION),
        ("I don't deserve to live", IDEATION),
        ("I shouldn't be alive", IDEATION),
        ("I should be dead", IDEATION),
        ("I've started looking up ways to die", IMMINENT),
        ("I cut again last night", IMMINENT),
        ("I'm going to end everything soon", IMMINENT),
        ("I have the pills ready", IMMINENT),
        ("I've got the pills lined up", IMMINENT),
        ("I've written my goodbye note", IMMINENT),
    ],
)
def test_common_phrasings_are_recognised(text: str, expected: RiskLevel) -> None:
    assert level(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Please don't give up on life yet, you matter so much.",
        "I'm ending things with my boyfriend soon",
        "I'm ending things soon with him, it's for the best",
        "I want to be gone from this town by summer",
        "I wrote my note to the teacher about my absence",
        "I left my note on the fridge for my flatmate",
        "I feel like dying of embarrassment after that meeting",
        "I'm dead tired, I should be dead asleep by now",
        "My meds are ready at the pharmacy",
        "I have my meds ready for the trip",
        "I counted out my pills for the week into my organiser",
        "I can't see myself living in London in five years",
        "I can't see myself here in five years, this job is awful",
        "I don't think I'll be here next year, I'm moving to Leeds",
        "I don't think I'll make it to the gym today",
        "I don't deserve to be here, everyone at work is smarter",
        "I want my life to stop being so chaotic",
        "I've had enough of living with my parents",
        "There's no reason to keep going to that class",
        "I feel like dying my hair purple",
        "what's the point of going on holiday when I feel like this",
    ],
)
def test_near_misses_of_common_phrasings_stay_below_ideation(text: str) -> None:
    assert level(text) < IDEATION


# --- quoted text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "> I want to kill myself\nPlease talk to someone, you matter.",
        "&gt; i want to die\nSending you hugs.",
        'She texted me "I want to die" and I am so worried about her.',
        'The song goes "I wanna die tonight" and it is stuck in my head.',
    ],
)
def test_quoted_text_is_not_the_authors_ideation(text: str) -> None:
    result = screen_text(text)
    assert result.level < IDEATION
    assert any("quoted" in e.modifiers or "third_person" in e.modifiers for e in result.evidence)


def test_quoting_ones_own_thought_still_counts() -> None:
    assert level('I keep thinking "I want to kill myself" over and over.') == IDEATION


def test_quoted_line_does_not_hide_the_authors_own_next_line() -> None:
    assert level("> how are you?\nHonestly I want to die.") == IDEATION


# --- news and third-person talk --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "According to a new study, suicide rates rose last year.",
        "My friend wants to kill herself and I don't know what to do.",
        "He said he wants to die and then hung up.",
        "The actor died by suicide, the news reported this morning.",
        "Women are more likely to attempt suicide than men.",
    ],
)
def test_news_and_third_person_are_not_the_authors_ideation(text: str) -> None:
    assert level(text) < IDEATION


def test_losing_someone_to_suicide_is_concern_for_the_author() -> None:
    result = screen_text("My brother killed himself last spring and I can't stop crying.")
    assert result.level == CONCERN
    assert any(e.rule == "concern.bereavement_by_suicide" for e in result.evidence)


# --- past behaviour in a recovery story ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Two years ago I attempted suicide. Today I'm doing much better now.", IDEATION),
        ("I used to cut myself when I was 15, but I've been clean for three years.", IDEATION),
        ("I was suicidal in high school and recovery took a long time.", CONCERN),
        ("When I was younger I wanted to die all the time.", CONCERN),
    ],
)
def test_past_behaviour_in_recovery_story_is_lower_but_not_none(
    text: str, expected: RiskLevel
) -> None:
    result = screen_text(text)
    assert result.level == expected
    assert any("past" in e.modifiers for e in result.evidence)


def test_undated_attempt_counts_in_full() -> None:
    # No date and no recovery story: it may have been last night.
    assert level("I tried to kill myself.") == IMMINENT


def test_recent_attempt_is_imminent_even_in_a_story() -> None:
    text = "Years ago I was in a dark place. Last week I tried to kill myself again."
    assert level(text) == IMMINENT


# --- obfuscation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "i want to k1ll mys3lf",
        "I want to k!ll myself",
        "thinking about $uicide all day",
        "s u i c i d e is all I think about",
        "k.i.l.l m.y.s.e.l.f",
        "kill\u200b my\u200bself",
        "su\u200dic\u200cide is all i think about",
        "I want to kіll mуsеlf",  # Cyrillic і, у, е
        "I want to kιll myself",  # Greek iota
        "Ｉ ｗａｎｔ ｔｏ ｄｉｅ",  # full-width letters
        "I want to diiiie",
        "i wanna unalive myself",
        "kms honestly",
        "thinking about sewer slide again tbh",
    ],
)
def test_obfuscated_ideation_is_seen_through(text: str) -> None:
    assert level(text) >= IDEATION


@pytest.mark.parametrize(
    "text",
    [
        "I want to end it all.",
        "I just want to go to sleep and never wake up.",
        "Everyone would be better off without me.",
        "I'm giving away my cat and my books this week.",
        "I just wanted to say goodbye to everyone.",
    ],
)
def test_euphemisms_and_preparatory_acts_are_recognised(text: str) -> None:
    assert level(text) >= IDEATION


def test_numbers_are_not_mistaken_for_leetspeak() -> None:
    assert normalize("meet at 3am, 100mg, 2nd floor").text == "meet at 3am, 100mg, 2nd floor"


# --- offsets into the original text -------------------------------------------------------


def _only(result: Screening, rule_prefix: str) -> Evidence:
    matches = [e for e in result.evidence if e.rule.startswith(rule_prefix)]
    assert matches, result.as_dict()
    return matches[0]


def test_evidence_points_into_the_original_text() -> None:
    text = "Some days I want to die."
    evidence = _only(screen_text(text), "ideation.wish_dead")
    assert text[evidence.start : evidence.end] == evidence.excerpt == "want to die"


def test_evidence_offsets_survive_zero_width_characters() -> None:
    text = "ok\u200b\u200b so. I want to k\u200bill my\u200bself"
    evidence = _only(screen_text(text), "ideation.kill_self")
    assert evidence.excerpt == "k\u200bill my\u200bself"
    assert text[evidence.start : evidence.end] == evidence.excerpt


def test_evidence_offsets_survive_leetspeak_and_spacing() -> None:
    text = "well.  I want to k1ll   mys3lf"
    evidence = _only(screen_text(text), "ideation.kill_self")
    assert evidence.excerpt == "k1ll   mys3lf"


def test_evidence_offsets_survive_homoglyphs_and_astral_characters() -> None:
    text = "\U0001f600\U0001f600 I want to dіe"  # emoji before, Cyrillic і inside
    evidence = _only(screen_text(text), "ideation.wish_dead")
    assert text[evidence.start : evidence.end] == "want to dіe"


def test_evidence_offsets_cover_html_entities() -> None:
    text = "&quot;fine&quot; I said. I want to die &amp; nobody sees it"
    evidence = _only(screen_text(text), "ideation.wish_dead")
    assert evidence.excerpt == "want to die"


def test_normalised_span_maps_back_exactly() -> None:
    norm = normalize("A\u200bB s u i c i d e C")
    start = norm.text.index("suicide")
    o_start, o_end = norm.original_span(start, start + len("suicide"))
    assert norm.original[o_start:o_end] == "s u i c i d e"


# --- method text ------------------------------------------------------------------------------


def test_method_description_sets_method_flag() -> None:
    assert screen_text("I know how many pills it would take.").method_text
    assert screen_text("I'm going to hang myself.").method_text


def test_idiom_or_negated_method_does_not_set_method_flag() -> None:
    assert not screen_text("I'd never hang myself.").method_text
    assert not screen_text("Let's hang out later.").method_text
    assert not screen_text("I want to die.").method_text


# --- contract: types, JSON, never raises, bounded time -------------------------------------


def test_as_dict_is_json_serialisable_and_uses_labels() -> None:
    data = screen_text("I tied a noose. I want to die.").as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["level"] == "imminent"
    assert data["method"] is True
    assert {e["level"] for e in data["evidence"]} <= {"none", "concern", "ideation", "imminent"}
    assert all(
        {"start", "end", "rule", "excerpt", "explanation"} <= e.keys() for e in data["evidence"]
    )


def test_risk_level_labels_and_order() -> None:
    assert [lv.label for lv in RiskLevel] == ["none", "concern", "ideation", "imminent"]
    assert NONE < CONCERN < IDEATION < IMMINENT


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_screen_text_never_raises_and_spans_are_valid(text: str) -> None:
    result = screen_text(text)
    assert isinstance(result.level, RiskLevel)
    for evidence in result.evidence:
        assert 0 <= evidence.start < evidence.end <= len(text)
        assert text[evidence.start : evidence.end] == evidence.excerpt
        assert evidence.level <= result.level
    json.dumps(result.as_dict())


@given(
    st.lists(
        st.sampled_from(
            [
                "i",
                "want",
                "to",
                "die",
                "kill",
                "myself",
                "not",
                "never",
                "suicide",
                ">",
                '"',
                "\n",
                ".",
                "lol",
                "you",
                "he",
                "years ago",
                "k1ll",
                "s u i",
                "\u200b",
                "і",
                "&gt;",
                "pills",
                "goodbye",
                "my",
                "friend",
            ]
        ),
        max_size=60,
    )
)
@settings(max_examples=300, deadline=None)
def test_screen_text_never_raises_on_risky_word_soup(words: list[str]) -> None:
    text = " ".join(words)
    result = screen_text(text)
    for evidence in result.evidence:
        assert text[evidence.start : evidence.end] == evidence.excerpt


def test_lone_surrogates_and_control_characters_do_not_crash() -> None:
    text = "\ud800 I want \udfff to die \x00\x1b[31m \ufeff\u202e"
    assert screen_text(text).level == IDEATION


def test_emoji_only_text_is_none() -> None:
    assert level("\U0001f62d\U0001f494\U0001f5a4" * 50) == NONE


def test_mixed_scripts_get_a_level() -> None:
    assert level("Мне грустно. 我很难过. I feel hopeless. لا أستطيع") == CONCERN


PATHOLOGICAL = [
    "a" * 100_000,
    "1" * 100_000,
    "k1" * 50_000,
    "i " * 50_000,
    "want to " * 12_500,
    "s u i c i d e " * 7_000,
    "\u200b" * 100_000,
    "\"'>" * 33_000,
    "kill myself " * 8_000,
    "not " * 25_000 + "kill myself",
    ("a " * 3 + "\n") * 12_000,
    "і" * 100_000,
    "\U0001f600" * 100_000,
    "&gt;" * 25_000,
    "!!!" * 33_000,
    "aaa bbb " * 12_500,
    "my " * 33_000 + "death",
    "i want to " + "x" * 100_000 + " die",
    "she told him she " * 6_000,
    "this member says she cut her " * 3_500,
    # Many hits in one long sentence (found by review: quadratic before the bounded look).
    "i overdosed now years ago " * 4_000,
    "she wrote a final letter to her mum " * 2_800,
    # Session 5's review: a question mark after many hits (quadratic in a first draft).
    "ctb " * 12_000 + "?" * 52_000,
    "i want to die " * 3_500 + "?" + "\n" * 51_000,
]


SAFETY_NET_SECONDS = 60


@pytest.mark.parametrize("text", PATHOLOGICAL, ids=range(len(PATHOLOGICAL)))
def test_pathological_100k_inputs_finish(text: str) -> None:
    # A safety net against exponential backtracking, not a performance assertion: linear
    # matching takes well under a second here, a catastrophic pattern would take hours.
    started = time.perf_counter()
    result = screen_text(text)
    report = screen_report(text)  # a report is also read with its persons shifted
    # 60 s: far above linear time on a loaded 2-core CI machine, far below exponential.
    assert time.perf_counter() - started < SAFETY_NET_SECONDS
    assert isinstance(result.level, RiskLevel) and isinstance(report.level, RiskLevel)


@pytest.mark.parametrize("anyone", [False, True], ids=["author", "report"])
@pytest.mark.parametrize("rule_index", range(len(table.RULES)))
def test_each_rule_pattern_is_linear_on_adversarial_input(rule_index: int, anyone: bool) -> None:
    # Reports use the same rules with their pronouns widened (``_compiled_anyone``).
    regex = (_compiled_anyone() if anyone else _compiled()[0])[rule_index].regex
    for probe in ("a " * 20_000, "i want to " * 4_000, "my " * 20_000, "x" * 60_000):
        started = time.perf_counter()
        for _ in regex.finditer(probe):
            pass
        assert time.perf_counter() - started < SAFETY_NET_SECONDS


# --- rules are data --------------------------------------------------------------------------


def test_rule_ids_are_unique_and_explained() -> None:
    ids = [rule.id for rule in table.RULES] + [rule_id for rule_id, _ in table.IDIOMS]
    assert len(ids) == len(set(ids))
    for rule in table.RULES:
        assert re.fullmatch(r"(concern|ideation|imminent)\.[a-z_.]+", rule.id)
        assert rule.id.split(".")[0] == rule.level.label
        assert rule.explanation


def test_rule_patterns_have_no_nested_unbounded_quantifiers() -> None:
    # A quantified group whose body also has an unbounded quantifier is the shape that
    # backtracks catastrophically; the bounded word gap (<gapN>) is the one allowed exception.
    nested = re.compile(r"\((?:\?:)?[^()]*[+*][^()]*\)[+*]")
    for rule in table.RULES:
        assert not nested.search(rule.pattern), rule.id
    for rule_id, pattern in table.IDIOMS:
        assert not nested.search(pattern), rule_id
    for cue in (
        "SELF_INCLUSION_NEXT",
        "SELF_INCLUSION_STRONG",
        "SELF_INCLUSION_INLINE",
        "TOLD_TO",
        "REPORTED_SPEECH",
        "OWN_QUOTE_LEAD",
        "SUPPORT_CUES",
        "NEWS_CUES",
        "RECOVERY_CUES",
        "REMOTE_PAST",
        "RECENT_OR_PRESENT",
    ):
        assert not nested.search(getattr(table, cue)), cue


@pytest.mark.parametrize(
    "text",
    [
        "Years ago I hurt myself when things got bad. I have not for a long time.",
        "Long ago I cut myself. I haven't done it in years.",
    ],
)
def test_undated_years_ago_counts_as_remote_past(text: str) -> None:
    result = screen_text(text)
    assert result.level == IDEATION
    assert any("past" in e.modifiers for e in result.evidence)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I had trouble buying a gun today.", IDEATION),
        ("I am not buying a gun.", CONCERN),
        ("My brother is buying a gun for hunting.", NONE),
        ("Please don't buy a gun.", NONE),
    ],
)
def test_getting_a_firearm_is_lethal_means(text: str, expected: RiskLevel) -> None:
    assert level(text) == expected


# --- everyday injuries, letters and recovery stories (found while widening reports) -----------


@pytest.mark.parametrize(
    "text",
    [
        "I hurt my leg playing football",
        "I accidentally burned my arm",
        "I hurt my ankle again at practice",
        "I wrote a letter to my mum",
        "I left a note for my mum saying I'd be late",
        "I wrote a final letter to my landlord before moving out",
        "I left a final note for my team before starting maternity leave",
        "I'm writing my last letter to my pen pal before she moves",
        "I'm giving away my cat because my landlord won't allow pets",
        "I'll be gone by Friday, we're on holiday in Spain",
        "I wrote a final letter to my mum after she passed",
        "I wrote a final letter to my mum to apologise for the fight we had",
        "i left my last letter to my dad. i'm sorry i haven't posted in a while",
        "I burned myself on the oven making cookies",
    ],
)
def test_everyday_injuries_letters_and_plans_are_not_risk(text: str) -> None:
    assert screen_text(text).level == RiskLevel.NONE


@pytest.mark.parametrize(
    "text",
    [
        "I hurt my arms again",
        "I scratched my arms until they bled",
        "I punched myself",
        "I cut my arm in the bathroom last night",
        # Found by review: deliberate harm the narrowed rule and the accident idiom had lost.
        "I hurt my arms with a knife",
        "I hit my legs with a hammer",
        "I scratched my arms with scissors",
        "I've been punching my legs every night",
        "I keep scratching my wrists with a pin",
        "I hurt my arms last night",
        "I've been hurting my arms",
        "I cut my wrists on the bathroom floor",
        "I burned my arm on the stove on purpose",
        "I cut my arm on the weekend with a razor",
        "I cut my wrist in the kitchen with a knife last night",
        "I cut my leg on the bath last night to feel something",
        "I cut my arm at work again today in the staff toilets",
        "I wrote a goodbye letter to my family",
        "I finished my suicide note",
        "I wrote my last letter to my kids, they'll find it tomorrow",
        "I left a note for my parents, they'll find it tomorrow",
        "I wrote a note to my mum saying sorry for everything and goodbye",
        "I wrote a letter to my family explaining why I did it",
        "I've written a note for my husband in case I don't wake up",
        "I'm giving away my things",
    ],
)
def test_deliberate_harm_and_goodbye_letters_still_are(text: str) -> None:
    assert screen_text(text).level == RiskLevel.IMMINENT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The date next to the act decides its time, not a "now" about how things are today.
        ("I overdosed years ago and am doing better now", RiskLevel.IDEATION),
        ("I attempted years ago and am doing better now", RiskLevel.IDEATION),
        # A present set against the past ("but now") and a recent date still count in full.
        ("I had suicidal thoughts in the past but now it's worse than ever", RiskLevel.IDEATION),
        ("I attempted years ago and again last week", RiskLevel.IMMINENT),
        ("I overdosed two days ago", RiskLevel.IMMINENT),
        ("I've attempted twice in the past but I'm still here", RiskLevel.IDEATION),
        # Found by review: a comparison ("like when I was 15") or a "since" is not a date of
        # the act, "recently"/"lately"/"currently" date it, "still have" is now.
        ("Lately I've been suicidal like when I was a teenager", RiskLevel.IDEATION),
        ("lately i keep thinking about killing myself like i used to", RiskLevel.IDEATION),
        ("Lately I've wanted to kill myself, like I did years ago", RiskLevel.IDEATION),
        ("I'm currently having thoughts of suicide like when I was a kid", RiskLevel.IDEATION),
        ("still want to kill myself, just like when I was 15", RiskLevel.IDEATION),
        ("I still have the noose I made years ago", RiskLevel.IMMINENT),
        ("I've been stockpiling pills since last year and I still have them", RiskLevel.IMMINENT),
        ("Recently I bought a rope, years ago I tried the same", RiskLevel.IMMINENT),
        ("Now I want to hang myself like when I was 16", RiskLevel.IMMINENT),
    ],
)
def test_the_time_nearest_the_act_decides_its_level(text: str, expected: RiskLevel) -> None:
    assert screen_text(text).level == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A phrase that opens with "I" is the author's, whoever they address first.
        ("you know, i cut myself again", RiskLevel.IMMINENT),
        ("you guys, ive got my pills lined up", RiskLevel.IMMINENT),
        ("I know you cut yourself again, please talk to us", RiskLevel.NONE),
    ],
)
def test_a_phrase_that_opens_with_its_subject_names_it(text: str, expected: RiskLevel) -> None:
    assert screen_text(text).level == expected


# --- found by a second review of the session-4 screener changes ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I wrote a note to my mum. I'm sorry for everything.",
        "I wrote a note to my parents. they will find it tomorrow",
        "I wrote a letter to my family to read after I die",
        "I wrote a note to my husband incase I don't wake up",
        "I wrote a note for my parents telling them where to find me",
        "I wrote a note for my son so he knows it wasn't his fault",
        "I wrote a letter to my wife and told her I love her for the last time",
        "I wrote a letter to my brother saying bye",
        "I wrote a note to my dad explaining everything",
        "I wrote a note for my mom to find tomorrow",
        "I wrote a note for my family, they'll understand",
        "I wrote a note to my mom for when I'm not here anymore",
        "I burned my arm on the stove again last night",
        "I cut my thigh again in the kitchen last night",
        "I cut my arm in the kitchen again so nobody would hear",
        "I cut my arm on broken glass again. I wanted to feel something.",
        "i cut my arm on the fence again because i wanted it to hurt",
        "I burned my arm while cooking, I meant to",
        "I cut my arm on the edge of a razor last night",
        "I burned my skin with hot water again",
        "I scratched my skin on the bedframe until it bled",
        "I cut my arm on a tin lid again, I can't stop",
        "I cut my arm on a can lid last night, it felt good",
        "I hurt my legs at work again in the toilets with a pen",
        "I cut my thighs on a broken glass again tonight",
        "I cut my leg shaving again",
        "I'm giving away my things because I'm moving on",
        "I gave away my cat since I'm moving on to a better place",
        "I'm giving away all my stuff because my kids deserve better than me",
        "I'm giving away my pets because my partner can't look after them when I'm gone",
        "giving away my things because my kids should have them before I go",
        "I'll be gone by morning, I'm moving on",
        "I'll be gone by the time you read this, sorry I couldn't move on",
        "I'll be gone by tomorrow, my account won't matter",
        "I'll be gone by friday, my last trip",
        "I'll be gone by the weekend, moving on to somewhere better",
        "I bought a rope years ago and I'm going to use it now",
        "I stockpiled pills years ago and I have them now",
        "I cut myself years ago and I'm still doing it",
        "I'll be gone by Friday, I've made my peace",
        # Means from years ago held now, and acts still going on, are present.
        "I bought a rope years ago and it's still here in my closet",
        "I stockpiled pills years ago, they're still here in my drawer",
        "I overdosed years ago and I'm still doing it on weekends",
        # Found by a third review.
        "i cut my thighs in the kitchen tonight with the vegetable peeler",
        "i cut my leg on a nail at work, then kept pressing on it because it felt like relief",
        "i hit my legs on the bed frame until they bruised tonight",
        "i finished the letters to my husband and kids. please take care of them. this is the end",
        "I've written the notes to my kids, they'll find them in the morning. Love you all.",
        "it's 3am. i wrote my letter to my little sister and put it under her door. i'm done",
        "i left a letter for my 3 kids telling them none of this is their fault",
        "giving away my cat to a new home tomorrow. she deserves someone who will be around",
        "i gave away all my stuff to charity. i won't need any of it. it's almost time",
        "i tried to kill myself 3 years ago and i want to finish it now",
        # On this site deleting one's account beside "gone by" is a farewell, not a reason.
        "i'll be gone by tomorrow, my account will be deleted anyway. nobody will notice",
        "I'll be gone by Friday because my account is being deleted",
        "i hear you, i have the pills ready now",  # a disclosure inside a supportive reply
        "I attempted years ago and I'm just waiting now for the right moment",
        "i cut my arm while cooking tonight because i needed to",
        "i just finished a note to my best mate. i can't do this anymore",
        "tonight i wrote a letter to my mum telling them i love them",
    ],
)
def test_goodbye_notes_repeated_harm_and_euphemisms_stay_imminent(text: str) -> None:
    assert screen_text(text).level == RiskLevel.IMMINENT


@pytest.mark.parametrize(
    "text",
    [
        "People say they want to die all the time, and honestly after the last few months of hospital visits and losing my job, so do I",
        "I tried to kill myself like 10 years ago",
        "I attempted like 6 years ago",
        "I had a plan to hang myself like 4 years ago",
        "I want to kill myself like when I was 15",
    ],
)
def test_dated_past_acts_and_a_late_so_do_i_are_ideation(text: str) -> None:
    # "like 10 years ago" means about ten years ago: a date, unlike "like when I was 15".
    assert screen_text(text).level == RiskLevel.IDEATION


@pytest.mark.parametrize(
    "text",
    [
        "I finished my final notes for everyone in the study group",
        "I left the last notes for them on the desk before my shift ended",
        "I wrote the final notes for everyone, exam is tomorrow",
        "I wrote a final letter to my grandma before she passed",
        "I wrote my last letter to my dad before his deployment ended",
        "I cut myself shaving this morning, ouch",
        "I burned myself on the oven making cookies",
    ],
)
def test_study_notes_farewells_to_the_dying_and_kitchen_accidents_are_not_risk(text: str) -> None:
    assert screen_text(text).level == RiskLevel.NONE
