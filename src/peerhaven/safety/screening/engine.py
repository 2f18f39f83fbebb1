"""The rule stage: find risk phrases, then read their context to decide whose risk it is.

Each hit starts at its rule's level and is lowered only by evidence in the text that it is not
the author's present risk: an idiom, a quotation, a second- or third-person subject, a negation,
a remote past. The lowering is recorded as ``modifiers`` so a moderator sees why.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache

from peerhaven.safety.screening import learned, perspective
from peerhaven.safety.screening import rules as table
from peerhaven.safety.screening.normalize import Normalized, normalize
from peerhaven.safety.screening.result import Evidence, RiskLevel, Screening

MAX_EVIDENCE = 200
# How far from a phrase a rule's ``needs`` (the means or place) may be named.
NEAR = 160
LEARNED_RULE = "learned.ngram_model"
STATEMENT_RULE = "learned.statement_model"
_SUBJECT_WINDOW_BACK = 12
_TOPIC_WINDOW = 5
_FORWARD_STOP = frozenset({"and", "but", "because", "so", "or", "if", "when"})
_PAST_WINDOW = 5
_NEGATION_WINDOW = 4
_CLAUSE_SUBJECTS = frozenset({"i", "i'm", "im", "i've", "ive", "i'll", "i'd", "id"})
# Not "or": "I'm not sad or I'd want to die" is still the denial's.
_CONJUNCTIONS = frozenset({"and", "then", "&"})
_DO_NOT = frozenset({"don't", "dont"})
_REFLEXIVE = frozenset({"myself", "yourself", "himself", "herself", "themselves"})

_TOKEN = re.compile(r"[a-z0-9']+|[^\sa-z0-9']")
_SENTENCE_END = re.compile(r"[.!?;\n]+")
_CLAUSE_PUNCT = frozenset(',:;.!?()[]-\n"')
_MACRO = re.compile(r"<[a-z0-9]+>")
# Time words ("now", "these days", "anymore") that say how things are rather than when an act
# happened (``_weak_present``), and dates that compare rather than date it (``_compares``).
# Each looks at a few words before or after the cue: the phrases it was sized for are quoted.
_CONTRAST = re.compile(r"\b(?:but|yet|and),? $")  # "... in the past, but now it's worse"
_CONTRAST_REACH = 6
# "am doing better now", "in recovery these days": a present word describes how things are
# only beside recovery; otherwise ("I want to finish it now") it is when.
_RECOVERING = re.compile(
    r"\b(?:doing (?:better|ok|okay|well|fine|alright|great|good)|recovering|in recovery|clean"
    r"|sober|happier|stable|healing|getting better|much better|(?:better|fine|ok|okay|good|safe"
    r"|happy) now)\b"
)
_RECOVERING_REACH = 30
# "I'm still here", "I am still alive", "still doing better": how things are, like "now".
_STILL_HERE_BEFORE = re.compile(r"\b(?:i'm|im|i am) $")
_STILL_HERE_AFTER = re.compile(
    r" (?:here|alive|standing|around|recovering|in recovery|doing (?:better|ok|okay|well|fine"
    r"|alright))\b"
)
# "since last year" says how long; "like when I was 15", "like I used to", "like I did years
# ago" compare; "like 10 years ago" (about) and "as in 2015" still date the act.
_SINCE = re.compile(r"\bsince $")
# "sober from self harm since last year": a recovery, so the date does date the act.
_SOBER_SINCE = re.compile(r"\b(?:sober|clean|free|stopped|quit)\b")
_LIKE_I_DID = re.compile(r"\b(?:like|as) (?:i did |i |back )?$")
_COMPARISON_CUES = ("when", "used to", "back then", "before")
_COMPARED_REACH = 14


def _weak_present(text: str, m: re.Match[str]) -> bool:
    word, start = m.group(), m.start()
    if word == "still":
        weak = (
            _STILL_HERE_BEFORE.search(text, max(0, start - 6), start) is not None
            and _STILL_HERE_AFTER.match(text, m.end()) is not None
        )
    else:
        weak = word in table.WEAK_PRESENT and (
            _RECOVERING.search(text, max(0, start - _RECOVERING_REACH), m.end() + 12) is not None
        )
    return weak and _CONTRAST.search(text, max(0, start - _CONTRAST_REACH), start) is None


def _compares(text: str, m: re.Match[str]) -> bool:
    lead = max(0, m.start() - _COMPARED_REACH)
    if _SINCE.search(text, lead, m.start()) is not None:
        return _SOBER_SINCE.search(text, max(0, m.start() - 40), m.start()) is None
    like = _LIKE_I_DID.search(text, lead, m.start())
    if like is None:
        return False
    return like.group().startswith(("like i did", "as i did")) or m.group().startswith(
        _COMPARISON_CUES
    )


def _expand(pattern: str, macros: dict[str, str] | None = None) -> str:
    """The pattern with its macros filled in; a macro may use another (``<means>`` uses
    ``<gun>``), so this repeats until nothing changes."""
    for _ in range(4):
        expanded = _MACRO.sub(
            lambda m: (macros or {}).get(m.group(), table.MACROS.get(m.group(), m.group())),
            pattern,
        )
        if expanded == pattern:
            break
        pattern = expanded
    return pattern


@dataclass(frozen=True, slots=True)
class _Compiled:
    rule: table.Rule
    regex: re.Pattern[str]
    needs: re.Pattern[str] | None = None
    unless: re.Pattern[str] | None = None

    def applies(self, text: str) -> bool:
        """Whether the text names what the rule needs anywhere (a cheap first check)."""
        return self.needs is None or self.needs.search(text) is not None

    def applies_at(self, ctx: _Context, start: int, end: int) -> bool:
        """Whether what the rule needs is named near the hit (within ``NEAR`` characters), and
        nothing in the hit's own sentence makes it ordinary."""
        text = ctx.text
        if self.needs is not None and (
            self.needs.search(text, max(0, start - NEAR), min(len(text), end + NEAR)) is None
        ):
            return False
        if self.unless is None:
            return True
        s_start, s_end = ctx.sentence(start, end)
        return self.unless.search(text, s_start, s_end) is None


def _compile(rule: table.Rule, pattern: str) -> _Compiled:
    return _Compiled(
        rule,
        re.compile(pattern),
        re.compile(_expand(rule.needs)) if rule.needs else None,
        re.compile(_expand(rule.unless)) if rule.unless else None,
    )


@cache
def _compiled() -> tuple[
    tuple[_Compiled, ...],
    tuple[tuple[str, re.Pattern[str]], ...],
    dict[str, re.Pattern[str]],
]:
    rules = tuple(_compile(rule, _expand(rule.pattern)) for rule in table.RULES)
    idioms = tuple((rule_id, re.compile(_expand(p))) for rule_id, p in table.IDIOMS)
    cues = {
        "support": re.compile(table.SUPPORT_CUES),
        "news": re.compile(table.NEWS_CUES),
        "recovery": re.compile(table.RECOVERY_CUES),
        "remote": re.compile(table.REMOTE_PAST),
        "recent": re.compile(table.RECENT_OR_PRESENT),
        "own_quote": re.compile(table.OWN_QUOTE_LEAD),
        "self_next": re.compile(table.SELF_INCLUSION_NEXT),
        "self_inline": re.compile(table.SELF_INCLUSION_INLINE),
        "self_strong": re.compile(table.SELF_INCLUSION_STRONG + table._CLAUSE_END),
        "told_to": re.compile(table.TOLD_TO + "$"),
        "reported_speech": re.compile(table.REPORTED_SPEECH),
        "report_person": re.compile(table.REPORT_PERSONS),
    }
    return rules, idioms, cues


# A report is about someone else: its rules also read "herself", "his life", "their pills".
_ANYONE_MACROS = {
    "<myself>": r"(?:my ?self|meself|mself|him ?self|her ?self|them ?selves|them ?self)",
}
_MY = re.compile(r"(?<![a-z])my ")
_FIRST_PERSON_WORD = re.compile(r"\b(?:i|i'm|im|i've|ive|i'll|me|my|myself|mine)\b")


def _widen(pattern: str) -> str:
    """A pattern with its first-person words widened to anyone ("herself", "his arm")."""
    return _MY.sub("(?:my|his|her|their) ", _expand(pattern, _ANYONE_MACROS))


@cache
def _compiled_anyone() -> tuple[_Compiled, ...]:
    """The rules with their first-person words widened to anyone (for ``screen_report``)."""
    return tuple(_compile(rule, _widen(rule.pattern)) for rule in table.RULES)


@cache
def _idioms_anyone() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The idioms widened the same way: "he hurt himself at football" is an everyday injury."""
    return tuple((rule_id, re.compile(_widen(p))) for rule_id, p in table.IDIOMS)


class _Context:
    """Everything about the whole text that several hits need, computed once."""

    def __init__(self, norm: Normalized, anyone: bool = False) -> None:
        text = norm.text
        _, idioms, cues = _compiled()
        if anyone:
            idioms = _idioms_anyone()
        self.text = text
        self.tokens: list[tuple[int, int, str]] = [
            (m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)
        ]
        self.token_starts = [t[0] for t in self.tokens]
        self.sentence_ends = [m.start() for m in _SENTENCE_END.finditer(text)]
        self.sentence_starts = [m.end() for m in _SENTENCE_END.finditer(text)]
        self.line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self.quotes = [i for i, c in enumerate(text) if c == '"']
        self.idiom_mask = bytearray(len(text))
        self.idiom_spans: dict[str, list[tuple[int, int]]] = {}
        for rule_id, regex in idioms:
            for m in regex.finditer(text):
                self.idiom_mask[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
                self.idiom_spans.setdefault(rule_id, []).append((m.start(), m.end()))
        self.remote: list[int] = []
        self.remote_ends: list[int] = []
        for m in cues["remote"].finditer(text):
            if not _compares(text, m):
                self.remote.append(m.start())
                self.remote_ends.append(m.end())
        self.recent: list[int] = []
        self.weak_present: list[int] = []
        self.weak_present_ends: list[int] = []
        for m in cues["recent"].finditer(text):
            if _weak_present(text, m):
                self.weak_present.append(m.start())
                self.weak_present_ends.append(m.end())
            else:
                self.recent.append(m.start())
        # "..., and so do i" (self_included): found once, looked up per hit.
        self.self_inline_starts = [m.start() for m in cues["self_inline"].finditer(text)]
        self.supportive = cues["support"].search(text) is not None
        self.news = cues["news"].search(text) is not None
        self.recovery = cues["recovery"].search(text) is not None
        self.own_quote = cues["own_quote"]
        self.self_next = cues["self_next"]
        self.self_strong = cues["self_strong"]
        self.told_to = cues["told_to"]
        self.reported_speech = cues["reported_speech"]
        self.report_person = cues["report_person"]
        words = [t[2] for t in self.tokens]
        self.first_count = sum(1 for w in words if w in table.FIRST_PERSON)
        self.second_count = sum(1 for w in words if w in table.SECOND_PERSON)

    # --- geometry -----------------------------------------------------------------------

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        i = bisect_right(self.sentence_starts, start)
        s_start = self.sentence_starts[i - 1] if i > 0 else 0
        j = bisect_left(self.sentence_ends, end)
        s_end = self.sentence_ends[j] if j < len(self.sentence_ends) else len(self.text)
        return s_start, max(s_end, end)

    def line(self, position: int) -> tuple[int, int]:
        i = bisect_right(self.line_starts, position) - 1
        start = self.line_starts[max(i, 0)]
        nxt = self.line_starts[i + 1] if i + 1 < len(self.line_starts) else len(self.text) + 1
        return start, nxt - 1

    @staticmethod
    def _nearest(
        starts: list[int], ends: list[int], s_start: int, s_end: int, start: int, end: int
    ) -> int | None:
        """Characters between the span and the closest cue (``starts``/``ends``) within the
        sentence, if any: from a cue's end to the span, or from the span to a cue's start."""
        i = bisect_left(starts, s_start)
        j = bisect_left(starts, s_end)
        if i >= j:
            return None
        k = bisect_left(starts, start, i, j)
        best = None
        # Cues are sorted by start and do not overlap: the two before and the two from the
        # span on are the only candidates.
        for n in range(max(i, k - 2), min(j, k + 2)):
            d = max(0, start - ends[n]) if starts[n] < start else max(0, starts[n] - end)
            best = d if best is None else min(best, d)
        return best

    def _any_between(self, positions: list[int], start: int, end: int) -> bool:
        i = bisect_left(positions, start)
        return i < len(positions) and positions[i] < end

    # --- context tests ------------------------------------------------------------------

    def in_idiom(self, start: int, end: int) -> bool:
        return any(self.idiom_mask[start:end])

    def idiom_kind(self, start: int, end: int) -> str:
        for rule_id, spans in self.idiom_spans.items():
            # Spans of one idiom never overlap each other (finditer), so they are sorted by
            # both ends and the candidate is the last one starting before ``end``.
            i = bisect_left(spans, (end, end)) - 1
            if i >= 0 and spans[i][1] > start:
                return rule_id
        return "idiom"

    def quoted(self, start: int, end: int) -> bool:
        line_start, line_end = self.line(start)
        if self.text[line_start:end].lstrip().startswith(">"):
            return True
        first = bisect_left(self.quotes, line_start)
        before = bisect_left(self.quotes, start) - first
        if before % 2 == 0:
            return False
        after = bisect_left(self.quotes, end)
        if after >= len(self.quotes) or self.quotes[after] > line_end:
            return False
        opening = self.quotes[first + before - 1]
        lead = self.text[max(line_start, opening - 80) : opening].rstrip()
        # "I keep thinking "I want to die"" is the author's own thought, not a quotation.
        return self.own_quote.search(lead) is None

    def subject(self, start: int, end: int, forward: bool, opening: bool = True) -> str | None:
        """The person a hit is about, from the words around it.

        ``opening``: a phrase that opens with a person word names its own subject ("you
        know, i cut myself again"). Not in a report, where "i" there may be the reported
        person's words pasted in ("her status: i cut my wrists").
        """
        s_start, s_end = self.sentence(start, end)
        # "being suicidal myself": a reflexive right after the phrase names its subject.
        after = bisect_left(self.token_starts, end)
        if after < len(self.tokens) and self.tokens[after][2] in _REFLEXIVE:
            return _person(self.tokens[after][2])
        first = bisect_left(self.token_starts, start)
        if opening and first < len(self.tokens) and self.tokens[first][0] < end:
            found = _person(self.tokens[first][2])
            if found is not None:
                return found
        i = first - 1
        steps = 0
        # A bare term ("suicide") belongs to a nearby person only; far back it is usually an
        # opinion about suicide in general.
        back = _TOPIC_WINDOW if forward else _SUBJECT_WINDOW_BACK
        # A colon opens a new clause: "being honest like you asked: the suicidal thoughts are
        # back" is not about "you" (session 8). Before a colon only "you" is passed over: "her
        # latest post: i have my pills lined up" is still about her.
        clause_start = max(s_start, self.text.rfind(":", s_start, start) + 1)
        while i >= 0 and steps < back:
            t_start, _, word = self.tokens[i]
            if t_start < s_start:
                break
            found = _person(word)
            if found == "second" and t_start < clause_start:
                break
            if found is not None:
                return found
            i -= 1
            steps += 1
        if not forward:
            return None
        i = bisect_left(self.token_starts, end)
        steps = 0
        while i < len(self.tokens) and steps < _TOPIC_WINDOW:
            t_start, _, word = self.tokens[i]
            if t_start >= s_end or word in _CLAUSE_PUNCT or word in _FORWARD_STOP:
                break
            found = _person(word)
            if found is not None:
                return found
            i += 1
            steps += 1
        return None

    def self_included(self, start: int, end: int, topic: bool = False) -> bool:
        """True when the author counts themselves in: "... want to die? I do", "... so do I".

        ``topic``: the hit is a bare term, which only a plain "I do" / "me too" can claim.
        """
        s_end = self.sentence(start, end)[1]
        if not topic and self._any_between(self.self_inline_starts, end, s_end):
            return True
        nxt = s_end
        limit = min(len(self.text), s_end + 8)
        while nxt < limit and self.text[nxt] in ".!?;\n \t":
            nxt += 1
        if nxt == s_end:
            return False
        pattern = self.self_strong if topic else self.self_next
        if pattern.match(self.text, nxt) is None:
            return False
        # "Me too, years ago" is a recovery reply, not present risk.
        r_start, r_end = self.sentence(nxt, nxt + 1)
        if self._any_between(self.remote, r_start, r_end):
            return False
        i = bisect_left(self.token_starts, r_start)
        j = bisect_left(self.token_starts, r_end)
        return not any(self.tokens[k][2] in table.PAST_WORDS for k in range(i, min(j, i + 40)))

    def negated(self, start: int, end: int) -> bool:
        i = bisect_left(self.token_starts, start) - 1
        between: list[str] = []
        steps = 0
        while i >= 0 and steps < _NEGATION_WINDOW:
            word = self.tokens[i][2]
            if word in _CLAUSE_PUNCT or word in table.CLAUSE_BREAKERS:
                return False
            # "I'm not ok and I cut myself": "and I" opens a clause of its own.
            if word in _CONJUNCTIONS and self.tokens[i + 1][2] in _CLAUSE_SUBJECTS:
                return False
            if word in table.NEGATORS:
                if any(w in table.NEGATION_BREAKERS for w in between):
                    return False
                # "not yet" promises a later act rather than denying one ("I haven't done it
                # yet"); "don't ... yet" is advice or a present denial ("don't give up yet").
                if word in _DO_NOT and (i == 0 or self.tokens[i - 1][2] not in table.FIRST_PERSON):
                    return True
                j = bisect_left(self.token_starts, end)
                following = [t[2] for t in self.tokens[j : j + 2]]
                return "yet" not in following
            if word in ("can't", "cant", "cannot", "couldn't", "couldnt"):
                return False
            between.append(word)
            i -= 1
            steps += 1
        return False

    def tense(self, start: int, end: int, rule: table.Rule) -> str:
        s_start, s_end = self.sentence(start, end)
        if self._any_between(self.recent, s_start, s_end):
            return "present"
        remote = self._nearest(self.remote, self.remote_ends, s_start, s_end, start, end)
        if remote is not None:
            # "I overdosed years ago and am doing better now": a word of the present that is
            # farther from the phrase than its date describes the present, not the act.
            weak = self._nearest(
                self.weak_present, self.weak_present_ends, s_start, s_end, start, end
            )
            return "present" if weak is not None and weak <= remote else "remote"
        if self._any_between(self.weak_present, s_start, s_end):
            return "present"
        if rule.past:
            return "past"
        i = bisect_left(self.token_starts, start)
        j = bisect_left(self.token_starts, end)
        lo = max(0, i - _PAST_WINDOW)
        for k in range(lo, j):
            if self.tokens[k][0] >= s_start and self.tokens[k][2] in table.PAST_WORDS:
                return "past"
        return "present"

    def laughter(self, start: int, end: int) -> bool:
        s_start, s_end = self.sentence(start, end)
        i = bisect_left(self.token_starts, s_start)
        j = bisect_left(self.token_starts, s_end)
        return any(self.tokens[k][2] in table.LAUGHTER for k in range(i, min(j, i + 200)))


def _person(word: str) -> str | None:
    if word in table.FIRST_PERSON:
        return "first"
    if word in table.SECOND_PERSON:
        return "second"
    if word in table.THIRD_PERSON:
        return "third"
    return None


def _lower(level: RiskLevel, floor: RiskLevel = RiskLevel.CONCERN) -> RiskLevel:
    return RiskLevel(max(int(floor), min(int(level), int(level) - 1)))


def _judge(
    ctx: _Context, rule: table.Rule, start: int, end: int, anyone: bool = False
) -> tuple[RiskLevel, list[str]]:
    """Return the hit's level after context, and the modifiers that lowered it.

    ``anyone`` reads risk whoever it belongs to (quotes and other people included), for text
    that reports someone else: idioms, reports of a death, negation and the remote past still
    lower a hit.
    """
    level = rule.level
    if rule.subject != "any" and ctx.in_idiom(start, end):
        kind = ctx.idiom_kind(start, end)
        return RiskLevel.NONE, ["third_person" if kind.startswith("report.") else "idiom"]
    if not anyone and ctx.quoted(start, end):
        return RiskLevel.NONE, ["quoted"]

    modifiers: list[str] = []
    if anyone:
        # A report. "He told me to kill myself" is abuse by the reported person, not their risk.
        s_start = ctx.sentence(start, end)[0]
        if ctx.told_to.search(ctx.text, max(s_start, start - 40), start) is not None:
            return RiskLevel.NONE, ["third_person"]
        # Words the reported person wrote: in quotation marks, or after "she said", "he
        # posted:", "they wrote" — "I" there is them.
        lead = ctx.text[max(s_start, start - 60) : start]
        reported = ctx.quoted(start, end) or ctx.reported_speech.search(lead) is not None
        if rule.subject == "self":
            named = "first" if _FIRST_PERSON_WORD.search(ctx.text, start, end) else "third"
        else:
            named = ctx.subject(start, end, forward=rule.subject == "topic", opening=False) or ""
            if not named and ctx.report_person.search(lead) is not None:
                named = "third"  # "this member keeps saying ..."
        if named == "first" and not reported:
            # "This post makes me want to die": the reporter's own risk, which the gate
            # screens as their text, not the reported person's.
            return RiskLevel.NONE, ["reporter"]
        if not named and not reported and rule.subject in ("topic", "check"):
            # Nobody named: "the post glorifies suicide", "this is about suicidal feelings".
            return min(level, RiskLevel.CONCERN), ["topic"]
    # A "self" phrase names the author ("kill myself"); people around it ("everyone would be
    # better off without me") are not its subject.
    if not anyone and rule.subject not in ("any", "self"):
        who = ctx.subject(start, end, forward=rule.subject == "topic")
        if who is None:
            who = _unresolved_subject(ctx, rule)
        if who in ("second", "third", "topic") and ctx.self_included(
            start, end, topic=who == "topic"
        ):
            who = "first"
        if who == "second":
            return RiskLevel.NONE, ["supportive"]
        if who == "third":
            return RiskLevel.NONE, ["third_person"]
        if who == "topic":
            level = min(level, RiskLevel.CONCERN)
            modifiers.append("topic")

    if rule.negatable and ctx.negated(start, end):
        # The author raised the subject about themselves, so a denial still earns the gentle
        # resources (concern) but never an alert.
        lowered = RiskLevel.CONCERN if level >= RiskLevel.IDEATION else RiskLevel.NONE
        return lowered, [*modifiers, "negated"]

    when = ctx.tense(start, end, rule)
    narrative = ctx.recovery or ctx.supportive or bool(ctx.remote)
    # Past behaviour in a recovery story still matters (C-SSRS asks about lifetime behaviour),
    # so it drops one level and never below concern.
    if (when == "remote" or (when == "past" and narrative)) and level > RiskLevel.CONCERN:
        level = _lower(level)
        modifiers.append("past")
    if rule.hyperbole and level > RiskLevel.CONCERN and ctx.laughter(start, end):
        level = _lower(level)
        modifiers.append("idiom")
    return level, modifiers


def _unresolved_subject(ctx: _Context, rule: table.Rule) -> str:
    if rule.subject == "self":
        return "first"
    if ctx.news and ctx.first_count == 0:
        return "third"
    if ctx.supportive and ctx.second_count >= ctx.first_count:
        return "second"
    first_dominant = ctx.first_count >= 2 and ctx.first_count > ctx.second_count
    if rule.subject == "topic":
        return "first" if first_dominant and not ctx.supportive and not ctx.news else "topic"
    if ctx.second_count >= 2 and ctx.second_count > ctx.first_count:
        return "second"
    return "first"


@dataclass(slots=True)
class _Hit:
    rule: table.Rule
    start: int
    end: int
    level: RiskLevel
    modifiers: list[str]


# Not read in a report's shifted reading: "he said he has a gun and knows where I live" is a
# threat to the reporter, not the reported person's access to means.
_NOT_SHIFTED = frozenset({"ideation.gun_access", "ideation.gun_acquire"})


def screen_rules(
    norm: Normalized, *, anyone: bool = False, skip: frozenset[str] = frozenset()
) -> Screening:
    """The rule stage alone (it decides alone when the learned stage is absent).

    With ``anyone`` the text is read as a report about someone (see ``screen_report``); rules
    whose ids are in ``skip`` are not run.
    """
    compiled_rules = _compiled_anyone() if anyone else _compiled()[0]
    text = norm.text
    if not text.strip():
        return Screening(level=RiskLevel.NONE)
    ctx = _Context(norm, anyone)
    hits: list[_Hit] = []
    for compiled in compiled_rules:
        if compiled.rule.id in skip or not compiled.applies(text):
            continue
        for m in compiled.regex.finditer(text):
            if m.end() <= m.start() or not compiled.applies_at(ctx, m.start(), m.end()):
                continue
            level, modifiers = _judge(ctx, compiled.rule, m.start(), m.end(), anyone)
            hits.append(_Hit(compiled.rule, m.start(), m.end(), level, modifiers))

    # One phrase can match several rules ("going to kill myself" is intent and ideation); keep
    # the most serious reading of each stretch of text.
    hits.sort(key=lambda h: (-h.level, -h.rule.level, -(h.end - h.start), h.start))
    taken = bytearray(len(text))
    kept: list[_Hit] = []
    for hit in hits:
        if any(taken[hit.start : hit.end]):
            continue
        taken[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
        kept.append(hit)

    level = max((h.level for h in kept), default=RiskLevel.NONE)
    method = any(
        h.rule.method and not {"idiom", "negated", "supportive"} & set(h.modifiers) for h in kept
    )
    kept = kept[:MAX_EVIDENCE]
    kept.sort(key=lambda h: h.start)
    evidence = []
    for hit in kept:
        o_start, o_end = norm.original_span(hit.start, hit.end)
        evidence.append(
            Evidence(
                start=o_start,
                end=o_end,
                rule=hit.rule.id,
                level=hit.level,
                excerpt=norm.original[o_start:o_end],
                explanation=hit.rule.explanation,
                modifiers=tuple(hit.modifiers),
                base_level=hit.rule.level,
                method=hit.rule.method,
            )
        )
    return Screening(level=RiskLevel(level), evidence=evidence, method_text=method)


def screen_normalized(
    norm: Normalized,
    model: learned.LearnedModel | bool | None = True,
    statements: learned.LearnedModel | bool | None = True,
) -> Screening:
    """Rules, then the learned stages, which can only raise a text to ideation.

    ``model`` is the optional Reddit-trained stage for long texts: ``True`` uses it only if the
    operator turned it on (off by default). ``statements`` is the statement stage for short
    texts: ``True`` uses it only if the operator turned it on (off by default). Pass a model to
    use that one, or ``None`` to leave a stage out (``model=None, statements=None``: the rules
    alone).
    """
    result = screen_rules(norm)
    for stage, rule_id, what in (
        (learned.current() if model is True else model, LEARNED_RULE, _LEARNED_WHY),
        (
            learned.current_statements() if statements is True else statements,
            STATEMENT_RULE,
            _STATEMENT_WHY,
        ),
    ):
        if result.level >= RiskLevel.IDEATION:
            return result
        if isinstance(stage, learned.LearnedModel):
            result = _learned_stage(norm, result, stage, rule_id, what)
    return result


_LEARNED_WHY = "A statistical model trained on clinician-rated posts scores this text like those of"
_STATEMENT_WHY = (
    "A statistical model trained on invented statements of suicidal thoughts scores this short"
    " text like those of"
)


def _learned_stage(
    norm: Normalized,
    result: Screening,
    stage: learned.LearnedModel,
    rule_id: str,
    what: str,
) -> Screening:
    score = stage.score(norm.text, int(result.level))
    if not score.raise_to_ideation:
        return result
    extra = []
    for c in score.contributions:
        o_start, o_end = norm.original_span(c.start, c.end)
        extra.append(
            Evidence(
                start=o_start,
                end=o_end,
                rule=rule_id,
                level=RiskLevel.IDEATION,
                excerpt=norm.original[o_start:o_end],
                explanation=(
                    f"{what} people at risk ({score.probability:.2f}); this phrase weighed most"
                ),
                base_level=RiskLevel.IDEATION,
            )
        )
    evidence = sorted([*result.evidence, *extra], key=lambda e: e.start)
    return Screening(level=RiskLevel.IDEATION, evidence=evidence, method_text=result.method_text)


def screen_text(text: str) -> Screening:
    """Screen one piece of user text for suicide and self-harm risk.

    Never raises for any ``str`` (including lone surrogates) and runs in time linear in the
    text's length.
    """
    if not isinstance(text, str):
        text = str(text)
    return screen_normalized(normalize(text))


def screen_report(text: str) -> Screening:
    """How much risk a report describes, whoever it is about.

    A member reporting a post or message writes about someone else ("she said she has the
    pills ready tonight"), which ``screen_text`` rightly reads as not the author's own risk. For
    a report that is the point: the risk of the person reported decides how fast moderators
    must look. Quotations count (a reporter quoting the post is the evidence); idioms, reports
    of a death ("died by suicide"), negation and the remote past still lower a phrase. Rules
    only. Most rules are written for the first person, so the report is also read with its
    persons shifted (``perspective``): "she cut herself again" as "i cut myself again", the
    reporter's own "I" as "you".
    """
    if not isinstance(text, str):
        text = str(text)
    norm = normalize(text)
    direct = screen_rules(norm, anyone=True)
    # And as if the reported person had written it: most rules are written for "I".
    theirs = screen_rules(perspective.shifted(norm), skip=_NOT_SHIFTED)
    if theirs.level <= direct.level:
        return direct
    # The direct reading's evidence stays where it marks the reporter's own words
    # ("reporter", screened as theirs); the shifted reading adds, or raises, what raised the
    # level, so a report at a level always shows evidence at that level.
    merged = {(e.start, e.end, e.rule, False): e for e in direct.evidence}
    for e in theirs.evidence:
        if e.level < RiskLevel.IDEATION:
            continue
        key = (e.start, e.end, e.rule, False)
        kept = merged.get(key)
        if kept is None or (kept.level < e.level and "reporter" not in kept.modifiers):
            merged[key] = e
        elif kept.level < e.level:
            merged[(e.start, e.end, e.rule, True)] = e  # beside the reporter's own reading
    return Screening(
        level=theirs.level,
        evidence=sorted(merged.values(), key=lambda e: e.start),
        method_text=direct.method_text or theirs.method_text,
    )
