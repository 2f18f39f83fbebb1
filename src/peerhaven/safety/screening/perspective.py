"""Read a report from the reported person's side: "she cut herself again" as "i cut myself again".

Most rules are written for the first person, because a post's author says "I". A report
describes someone else, so ``screen_report`` also screens the report with its persons shifted:
third person becomes the first ("she", "he", "they", "this member" → "i"; "herself" →
"myself"; "has" → "have"), and the reporter's own first person becomes the second ("i" →
"you"), so that the reporter's words ("this makes me sick") read as words about someone else
and never as the reported person's risk. The shifted text keeps a map to the original, so the
evidence still points at what the reporter wrote.
"""

from __future__ import annotations

import re

from peerhaven.safety.screening.normalize import Normalized

_WORD = re.compile(r"[a-z']+")
_SENTENCE_BREAK = re.compile(r"[.!?;\n]")
_CLAUSE_BREAK = re.compile(r"[.!?;,:\n]")

# Third person → first, for the reported person's pronouns only: the first of "she", "he" or
# "they" to appear names them, so "he said he hopes she dies" stays about two people. Objects
# stay ("he said he'd kill him" is not "kill me"); "her" is settled by the word after it.
_FAMILIES = {
    "she": {
        "she": "i",
        "hers": "mine",
        "herself": "myself",
        "she'd": "i'd",
        "she'll": "i'll",
    },
    "he": {
        "he": "i",
        "his": "my",
        "himself": "myself",
        "he'd": "i'd",
        "he'll": "i'll",
    },
    "they": {
        "they": "i",
        "their": "my",
        "theirs": "mine",
        "themselves": "myself",
        "themself": "myself",
        "they'd": "i'd",
        "they'll": "i'll",
        "they're": "i'm",
        "theyre": "i'm",
        "they've": "i've",
        "theyve": "i've",
    },
}
_FAMILY_OF = {word: family for family, words in _FAMILIES.items() for word in words}
_FAMILY_OF.update({"her": "she", "him": "he", "them": "they"})
_IS_OR_HAS = {"she's": "she", "shes": "she", "he's": "he", "hes": "he"}
_FAMILY_OF.update(_IS_OR_HAS)
_SUBJECTS = {
    word: family
    for word, family in _FAMILY_OF.items()
    if word in ("she", "he", "they")
    or _FAMILIES[family].get(word, "").startswith("i")
    or word in _IS_OR_HAS
}
# The reporter's own first person → second.
_FIRST_TO_SECOND = {
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "i'm": "you're",
    "im": "you're",
    "i've": "you've",
    "ive": "you've",
    "i'll": "you'll",
    "i'd": "you'd",
}
# "she's been" and "she's cut herself" are "she has ..."; "she's going" and "she's done" (with
# it all) are "she is ...".
_HAS_AFTER = frozenset(
    {"been", "got", "gotten", "had", "taken", "tried", "written", "cut", "hurt", "hit"}
    | {"burnt", "made", "bought", "left", "given", "gone", "told", "said", "kept", "sent", "put"}
    | {"lost", "run", "stopped", "started", "quit", "thought", "felt", "overdosed", "attempted"}
)
# Words after "her" that make it an object ("I told her to stop"), not a possessive.
_OBJECT_AFTER = frozenset(
    {
        "to",
        "that",
        "and",
        "but",
        "or",
        "so",
        "if",
        "when",
        "about",
        "not",
        "again",
        "today",
        "tonight",
        "yesterday",
        "now",
        "back",
        "up",
        "off",
        "out",
        "in",
        "on",
        "at",
        "with",
        "for",
        "from",
        "because",
        "she",
        "he",
        "they",
        "i",
        "you",
    }
)
_VERB_AFTER_THIRD = {
    "is": "am",
    "isn't": "am not",
    "isnt": "am not",
    "has": "have",
    "hasn't": "haven't",
    "hasnt": "haven't",
    "does": "do",
    "doesn't": "don't",
    "doesnt": "don't",
    "was": "was",
    "are": "am",
    "aren't": "am not",
    "were": "was",
    "weren't": "wasn't",
}
_PLURAL_VERBS = frozenset({"are", "aren't", "were", "weren't"})
_VERB_AFTER_FIRST = {"am": "are", "was": "were", "wasn't": "weren't"}
# Adverbs that may stand between a subject and its verb ("she just cuts", "he really wants").
_ADVERBS = frozenset({"just", "really", "still", "always", "never", "already", "now", "also"})
_NOT_VERBS = frozenset({"this", "thus", "us", "as", "its", "yes", "less", "unless", "across"})
# A person named by a noun in a report ("this member", "the user") is the reported person.
# Not "a": "he watched a guy cut himself in a video" is about someone else.
_DETERMINERS = frozenset({"the", "this", "that"})
_PERSON_NOUNS = frozenset(
    {"member", "user", "poster", "mentee", "person", "guy", "girl", "boy", "woman", "man"}
    | {"friend", "teen", "kid"}
)
# A new clause ends what someone was urged to do: "I asked her to call a line but she says".
_CLAUSE_WORDS = frozenset({"but", "and", "so", "because", "then", "while", "though"})


def _third_singular_to_base(word: str) -> str:
    """'wants' → 'want', 'tries' → 'try', 'goes' → 'go' (a verb after he/she)."""
    if word in _VERB_AFTER_THIRD:
        return _VERB_AFTER_THIRD[word]
    if len(word) < 3 or not word.endswith("s") or word.endswith("ss") or word in _NOT_VERBS:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("shes", "ches", "xes", "oes", "zes", "sses")):
        return word[:-2]
    return word[:-1]


def _her(next_word: str | None) -> str:
    return "her" if next_word is None or next_word in _OBJECT_AFTER else "my"


# "he told her to kill herself": what someone urged another to do is abuse, not risk; the rest
# of that sentence keeps its persons.
_TELL_VERBS = frozenset(
    {"told", "tell", "tells", "telling", "asked", "asks", "asking", "urged", "urges", "urging"}
    | {"wants", "wanted", "want", "encouraged", "encouraging", "dared", "daring"}
)
_TOLD_OBJECTS = frozenset(
    {"her", "him", "them", "me", "us", "you", "people", "everyone", "others", "someone"}
)


def _reported_family(words: list[re.Match[str]]) -> str:
    """The first subject pronoun names the reported person ("his girlfriend says she has the
    pills ready" is about her); failing that, the first object or possessive."""
    for match in words:
        if match.group() in _SUBJECTS:
            return _SUBJECTS[match.group()]
    for match in words:
        family = _FAMILY_OF.get(match.group())
        if family is not None:
            return family
    return "she"


def shifted(norm: Normalized) -> Normalized:
    """The report with its persons shifted (see the module's docstring); same original."""
    text = norm.text
    words = list(_WORD.finditer(text))
    family = _reported_family(words)
    own = _FAMILIES[family]
    ends = norm.origin_end or tuple(o + 1 for o in norm.origin)
    out: list[str] = []
    origin: list[int] = []
    origin_end: list[int] = []

    def emit(start: int, end: int, replacement: str | None) -> None:
        """Copy text[start:end], or write ``replacement`` for it, mapped to its source."""
        if replacement is None:
            out.append(text[start:end])
            origin.extend(norm.origin[start:end])
            origin_end.extend(ends[start:end])
        else:
            out.append(replacement)
            origin.extend([norm.origin[start]] * len(replacement))
            origin_end.extend([ends[end - 1]] * len(replacement))

    pos = 0
    subject = ""  # "third", "plural", "first" or "": the person of the subject just read
    urged = False  # within what someone told another to do ("he told her to kill herself")
    index = 0
    while index < len(words):
        match = words[index]
        start, end = match.span()
        word = match.group()
        nxt = words[index + 1] if index + 1 < len(words) else None
        # The next word, unless a sentence ends first ("I saw her. Cutting ..." is an object).
        next_word = (
            nxt.group()
            if nxt is not None and not _SENTENCE_BREAK.search(text, end, nxt.start())
            else None
        )
        if _SENTENCE_BREAK.search(text, pos, start) or (
            urged and (_CLAUSE_BREAK.search(text, pos, start) or word in _CLAUSE_WORDS)
        ):
            urged = False
        if word == family:
            urged = False  # "she wants me to tell you she cut herself": a new clause of theirs
        if (
            word in _TELL_VERBS
            and next_word in _TOLD_OBJECTS
            and index + 2 < len(words)
            and words[index + 2].group() == "to"
        ):
            urged = True
        emit(pos, start, None)  # what lies between words keeps its own origin
        # "this member", "the user": the reported person, written as their subject pronoun.
        if word in _DETERMINERS and next_word in _PERSON_NOUNS and nxt is not None:
            emit(start, nxt.end(), "i")
            pos = nxt.end()
            subject = "third"
            index += 2
            continue
        # In this order: inside what someone was urged to do only the reporter's "I" moves;
        # then the reported person's own words (her, she's, she/herself/...); then the
        # reporter's "I"; adverbs stay; last, a verb after the subject agrees with "I".
        replacement = word
        if urged and word not in _FIRST_TO_SECOND:
            pass
        elif word == "her" and family == "she":
            replacement = _her(next_word)
        elif _IS_OR_HAS.get(word) == family:
            replacement = "i've" if next_word in _HAS_AFTER else "i'm"
        elif word in own:
            replacement = own[word]
        elif word in _FIRST_TO_SECOND:
            replacement = _FIRST_TO_SECOND[word]
        elif word in _ADVERBS:
            pass
        elif subject == "third":
            replacement = _third_singular_to_base(word)
        elif subject == "plural":
            replacement = _VERB_AFTER_THIRD.get(word, word) if word in _PLURAL_VERBS else word
        elif subject == "first":
            replacement = _VERB_AFTER_FIRST.get(word, word)

        if word == family:
            subject = "plural" if family == "they" else "third"
        elif word == "i":
            subject = "first"
        elif not (subject and (word in _ADVERBS or word == "keeps")):
            subject = ""
        emit(start, end, None if replacement == word else replacement)
        pos = end
        index += 1
    emit(pos, len(text), None)
    return Normalized(
        text="".join(out),
        origin=tuple(origin),
        original=norm.original,
        origin_end=tuple(origin_end),
    )
