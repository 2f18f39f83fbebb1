"""Plainly stated risk in everyday wording, and what only looks like a denial or a recovery
(session 5, from the blind-written distinctions development set and three reviews).

Most rules session 5 drafted for its development set were taken out again after reviews found
they raised everyday text or lowered disclosures (docs/safety.md, "Session 5"); the
near-misses and disclosures those reviews wrote stay here, so a later attempt meets them.

Every positive case was below its level before; every near-miss is a case of everyday
writing that shares the new words and must stay below ideation.
"""

from __future__ import annotations

import pytest

from peerhaven.safety.screening import RiskLevel, screen_text

IDEATION = RiskLevel.IDEATION
IMMINENT = RiskLevel.IMMINENT


def level(text: str) -> RiskLevel:
    return screen_text(text).level


@pytest.mark.parametrize(
    "text",
    [
        "cut myself again an hour ago, it's still bleeding",
        "the noose is ready",
    ],
)
def test_means_at_hand_and_acts_are_imminent(text: str) -> None:
    assert level(text) == IMMINENT


@pytest.mark.parametrize(
    "text",
    [
        "Some nights I lie there wishing I simply wasn't alive anymore",
        # The third review's: kept at ideation.
        "I hope I don't wake up at all",
        "I hope I don't wake up to another day of this",
        "I hope I don't wake up with a pulse",
        "I hope I don't wake up before the pills work",
        "I hope I don't wake up in time for work, or ever again",
        "I hope I don't wake up tired of life again",
    ],
)
def test_wishes_and_thoughts_of_death_are_ideation(text: str) -> None:
    assert level(text) >= IDEATION


@pytest.mark.parametrize(
    "text",
    [
        # Session 5's review: each of these was raised by a first draft of the new rules.
        "I counted out my pills for the week into my organiser",
        "I laid out my pills for tomorrow so I don't forget them",
        "I lined up my meds on the windowsill so I remember them.",
        "I crushed my pills and mixed them with yogurt because I can't swallow tablets.",
        "I'm saving some painkillers for a bad day",
        "I ate a whole box of cookies last night",
        "Ate an entire tub of ice cream after the therapy session",
        "I had too many pils at the pub last night",
        "I sat on the edge of my bed for an hour, then finally managed to fall asleep.",
        "I'm at the bridge club every Tuesday, I started going last fall.",
        "We sat at the edge of the pool and watched the kids jumping in",
        "I was on the roof fixing the gutters all day and was terrified I'd fall.",
        "I'm standing on the edge of a big decision about changing jobs, I might just jump.",
        "Took my car to the garage and they had the engine running for an hour",
        "The mechanic said the hose near the exhaust was cracked",
        "The rope is tied to the tree so the kids can use the tire swing",
        "My belt is tied around the suitcase",
        "Dad's rifle loaded in the truck for deer season",
        "I used it on my arms and the eczema cleared up, highly recommend the cream",
        "I use a razor on my legs every other day.",
        "I've been cutting for six weeks at the gym and lost five kilos.",
        "I started cutting in my new job at the deli",
        "I first burned my arm on the stove at age eight",
        "The lawnmower stopped cutting.",
        "My barber stopped cutting on Sundays",
        "I quit cutting in line at the canteen",
        "I'd feel better if I was here with my family instead of at uni.",
        "I'd be happier if I were around more for the kids.",
        "Praying the Lord will take me through this week",
        "In Dark Souls dying is the only way to learn the boss patterns.",
        "death is the only way out of a timeshare",
        "I wish I wasn't born in winter, my birthday is always gloomy.",
        "My initials are K M S",
        "Standing on the ledge at the climbing wall, my instructor told me to let go.",
        "My team copes fine if I wasn't around, they proved it during my sick leave.",
        "I hope the Lord will take me home one day, but not for a long while.",
        "Wishing the Lord would take me away from this anxiety, just for an hour of peace.",
        "I wished I could disappear into the floor when my boss read my email out.",
        "I wished I was dead when I had norovirus last winter, worst 24 hours ever lol.",
        # The second review's, of the revised draft.
        "my glue gun is loaded next to me, crafting all night",
        "the nail gun is loaded beside me on the ladder",
        "water pistol loaded in my hand, the kids are going down",
        "sat on the bridge with my mates, I'm going to jump in the river for the charity swim",
        "standing on the ledge at the quarry, i'm gonna jump into the water!",
        "standing on the ledge of the canyon, I'm going to jump (bungee!) tomorrow",
        "sat waiting in the closed garage while the mechanic had the engine running",
        "I stopped cutting since bulking season started",
        "I quit cutting when I reached my goal weight",
        "Honestly my cat would be fine if I was gone a week",
        "in this game dying seems like the only option to respawn at the bonfire",
        "death seems like the only solution for my old laptop",
        "I wish I wasn't here anymore at this job, I'm applying elsewhere",
        "wishing I were never born in this town, it's so boring",
        "I hope the Lord will take me tonight to the healing service, I need it",
        "I took a whole box of pills to my nan's, she needed her prescription",
        "I've taken a whole box of tablets on the trip, forgot my organiser",
        "I'm ready to D i.e. delegate everything",
        "I hope I just don't wake up grumpy tomorrow, big day.",
        # The third review's.
        "Took a whole packet of ibuprofen during my period this month, cramps were brutal",
        "Sat in the blind with my shotgun loaded beside me waiting for ducks",
        "Standing on the ledge in GTA and I'm gonna jump with the parachute",
        "Sat in my car in the closed garage, the mechanic had the engine running",
        "I quit hurting my wrists on the bench press by changing grip",
        "My team will cope if I was gone for good, I'm retiring in March!",
        "I pray that God will take me now, and use me for his glory",
        "Dying feels like the only way out of this dungeon",
        "I'm not sad or I'd want to die",
        # Waking up late or someone else (raised before session 5's last change).
        "I hope I don't wake up late tomorrow",
        "i hope i dont wake up the baby",
        "i hope i don't wake up my husband when i get in",
        "Hope I don't wake up sore after yoga",
        "my meds are lined up in my dosette box by day",
        "I bought a whole box of paracetamol for my cold",
        "the roofer was standing on the roof all morning",
        "we stood on the bridge and watched the boats",
        "I sat in the car with the engine running to warm up",
        "the garage door is stuck and the car won't start",
        "I stopped cutting my hair short",
        "I quit cutting class in year ten",
        "the kids would be fine if i wasn't here for the weekend",
        "I'm sure they'd cope if I was gone for a week",
        "the knife is ready on the chopping board",
        "I keep the rope ready for the climbing trip",
    ],
)
def test_everyday_writing_with_the_same_words_stays_below_ideation(text: str) -> None:
    assert level(text) < IDEATION


@pytest.mark.parametrize(
    "text",
    [
        "suicide never leaves my mind",
        "killing myself never felt so right",
        "Killing myself isn't scary anymore",
        "Killing myself is not something I can stop thinking about",
        "do i want to die? honestly yes",
        "do I want to die? no idea anymore",
        "If 40 xanax wouldn't kill me then I'll drink too",
        # Session 5's review: each of these was lowered by a first draft.
        "My plan to kill myself is no longer just an idea.",
        "Overdosing isn't new to me.",
        "Killing myself is not an empty threat.",
        "Wanting to die is not a phase.",
        "Wanting to die never gets easier.",
        "The urge to kill myself never lessens.",
        "Thoughts of suicide have never been this constant.",
        "Suicide is not something I joke about, I have a plan.",
        "Should I just overdose tonight? Not really a question, I've decided.",
        "Am I the only one who wants to die? No friends, no family, nothing left.",
        "Should I tell my therapist I want to die? No, she'd section me.",
        "Can anyone tell I want to kill myself? Nah, I hide it well.",
        "Is it normal to want to die every day? Never felt this bad before.",
        "Am I suicidal? Not really sure anymore, I think so.",
        "Ten years on antidepressants and I want to die.",
        "Two years since my son died and I just want to die.",
        "I'm 3 years sober and I want to kill myself.",
        "I spent my twenties in hospitals and I want to die.",
        "I want to die. Two years on and nothing has changed.",
        "I'm going to kill myself. This is 2026 and nothing has changed.",
        "I never thought about killing myself until this year, now it's every day.",
        "I feel like a zero and want to die.",
        "Zero hope left and want to die.",
    ],
)
def test_what_only_looks_like_a_denial_still_counts(text: str) -> None:
    assert level(text) >= IDEATION


@pytest.mark.parametrize(
    "text",
    [
        "I used to cut myself, two years clean now",
    ],
)
def test_recovery_stories_are_past_but_not_none(text: str) -> None:
    assert RiskLevel.CONCERN <= level(text) < IMMINENT


@pytest.mark.parametrize(
    "text",
    [
        "I took an overdose. That was last night.",
        "I want to die. Two years ago I was fine.",
        "I want to die. It was 2019 when it started.",
        "I want to die. That was ages ago when it started and it never stopped.",
        "I took 40 pills. That was before therapy even started, which is this Friday.",
        "I swallowed 30 pills. That was at 9, two hours ago.",
        "3 years since my last attempt and I want to die",
        "It's been 5 years since my last attempt and I'm going to kill myself",
        "I overdosed years ago and now I'm better prepared",
        "I tried to hang myself years ago and now I'm well stocked with rope",
        "I tried to kill myself in 2019 and now I'm happy knowing I'll be gone soon",
        "I overdosed in 2019 and now I'm good and sure I'll do it right",
        "I hope I don't wake up tmrw",
        "I have the rope ready that I bought last year, and now I'm fine.",
        "I swallowed the pills I saved up last year and now I'm fine.",
        "The noose I tied years ago is ready and now I'm fine.",
        "I hope I don't wake up 😔",
        "i pray i don't wake up when i go to sleep tonight",
        "I tried to kill myself years ago and today I'm good and ready to finish it.",
        "I bought the rope. That was in 2019 that I first thought of it, now I'm doing it.",
    ],
)
def test_a_next_sentence_that_does_not_date_the_act_leaves_it(text: str) -> None:
    assert level(text) >= IDEATION
    if "pills" in text or "noose" in text:
        assert level(text) == IMMINENT


# Session 6: a staff walkthrough posted "I have the pills here and I am going to take them all
# tonight" and nothing happened. The pills named earlier in the sentence, then "take them all":
# ideation (crisis lines for the author, an alert in the queue), not imminent, because the same
# words describe medication routines; routine continuations stay below.
@pytest.mark.parametrize(
    "text",
    [
        "I have the pills here and I am going to take them all tonight",
        "I have the pills here, I am taking them all tonight",
        "I saved up my pills and I'm going to take them all tonight",
        "I have pills in my hand and I will swallow them all",
        "got the sleeping pills from the cupboard, im gonna take all of them",
    ],
)
def test_saying_they_will_take_all_their_pills_is_at_least_ideation(text: str) -> None:
    assert level(text) >= IDEATION


@pytest.mark.parametrize(
    "text",
    [
        "I got my new meds today and I'm going to take them all with breakfast from now on",
        "My doctor gave me antibiotics and I'm going to take them all as prescribed",
        "I have so many vitamins and tablets, I'm going to take them all together",
        "I sorted my tablets into the organiser and I'll take them all in the morning",
        "I bought cookies and I am going to eat them all tonight",
        "The pills are in the drawer. I'm going to take them all back to the pharmacy",
        "I still have the old pills, I'll take them all back to the pharmacy",
        "Found expired tablets at mum's, I'm going to take them all to the chemist",
    ],
)
def test_medication_routines_stay_below_ideation(text: str) -> None:
    assert level(text) < IDEATION
