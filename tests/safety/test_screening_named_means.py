"""Session 8: ordinary words become a method when the text names the means or the place.

"I'm going to jump" is everyday ("jump in the pool"); after "drove to the top floor of the car
park" it is a plan. Rules with ``needs`` count only when the text names a means or a place, and
rules with ``unless`` stay quiet beside a medication routine or a hobby. The texts are invented
(two review sets written blind by helper sessions, and the engineer's own); the figures on
sets never used for tuning are in docs/safety.md ("Session 8").
"""

from __future__ import annotations

import re
import time

import pytest

from peerhaven.safety.screening import RiskLevel, screen_text
from peerhaven.safety.screening import rules as table
from peerhaven.safety.screening.engine import _compiled, _compiled_anyone

IDEATION = RiskLevel.IDEATION
IMMINENT = RiskLevel.IMMINENT


def level(text: str) -> RiskLevel:
    return screen_text(text).level


@pytest.mark.parametrize(
    "text",
    [
        "Everyone's asleep. Pills are counted. Going to take them all now. Love you guys.",
        "just bought pills from the chemist on the way home. taking them all tonight",
        "typo sorry im shaking. i have teh pills out. im going to tkae them all now",
        "counted them out on the table. there's enough. i'm going to take them after everyone's"
        " asleep",
        "Drove to the top floor of the car park. I'm going to jump. I just wanted someone to know.",
        "i'm on the roof at uni. 8 floors. i'm going to jump when it gets dark",
        "Standing at the edge of the platform. next train in 4 min. i'm going to step off",
        "Tomorrow I'm going to the bridge after work and I'm not coming home. I've decided.",
        "I'm at the lake. I'm going to walk in and not come out.",
        "I'm going to walk into the sea tonight. I've already written the letters.",
        "the rope is up. i just need to stand on the chair. i'm scared but i'm going to",
        "I've picked the highest bridge near me. I'm going on Saturday. I've made up my mind.",
        "I bought a gun last week. Not for protection. I've picked the date, it's my birthday.",
        "I have the knife next to me and this time I'm going to cut deep enough that it's over",
        "My dad's gun is in the closet and I know where the key is. I'm going to use it tonight.",
        "I've got the hose for the car exhaust ready. Going to do it in the garage on Friday.",
        "I have my grandad's shotgun. I'm going to end it after the funeral tomorrow.",
        "im on the bridge. i cant do this anymore. sorry everyone",
        "i have the pills. i have the vodka. tonight is the night",
        "i've been saving my meds for two months, hiding them in a sock drawer, and i've got"
        " enough now.",
        "wrote my note. rope's in the garage. after the kids go to my ex's on friday",
        "Got the tablets and a bottle of vodka and I'm doing it at midnight.",
        "im on the bridge now. i'm not coming back this time",
        "Sitting on the railway line right now. Can hear a train in the distance.",
        "been stockpiling my quetiapine for 3 weeks. tonight's the night.",
    ],
)
def test_a_named_means_with_intent_or_a_time_is_imminent(text: str) -> None:
    result = screen_text(text)
    assert result.level == IMMINENT, [e.rule for e in result.evidence]


@pytest.mark.parametrize(
    "text",
    [
        "when the train comes into the station i picture stepping off the platform",
        "I keep imagining driving into oncoming traffic. It's like a thought that won't leave.",
        "sometimes i look at the knives in the kitchen and think about cutting deep",
        "My dad keeps a gun in the house and lately I can't stop thinking about it.",
        "every time i cross the railway bridge i get this pull to jump",
        "I keep picturing myself hanging. I hate that my brain does this.",
        "idk man i keep thinking the car park roof would be a quick way out",
        "The bridge thoughts are back. I'm safe, I'm not going to do anything, but they're loud.",
        "If I got hit by a car tomorrow I wouldn't even mind.",
        "honestly would be easier for everyone if i just wasn't here",
        "When I'm on the top deck of a car park I feel this pull toward the edge.",
    ],
)
def test_thoughts_of_a_method_without_intent_reach_ideation(text: str) -> None:
    assert level(text) >= IDEATION


@pytest.mark.parametrize(
    "text",
    [
        # Medication routines and organisers. (Known and left: "took all my tablets this
        # morning like the doctor said" still reads as a quantity of pills; a routine word there
        # also hid real overdoses in a review, so that older rule has no ``unless``.)
        "new pill organiser arrived!! finally i can see if ive taken them all each day",
        "I keep forgetting my pills so I set an alarm. Took them all this week!",
        "I forgot my morning meds so I'll take them all tonight with dinner",
        "Meds: taking them all as prescribed, sertraline and vitamin D",
        # Same verbs, no means or place named.
        "The shelter had three kittens and I wanted to take them all home",
        "Got my driving theory, practical and first aid tests this month. Taking them all.",
        "I've decided: I'm quitting my job and going back to college",
        "I'm not coming home tonight, staying at my sister's",
        "I'm going to jump in the pool after work, it helps my mood",
        "Tonight's the night, I'm finally ringing my old friend to apologise",
        # Means or places in everyday sense.
        "Tied the rope to the roof rack and off we go, moving the sofa myself like an idiot",
        "i have the rope, the tent pegs, the stove... camping checklist done, we leave at 6",
        "carbon monoxide alarm went off at 3am, turned out it was just the battery dying",
        "Standing on the ledge at the climbing wall, my instructor told me to let go.",
        "i'm at the cliffs now! camping trip day 2, got a pic of the lighthouse",
        "Went wild swimming at dawn, walked into the sea and the cold water reset my brain",
        "I'm on the bridge, traffic is awful, going to be late for group",
        "Picked the date for the wedding! Bridge photos at the river after.",
        "hunting season starts friday, I'm going to use it for deer with my dad's rifle",
        # An adversarial review's texts, aimed at the rules' words after reading them.
        "My ex borrowed my garden hose and it's not coming back apparently",
        "I'm on the roof fixing the satellite dish, not coming back down till it works",
        "Lino printing tip from class: cut deeper this time with the blade so the ink is clean",
        "My nephew left his water gun here and I'm about to use it on the cat",
        "Bought a rope for skipping, ten minutes of skipping in the morning is helping my mood",
        "Landlord finally fitted a carbon monoxide sensor in the hall",
        "Chose the best bridge in town for photos with the new camera, posting them later",
        "Left my note for the cleaner on the bottle of wine I bought her",
        "Thinking about cutting deeper into the budget this month, money's tight",
        "The urge to step off the kerb and just walk home when the bus is late again",
        "I have to take 12 tablets a day now for my kidneys, it's a lot to keep track of",
        "Every tablet makes me sleepy at first, does that wear off?",
    ],
)
def test_everyday_writing_with_the_same_words_stays_below_ideation(text: str) -> None:
    result = screen_text(text)
    assert result.level < IDEATION, [e.rule for e in result.evidence]


def test_needs_and_unless_decide_whether_a_rule_counts() -> None:
    [rule] = [c for c in _compiled()[0] if c.rule.id == "imminent.method.take_them_all"]
    assert rule.applies("the pills are counted. taking them all now")
    assert not rule.applies("the kittens: taking them all now")  # no means named
    # A routine in the phrase's own sentence makes it ordinary; one sentence away it does not.
    assert level("Pills as prescribed, taking them all now.") < IDEATION
    assert (
        level("Sick of the side effects. The pills are counted, taking them all now.") >= IDEATION
    )
    # Without its means the phrase raises nothing at all.
    assert level("Going to take them all now.") < IDEATION
    assert level("Pills are counted. Going to take them all now.") == IMMINENT


def test_a_supportive_reply_naming_the_means_is_not_the_authors_risk() -> None:
    assert level("Please don't take those pills. Can you call 988 right now?") < IDEATION
    assert level("If you're on the bridge right now please step back and call 999.") < IDEATION


def test_needs_and_unless_patterns_are_linear_on_adversarial_input() -> None:
    # The same safety net as every rule's own pattern (tests/safety/test_screening.py).
    nested = re.compile(r"\((?:\?:)?[^()]*[+*][^()]*\)[+*]")
    for rule in table.RULES:
        assert not nested.search(rule.needs), rule.id
        assert not nested.search(rule.unless), rule.id
    for compiled in (*_compiled()[0], *_compiled_anyone()):
        for regex in (compiled.needs, compiled.unless):
            if regex is None:
                continue
            for probe in ("a " * 20_000, "my " * 20_000, "x" * 60_000, "pills " * 10_000):
                started = time.perf_counter()
                regex.search(probe)
                assert time.perf_counter() - started < 60


@pytest.mark.parametrize(
    "text",
    [
        # A means beside a farewell, or beside a time when nobody is around.
        "mate the sleeping tablets i ordered online turned up today. they're in the drawer."
        " friday after work. already said bye to nan without her knowing",
        "Bhai, I have kept the pesticide bottle under my bed. After everyone sleeps tonight I"
        " will drink it.",
        "My grandad's old service revolver is up in the attic. Going up there after tea. Just"
        " wanted one person to know.",
        "Bath's run, razor's next to me. Logging off for good.",
        "Took a load of my meds with wine about an hour ago, feel sick. Not calling 999.",
        # Said plainly, without a method.
        "This is the last time you'll hear from me. Thank you, honestly.",
        "Dropped the kids at their gran's for the week so they won't be the ones to find me.",
        "Thank you for being my mentor. Please don't blame yourself for what I do tonight.",
        "I've scheduled an email to send itself at 9 tomorrow. By the time it arrives I'll be gone.",
        "Vet here. Got the rifle out of the safe, it's loaded and it's on my lap. Made my mind up."
        " Sorry lads.",
        "bought one of those disposable bbqs today and its not for cooking. tonight in my room",
        "Writing this from the roof of my block. Wind's strong. I'm ready.",
        "I've saved up enough to not wake up. Doing it after the school run tomorrow.",
        "I'm at the lake. it's freezing. I'm going in. just wanted someone to know",
        "walking along the tracks near the old crossing. not going home. last post",
        "So this is my last check-in. I've got a plan and a date and it's soon.",
        "i've got my insulin pens lined up and i'm using all of them tonight.",
    ],
)
def test_a_means_or_a_plan_said_with_a_farewell_or_a_time_is_imminent(text: str) -> None:
    result = screen_text(text)
    assert result.level == IMMINENT, [e.rule for e in result.evidence]


@pytest.mark.parametrize(
    "text",
    [
        "Mentor, being honest like you asked: the suicidal thoughts are back.",
        "How do you all cope with the suicidal thoughts at night? Mine have been really bad.",
        "I keep thinking about not waking up. No plan, the thought just won't go away.",
        "If I didn't wake up tomorrow I'd be OK with that.",
        "Some days I wish I could just stop being alive.",
        "not sure i want to be alive anymore. that's all i've got for check in today",
        "honestly some days i think death would be a relief",
        "I look at my meds and wonder if it would be enough. been thinking that a lot lately",
        "Been thinking about the pills in the cupboard a lot lately.",
        "thoughts of jumping are back. i'm safe, not acting on it",
        "every time i drive over the bridge to work i think about just turning the wheel",
        "The urge to drive off the road came back on the motorway today.",
        "I keep thinking maybe better if I just disappear for good.",
    ],
)
def test_plain_words_for_a_wish_to_be_dead_reach_ideation(text: str) -> None:
    assert level(text) >= IDEATION


@pytest.mark.parametrize(
    "text",
    [
        "Made my decision, handing in my notice and moving to the coast near the sea",
        "Decided I'm not coming back to work after sick leave. Off to the sea for a week",
        "How do you all cope with night shifts? Mine have been really bad lately.",
        "I left the rope toy at yours for the dog, sorry",
        "I'm going in to work early tomorrow, the lake path is flooded",
        "Thought about how easy it would be to quit sugar, then ate a biscuit",
        "I always think about them when I leave for work, the dog's pills, did I give her one?",
        "Took my tablets tonight after everyone went to bed, finally remembered",
    ],
)
def test_the_farewell_and_plain_wish_rules_leave_everyday_text_alone(text: str) -> None:
    result = screen_text(text)
    assert result.level < IDEATION, [e.rule for e in result.evidence]


def test_macros_inside_macros_are_filled_in() -> None:
    # "<means>" and "<meansword>" use "<gun>": a macro left unexpanded would match nothing.
    for compiled in (*_compiled()[0], *_compiled_anyone()):
        for regex in (compiled.regex, compiled.needs, compiled.unless):
            assert regex is None or "<" not in regex.pattern.replace("(?<", ""), compiled.rule.id
    assert level("My dad's gun is in the closet. I'm going to use it tonight.") == IMMINENT
    assert level("My nephew's water gun is here and I'm about to use it on the cat") < IDEATION
