"""Rule tables for the risk screener: data, not code paths.

Every rule has a stable ``id`` (stored with alerts; never reuse or rename one), a base level on
the C-SSRS ladder, a pattern over the *normalised* text (lower case, folded look-alikes, single
spaces, straight apostrophes), and an explanation a moderator reads.

``subject`` says how the author is tied to the phrase:
- ``self``: the phrase names the author ("kill myself"); an unresolved subject means the author.
- ``check``: the nearest person word in the sentence decides ("I want to die" vs "she wants
  to die"); with none, the post decides (a supportive reply or news text is not the author).
- ``topic``: a bare term ("suicide"); without a first-person subject it counts as concern.
- ``any``: counts whoever it is about (used for bereavement, which is the author's own loss).

Patterns must stay linear-time: the only quantified group allowed is a bounded word gap whose
body cannot match its own separator (``<gapN>``). ``tests/safety/test_screening.py`` checks every
pattern against pathological input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from peerhaven.safety.screening.result import RiskLevel

Subject = Literal["self", "check", "topic", "any"]

NONE = RiskLevel.NONE
CONCERN = RiskLevel.CONCERN
IDEATION = RiskLevel.IDEATION
IMMINENT = RiskLevel.IMMINENT

MACROS: dict[str, str] = {
    "<gap1>": r"(?:[a-z']+ )?",
    "<gap2>": r"(?:[a-z']+ ){0,2}",
    "<gap3>": r"(?:[a-z']+ ){0,3}",
    "<myself>": r"(?:my ?self|meself|mself)",
    "<dont>": r"(?:don't|dont|do not|didn't|didnt|did not)",
    "<cant>": r"(?:can't|cant|cannot|can not|couldn't|couldnt)",
    "<im>": r"(?:i'm|im|i am)",
    "<ive>": r"(?:i've|ive|i have)",
    "<pills>": (
        r"(?:pills?|tablets?|meds|medications?|sleeping pills|painkillers|tylenol|paracetamol"
        r"|acetaminophen|ibuprofen|aspirin|benadryl|insulin|xanax|antidepressants|sertraline"
        r"|lithium|seroquel|trazodone|oxy|opioids)"
    ),
    # Means and places that turn an ordinary verb into a method when the text names them
    # (session 8: rules with ``needs``).
    # A real gun, not a water, nerf, toy, glue, nail, heat, staple or spray gun.
    "<gun>": (
        r"(?<!water )(?<!nerf )(?<!toy )(?<!glue )(?<!nail )(?<!heat )(?<!staple )(?<!spray )gun"
    ),
    "<means>": (
        r"\b(?:pills?|tablets?|meds|medications?|painkillers|paracetamol|tylenol|bottle|strip"
        r"|blister pack|packets?|rope|noose|ligature|<gun>|pistol|rifle|shotgun|knife|knives"
        r"|blades?|razors?|hose|exhaust|charcoal|stash|stockpil\w{0,6}|hoard\w{0,6})\b"
    ),
    "<height>": (
        r"\b(?:bridge|roof|rooftop|car ?park|multi ?storey|multi-storey|parking (?:garage"
        r"|structure|lot roof)|balcony|cliffs?|ledge|tower block|top floor|top deck"
        r"|\d{1,3} floors|\w{1,12} floors up|\d{1,3}(?:st|nd|rd|th) floor|overpass|viaduct"
        r"|railings|lookout|high spot)\b"
        r"(?! (?:club|game|of (?:my|the) nose|loan))"
    ),
    "<track>": (
        r"\b(?:platform|train|tracks|railway|railway line|level crossing|motorway|lorry"
        r"|oncoming traffic)\b"
    ),
    # Said at a dangerous place: ready, letting go, not moving, do not look for me.
    "<ready>": (
        r"\b(?:i'm ready|im ready|i am ready|let (?:myself )?(?:go|fall)|not moving"
        r"|not coming back|(?:going to|gonna) (?:do it|jump(?! (?:in|into|on|off the"
        r" (?:board|boat)))|let go|step off|go over|walk in)"
        r"|(?:don't|dont|do not) (?:try to )?(?:find|call|look for|come (?:for|after)) me"
        r"|don't call anyone|dont call anyone|tell (?:my )?\w{1,20} (?:i|sorry)|wrong side of the"
        r" (?:railings|fence|barrier)|made my peace|can hear (?:a|the) train|walking in"
        r"|whoever (?:reads|finds) this|by the time (?:you|anyone|someone) reads? this"
        r"|(?:don't|dont) try (?:n|and|to) find me|working up to it|(?:don't|dont) tell anyone"
        r"|wanted someone to know|going to go soon|not stepping back|not going home)\b"
    ),
    "<water>": r"\b(?:sea|ocean|river|lake|canal|reservoir)\b",
    # A lethal means by name, for rules that need a second cue near it.
    "<meansword>": (
        r"pills|tablets|painkillers|tylenol|paracetamol|insulin|sleeping pills|bottles? of"
        r" (?:pills|tablets|tylenol|paracetamol|vodka)|rope|noose|<gun>"
        r"|rifle|revolver|shotgun|pistol|ammo|bullets|blades|razor|hose|disposable bbqs?"
        r"|charcoal|engine running|pesticide|weedkiller|poison|bleach|dupatta|ligature"
    ),
    # A farewell strong enough that a means beside it is a plan.
    "<farewell2>": (
        r"\b(?:said (?:bye|goodbye)|saying (?:bye|goodbye) to|goodbye (?:emails?|letters?|notes?"
        r"|messages?)|sorry for (?:always )?(?:being|everything)|please (?:don't|dont) (?:message"
        r"|try|call|look)|last (?:post|check-in|check in|message)|love you all|thank you for"
        r" everything|whoever finds|don't call anyone|dont call anyone|(?:just )?wanted someone"
        r" to know|letters are written|wrote to (?:mum|mom|dad|my \w{1,12}) already|im done"
        r"|i'm done|not (?:calling|ringing) (?:anyone|999|911|000|an ambulance)|logging off for"
        r" good|tell (?:the kids|my \w{1,12}|mum|mom|dad|them) i love(?:d)? (?:them|her|him|you)"
        r"|sorry lads|(?:one person|somebody|someone) (?:in the world )?to know|dont tell anyone"
        r"|don't tell anyone|i'm finished|im finished|(?:then|now|tonight) (?:i'm|im) doing it"
        r"|finishing this then|thank you for being kind)\b"
    ),
    # When nobody will be around.
    "<alonetime>": (
        r"\b(?:(?:after|once|when) (?:everyone|everybody|they|the house|the kids|my (?:wife"
        r"|husband|partner|parents|flatmate|mum|mom|dad))(?:'s|'re|s| is| are| has| have)?"
        r" (?:all )?(?:asleep|gone|in bed|out|at (?:work|the match|school)|empt\w{0,3}|left"
        r"|sleeps|sleep|goes to sleep|goes to bed)"
        r"|waiting for the house to empty|(?:is|are|he's|she's|they're) away till|at (?:her|his)"
        r" (?:mum's|mom's) till|the house to myself tonight)\b"
    ),
    # Medication routines: "take them all" there is adherence, not an overdose.
    "<routine>": (
        r"\b(?:forgot|forget|forgotten|missed (?:a|my|the|some) (?:dose|doses|meds|pills|tablets)"
        r"|as prescribed|as directed|with food|vitamins?|supplements?|the doctor (?:said|told)"
        r"|like the doctor|pharmacist|side effects?|refill|prescription (?:ran|runs))\b"
    ),
    "<body>": r"(?:arms?|wrists?|thighs?|legs?|skin|stomach|hips?|ankles?|forearms?|chest)",
    # "on the oven " before what someone was doing ("burned myself on the oven making cookies").
    "<onthing>": r"on (?:a |the |some |my )?[a-z]+(?: [a-z]+)? ",
    "<soon>": r"tomorrow|morning|tonight|the time|the weekend|monday|friday|next week",
    "<wrote>": (
        r"wrote|writing|written|write|left|leave|leaving|draft|drafted|drafting|finished"
        r"|started"
    ),
    "<note>": r"note|notes|letter|letters",
    "<family>": (
        r"family|parents|mum|mom|mother|dad|father|kids|children|son|daughter|husband|wife"
        r"|partner|boyfriend|girlfriend|fiance|fiancee|sister|brother|friends|best friend"
        r"|grandma|grandparents|nan|loved ones|kid|child|sis|bro|friend|mate|best mate|bestie"
    ),
    # Beside a note to family, what makes it a goodbye (even in the next sentence).
    "<farewell>": (
        r"\b(?:sorry for (?:everything|all|being)|(?:i'm|im|i am|so) sorry(?! (?:i |i've|i haven't"
        r"|i havent|for (?:the|my) (?:late|delay|long|absence)|to hear|you |about|that|if|but))"
        r"|apologi[sz]e for everything|goodbye|good bye|bye\b(?! (?:before|for now|for the"
        r"|til|till|until))|in case|incase|for after(?! (?:the|my|exams|work|school|christmas))"
        r"|(?:after|when|once) i(?:'m| am) (?:gone|dead|not here)|after i die|when i die"
        r"|not here anymore|explaining (?:why|everything)|explain (?:why|everything)"
        r"|(?:they'll|he'll|she'll|they will|he will|she will|will) (?:find (?:it|them)"
        r"|understand)|find (?:it|them) (?:tomorrow|in the morning)|to find (?:it )?(?:tomorrow"
        r"|in the morning)|where to find me|(?:not|wasn't|isn't) (?:your|his|her|their) fault"
        r"|none of this is|for the last time|forgive me|take care of (?:them|him|her|each other)"
        r"|this is the end|i'm done|im done|tonight's the night|tonight is the night|it's time"
        r"|its time|better off without me|love you all|thank you for everything|(?:nobody|no one)"
        r" will miss me|won't miss me|before (?:they|he|she) wake|(?:tell|telling|told) (?:them|him"
        r"|her|you) i love|can't do this anymore|cant do this anymore|can't go on|cant go on"
        r"|(?:they'll|they will|everyone will|he'll|she'll|you'll) be better off)"
    ),
    # An ordinary reason beside giving things away, unless a goodbye is in it too.
    "<ordinarygiving>": (
        r"(?=[^.!?\n]{0,60}\b(?:landlord (?:won't|wont|doesn't|does not|will not) (?:allow|let)"
        r"|(?:moving|we're moving|i'm moving|moved) (?:house|abroad|to |out|flat|apartment"
        r"|country|in with)|allergic|allergy|a baby|the baby|downsizing|declutter|decluttering"
        r"|new (?:house|flat|apartment|place)|smaller (?:flat|apartment|place)|giveaway|raffle"
        r"|marketplace|spam|scam)\b)(?![^\n]{0,150}?\b(?:moving on|better place|when i'm gone"
        r"|before i go"
        r"|won't need|wont need|better off|won't be (?:here|around)|last|deserve better"
        r"|deserves someone|after i'm gone|not be here|almost time|it's time|won't matter"
        r"|made my decision|be around)\b)"
    ),
    # An ordinary reason beside "I'll be gone by Friday", unless a goodbye is in it too.
    "<ordinarygone>": (
        r"(?=[^.!?\n]{0,60}\b(?:(?:on|for) (?:a |my |our )?(?:holiday|vacation|trip|business"
        r" trip|honeymoon)|moving (?:house|abroad|to |out)|for work|conference|camp|festival"
        r"|flight|new job)\b)"
        r"(?![^\n]{0,150}?\b(?:moving on|better place|sorry|last trip|won't matter"
        r"|wont matter|goodbye|for good|forever|read this|peace|nobody will notice"
        r"|no one will notice|thank you all|love you all|don't look for me)\b)"
    ),
    # Where everyday injuries happen (not wrists or throat): see idiom.accidental_injury.
    "<limb>": (
        r"(?:arms?|legs?|knees?|ankles?|hands?|fingers?|thumbs?|feet|foot|toes?|elbows?|shins?"
        r"|back|shoulders?|head|forehead)"
    ),
    "<kill>": r"(?:kill|killing|unalive|unaliving|off|offing|end|ending)",
    # Waking up late, grumpy or someone else is not a wish to die. Only words and phrases, no
    # bare prepositions: "... wake up at all", "... with a pulse", "... to another day" are.
    "<wokenby>": (
        r"(?! (?:late|early|grumpy|hungover|sore|stiff|tired(?! of)|the (?:baby|babies"
        r"|kids?|children|house|neighbou?rs?|dog|cat|whole (?:house|street|family))|my (?:wife"
        r"|husband|partner|son|daughter|baby|kids?|children|flatmates?|roommates?|mum|mom|dad"
        r"|family|parents))\b)"
    ),
    # "dead" as an intensifier: "dead last", "dead wrong", "dead centre".
    "<notidiom>": (
        r"(?! (?:last|wrong|right(?! now| here| away)|cent(?:er|re)|serious|asleep|tired)\b)"
    ),
}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    level: RiskLevel
    pattern: str
    explanation: str
    subject: Subject = "check"
    method: bool = False
    # True when the phrase itself reports something done (an attempt, an overdose): without a
    # date it still counts in full, because it may have been last night.
    past: bool = False
    # Phrases often used as jokes; laughter in the sentence lowers them one level (not below
    # concern).
    hyperbole: bool = False
    # False when the phrase already contains its own negation ("never had the guts to").
    negatable: bool = True
    # A pattern that must also occur somewhere in the text for the phrase to count: the means
    # or the place that makes "I'm going to jump" or "take them all" a method (session 8).
    needs: str = ""
    # A pattern that, anywhere in the text, makes the phrase ordinary ("as prescribed").
    unless: str = ""


RULES: tuple[Rule, ...] = (
    # --- imminent: intent, plan, preparation, method, behaviour (C-SSRS items 3-6) -----------
    Rule(
        "imminent.intent.kill_self",
        IMMINENT,
        r"\b(?:going to|gonna|planning to|plan to|planning on|decided to|ready to|about to"
        r"|i'll|i will|i'm finally going to|time to|i'm going to) <gap1>"
        r"(?:kill|unalive|off|end) (?:<myself>|my (?:own )?life)\b",
        "States an intention to end their life",
        subject="self",
        hyperbole=True,
    ),
    Rule(
        "imminent.intent.end_it_tonight",
        IMMINENT,
        r"\b(?:end|ending|do) it (?:all )?(?:tonight|tomorrow|this weekend|today|soon|now)\b"
        r"|\b(?:end|ending) everything (?:tonight|tomorrow|this weekend|today|soon|now"
        r"|for good)\b(?! (?:with|between))",
        "Says when they will end their life",
    ),
    Rule(
        "imminent.plan.have_plan",
        IMMINENT,
        r"\b(?:have|made|making|got|planned out|worked out|figured out) (?:a|my|the) "
        r"(?:suicide )?plan (?:to|for|on how to) (?:kill|end|die|suicide|my death|do it|unalive)",
        "Has a plan for suicide",
    ),
    Rule(
        "imminent.plan.know_how",
        IMMINENT,
        r"\bi know (?:exactly )?how (?:i'm|i am|im|i'll|i will|i'd|i would|i'm going to) "
        r"(?:going to |gonna )?(?:do it|kill myself|end it)\b",
        "Knows how they would do it (method chosen)",
        subject="self",
    ),
    Rule(
        "imminent.plan.date",
        IMMINENT,
        r"\b(?:set|picked|chose|chosen|choose) (?:a|the) (?:date|day) (?:to|for) "
        r"(?:die|end|kill|my death|my suicide|do it)",
        "Has chosen a date",
    ),
    Rule(
        "imminent.plan.last_post",
        IMMINENT,
        r"\bthis (?:is|will be) my (?:last|final) (?:post|message|goodbye|night|day|words|letter)"
        r"|\b(?:this is )?the last time you(?:'ll| will) (?:ever )?hear from me\b"
        r"|\b(?:won't|wont|will not) need (?:my|any of my) (?:stuff|things)"
        r" where i(?:'m| am) going\b"
        r"|\bwon't be the ones? to find me\b"
        r"|\b(?:please )?(?:don't|dont) blame yourself for what i (?:do|did|am about to do)\b"
        r"|\bgoodbye properly before i go\b"
        r"|\bby tonight it(?:'s| is| will be|s)? over\b|\b(?:monday|tuesday|wednesday|thursday"
        r"|friday|saturday|sunday|tonight|tomorrow) it all ends\b"
        r"|\bafter midnight it (?:won't|wont|will not) matter\b"
        r"|\bthis (?:is|will be) my (?:last|final) check[ -]?in\b"
        r"|\b(?:got|have|made) a plan and a (?:date|time)\b"
        r"|\bwithout (?:her|him|them) knowing it was (?:goodbye|the last time)\b"
        r"|\b(?:will|they'll|she'll|he'll) find the (?:letter|note) (?:on|in|under)\b"
        r"|\b(?:saved|stockpiled) (?:up )?enough to (?:not wake up|never wake up|die)\b",
        "Says this is their last message",
        subject="self",
    ),
    Rule(
        "imminent.plan.not_here_tomorrow",
        IMMINENT,
        r"\b(?:won't|will not|wont|i'll not) be (?:here|around|alive) (?:tomorrow|much longer"
        r"|for (?:much )?longer|by (?:tomorrow|morning|monday|the weekend)|next (?:week|year))"
        r"|\b(?:not going to|not gonna) be (?:here|around|alive) (?:much longer|for (?:much )?"
        r"longer)\b|\b(?:won't|will not|wont|not going to|not gonna) be alive (?:by|at|for|next)"
        r" (?:christmas|new year|my birthday|the end of the (?:week|month|year)|\w+day)\b",
        "Says they will not be alive soon",
    ),
    Rule(
        "imminent.plan.dead_by",
        IMMINENT,
        r"\b(?:i'll|i will|ill) (?:be )?(?:dead (?:by|before) (?:<soon>)|gone (?:by|before)"
        r" (?:<soon>)\b(?!<ordinarygone>))",
        "Says they will be dead soon",
        subject="self",
    ),
    Rule(
        "imminent.plan.reads_this",
        IMMINENT,
        r"\b(?:by the time|when) (?:you|anyone|someone|somebody|they|it|this|that)"
        r" (?:read|reads|see"
        r"|sees|find|finds|arrives|sends|goes out)"
        r" (?:this,? )?(?:i'll|i will|ill|i'm|i am|im) (?:be )?"
        r"(?:dead|gone|not be here)",
        "Writes as if they will be dead when read",
        subject="self",
    ),
    Rule(
        "imminent.preparation.giving_away",
        IMMINENT,
        r"\b(?:give|giving|gave|given) away (?:all )?(?:of )?(?:my|some of my|most of my) "
        r"(?:stuff|things|belongings|possessions|pets?|cats?|dogs?|clothes|books|games"
        r"|money|savings|collection)\b(?!<ordinarygiving>)",
        "Giving away possessions (a preparatory act)",
        subject="self",
    ),
    Rule(
        "imminent.preparation.note",
        IMMINENT,
        # A suicide or goodbye note, or a note to family (a last one too) with a farewell
        # within 150 characters, the next sentence included ("... to my kids. They'll find them
        # in the morning"). Not any letter: "I wrote a letter to my mum", "my final letter to
        # my mum after she passed".
        r"\b(?:<wrote>) (?:a|my|the|some|goodbye) (?:suicide|goodbye|farewell) (?:<note>)\b"
        r"|\b(?:<wrote>) (?:a|the|some|my) (?:last |final )?(?:<note>) (?:to|for) (?:my"
        r" (?:[a-z0-9']+ ){0,2}(?:<family>)|everyone|everybody|them all|all of them|her|him"
        r"|them)\b(?=[^\n]{0,150}?<farewell>)",
        "Writing a goodbye note",
    ),
    Rule(
        "imminent.preparation.pills_ready",
        IMMINENT,
        r"\b(?:i have|i've got|ive got|i got|i've|got|have) (?:the|my|all my|all the|these|those"
        r"|enough) <pills> (?:ready|lined up|counted out|laid out|in front of me|in my hand)\b"
        r"(?! (?:for|at|to|in|on) )",
        "Has pills ready (a preparatory act)",
        method=True,
    ),
    Rule(
        "imminent.preparation.my_note",
        IMMINENT,
        r"\b(?:wrote|written|writing|finished|left) my (?:suicide|goodbye|last|final) note\b",
        "Has written their note (a preparatory act)",
        subject="self",
    ),
    Rule(
        "imminent.preparation.method_research",
        IMMINENT,
        r"\b(?:look|looking|looked|search|searching|searched|research|researching|researched"
        r"|googl(?:e|ed|ing)|reading up on|read up on) (?:up |into |for )?(?:ways|how|methods?"
        r"|the (?:best|easiest|quickest|least painful) way|painless ways?) (?:to|of) (?:die|dying"
        r"|kill myself|killing myself|end (?:it|my life)|ending (?:it|my life)|commit suicide"
        r"|committing suicide|overdose|od)\b",
        "Researching ways to die (a preparatory act)",
    ),
    Rule(
        "imminent.preparation.note_term",
        IMMINENT,
        r"\b(?:suicide|goodbye|farewell) (?:note|notes|letter|letters)\b",
        "Mentions a suicide or goodbye note",
        subject="topic",
    ),
    Rule(
        "imminent.preparation.goodbye",
        IMMINENT,
        r"\b(?:goodbye|bye|farewell) (?:everyone|everybody|world|cruel world|forever|reddit"
        r"|all of you|you all|y'all)\b|\bthis is (?:my )?goodbye\b|\bsaid my goodbyes\b"
        r"|\b(?:say|saying|said) (?:my )?goodbyes? to (?:everyone|everybody|you all|all of you"
        r"|the world|this world|life)\b"
        r"|\bsaying (?:my )?goodbyes?\b(?! to (?:him|her|them|my (?:friend|family|dog|cat)))"
        r"|\b(?:wrote|written|writing|posted|sent|recorded|typed) (?:a|my) goodbye\b(?! (?:card"
        r"|party|present|gift|lunch|drinks|speech|message|note|email|post|letter|song|video"
        r"|to (?!(?:everyone|everybody|you all|the world|this world|life)\b)))"
        r"|\b(?:was|is) my goodbye\b(?! to (?!(?:everyone|everybody|you all|the world"
        r"|this world|life)\b))"
        r"|\b(?:goodbye|farewell|suicide) (?:letters?|notes?) (?:are|is) (?:done|written|finished"
        r"|ready|sealed)\b"
        r"|\b(?:wrote|written|writing|finished) (?:goodbye |farewell |last |final )?letters? to "
        r"(?:my|each of my|all of my|everyone)\b(?= (?:<gap3>)(?:tonight|today|this week|in case"
        r"|so they arrive|before i|for after|to read after|after i'm gone|when i'm gone))",
        "Saying goodbye (a preparatory act)",
    ),
    Rule(
        "ideation.preparation.affairs",
        IDEATION,
        r"\b(?:wrote|writing|made|making|updated|updating|sorted|sorting) (?:out )?(?:my|a) "
        r"(?:will|affairs|final arrangements)\b|\bput(?:ting)? my affairs in order\b",
        "Putting affairs in order",
        subject="self",
    ),
    # Method: thinking about how (C-SSRS item 3) counts as imminent, and the text is held.
    Rule(
        "imminent.method.hanging",
        IMMINENT,
        r"\b(?:hang|hanging|hanged|hung) <myself>\b|\bnoose\b|\bexit bag\b",
        "Describes hanging as a method",
        method=True,
    ),
    Rule(
        # Split from imminent.method.hanging in session 8: a rope bought or tied is everyday on a
        # roof rack, a camping list or a boat.
        "imminent.method.hanging_rope",
        IMMINENT,
        r"\b(?:bought|got|buy|buying|tied|tie|tying|have|has) (?:a|the|some) rope\b(?! (?:to"
        r" (?:the|a|my) (?:roof|tree|branch|boat|trailer|car|van|post|swing|sledge|dock|fence)))",
        "Describes hanging as a method",
        method=True,
        unless=(
            r"\b(?:camping|tent|climbing|sailing|boat|knots?|roof rack|moving|swing|dog lead"
            r"|skipping|tug|towing|tow|trampoline|tie down|scratching|diy|washing line|limbo"
            r"|garland)\b"
        ),
    ),
    Rule(
        "imminent.method.jumping",
        IMMINENT,
        r"\b(?:jump|jumping|jumped|leap|leaping|throw myself|throwing myself) (?:off|from|in front"
        r" of|into|onto) (?:a|the|my|our|this|that) (?:<gap1>)(?:bridge|building|roof|rooftop"
        r"|cliff|balcony|train|bus|truck|traffic|window|ledge|tower|parking garage|overpass"
        r"|highway|freeway|subway|tracks)\b",
        "Describes jumping as a method",
        method=True,
    ),
    Rule(
        "imminent.method.vehicle",
        IMMINENT,
        r"\b(?:step|stepping|stepped|walk|walking|lie|lying|lay) (?:in front of|into|onto|on) "
        r"(?:a|the) (?:train|bus|truck|traffic|car|tracks|railway)\b"
        r"|\b(?:drive|driving|crash|crashing|swerve|swerving) (?:my car )?(?:into|off) (?:a|the) "
        r"(?:wall|tree|cliff|bridge|river|lake|oncoming|pole|barrier)\b",
        "Describes a vehicle or train as a method",
        method=True,
    ),
    Rule(
        "imminent.method.overdose",
        IMMINENT,
        r"\b(?:overdose|overdosing|overdosed|od|od'd|od'ing)\b(?! on (?:coffee|caffeine|sugar))",
        "Mentions overdose",
        method=True,
    ),
    Rule(
        "imminent.method.pills_quantity",
        IMMINENT,
        r"\b(?:all|a bunch of|a handful of|handfuls of|the whole bottle of|whole bottle of"
        r"|entire bottle of|too many|enough|\d{2,}|a lot of|lots of|a load of|loads of) (?:of )?"
        r"(?:my |the )?"
        r"<pills>\b(?! (?:a|per|each) (?:day|week|morning|night)\b)"
        r"|\b(?:stockpil\w*|hoard\w*|saving up) (?:<gap1>)<pills>\b"
        r"|\bsaving (?:<gap1>)<pills>\b(?! (?:for|on|in|with|at|from|money|costs|cash|bottles?"
        r"|boxes|packets?|organi[sz]ers?|jars?|containers?))"
        r"|\bhow many (?:of )?(?:my |the |these |those )?<pills> (?:it )?(?:would|does|will|did)"
        r" (?:it )?"
        r"(?:take|kill|be (?:fatal|lethal|enough))\b|\bhow many (?:of )?(?:my |the )?<pills> "
        r"(?:do i need (?:to take )?|would i need (?:to take )?)?(?:to|until|before) (?:die|kill"
        r"|od|overdose|be fatal|end it|end my life|i (?:don't|dont|won't|wont|never) wake up"
        r"|(?:not|never) wake up)\b"
        r"|\blethal (?:dose|amount|overdose)\b",
        "Describes a quantity of pills or a lethal dose",
        method=True,
    ),
    Rule(
        "imminent.method.cutting_deep",
        IMMINENT,
        r"\b(?:slit|slice|slash|slashing|slitting|slicing|cut|cutting|open|opening) "
        r"(?:<gap1>)(?:my )?(?:wrists?|throat|veins)\b",
        "Describes cutting wrists or throat",
        method=True,
    ),
    Rule(
        "imminent.method.firearm",
        IMMINENT,
        r"\b(?:gun|pistol|rifle|shotgun|revolver|barrel) (?:to|in|into|against) my (?:head|mouth"
        r"|temple|chin)\b|\b(?:shoot|shooting|shot) <myself>\b(?! (?:in the foot|a message))"
        r"|\bblow my (?:brains|head) (?:out|off)\b|\bbullet (?:in|through) my (?:head|brain)\b",
        "Describes a firearm as a method",
        method=True,
    ),
    Rule(
        "imminent.plan.planning_death",
        IMMINENT,
        r"\b(?:planning|plan|planned|plotting|plotted|arranging|scheduling) my (?:own )?"
        r"(?:death|suicide|exit)\b",
        "Planning their death",
        subject="self",
    ),
    Rule(
        "imminent.method.firearm_ready",
        IMMINENT,
        r"\b(?:load|loaded|loading|cock|cocked|cocking) (?:the|my|a|his|dad's) (?:gun|pistol"
        r"|rifle|shotgun|revolver)\b|\bpull(?:ing|ed)? the trigger\b(?! on)"
        r"|\b(?:my|the|dad's|his) (?:gun|pistol|rifle|shotgun|revolver) is loaded\b",
        "Describes readying or firing a gun",
        method=True,
    ),
    Rule(
        "imminent.method.swallow_pills",
        IMMINENT,
        r"\b(?:swallow|swallowed|swallowing|down|downed|downing) (?:the|all the|all my|all of my"
        r"|my|those|these) <pills>\b|\b(?:tried|try|trying|attempted) to (?:take|swallow"
        r"|overdose on|od on) (?:<gap2>)<pills>\b",
        "Describes swallowing pills as a method",
        method=True,
    ),
    Rule(
        "imminent.method.other",
        IMMINENT,
        r"\b(?:drown|drowning) <myself>\b|\bcarbon monoxide\b(?! (?:alarm|detector|leak"
        r"|poisoning from|tester|sensor|monitor|checks?))|\b(?:drink|drinking|drank) "
        r"(?:the )?(?:bleach|antifreeze|poison)\b|\bhelium (?:bag|tank)\b"
        r"|\b(?:suffocate|suffocating|electrocute|electrocuting|poison|poisoning) <myself>\b"
        r"|\b(?:the|my|a) noose (?:is |was )?(?:all )?(?:ready|set up|tied|prepared|waiting"
        r"|in place|up)\b",
        "Describes another method",
        method=True,
    ),
    # Behaviour: attempts and self-harm. Without a date these stay imminent (fail safe: it may
    # have been last night); a remote date or a recovery story lowers them one level.
    Rule(
        "imminent.behavior.attempt",
        IMMINENT,
        r"\b(?:tried|try|trying|attempted|attempting|attempt) (?:<gap1>)(?:to )?"
        r"(?:kill|end|unalive|off|hang|drown|shoot|overdose|od) (?:<myself>|my (?:own )?life"
        r"|it all)\b",
        "Reports trying to end their life",
        past=True,
    ),
    Rule(
        "imminent.behavior.attempt_noun",
        IMMINENT,
        r"\b(?:suicide attempts?|attempted suicide|attempt(?:ed|ing)? (?:at )?suicide"
        r"|survived (?:a|an|my|the|two|three|multiple) (?:suicide )?attempts?"
        r"|(?:my|after my|since my|before my) (?:first |second |third |last |latest |recent "
        r"|previous |most recent |failed |\d+(?:st|nd|rd|th) )?(?:suicide )?attempts?"
        r"|(?:\d+(?:st|nd|rd|th)|second|third|fourth) attempt(?=\s*[.!?]|$))\b"
        r"(?! (?:at|to) (?!suicide))",
        "Mentions a suicide attempt",
        past=True,
    ),
    Rule(
        "imminent.behavior.attempted",
        IMMINENT,
        r"\b(?:i|i've|ive|i have) (?:already |previously |once )?attempted\b(?! to (?!kill|end))",
        "Says they attempted",
        subject="self",
        past=True,
    ),
    Rule(
        "imminent.behavior.self_harm_act",
        IMMINENT,
        r"\b(?:i|i've|ive|i have|i just|i've been|i have been|i keep|started|start|been) "
        r"(?:just |been |already |used to |would )?(?:cut|cutting|burn|burned|burnt|burning"
        r"|scratch|scratched"
        r"|scratching|carve|carved|carving|hit|hitting|punch|punched|punching|bit|biting"
        r"|harm|harmed|harming|hurt|hurting) (?:<gap1>)(?:<myself>|my <body>)\b"
        r"|\b(?:relapsed|relapse|relapsing) (?:again )?(?:on |with |into )?"
        r"(?:self ?harm|sh|cutting)\b"
        r"|\bcutting again\b|\b(?:fresh|new) (?:cuts|scars|wounds)\b"
        r"|\bi (?:cut|burned|burnt) (?:again|last night|today|yesterday|this morning|tonight"
        r"|deeper)\b"
        r"|(?:^|[.!?\n] ?)(?:cut|burned|burnt|hurt) (?:myself|again) (?:with|again|tonight|today"
        r"|last night|this morning|deeper)\b"
        r"|\brelapsed (?:w|w/|with|on|into) (?:self ?harm|sh|cutting)\b",
        "Reports self-harm",
        past=True,
    ),
    # --- session 8: a method named anywhere in the text turns ordinary words into a plan -----
    # "Pills are counted. Going to take them all now." The phrase alone is everyday ("take them
    # all home"); with pills named in the text and no medication routine in it, it is a method.
    Rule(
        "imminent.method.take_them_all",
        IMMINENT,
        r"\b(?:take|taking|tkae|takeing|swallow|swallowing|down|downing|neck|necking|use|using"
        r"|inject|injecting) (?:them all"
        r"|all of them|the lot|the whole (?:lot|bottle|box|strip|packet|pack|stash))\b(?! (?:with"
        r"|together|back|home|out|in (?:turn|order|one go)|to (?:the|a|my|school|work)|at the same"
        r"|as (?:prescribed|directed|usual)|every|each|daily|in the morning|at (?:breakfast|lunch"
        r"|dinner|bedtime)|before (?:bed|meals)|after (?:food|meals|breakfast|dinner)|from now"
        r"|again tomorrow|on|off|for|apart)\b)"
        r"|\b(?:take|taking|swallow|swallowing) them (?:all )?(?:after|when|once) (?:everyone"
        r"|everybody|the house|they|my (?:family|parents|partner|wife|husband|mum|mom|dad))"
        r"(?:'s|'re| is| are| has| have)? (?:asleep|gone|in bed|out|empty|left)\b"
        r"|\b(?:took|taken|swallowed|downed) (?:them all|all of them|the lot|the whole (?:lot"
        r"|bottle|box|strip|packet|pack|stash))\b(?! (?:with|together|back|home|out|to|in (?:turn"
        r"|order|one go)|as (?:prescribed|directed|usual)|this morning|at (?:breakfast|lunch"
        r"|dinner|bedtime)|on|off|for|apart|each|every|this week|today|daily|on time|yesterday"
        r"|even)\b)"
        r"|\b(?:taking|take|swallowing|swallow) all (?:of )?(?:my|the|\w{1,12}'s) (?:<gap2>)"
        r"(?:<pills>)\b"
        r"|\b(?:going to|gonna|about to) take them (?:here|now|all now)\b(?! (?:with|before|after"
        r"|as)\b)"
        r"|\b(?:going to|gonna|about to) take (?:<gap1>)(?:<pills>)\b(?=[^\n]{0,120}?\b(?:counted"
        r"|enough|the lot|all of them|stash))",
        "Says they will take, or took, all of their pills (pills named in the text)",
        # Not held (session 8 review): the words are everyday often enough that hiding the
        # post would silence people; the author still sees help and moderators get an alert.
        needs=(
            r"\b(?:<pills>|bottle of (?:pills|tablets|paracetamol|meds)|blister pack|counted|stash"
            r"|stockpil\w{0,6})\b"
        ),
        unless=r"<routine>|\b(?:organi[sz]er|alarm|reminder|each day|every day|this week)\b",
    ),
    Rule(
        "imminent.method.jump_named_place",
        IMMINENT,
        r"\b(?:i'm|im|i am|i'll|ill|i will|gonna|going to|about to|decided to|ready to|want to"
        r"|wanna|where i'm going to|i'm going to) (?:<gap1>)(?:jump|step off|step out in front"
        r"|step in front|throw myself off|stepping off|climb over|going over(?= the edge|[.!]|$))\b"
        r"(?! (?:in|into|on|onto|at|ship|start|the (?:queue"
        r"|gun|line)|rope|around|up|for|through|to|back|ahead|straight|right in|out of (?:bed"
        r"|my skin)|of (?:a|the) (?:bus|train|queue))\b)",
        "Says they will jump or step off (a height or a railway is named in the text)",
        unless=(
            r"\b(?:bungee|parachute|skydiv\w{0,3}|gta|game|trampoline|diving|board|pool|parkour"
            r"|barrier|charity|coasteering|stop)\b"
        ),
        # Not held (session 8 review): the words are everyday often enough that hiding the
        # post would silence people; the author still sees help and moderators get an alert.
        hyperbole=True,
        needs="<height>|<track>",
    ),
    Rule(
        "imminent.plan.not_coming_back",
        IMMINENT,
        # The lookbehinds sit after "not" so they run only where "not" matched.
        r"\bnot(?<!it's not)(?<!its not)(?<!it is not)(?<!they're not)(?<!they are not)"
        r" (?:coming|going to come|gonna come|planning on coming|planning to come) (?:back"
        r"|home)(?: (?:down|up|out|again|ever|this time))?\b(?!,? (?:(?:down|up|out|home) )?"
        r"(?:till|until|before|for|after|tonight|today|this (?:week|weekend|evening|afternoon"
        r"|morning|year)|at|in|to|from|by|soon|yet|on|except|apparently|lol)\b)"
        r"|\bwon't be back\b(?! (?:till|until|before|for|after|tonight|today|this|at|in|to|from"
        r"|by|soon|on)\b)"
        r"|\b(?:go|going|drive|driving) over the edge\b"
        r"|\b(?:don't|dont) think (?:i'm|im) getting back (?:in|into|down)\b"
        r"|\b(?:i'm|im) going in(?=[.!]|$| now| tonight| when it gets dark)"
        r"|\bgoing in (?:when it gets dark|tonight)\b"
        r"|\bkeep (?:going|swimming) (?:till|until) i (?:can't|cant)\b"
        r"|\bnot (?:going to|gonna) (?:swim|walk|come) back\b"
        r"|\b(?:walk|walking|swim|swimming|go|going) (?:in|out) and not (?:come|coming) (?:out"
        r"|back)\b"
        r"|\b(?:don't|dont|do not) think i(?:'m| am|m) (?:coming|going to come) (?:back|home)"
        r"(?: (?:down|up))?\b(?! (?:till|until|before|for|after|tonight|today|this|to|from)\b)",
        "Says they are not coming back from a dangerous place named in the text",
        needs=r"<height>|<track>|<water>|\b(?:woods|forest|pier|beach)\b|\bswim|<means>",
        negatable=False,
    ),
    Rule(
        "imminent.method.into_water",
        IMMINENT,
        r"\b(?:going to|gonna|i'll|ill|i will|about to|want to) (?:just )?(?:walk|wade) (?:into"
        r"|in to|out into) the (?:sea|ocean|river|lake|water|waves)\b(?! (?:for|to (?:swim|paddle"
        r"|cool)|with|at (?:dawn|sunrise))\b)",
        "Describes walking into water as a method",
        # Not held (session 8 review): the words are everyday often enough that hiding the
        # post would silence people; the author still sees help and moderators get an alert.
        unless=r"\b(?:swim|swimming|swam|paddle|paddling|dip|wetsuit|surf|surfing)\b",
    ),
    Rule(
        "imminent.method.rope_ready",
        IMMINENT,
        r"\b(?:the |my |a )?(?:rope|noose|ligature|dupatta)(?:'s| is) (?:tied|up"
        r"|ready|set up|in place"
        r"|waiting|hanging)\b(?! (?:to (?:the|a) (?:tree|branch|boat|swing|post|dock|fence)))"
        r"|\b(?:tied|tie|tying) (?:the|a|my) (?:rope|noose) (?:to"
        r"|from|over|on|around) (?:the|a) (?:beam|banister|bannister|rafter|door|hook|ceiling"
        r"|loft hatch|pipe|rail|wardrobe)\b",
        "Has a rope or ligature ready (a preparatory act)",
        method=True,
        unless=(
            r"\b(?:garden|washing|tug|swing|tent|climb\w{0,4}|boat|camp\w{0,4}|sports day|hammock"
            r"|tree ?house|garland|christmas|decorations?|lights)\b"
        ),
    ),
    Rule(
        "imminent.plan.decided_with_means",
        IMMINENT,
        r"\bi (?:have |'ve )?(?:decided|made up my mind|made my (?:mind up|decision))\b(?! (?:to"
        r"|on|that|what|which|whether|if|not|against|about|i'm going to (?:the|a) (?:gym|doctor"
        r"|group))\b)"
        # Without "I" only as a sentence of its own: "Made my mind up. Sorry lads."
        r"|(?:^|[.!?\n] ?)(?:decided|made up my mind|made my (?:mind up|decision))(?= ?[.!]|$)",
        "Says they have decided, with a means or place named in the text",
        needs=r"<means>|<height>|<track>|<water>",
        unless=(
            r"\b(?:wedding|holiday|party|birthday party|picnic|interview|appointment|move"
            r"|registry|married|engaged|no more meds|taper\w{0,3}|gp|doctor)\b"
        ),
    ),
    Rule(
        "imminent.plan.picked_with_means",
        IMMINENT,
        r"\b(?:picked|chosen|chose|set) (?:the|a|my) (?:(?:highest|tallest|right|perfect"
        r"|best) )?(?:date|day|time|bridge|building|car park|cliff)\b",
        "Has picked a date or a place, with a lethal means named near it",
        needs=(
            r"\b<gun>\b|\b(?:rifle|shotgun|pistol|rope|noose|pills"
            r"|tablets|overdose|stash|die|dying|dead|suicide|end it|bridge|cliff|car park|building"
            r"|highest|tallest)\b"
        ),
        unless=(
            r"\b(?:wedding|holiday|party|picnic|interview|appointment|move|registry|married"
            r"|engaged|photos?|camera|walk|journey|trip)\b"
        ),
    ),
    Rule(
        "imminent.method.cut_deep",
        IMMINENT,
        r"\bcut (?:<gap1>)deep(?:er)? (?:enough|this time|than (?:usual|ever|before))\b"
        r"|\b(?:going to|gonna|i'll|ill"
        r"|i will) (?:<gap1>)cut (?:<gap1>)deep(?:er)?\b",
        "Describes cutting deep (a blade is named in the text)",
        # Not held (session 8 review): the words are everyday often enough that hiding the
        # post would silence people; the author still sees help and moderators get an alert.
        needs=r"\b(?:knife|knives|blades?|razors?|wrists?|veins?|not (?:ringing|calling) anyone)\b",
        unless=(
            r"\b(?:onion|recipe|cooking|chopping|garden|hedge|fabric|hair|lino|print\w{0,3}"
            r"|carv\w{0,3}|wood\w{0,7}|tutor|class|finger|prep|dinner|sharpen\w{0,3})\b"
        ),
    ),
    Rule(
        "imminent.method.use_means",
        IMMINENT,
        r"\b(?:going to|gonna|i'll|ill|i will|about to|ready to|decided to) (?:<gap1>)(?:use it"
        r"|use them|do it|end it|go through with it)\b(?! (?:for|to|with|at (?:work|school|the)"
        r"|in the (?:kitchen|class|morning|gym)|again|later this week|next (?:week|month)|every"
        r"|each|daily|by ambushing"
        r"|properly at)\b)",
        "Says they will use the means named in the text",
        # Not held (session 8 review): the words are everyday often enough that hiding the
        # post would silence people; the author still sees help and moderators get an alert.
        needs=(r"\b<gun>\b|\b(?:pistol|rifle|shotgun|rope|noose|exhaust)\b"),
        unless=r"<routine>|\b(?:hunting|range|clay|recipe|garden|haircut|shave|shaving)\b",
    ),
    Rule(
        "ideation.method_thoughts",
        IDEATION,
        r"\b(?:think|thinks|thinking|thought|thoughts|picture|picturing|imagine|imagining"
        r"|fantasi[sz]e|fantasi[sz]ing|urge|urges|pull|tempted) (?:about |of |to )?(?:<gap3>)"
        r"(?:jumping (?:off|from)|jump(?:ing)?(?=[.!?,\n]| when| every| in front| are| again|$)"
        r"|(?:just )?turn(?:ing)? the wheel"
        r"|stepping (?:off|out in front|in front)|step (?:off|out in front|in front)"
        r"(?! (?:of )?(?:the |a )?(?:kerb|curb|bus|plane|boat|stage|escalator)\b)"
        r"|hanging myself|myself hanging|taking (?:them all|all (?:my|of my|of them|the) <pills>)"
        r"|swallowing (?:the|all|them)|walking into (?:the )?(?:sea|ocean|river|lake|traffic)"
        r"|(?:drive|driving) (?:into|off)"
        r" (?:the road|a bridge|a cliff|oncoming|traffic|a wall|a tree"
        r"|the river|the sea|a lorry)|crashing (?:my car|the car) (?:into|off)"
        r"|cutting (?:deeper|deep)\b(?! into (?:the|our|my|this) (?:budget|costs|spending"
        r"|savings|debt))"
        r"|going deeper|the rope|the noose|saving (?:them|my pills|my meds|my tablets) up"
        r"|the car exhaust|drowning myself|overdosing)"
        r"|\b(?:keep|kept|can't stop|cant stop|always|started) (?:thinking|think) (?:about|of)"
        r" (?:the|that|my) (?:bridge|roof|edge|ledge|tracks|rope|noose|pills|gun|knife|blade"
        r"|razor|car park)\b(?! (?:skills|set|block|they're|they are|we|being|from our|in our"
        r"|on the climbing|route))"
        r"|\bwould be (?:a|the) (?:quick|easy|quickest|easiest|simple|painless) way out\b(?! of)",
        "Thinks about a method of suicide (no intent stated)",
        unless=r"\b(?:climbing|bouldering|route|dog|cat|job|budget|holiday|lesson)\b",
    ),
    Rule(
        "imminent.plan.at_the_place",
        IMMINENT,
        # "im on the bridge. i cant do this anymore. sorry everyone": at a height, a railway or
        # water now, with a farewell or "can't go on" within the next 150 characters.
        r"(?:\b(?:i'm|im|i am|i'll be|ill be) (?:sitting |standing |stood |parked |sat |waiting "
        r"|writing this )?"
        r"(?:right )?|(?:^|[.!?\n] ?)(?:(?:been )?(?:sitting|standing|parked"
        r"|walking|heading|off|sat"
        r"|going|driving|writing this) )?)"
        r"(?:on|at|by|near|in|up on|from|to|along) (?:the|a|my)"
        r" (?:<gap2>)(?:bridge|roof|rooftop|edge"
        r"|ledge|cliffs?|tracks|railway(?: line)?|level crossing|car ?park|multi ?storey"
        r"|top floor|balcony)\b"
        r"(?=[^\n]{0,150}?(?:<farewell>|<farewell2>|<ready>))",
        "Says they are at a dangerous place now, with a farewell",
        unless=(
            r"\b(?:climbing|instructor|harness|abseil\w{0,4}|bungee|camping|holiday|trip|photos?|pics?"
            r"|view|sunset|hike|hiking|swim|swimming|parkrun|race|commute|dog|kids|bungee|parachute"
            r"|gta|game|fixing|repair\w{0,3}|waiting for|diving|board|barriers?|walk today)\b"
        ),
    ),
    Rule(
        "imminent.preparation.means_with_timing",
        IMMINENT,
        # "i have the pills. i have the vodka. tonight is the night"; "wrote my note. rope's in
        # the garage"; "saving my meds for two months ... i've got enough now".
        r"\b(?:tonight|today)(?:'s| is) the (?:night|day)\b"
        r"|\b(?:wrote|written|writing|finished|left) (?:my|the) (?:note|letters?)\b(?! (?:for|to)"
        r" (?:the|my) (?:teacher|school|boss|landlord|doctor|gp|work|cleaner|neighbours?"
        r"|neighbors?|flatmates?|babysitter|milkman|postman|council))"
        r"|\b(?:saving|saved|hoarding|hoarded|hiding|hid|stockpiling|stashing|stashed) (?:up )?"
        r"(?:(?:my |the |all my )?<pills> |them )(?:for|over) (?:weeks|months|ages|a while"
        r"|(?:\d{1,3}|two|three|four|five|six|a few|several) (?:weeks|months))\b"
        r"|\b(?:saved|got|have) (?:up )?enough to (?:not wake up|never wake up|die|end it|do it)\b"
        r"|\bstockpil\w{0,4} (?:for|over) (?:weeks|months|ages|a while)\b"
        r"|\bit(?:'s| is) tonight\b"
        r"|\b(?:i've|ive|i have) (?:got |saved )?enough (?:now|of them|to (?:do it|die|end it))\b"
        r"(?! for\b)"
        r"|\bknow (?:exactly )?where i(?:'m| am|m)? (?:going to|gonna|will) (?:jump|do it)\b",
        "A means named in the text, with a time, a note or a store of pills (a preparatory act)",
        needs=r"<means>|<height>",
        unless=r"<routine>",
    ),
    Rule(
        "imminent.plan.when",
        IMMINENT,
        r"\bmake it look like an accident\b"
        r"|\b(?:going to|gonna|i'll|i will|i'm|im|drinking it|taking it) (?:end it|do it|doing it"
        r"|go|drink it|take it|swallow it)? ?(?:all )?(?:on"
        r" (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|at midnight"
        r"|at \d{1,2} ?(?:am|pm|o'clock)|before (?:he|she|they|mum|mom|dad|my \w{1,20})"
        r" (?:gets|get|comes|come) (?:home|back)|when (?:they|everyone|mum|mom|dad|my \w{1,20})"
        r"(?:'s|'re| is| are| have| has)? (?:all )?(?:asleep|gone to bed|gone|out|at work))\b"
        r"|\b(?:will be|going to be|is) (?:the|my) (?:day|night) i (?:die|end it|do it|kill myself)"
        r"\b|\bwhere it (?:all )?ends for me\b"
        r"|\b(?:i've|ive|i have) planned it (?:all|out)\b(?=[^\n]{0,150}?\b(?:end it|do it|die"
        r"|sorry|goodbye|don't make this))",
        "Says when they will end their life",
        needs=(
            r"<means>|<height>|<track>|\bend it\b|\b(?:die|dead|suicide|kill myself|goodbye"
            r"|medicine cabinet|glass)\b"
        ),
        unless=r"\b(?:party|wedding|presentation|exam|interview|surprise|proposal)\b",
    ),
    Rule(
        "ideation.passive_wish",
        IDEATION,
        r"\bif i (?:got|get|was|were) (?:hit by (?:a |the )?(?:car|bus|train|lorry|truck)|run over"
        r"|killed)\b[^.!?\n]{0,40}?\b(?:wouldn't"
        r"|wouldnt|would not|won't|wont) (?:even )?(?:mind|care)\b"
        r"|\b(?:easier|better) for everyone if i (?:just )?(?:wasn't|weren't|was not|were not"
        r"|wasnt) (?:here|around|alive)\b(?! (?:on|for|at|tomorrow|today|next|this)\b)"
        r"|\b(?:don't|dont|do not) know if i(?:'d| would) (?:still )?be (?:here|alive)\b(?! (?:at"
        r"|in|for|with|without|on|next)\b)"
        r"|\b(?:keeps|keep) telling me to (?:end it|die|kill myself)\b"
        r"|\bpull (?:toward|towards|to) the edge\b(?! of (?:the|my|a) (?:table|bed|seat|sofa|desk))"
        r"|\bintrusive thoughts? about (?:the|my) (?:\w{1,20} )?(?:knife|gun|rope|pills|bridge"
        r"|train|balcony|edge)\b(?! (?:slipping|falling|breaking|crashing))"
        r"|\b(?:look|looked|looking|staring|stared|stare) at (?:the|my) (?:rope|noose|gun|pills"
        r"|knife|blade)\b(?! swing)(?=[^.!?\n]{0,80}?\b(?:think|thought|thinking) about"
        r" (?:it|using it|doing it))"
        r"|\b(?:think|thinking|thought) about (?:my |the |(?:my )?\w{1,20}'s )(?:gun|shotgun|rifle"
        r"|rope|noose)\b(?! (?:licen[cs]e|safe|club|range|cabinet|permit|course|swing|bridge))",
        "Wishes to be dead, or thinks of a method, without saying it in words the rules above read",
        unless=r"\b(?:gp|doctor|dose|rain|shower|cough|swing)\b",
    ),
    Rule(
        "ideation.means_on_mind",
        IDEATION,
        r"\b(?:can't stop|cant stop|keep|kept|always) (?:thinking|think) about (?:it|them"
        r"|using (?:it|them))\b(?! (?:for|at|in|when i (?:shop|cook)))"
        r"|\bpicturing (?:the|my) (?:pills|tablets|rope|gun|noose)\b"
        r"|\b(?:the )?(?:bridge|jumping|rope|noose|overdose|od|hanging|drowning|gun) (?:thoughts"
        r"|urges)\b"
        r"|\b(?:thinking|think|thought) about the (?:bridge|roof|edge|ledge|tracks|rope|noose"
        r"|gun|car park|pills) (?:<gap3>)(?:a lot|again|all the time|constantly|every (?:day|night"
        r"|morning))\b",
        "Keeps thinking of a lethal means named in the text",
        needs=r"\b(?:gun|pistol|rifle|shotgun|rope|noose|bridge|roof|ledge|tracks|overdose|od"
        r"|hanging|drowning|jumping|pills|tablets)\b",
        unless=(
            r"<routine>|\b(?:wedding|photos?|holiday|trip|ride|journey|slates|storm|repair\w{0,3}"
            r"|building|commute|dog's|cat's|vet)\b"
        ),
    ),
    Rule(
        "imminent.preparation.means_with_farewell",
        IMMINENT,
        # "the sleeping tablets i ordered turned up today ... already said bye to nan": a means
        # with a farewell, or with a time when nobody is around, near it (session 8).
        r"\b(?:<meansword>)\b",
        "A lethal means named beside a farewell (a preparatory act)",
        needs="<farewell2>",
        unless=r"<routine>|\b(?:hunting|range|clay|recipe|garden|bbq party|camping|vet|dog's)\b",
    ),
    Rule(
        "imminent.preparation.means_when_alone",
        IMMINENT,
        r"\b(?:<meansword>)\b",
        "A lethal means named beside a time when nobody will be around",
        needs="<alonetime>",
        unless=r"<routine>|\b(?:hunting|range|clay|recipe|garden|camping|vet|dog's|babysit\w{0,3})\b",
    ),
    Rule(
        "imminent.preparation.not_for_the_usual",
        IMMINENT,
        # "bought one of those disposable bbqs today and its not for cooking"; "booked a hotel
        # room on the 20th floor. Not for a holiday."
        r"\b(?:not|isn't|it's not|its not|it isn't) (?:for |to )?(?:a holiday|the view|look at the"
        r" view|cooking|protection|the garden|a barbecue|a bbq)\b",
        "Says a means or a high place is not for its ordinary use",
        needs=r"<means>|<height>|\bbbqs?\b",
    ),
    Rule(
        "ideation.death_wish_plain",
        IDEATION,
        r"\b(?:don't|dont|do not|not sure i|no longer|not sure if i) (?:really )?(?:want|wanna) to"
        r" (?:be alive|live|exist|be here)\b(?! (?:like this|this way|with|in|at|there|here|near"
        r"|anymore with|on)\b)"
        r"|\b(?:goal|wish|hope) is to (?:not exist|die|be dead|not wake up|disappear)\b"
        r"|\bdeath would be (?:a|such a) (?:relief|release|mercy)\b"
        r"|\bpassive (?:si|suicidal ideation|suicidal thoughts)\b"
        r"|\b(?:wonder|wondering|wondered) if (?:it|they|that|them)(?:'d| would) be enough\b"
        r"|\busing (?:it|them) on myself\b"
        r"|\bhow easy it(?:'d| would) be to (?:just )?(?:step|jump|drive|turn the wheel|let go)\b"
        r"|\b(?:thinking|think|thought|thoughts) (?:about|of) not (?:waking up|being here|being"
        r" alive|existing)\b"
        r"|\bif i (?:didn't|did not|didnt) wake up (?:tomorrow )?i(?:'d| would) be (?:ok|okay|fine"
        r"|happy|relieved)\b"
        r"|\b(?:wish|want|wanted|wishing)[^.!?\n]{0,20}?\bstop (?:being alive|existing|living)\b"
        r"|\burges? to end (?:things|it all|my life|it)\b"
        r"|\bthink(?:ing)? about how i(?:'d| would) do it\b"
        r"|\bpictures? of me hanging\b"
        r"|\b(?:thought|thinking|think) about how easy it(?:'d| would) be\b(?! to)"
        r"|\b(?:ones|thoughts?) about not being here\b"
        r"|\bbetter if i (?:just )?(?:disappear(?:ed)?|was gone|wasn't here|died|didn't exist)\b",
        "Wishes to be dead or thinks about a method, in plain words",
        negatable=False,
    ),
    # --- ideation: wish to be dead, thoughts of suicide, self-harm thoughts ------------------
    Rule(
        "ideation.kill_self",
        IDEATION,
        r"\b(?:kill|killed|killing|unalive|unaliving|off|offing|end|ending) ?<myself>\b|\bkms\b",
        "Talks about killing themselves",
        subject="self",
        hyperbole=True,
    ),
    Rule(
        # "I have the pills here and I'm going to take them all tonight": the pills named
        # earlier in the sentence, then "take them all". Ideation, not imminent: the same words
        # describe medication routines ("I forgot my morning meds so I'll take them all
        # tonight"), which only the context a person reads tells apart; routine continuations
        # ("with food", "together", "as prescribed") are left out.
        "ideation.pills_take_them_all",
        IDEATION,
        r"\b<pills>\b[^.!?\n]{0,80}?\b(?:i'm|im|i am|i'll|ill|i will) (?:going to |gonna "
        r"|about to )?(?:take|swallow|down|taking|swallowing) (?:them all|all of them)\b"
        r"(?! (?:with|together|back|to (?:the|a|my)|at the same time|as (?:prescribed"
        r"|directed|usual)|every|each"
        r"|daily|in the morning|at (?:breakfast|lunch|dinner|night|bedtime)|before (?:bed|meals)"
        r"|after (?:food|meals|breakfast|dinner)|from now|again tomorrow))",
        "Says they will take all of their pills",
        subject="self",
        unless="<routine>",  # session 8: "I forgot my morning meds so I'll take them all tonight"
    ),
    Rule(
        "ideation.end_life",
        IDEATION,
        r"\b(?:end|ending|take|taking) my (?:own )?life\b(?! back)",
        "Talks about ending their life",
        subject="self",
    ),
    Rule(
        "ideation.end_it_all",
        IDEATION,
        r"\b(?:end|ending) it all\b|\b(?:want|wanna|wanted|going|gonna|ready|decided|plan"
        r"|planning|thinking about|think about|thought about|tempted|need) (?:to )?"
        r"(?:just )?end it\b(?! (?:with|there|here|off|on))|\bend (?:everything|my suffering"
        r"|my existence)\b",
        "Talks about ending it all",
    ),
    Rule(
        "ideation.wish_dead",
        IDEATION,
        r"\b(?:want|wants|wanted|wanting|wish|wished|wishing|need|needed|would like|ready"
        r"|deserve|deserved|hope|hoping|long|longing|pray|praying) (?:<gap1>)to (?:just )?"
        r"(?:die|be dead|not exist|not be alive|stop existing|cease to exist|not be here anymore"
        r"|dis{1,2}ap{1,2}ear forever|sleep forever|never wake up|not wake up"
        r"|be gone(?! (?:from|for|by|before|until|to|on|at|in|when|while|over)))\b"
        r"|\bwanna (?:just )?(?:die|be dead|kms|kill myself|not exist)\b",
        "Wishes to be dead",
        hyperbole=True,
    ),
    Rule(
        "ideation.hope_i_die",
        IDEATION,
        r"\b(?:hope|hoping|wish|pray|praying) (?:that )?i (?:just )?(?:die|would die|will die"
        r"|get to die|don't survive|do not survive|dont survive|never wake up)\b"
        r"|\b(?:wouldn't|wouldnt|would not|won't|wont) (?:mind|care) (?:if i (?:just )?(?:died|die"
        r"|didn't wake up|did not wake up|got hit|never woke up|was dead|were dead|was gone"
        r"|were gone)|dying|being dead|not waking up)\b",
        "Hopes to die, or would not mind dying (a wish to be dead)",
        hyperbole=True,
    ),
    Rule(
        "ideation.should_be_dead",
        IDEATION,
        r"\bi (?:should|should've|should have) (?:just )?(?:be dead(?! (?:asleep|tired|serious|set"
        r"|wrong|on|last|even|quiet|silent|beat|broke))|died|have died|not be alive|not exist"
        r"|never have been born|never been born)\b"
        r"|\bi (?:shouldn't|shouldnt|should not) (?:even )?(?:be alive|exist|have been born"
        r"|be breathing)\b"
        r"|\b<dont> deserve to (?:live|be alive|exist)\b",
        "Believes they should be dead or do not deserve to live",
        subject="self",
    ),
    Rule(
        "ideation.life_over",
        IDEATION,
        r"\b(?:want|wish|need|hope|pray|praying) (?:for )?my life (?:would |to |will )?(?:just )?"
        r"(?:end|be over|stop)(?=\s*(?:[.!?,;:)]|$|and\b|but\b|now\b|already\b|soon\b"
        r"|tonight\b))|\b(?:had|have had|i've had|ive had) enough of (?:life(?! (?:admin|stuff"
        r"|at work))|living(?! (?:with|in"
        r"|here|there|at|like|on|under|off|for|as|next))|being alive|existing|this life)\b",
        "Wants their life to be over",
        subject="self",
    ),
    Rule(
        "ideation.feel_like_dying",
        IDEATION,
        r"\bfeel(?:ing|s)? like (?:just )?(?:dying(?! (?:my|her|his|the|it|them|some|of|from)\b)"
        r"|ending it|ending it all|ending my life|ending things|killing myself|not existing"
        r"|not being here)\b",
        "Feels like dying or ending it",
        hyperbole=True,
    ),
    Rule(
        "ideation.no_future_alive",
        IDEATION,
        r"\b<cant> (?:see|imagine|picture) myself (?:being |still )?alive\b"
        r"|\b<dont> think (?:i'll|i will|ill) (?:be )?(?:still )?alive\b"
        r"|\b<dont> think (?:i'll|i will|ill) be (?:around|here) (?:for )?much longer\b"
        r"|\b<dont> think (?:i'll|i'm going to|i will|ill) (?:make it|survive) (?:through )?"
        r"(?:the night|tonight|this night)\b(?! (?:shift|without|at work|on|in|with))",
        "Does not expect to be alive",
        subject="self",
    ),
    Rule(
        "ideation.rather_be_dead",
        IDEATION,
        r"\b(?:i'd|id|i would|would|i'd much|i would much) rather (?:just )?(?:be dead|die|not "
        r"(?:be alive|exist|live|wake up)|never wake up)\b(?=\s*(?:[.!?,;:)]|$|and\b|but\b"
        r"|because\b|tbh\b|honestly\b|sometimes\b|most days\b|right now\b))"
        r"|\b(?:prefer|rather) (?:to )?(?:have )?never (?:been born|existed)\b"
        r"|\bdone (?:with )?living\b(?! (?:like|here|there|with|in|at|under|on|off|for|as))"
        r"|\bdone with (?:my )?life\b",
        "Would rather be dead or never born (a wish to be dead)",
        hyperbole=True,
    ),
    Rule(
        "ideation.reunion",
        IDEATION,
        r"\b(?:want|wish|wanna|long|longing|ready|can't wait|cant wait|just want) to (?:be|go"
        r"|join) (?:with |to )?(?:my |her |him |them )?(?:[a-z]+ ){0,2}(?:in heaven|up in heaven"
        r"|on the other side)\b",
        "Wishes to join someone who has died",
    ),
    Rule(
        "ideation.wish_dead.wish_i_was",
        IDEATION,
        r"\bwish (?:that )?(?:i (?:was|were|had|would|could|'d)|id) (?:just )?(?:dead<notidiom>"
        r"|never been born|never born"
        r"|not born|not alive|gone|die|died|dis{1,2}ap{1,2}ear|never wake up|not wake up"
        r"|stop existing"
        r"|cease to exist|fall asleep (?:and|forever)|never existed|not exist)"
        r"|\bwish i (?:didn't|did not|wouldn't|would not|could not|couldn't) (?:exist|wake up"
        r"|be alive)\b"
        r"|\bwishing (?:that )?i (?:was|were) (?:just |simply )?(?:dead<notidiom>|not alive)\b"
        r"|\b(?:wish|wishing) (?:that )?i (?:just |simply |really )?(?:wasn't|weren't|was not"
        r"|were not) (?:just |simply |even )?(?:alive|on this earth)"
        r"(?= ?(?:[.,!?;\n]|$|and\b|but\b|because\b|so\b|anymore\b|sometimes\b))",
        "Wishes they were dead or never born",
        subject="self",
    ),
    Rule(
        "ideation.not_want_live",
        IDEATION,
        r"\b<dont> (?:want|wanna|wish) (?:to )?(?:live|be alive|exist|be here anymore"
        r"|wake up|go on|continue living|keep living|be living|live anymore|stay alive)\b",
        "Does not want to live",
    ),
    Rule(
        "ideation.not_wake_up",
        IDEATION,
        r"\b(?:hope|wish|pray|praying|want|wanted|hoping) (?:that )?(?:i )?(?:don't|won't"
        r"|wouldn't|never|do not|will not|not to|didn't|dont|wont) wake up\b<wokenby>"
        r"|\b(?:go to sleep|fall asleep|sleep) (?:and|forever and) (?:never|not) wake up\b"
        r"|\bnever want to wake up\b|\bsleep forever\b",
        "Hopes not to wake up",
    ),
    Rule(
        "ideation.no_reason_to_live",
        IDEATION,
        r"\b(?:no|any|zero|nothing|lost my|lost the|lost all) (?:reason|reasons|point|will"
        r"|desire|purpose|motivation) (?:left )?(?:to|in|for) (?:live|living|go on|going on"
        r"|keep going(?! (?:to|with|back|on|out|into|through))|carry on(?! with)"
        r"|carrying on(?! with)"
        r"|be alive|being alive|stay alive|staying alive|keep living|continue living|exist"
        r"|existing)\b|\bnothing (?:left )?to live for\b",
        "Sees no reason to live",
    ),
    Rule(
        "ideation.tired_of_living",
        IDEATION,
        r"\b(?:tired|sick|exhausted|done|over) (?:of|with) (?:living|being alive|existing"
        r"|this life|life itself)\b",
        "Tired of being alive",
    ),
    Rule(
        "ideation.point_of_living",
        IDEATION,
        r"\b(?:end|ending) things (?:tonight|for good|soon|now)\b(?! (?:with|between))"
        r"|\b(?:what's|what is|whats|wats) (?:even )?the point (?:of|in) (?:me )?(?:living"
        r"(?! (?:in|with|at|on|here|there|near|abroad|alone|like (?!this)))"
        r"|being alive|staying alive|existing|me being here|(?:going|carrying) on"
        r"(?=\s*(?:[.!?,;:)]|$|anymore\b|any more\b|like this\b)))\b"
        r"|\b(?:give|giving|given|gave) up on (?:life|being alive|staying alive|living(?! (?:in"
        r"|with (?!this)|at (?!this)|on|here|there|near|abroad|alone)\b))\b",
        "Sees no point in living",
    ),
    Rule(
        "ideation.why_alive",
        IDEATION,
        r"\bwhy (?:am i|should i|do i|would i|the fuck am i|tf am i) (?:still |even )?"
        r"(?:still |even )?"
        r"(?:alive|living|keep living|be alive|stay alive|exist|even exist|here)\b",
        "Questions why they are alive",
        subject="self",
    ),
    Rule(
        "ideation.better_off",
        IDEATION,
        r"\bbetter off (?:dead|without me|if i (?:was|were|wasn't|weren't|died|didn't exist"
        r"|was gone|were gone|was dead|were dead|never existed)|when i'm gone)\b"
        r"|\bbetter (?:off )?without me\b"
        r"|\bbetter off if i (?:just )?(?:die|died|dis{1,2}ap{1,2}ear)",
        "Believes others would be better off without them",
        subject="self",
    ),
    Rule(
        "ideation.no_one_would_miss",
        IDEATION,
        r"\b(?:no one|nobody|noone|no body) (?:would|will|'d) (?:even )?(?:miss|notice|care)"
        r"(?: me)? if i (?:died|was gone|were gone|dis{1,2}ap{1,2}eared|killed myself|was dead"
        r"|were dead|left|died tomorrow)\b",
        "Believes no one would miss them if they died",
        subject="self",
    ),
    Rule(
        "ideation.thoughts_of_suicide",
        IDEATION,
        r"\b(?:think|thinking|thought|thoughts|considering|considered|consider|contemplating"
        r"|contemplated|contemplate|obsessed|obsessing|fantasi[sz]e|fantasi[sz]ing|dream"
        r"|dreaming|daydream|daydreaming|romantici[sz]e|romantici[sz]ing) (?:about |of )?"
        r"(?:<gap1>)(?:suicide|unaliving(?: myself)?|killing myself"
        r"|ending (?:it|my life|things|it all)|dying"
        r"|taking my (?:own )?life|not being alive|not existing|being dead|my death"
        r"|not being here|not being around|self ?harm|cutting myself|hurting myself"
        r"|cutting again)\b",
        "Has thoughts of suicide or of being dead",
    ),
    Rule(
        "ideation.suicidal",
        IDEATION,
        r"\bsuicidal\b(?! ideation)|\bsuicide (?:urges|thoughts|feelings)\b|\bs ?word\b"
        r"|\b(?:ctb|sh|self ?harm|kms|unalive) (?:thoughts|urges|feelings) (?:are|is|have been"
        r"|keep|kept|came|come|won't|wont)\b",
        "Describes suicidal thoughts or feelings",
    ),
    Rule(
        "ideation.suicide_term",
        IDEATION,
        r"\bsuicide\b|\bsuicidal ideation\b|\bself ?delet(?:e|ing|ion)\b"
        r"|\bunalive\w*"
        r"|\bctb\b|\bcatch(?:ing)? the bus\b(?= (?:early|soon|tonight|too))",
        "Mentions suicide (or a euphemism for it)",
        subject="topic",
    ),
    Rule(
        "ideation.lacks_courage",
        IDEATION,
        r"\b(?:too (?:scared|afraid|chicken|weak|much of a coward|cowardly)|not (?:brave|strong"
        r"|courageous) enough|(?:guts|balls|courage|nerve) to) (?:<gap2>)(?:end it|kill myself"
        r"|do it|go through with it|pull the trigger|jump|swallow (?:the |all the |my )?pills"
        r"|take (?:the |all the |my )?pills|pick up the gun|end my life|take my (?:own )?life)\b",
        "Says only fear or lack of courage stops them",
        negatable=False,
    ),
    Rule(
        "ideation.not_worth_living",
        IDEATION,
        r"\b(?:life|living|my life|this life|existence) (?:isn't|isnt|is not|'s not|s not|ain't"
        r"|aint|is no longer|isn't even|is not even) (?:really |just )?worth (?:living|it|the pain"
        r"|the struggle|fighting for)\b|\bnot worth (?:living|being alive)\b|\bworth more dead\b",
        "Says life is not worth living",
        negatable=False,
    ),
    Rule(
        "ideation.close_to_suicide",
        IDEATION,
        r"\b(?:close|closer|so close|this close|thisclose|brink|verge|edge) (?:to|of) (?:suicide"
        r"|killing myself|ending it|ending my life|taking my (?:own )?life)\b",
        "Says they came close to suicide",
    ),
    Rule(
        "ideation.imagining_death",
        IDEATION,
        r"\b(?:imagining|imagine|imagined|picturing|picture|pictured|fantasi[sz]ing about"
        r"|dreaming about|daydreaming about) my (?:own )?(?:death|suicide|funeral)\b",
        "Imagines their own death",
        subject="self",
    ),
    Rule(
        "ideation.gun_access",
        IDEATION,
        r"\b(?:i|i've|ive|i have|i do|i still|i just) (?:have|own|bought|got|keep|kept|still "
        r"have) (?:a|my|the|my dad's|my father's|access to a) (?:gun|pistol|rifle|shotgun"
        r"|revolver|firearm)\b",
        "Has access to a firearm (lethal means)",
        subject="self",
        method=True,
    ),
    Rule(
        "ideation.gun_acquire",
        IDEATION,
        r"\b(?:buy|buying|bought|purchase|purchasing|purchased|order|ordered|ordering) (?:a|the)"
        r" (?:gun|pistol|handgun|rifle|shotgun|revolver|firearm)\b",
        "Is getting a firearm (lethal means)",
        method=True,
    ),
    Rule(
        "ideation.self_harm",
        IDEATION,
        r"\bself[ -]?harm\w*|\bself[ -]?injur\w*|\bself[ -]?mutilat\w*|\bnssi\b"
        r"|\bsh (?:urges?|relapse|scars|again)\b",
        "Mentions self-harm",
        subject="topic",
    ),
    Rule(
        "ideation.self_harm_urge",
        IDEATION,
        r"\b(?:want|wanna|wanted|urge|urges|tempted|craving|crave|need|needed|itching) (?:to )?"
        r"(?:cut|hurt|harm|burn|punish|bleed|scratch) (?:<myself>|again)\b"
        r"|\burges? to (?:cut|self ?harm|hurt myself|harm myself)\b|\bhurt(?:ing)? <myself>\b",
        "Has urges to harm themselves",
    ),
    Rule(
        "ideation.passive.someone_kill_me",
        IDEATION,
        r"\b(?:want|need|wish|hope|hoping|pray|praying|wishing) (?:someone|somebody|a truck|a car"
        r"|a bus|a train|god|the universe|something|anyone|death) (?:would |to |will |could )"
        r"(?:just )?(?:kill|hit|end|take) (?:me|my life)\b"
        r"|\b(?:wish|hope|pray) (?:i|that i) (?:get|got|would get) (?:hit|killed|cancer)\b",
        "Hopes something would kill them",
        subject="self",
    ),
    Rule(
        "ideation.easy_way_out",
        IDEATION,
        r"\b(?:permanent solution|final exit|the easy way out|an easy way out|way out of this life"
        r"|end (?:the|my) pain (?:for good|forever|permanently))\b",
        "Talks of a permanent way out",
    ),
    Rule(
        "ideation.suicide_watch",
        IDEATION,
        r"\bsuicide watch\b|\b72 ?(?:hour|hr) hold\b|\b5150\b|\bbaker ?act\w*\b",
        "Mentions an emergency hold or suicide watch",
        subject="topic",
    ),
    # Session 3: phrasings from an invented, blind-written probe set (C-SSRS wording), each
    # checked against near-misses and the everyday community posts.
    Rule(
        "imminent.preparation.affairs_after",
        IMMINENT,
        r"\b(?:nobody|no one|noone) (?:has|will have|would have|needs) to deal with (?:it|my "
        r"(?:stuff|things|mess|debt|bills|affairs)) (?:after|when i'm gone|once i'm gone)\b"
        r"|\bwho gets my (?:stuff|things|belongings|guitar|games|clothes|money|savings|books"
        r"|jewellery|jewelry|cat|dog)\b(?! (?:if|when) i (?:move|leave|go|travel|am away))"
        r"|\b(?:labelled|labeled|marked) ['\"]?for after\b",
        "Arranging things for after their death (a preparatory act)",
        subject="self",
    ),
    Rule(
        "imminent.method.place",
        IMMINENT,
        r"\bhow (?:high|tall|far) (?:does|would|do|should|must) (?:a|the) (?:bridge|building|fall"
        r"|drop|roof|balcony) (?:need to )?be\b"
        r"|\b(?:bridges?|buildings?|roofs?) (?:with no|without|that (?:don't|dont|do not) have"
        r"|dont have|don't have) (?:nets?|fences?|barriers?|railings?)\b"
        r"|\b(?:stood|standing|stand|sat|sitting) on the (?:edge|ledge) of (?:the|a) "
        r"(?:roof|rooftop|bridge|building|parking garage|car park)\b(?! (?:path|walk|trail|top"
        r"|terrace|garden|bar|cafe|restaurant|wall))"
        r"|\b(?:sat|sitting|sit) in the (?:closed )?garage with the (?:car|engine) (?:running|on)\b"
        r"|\b(?:head|face|myself) under (?:the )?(?:bath ?water|water)\b(?! (?:to|for) (?:rinse"
        r"|wash|cool))",
        "Describes a place or means for suicide",
        method=True,
    ),
    Rule(
        "imminent.behavior.overdose_act",
        IMMINENT,
        r"\b(?:swallowed|took|taken|downed|swallow) (?:everything|all|whatever was|every pill"
        r"|all the pills) (?:in|from) (?:the|my) (?:medicine (?:cabinet|cupboard|box)"
        r"|bathroom cabinet|first aid kit)\b"
        r"|\b(?:had|held|was holding) (?:the|my|all my|all the) <pills> in my hand\b",
        "Reports taking or holding pills to die",
        method=True,
        past=True,
    ),
    Rule(
        "imminent.behavior.into_traffic",
        IMMINENT,
        r"\b(?:walked|walk|walking|stepped|step|stepping|ran|run|running) (?:out )?(?:into|in front"
        r" of) (?:the )?(?:traffic|oncoming traffic|a moving car|a car|a train|a bus|a truck)"
        r"(?: on purpose| deliberately)\b",
        "Reports stepping into traffic on purpose",
        past=True,
    ),
    Rule(
        "ideation.relieved_if_dead",
        IDEATION,
        r"\bif i (?:just )?(?:died|was dead|were dead|didn't wake up|didnt wake up"
        r"|got hit by (?:a|the) (?:bus|car|truck|train)|got killed|stopped existing)"
        r"(?: tomorrow| today| tonight)?,? "
        r"(?:i'd|id|i would|i honestly|honestly i'd|i'd honestly|i) ?(?:honestly )?(?:be )?"
        r"(?:relieved|glad|happy|grateful|wouldn't care|wouldnt care|would not care"
        r"|wouldn't mind|wouldnt mind|not care|not mind)\b"
        r"|\b(?:relieved|happier|better off|easier|glad) if i (?:just )?(?:died|was gone|were gone"
        r"|was dead|were dead|wasn't here|wasnt here|wasn't around|wasnt around|stopped breathing"
        r"|stopped existing|disappeared forever)\b(?! (?:for|to|on|at|from|by|until|over|this"
        r"|next|in|during|while|when|so))"
        r"|\b(?:easier|better|happier|simpler|nicer) (?:<gap3>)if i (?:just )?(?:wasn't|wasnt"
        r"|was not|weren't|werent) (?:alive|born|here anymore|around anymore)\b"
        r"|\bif i (?:just )?(?:wasn't|wasnt|was not|weren't|werent) alive\b",
        "Would be relieved, or others better off, if they died",
        subject="self",
    ),
    Rule(
        "ideation.would_anyone_notice",
        IDEATION,
        r"\b(?:would|will) (?:anyone|anybody|people|they|my family) (?:even )?(?:notice|care"
        r"|miss me) if i (?:(?:wasn't|wasnt|was not|weren't|werent) (?:here|around|alive)"
        r"(?: any ?more)?(?! at (?:work|school|the)\b)|died|was gone"
        r"|disappeared|killed myself|stopped existing)\b"
        r"|\bif i (?:wasn't|wasnt|was not) (?:here|around) any ?more\b(?! at (?:work|school"
        r"|the)\b)",
        "Wonders whether anyone would notice their death",
        subject="self",
    ),
    Rule(
        "ideation.only_reason_alive",
        IDEATION,
        r"\b(?:the )?(?:only|one) (?:reason|thing) (?:i'm|im|i am) (?:still (?:here(?! at (?:work"
        r"|school|this job|the office|my job))|alive|breathing|around)|alive|breathing)\b"
        r"|\b(?:the )?(?:only|one) reason (?:i'm|im|i am) (?:here|around)\b"
        r"(?! (?:at|in|on|for|with|is|are|was)\b)|\bonly (?:alive"
        r"|still alive|still here) (?:because|bc|cause|cuz|'cause|for)\b"
        r"|\btoo (?:scared|afraid|chicken) to die\b(?! (?:my|her|his) )",
        "Stays alive only for one reason (implies thoughts of dying)",
        subject="self",
    ),
    Rule(
        "ideation.disappointed_alive",
        IDEATION,
        r"\b(?:disappointed|upset|angry|annoyed|sad|gutted) (?:that )?i (?:woke up|wake up"
        r"|am still alive|'m still alive|survived|am still here|'m still here)\b"
        r"|\bi (?:really |fucking |just |so )?(?:hate|despise|loathe) (?:being alive|existing)\b"
        r"(?! (?:at \d|on (?:a )?mondays?\b|before (?:coffee|noon|work)\b))"
        r"|\bbutton (?:that|to) (?:would )?(?:make|made|makes|let|lets) me (?:stop existing"
        r"|not exist|disappear|die|cease to exist|never have existed)\b",
        "Does not want to be alive",
        subject="self",
    ),
    Rule(
        "ideation.hope_not_survive",
        IDEATION,
        r"\b(?:hope|hoping|wish|pray|praying) (?:that )?i (?:don't|dont|do not|won't|wont) make it"
        r" (?:through|out of)\b"
        r"|\bwish (?:it )?(?:had been|was|were|would have been) me (?:who|that) died\b"
        r"|\bshould have been me (?:who|that) died\b"
        r"|\bwish(?:ing)? i (?:had|got|would get|could get) (?:cancer|a terminal illness"
        r"|something terminal)\b",
        "Hopes not to survive (a wish to be dead)",
        subject="self",
    ),
    Rule(
        "ideation.world_better_without_me",
        IDEATION,
        r"\b(?:a )?better place without me\b|\bbetter without me in it\b"
        r"|\b<dont> see myself (?:making it|living|being alive|being here|getting) (?:to|past"
        r"|until|beyond) (?:\d+|thirty|forty|twenty|next year|christmas|my birthday)\b",
        "Believes the world is better without them, or sees no future alive",
        subject="self",
    ),
    # --- concern: distress, hopelessness, at-risk language without explicit ideation ---------
    Rule(
        "concern.hopeless",
        CONCERN,
        r"\bhopeless\w*|\bno hope\b|\blost (?:all )?hope\b|\bno future\b|\bno way out\b"
        r"|\b(?:don't|dont|can't|cant|cannot) see (?:a|any) (?:future|way out|point|light|end)\b",
        "Hopelessness",
    ),
    Rule(
        "concern.worthless",
        CONCERN,
        r"\b(?:worthless|useless|a failure|a burden|burden to|waste of (?:space|air|oxygen|life)"
        r"|a disappointment|unlovable|pathetic)\b",
        "Feels worthless or a burden",
    ),
    Rule(
        "concern.self_hatred",
        CONCERN,
        r"\bi (?:really |fucking |just |so )?(?:hate|despise|loathe) (?:myself|my life|being alive"
        r"|living|existing|who i am|everything about me)\b",
        "Self-hatred",
        subject="self",
    ),
    Rule(
        "concern.cant_cope",
        CONCERN,
        r"\b<cant> (?:take|handle|cope with|do|deal with|bear|stand) (?:it|this|this anymore|life"
        r"|any ?more|it any ?more|this shit|living like this)\b|\b<cant> (?:go on|keep going"
        r"|cope|continue)\b|\bgiv(?:e|ing) up on (?:life|everything|myself|living)\b"
        r"|\bi (?:give|gave) up\b",
        "Cannot cope / giving up",
    ),
    Rule(
        "concern.pointless",
        CONCERN,
        r"\b(?:what's|what is|whats) the point(?: of (?:living|life|anything|it all|going on"
        r"|trying|existing))?\b|\bnothing (?:matters|ever gets better|will ever get better)\b",
        "Sees no point",
    ),
    Rule(
        "concern.alone",
        CONCERN,
        r"\b(?:no one|nobody|noone) (?:cares|would care|would miss me|would notice|loves me"
        r"|understands|likes me|wants me)\b|\b(?:so|very|completely|utterly|all) (?:alone"
        r"|lonely|isolated)\b",
        "Loneliness, feeling unwanted",
    ),
    Rule(
        "concern.empty",
        CONCERN,
        r"\b(?:feel|feeling|felt|i'm|im|i am) (?:so |very |completely |totally |just )?"
        r"(?:empty|numb|trapped|dead|dead inside|like a burden|like giving up|like a ghost"
        r"|like dis{1,2}ap{1,2}earing)\b|\bdead inside\b",
        "Emptiness, numbness, feeling trapped",
    ),
    Rule(
        "concern.depressed",
        CONCERN,
        r"\b(?:i'm|im|i am|i feel|i've been|ive been|been|feeling|so) (?:so |really |very "
        r"|extremely |severely |super |incredibly )?depressed\b|\bmy depression\b",
        "Describes their depression",
    ),
    Rule(
        "concern.crisis_signs",
        CONCERN,
        r"\b(?:panic attacks?|mental breakdown|breaking down|nervous breakdown)\b"
        r"|\bcr(?:y|ying|ied) (?:myself to sleep|every (?:day|night)|all (?:day|night))\b",
        "Acute distress",
    ),
    Rule(
        "concern.wish_stop",
        CONCERN,
        r"\b(?:want|wish|need) (?:it|this|everything|the pain|it all|life) (?:would |to )?"
        r"(?:just )?(?:stop|end|be over)\b|\b(?:want|wish|wanna) (?:to |i could )?(?:just )?"
        r"dis{1,2}ap{1,2}ear\b|\b(?:i'd|id|would) rather (?:be )?(?:die|dead)\b",
        "Wants the pain or life to stop",
        hyperbole=True,
    ),
    Rule(
        "concern.tired_of_everything",
        CONCERN,
        r"\b(?:tired|sick|exhausted|done) (?:of|with) (?:everything|it all|trying|fighting"
        r"|pretending|being me|my life|life|this shit)\b",
        "Exhausted with everything",
    ),
    Rule(
        "concern.scars",
        CONCERN,
        r"\bmy (?:self[ -]?harm )?scars\b|\b(?:psych|psychiatric) (?:ward|hospital|unit)\b"
        r"|\b(?:hospitali[sz]ed|sectioned|inpatient)\b",
        "Mentions scars or psychiatric admission",
    ),
    Rule(
        "concern.please_kill_me",
        CONCERN,
        r"\b(?:please|pls|plz|someone|somebody) (?:just )?(?:kill|shoot|end) me\b",
        "Asks to be killed (often hyperbole)",
        subject="self",
        hyperbole=True,
    ),
    Rule(
        "concern.bereavement_by_suicide",
        CONCERN,
        r"\b(?:my|our) (?:best )?(?:friend|brother|sister|mom|mum|mother|dad|father|son"
        r"|daughter|husband|wife|partner|boyfriend|girlfriend|cousin|uncle|aunt|grandma|grandpa"
        r"|classmate|roommate) (?:<gap1>)(?:killed (?:himself|herself|themselves|themself)"
        r"|died by suicide|committed suicide|took (?:his|her|their) (?:own )?life)\b",
        "Bereaved by suicide (a risk factor for the author)",
        subject="any",
    ),
)


# --- context: phrases that change what a hit means -----------------------------------------

# Idioms and hyperbole: a hit overlapping one of these is not about the author's risk.
IDIOMS: tuple[tuple[str, str], ...] = (
    (
        # An everyday injury: named places and activities, never wrists or throat, and not
        # when the sentence says it was meant ("on purpose", "to feel", "with a blade").
        "idiom.accidental_injury",
        # Only when the text says it was an accident: "accidentally", or an everyday activity
        # ("while cooking", "shaving", "playing football", "at practice"). An object alone is
        # not enough: "I burned my arm on the stove" may be self-harm, and is read as such.
        r"(?:\b(?:accidentally|by accident) (?:cut|burned|burnt|burn|scratched|hurt|hit|bit)"
        r" (?:my <limb>|<myself>)\b|\b(?:cut|burned|burnt|burn|scratched|grazed|hurt|hit|bit"
        r"|banged|bumped) (?:my <limb>|<myself>) (?:so hard |really hard |badly )?(?:<onthing>)?"
        r"(?:(?:while |when )?(?:cooking|shaving|gardening|making (?:dinner|lunch|breakfast|tea"
        r"|cookies|a cake))"
        r"|\b(?:by accident|accidentally))|\b(?:hurt|hit|banged|bumped|grazed|scratched|bit)"
        r" (?:my <limb>|<myself>) (?:again |so hard |really hard |badly )?(?:<onthing>)?(?:(?:while"
        r" |when )?"
        r"(?:playing|running|climbing|skating|cycling|falling|skiing|hiking)|at (?:the gym"
        r"|practice|football|training|soccer|rugby|netball|hockey)|in (?:a|the) (?:fall|game"
        r"|match|accident|crash)))"
        # Not when it was meant or repeated, here or in the next sentence.
        r"(?![^\n]{0,120}?\b(?:on purpose|deliberately|to feel|feel something|to punish"
        r"|punishment|to cope|to numb|numb|until|till|over and over|again|kept|keep|times"
        r"|wanted|meant to|deserve|hate myself|felt good|feels good|felt like relief|relief"
        r"|helped|release|make the pain stop|left marks|can't stop|cant stop|so nobody"
        r"|so no one|knife|blade|razor|lighter|scissors|pin|needle|pen|compass|peeler|shard"
        r"|toilets?|bathroom|tonight|because i|needed to|only way|disgusting|stop crying)\b)",
    ),
    (
        "idiom.die_of",
        r"\b(?:die|died|dying|dead) (?:of|from|with) (?:embarrassment|shame|boredom|laughter"
        r"|laughing|cringe|cuteness|happiness|jealousy|envy|excitement|curiosity|hunger|thirst"
        r"|the heat|heat|cold|anticipation)\b",
    ),
    (
        "idiom.dying_to",
        r"\b(?:dying|dead) to (?:see|know|try|meet|hear|read|watch|get|go|find out|tell|eat"
        r"|play)\b|\b(?:would|'d|i'd) (?:gladly |happily )?die for (?:you|him|her|them"
        r"|my (?:kids|family|children|country|friends))\b",
    ),
    (
        "idiom.to_death",
        r"\b(?:bored|scared|worried|frightened|tickled|beaten|talked|loved|freezing|stressed"
        r"|worked|working|work) (?:myself |me )?to death\b",
    ),
    (
        "idiom.side_effect",
        r"\bsuicidal (?:thoughts|feelings|ideation|behaviou?r)(?: (?:is|are|as|were))? (?:listed"
        r"|a (?:possible |rare |known |common )?side effect|on the (?:leaflet|label|warning))"
        r"|\bside effects? (?:like|such as|including|of) suicidal\b",
    ),
    (
        "idiom.fixed",
        r"(?<!want )(?<!wanted )(?<!ready )(?<!wish )\bto die for\b|\b(?:die laughing"
        r"|dying laughing|died laughing|dead tired|dead serious"
        r"|drop dead|dead on my feet|over my dead body)\b",
    ),
    (
        "idiom.killing_it",
        r"\b(?:kill|killing|killed) (?:time|it|the (?:mood|vibe|game|lights|engine)|two birds)\b",
    ),
    (
        "idiom.killing_me",
        r"\b(?:is|are|was|were|'s|'re) (?:really |literally |totally |just |so |slowly )?killing"
        r" me\b|\b(?:you|this|that|it|these|those|they) (?:guys )?kill me\b",
    ),
    (
        "idiom.someone_will_kill_me",
        r"\b(?:mom|mum|dad|mother|father|parents|boss|teacher|wife|husband|girlfriend|boyfriend"
        r"|coach|he|she|they|he's|she's|they're|gonna|going to) (?:is |are |will |'ll |would )?"
        r"(?:literally |actually |so |totally )?(?:gonna |going to )?kill me\b",
    ),
    (
        "idiom.suicide_compound",
        r"\b(?:suicide (?:mission|squad|doors?|run|king|prevention|hotline|awareness|rates?)"
        r"|career suicide|social suicide|political suicide|commercial suicide"
        r"|financial suicide)\b",
    ),
    ("idiom.hang_out", r"\b(?:hang|hanging|hung) (?:out|in there|on|up|around|with|tight)\b"),
    (
        "idiom.cut_back",
        r"\bcut(?:ting)? (?:class|ties|back|down|corners|carbs|it close|out|off|my hair|the cord"
        r"|me off|myself some slack|myself off|myself a break)\b",
    ),
    (
        "idiom.overdose_on",
        r"\b(?:overdosed?|overdosing|od'?d|od) on (?:coffee|caffeine|sugar|candy|chocolate"
        r"|netflix|anime|tv|memes|cuteness|cute|love|vitamins)\b",
    ),
    (
        "idiom.shoot_foot",
        r"\bshoot (?:me|myself) (?:a |an )?(?:message|email|text|dm|pm|in the foot|line|note)\b"
        r"|\bshot myself in the foot\b",
    ),
    (
        "idiom.kill_myself_laughing",
        r"\b(?:kill|killing|killed) (?:myself|me) (?:laughing|with laughter|at the gym"
        r"|in the gym|working)\b",
    ),
    ("idiom.cross_bridge", r"\bcross (?:that|the) bridge\b"),
    (
        "report.completed_suicide",
        r"\b(?:committed|died by|completed|succeeded in committing|succeeded in|dies by"
        r"|death by|lost to|lost (?:him|her|them) to) suicide\b",
    ),
    (
        "idiom.suicide_debate",
        r"\b(?:assisted|physician[ -]assisted|medically assisted|legal|legali[sz]ed|legali[sz]ing"
        r"|right to) suicide\b|\bsuicide (?:is|should be|being) (?:made )?(?:legal|illegal"
        r"|a right|a sin|selfish|cowardly)\b",
    ),
    (
        "idiom.subreddit",
        r"(?:\br/|/r/|\bsubscribed to |\bpost(?:ed|ing)? (?:on|in|to) |\bsub(?:reddit)? )"
        r"suicide ?watch\b",
    ),
    (
        "idiom.end_post",
        r"\b(?:i'll|i will|let me|gonna|going to|i'm going to|i'm gonna|will) end (?:it|this"
        r"|this post|things|my post|my rant) (?:here|there|on|with)\b",
    ),
    ("idiom.take_life_back", r"\b(?:take|took|taking) my (?:own )?life back\b"),
    (
        "idiom.accidental_hurt",
        r"\bhurt myself (?:playing|at the|in the|while|lifting|running|skiing|skating|working"
        r" out|during|falling|tripping|at work|at practice)\b",
    ),
    ("idiom.game_death", r"\b(?:my character|in game|in the game|this level|respawn)\b"),
)

# Lines or spans the author is quoting: "> ..." lines, and text in double quotes not
# introduced by the author's own thought or speech.
OWN_QUOTE_LEAD = (
    r"(?:\bi (?:keep |kept |always |often |just )?(?:think|thinking|thought|say|said|tell myself"
    r"|told myself|told (?:him|her|them|my \w+)|wrote|write|typed|texted|whisper|whispered"
    r"|scream|screamed)|\bmy (?:head|brain|mind|thoughts?|depression|inner voice) "
    r"(?:says?|keeps? (?:saying|telling me)|tells? me|whispers?|goes (?:straight )?to"
    r"|jumps (?:straight )?to|went (?:straight )?to)|\bvoices? in my head)"
    r"(?: to (?:myself|me|him|her|them))?:? ?$"
)

# The author counts themselves in right after talking about "you" or someone else: "do you ever
# want to die? I do", "my friend feels suicidal and so do I", "same here". Only a short reply
# that ends its clause counts ("I'm too tired to write" and "I do all I can" do not), and only
# in the present: a reply with a past time ("me too, years ago") is a recovery story (the
# engine checks REMOTE_PAST and past words in the reply's sentence). NEXT matches at the start
# of the next sentence, INLINE later in the hit's own sentence; STRONG is what may claim a bare
# topic ("does anyone else feel suicidal? I do").
_CLAUSE_END = r"(?=(?:,? ?(?:honestly|tbh|really|too|always|still|lol))? ?(?:[.!?;:\n]|$))"
SELF_INCLUSION_NEXT = (
    r"(?:(?:honestly|yeah|yes|yep|well|tbh|ngl)[, ]+)?(?:i do(?: too| also| as well)?"
    r"(?:,? (?:all the time|every day|every night|sometimes|often|constantly|daily|most days))?"
    + _CLAUSE_END
    + r"|(?:me too|me as well|same here|same for me|so do i|i feel the same(?: way)?"
    r"|(?:i'm|im|i am) the same|(?:i'm|im|i am|i feel) (?:that way )?(?:too|as well)|same)"
    + _CLAUSE_END
    + r"|mine (?:have|has|are|is|were|was|keep|kept|get|got|come|came)\b"
    + ")"
)
SELF_INCLUSION_STRONG = r"(?:(?:honestly|yeah|yes|yep|well|tbh|ngl)[, ]+)?(?:i do|so do i|me too)"
SELF_INCLUSION_INLINE = r"(?:\band|,) (?:so do i|me too|i do too|same here|i feel the same)\b"

# In a report, "she said", "he posted:", "they wrote" before a phrase: the reported person's
# words, so "I" in them is that person, not the reporter. Searched in the 60 characters before a
# hit, within its sentence.
REPORTED_SPEECH = (
    r"\b(?:said|says|saying|wrote|writes|writing|posted|posts|posting|texted|messaged|typed"
    r"|commented|replied|tweeted|put|sent|dmed|dm'd|dmd)\b(?: (?:me|us))?(?: (?:that|this|in"
    r" (?:the|a|her|his|their) \w+|(?:on|in) (?:the )?(?:chat|group|room|forum|thread)))?[:,]?"
    r" ?['\"]?(?:(?!(?:and|but|so|now|then)\b)[a-z']+ ){0,5}$"
    # "her post: ...", "from his message - ...", "this is what she sent: ..."
    r"|\b(?:her|his|their) (?:post|message|status|dm|comment|text|reply|story|caption)"
    r" ?[:\-–] ?['\"]?(?:[a-z']+ ){0,5}$"
)

# In a report, the people a reporter names who are neither "I" nor pronouns: read as the
# reported person (only in reports; in a member's own text "as a new member, ..." is theirs).
REPORT_PERSONS = r"\b(?:member|user|poster|mentee|mentor|facilitator|op|person|guy|girl)\b"

# In a report, what someone told another person to do ("he told me to kill myself") is abuse by
# the reported person, not their own risk. Matched right before a hit.
TOLD_TO = (
    r"\b(?:(?:told|tell|tells|telling|asked|asking|wants|wanted|urged|urging) (?:me|us|people"
    r"|everyone|others|someone|him|her|them|you|my \w+)|(?:said|says|saying)(?: (?:to )?(?:me|us"
    r"|people|everyone|others|someone|him|her|them|you|my \w+))?) (?:to |that i should "
    r"|i should |that i'd be better off if i )(?:go |just )?"
)

SUPPORT_CUES = (
    r"\byou(?:'re| are| aren't|re) not alone\b|\breach(?:ing)? out\b|\bhotline\b|\bhelpline\b"
    r"|\bcrisis (?:line|text line|team|center|centre)\b|\blifeline\b|\bsamaritans\b|\b988\b"
    r"|\b741741\b|\b116 ?123\b|\b(?:i'm|i am|we're|we are|im) (?:always )?here for you\b"
    r"|\b(?:please|pls) (?:don't|dont|do not|stay|reach|talk|call|get help|seek|hang on"
    r"|hold on|consider)\b|\bstay safe\b|\bsending (?:you )?(?:love|hugs|strength|virtual hugs"
    r"|good vibes)\b|\byou matter\b|\byou deserve\b|\bit (?:will |does )?gets? better\b"
    r"|\b(?:pm|dm|message) me\b|\b(?:talk|speak) to (?:a|your) (?:therapist|doctor"
    r"|counsel+or|professional|gp|psychiatrist)\b|\b(?:hang|hold) in there\b|\bproud of you\b"
    r"|\byour life (?:matters|is worth)\b|\bi hope you\b|\bhow are you (?:doing|feeling)\b"
    r"|\bare you (?:safe|ok|okay)\b|\byou can do (?:this|it)\b|\byou(?:'ve| have) got this\b"
    r"|\bdon't give up\b|\b(?:if|whenever) you (?:ever )?(?:need|want) (?:to talk|someone)\b"
    r"|\bsorry (?:you|that you|to hear)\b|\bi'm sorry you\b|\bwelcome to the sub\b"
)

NEWS_CUES = (
    r"\baccording to\b|\bstud(?:y|ies)\b|\bresearch(?:ers)?\b|\bstatistics\b|\bsurvey\b"
    r"|\bper ?cent\b|\d%|\barticle\b|\bnews\b|\breported\b|\bpolice\b|\bofficials\b"
    r"|\bheadlines?\b|\bjournalist\b|\bdocumentary\b|\bcelebrity\b|\bthe (?:actor|singer"
    r"|rapper|star|victim|teen|student|man|woman)\b"
)

RECOVERY_CUES = (
    r"\brecover(?:y|ing|ed)\b|\bin remission\b|\bsurvivor\b|\bi survived\b|\bglad (?:i'm|i am|im)"
    r" (?:still )?(?:alive|here)\b|\bglad (?:i failed|it didn't work)\b|\b(?:\d+|one|two|three"
    r"|four|five|six|seven|eight|nine|ten|a) (?:days?|weeks?|months?|years?) (?:clean|free"
    r"|sober|without (?:cutting|self ?harm))\b|\bclean (?:for|since)\b|\bdoing (?:much |so "
    r"|a lot |way )?better (?:now|these days|today)\b|\b(?:it|things|life) (?:got|gets|get"
    r"|has gotten|have gotten) better\b|\blooking back\b|\bback then\b|\bcome (?:a long way"
    r"|so far)\b|\b(?:i'm|i am|im) (?:in a )?(?:much )?(?:better|good|great) (?:place )?now\b"
    r"|\bno longer\b|\bnot anymore\b|\bbeen there\b|\b(?:have not|haven't|havent|have n't)"
    r" (?:done (?:it|that|this) |felt (?:it|that|like that) )?(?:for|in) (?:a (?:long )?(?:time"
    r"|while)|ages|years|months|(?:\d+|two|three|four|five|six|several|many) (?:years|months))\b"
)

REMOTE_PAST = (
    r"\b(?:(?:(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several"
    r"|many|few|couple of|couple|some) )?(?:years?|yrs?|decades?) ago|ages ago|long ago"
    r"|(?:\d+|four|five|six|seven"
    r"|eight|nine|ten|eleven|twelve|several|many) months? ago|last year|years? (?:back|before"
    r"|earlier)|when i was (?:younger|little|a (?:kid|child|teen|teenager|student)|in "
    r"(?:high ?school|middle school|college|uni|university|school|my (?:teens|twenties|20s"
    r"|early|late))|\d+|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen"
    r"|nineteen|twenty)|(?:in|during|back in) (?:high ?school|middle school|college|uni"
    r"|university|my teens|my twenties|my 20s|my youth|(?:19|20)\d\d)|as a (?:kid|child|teen"
    r"|teenager)|growing up|used to|back then|in the past|at (?:the age of |age )?\d{1,2}"
    r"(?! ?(?:am|pm|mg|%|:))|in (?:19|20)\d\d|(?:been|felt|was) (?:suicidal|there|depressed"
    r"|like that) before|i was once|once upon a time)\b"
)

RECENT_OR_PRESENT = (
    r"\b(?:yesterday|last night|tonight|today|this (?:morning|afternoon|evening|week|weekend"
    r"|month)|earlier today|just now|right now|(?:an|a few|few|couple of|\d+|one|two|three"
    r"|four|five|six) (?:hours?|days?|weeks?|nights?) ago|last (?:week|weekend|month|monday"
    r"|tuesday|wednesday|thursday|friday|saturday|sunday)|(?:a|one|two|three|couple of"
    r"|a couple of) months? ago|recently|again|currently|now|still|lately|these days|anymore"
    r"|every (?:day|night))\b"
)

# Words of the present that say how things are now rather than when an act happened: a date
# nearer the phrase ("overdosed years ago ... doing better now") decides its time instead.
WEAK_PRESENT = frozenset({"now", "these days", "anymore"})

# Words that make a verb phrase past without a date.
PAST_WORDS = frozenset(
    {
        "was",
        "were",
        "had",
        "used",
        "wanted",
        "felt",
        "tried",
        "attempted",
        "thought",
        "did",
        "took",
        "cut",
        "overdosed",
        "wished",
        "considered",
        "planned",
        "survived",
        "went",
        "got",
    }
)

LAUGHTER = frozenset(
    {"lol", "lmao", "lmfao", "rofl", "haha", "hahaha", "jk", "xd", "😂", "🤣", "💀", "lool"}
)

FIRST_PERSON = frozenset(
    {"i", "i'm", "im", "i've", "ive", "i'd", "i'll", "me", "my", "myself", "mine", "mself"}
)
SECOND_PERSON = frozenset(
    {
        "you",
        "your",
        "you're",
        "youre",
        "yours",
        "yourself",
        "yourselves",
        "u",
        "ur",
        "y'all",
        "yall",
        "you've",
        "you'll",
        "you'd",
    }
)
THIRD_PERSON = frozenset(
    {
        "he",
        "she",
        "they",
        "him",
        "her",
        "them",
        "his",
        "hers",
        "their",
        "theirs",
        "himself",
        "herself",
        "themselves",
        "themself",
        "he's",
        "she's",
        "they're",
        "they've",
        "they'll",
        "theyve",
        "theyll",
        "hes",
        "shes",
        "theyre",
        "anyone",
        "anybody",
        "clinicians",
        "therapist",
        "doctor",
        "nephew",
        "niece",
        "baby",
        "child",
        "children",
        "he'd",
        "she'd",
        "they'd",
        "he'll",
        "she'll",
        "someone",
        "somebody",
        "people",
        "person",
        "friend",
        "friends",
        "boyfriend",
        "girlfriend",
        "brother",
        "sister",
        "mom",
        "mum",
        "dad",
        "mother",
        "father",
        "son",
        "daughter",
        "husband",
        "wife",
        "partner",
        "cousin",
        "uncle",
        "aunt",
        "grandma",
        "grandpa",
        "classmate",
        "coworker",
        "roommate",
        "man",
        "woman",
        "guy",
        "girl",
        "kid",
        "teen",
        "teenager",
        "student",
        "celebrity",
        "actor",
        "singer",
        "rapper",
        "op",
        "patient",
        "patients",
        "client",
        "victim",
        "coworkers",
        "classmates",
        "women",
        "men",
        "teens",
        "kids",
        "guys",
        "girls",
        "boys",
        "adults",
        "veterans",
        "soldiers",
        "others",
        "everyone",
        "everybody",
        "somebody's",
        "someone's",
    }
)

NEGATORS = frozenset(
    {
        "not",
        "never",
        "don't",
        "dont",
        "won't",
        "wont",
        "wouldn't",
        "wouldnt",
        "didn't",
        "didnt",
        "isn't",
        "isnt",
        "aren't",
        "arent",
        "wasn't",
        "wasnt",
        "nor",
        "haven't",
        "havent",
        "hasn't",
        "hasnt",
        "shouldn't",
        "shouldnt",
        "no",
        "without",
        "ain't",
    }
)
# After a negator these words mean the negation is about something else ("I don't know why I
# want to die", "I don't have the courage to kill myself").
NEGATION_BREAKERS = frozenset(
    {
        "know",
        "understand",
        "sure",
        "care",
        "mind",
        "why",
        "thought",
        "imagined",
        "expected",
        "knew",
        "realized",
        "realised",
        "only",
        "courage",
        "guts",
        "balls",
        "strength",
        "nerve",
        "means",
        "ability",
        "energy",
        "brave",
        "heart",
        "anyone",
        "one",
        "lie",
        "lying",
        "stop",
        "help",
        "tell",
        "told",
        "telling",
        "see",
        "matter",
    }
)
# Words that end a negation's reach.
CLAUSE_BREAKERS = frozenset({"but", "because", "cause", "cuz", "so", "although", "though", "yet"})
