"""English queries: recognised by their language and searched by the Danish words for them.

A foreign researcher's "aftercare for care leavers" shares no word with the Danish reports on
"efterværn". The vectors find some of them by meaning; this module adds the Danish words the
field uses, from a glossary (``english.yaml``), so the lexical chain finds them too. Words the
glossary does not know are kept (names, numbers); English function words are dropped.
"""

import re
from functools import lru_cache
from pathlib import Path

import yaml
from lingua import Language

from ingest.language import detector

GLOSSARY_PATH = Path(__file__).with_name("english.yaml")
# How sure the detector must be; short Danish abbreviations ("BFU", "SFI") score up to 0.75.
MIN_CONFIDENCE = 0.8
MAX_PHRASE_WORDS = 4

# Function words of English queries: they carry no subject.
_STOP_WORDS_TEXT = (
    "a about above after against all also an and any are as at be been before being between "
    "both but by can could did do does doing during each few for from further had has have "
    "having how i if in into is it its itself just may me might more most must my no nor not "
    "of off on once only or other our out own same she should so some such than that the "
    "their theirs them then there these they this those through to too until up very was we "
    "were what when where which while who whom why will with would you your"
)
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")


def is_english(text: str) -> bool:
    """Whether a query is English rather than Danish. One word is too little to tell ("SOU
    218", "kommisorium"), so it takes two words of letters."""
    # "out-of-home" and "children's" are words of letters too.
    words = [w for w in _WORD.findall(text) if re.sub(r"[-']", "", w).isalpha()]
    if len(words) < 2:
        return False
    confidence = detector(short_texts=True).compute_language_confidence(text, Language.ENGLISH)
    return confidence >= MIN_CONFIDENCE


def glossary_phrase_query(text: str) -> bool:
    """Whether the glossary knows every word of a query but its function words, one of them in
    a phrase of several words ("foster care", "children in out-of-home care"). The detector is
    unsure of such a query ("foster" is a Danish word too) and it fell to the Danish chain,
    which found only the two English documents that use the words."""
    words = normalise(text)
    index, phrase = 0, False
    while index < len(words):
        for size in range(min(MAX_PHRASE_WORDS, len(words) - index), 0, -1):
            if _lookup(words[index : index + size]) is not None:
                phrase = phrase or size > 1
                index += size
                break
        else:
            if words[index] not in STOP_WORDS:
                return False
            index += 1
    return phrase


def is_glossary_word(word: str) -> bool:
    """Whether the glossary knows a word as English ("families"): not a Danish misspelling."""
    words = normalise(word)
    return bool(words) and _lookup(words) is not None


def load() -> None:
    """Load the detector's models (0.4 s) and the glossary now, not on the first query of two
    words or more."""
    detector(short_texts=True)
    glossary()


@lru_cache(maxsize=1)
def glossary() -> dict[str, list[str]]:
    entries = yaml.safe_load(GLOSSARY_PATH.read_text(encoding="utf-8"))
    # Keyed as queries are read: "children's rights" is "children rights" (with the possessive
    # in the key, it was never found).
    return {" ".join(normalise(str(k))): [str(v) for v in values] for k, values in entries.items()}


def _singular(word: str) -> list[str]:
    """The forms a plural may come from: "leavers" → "leaver", "families" → "family"."""
    forms = []
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 3:
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms.append(word[:-1])
    return forms


def _lookup(words: list[str]) -> list[str] | None:
    """The glossary's Danish for a phrase, also when its last word is a plural."""
    entries = glossary()
    phrase = " ".join(words)
    if phrase in entries:
        return entries[phrase]
    for singular in _singular(words[-1]):
        key = " ".join([*words[:-1], singular])
        if key in entries:
            return entries[key]
    return None


def normalise(text: str) -> list[str]:
    """Lower-case words without possessive endings ("children's" → "children")."""
    words = [w.lower() for w in _WORD.findall(text)]
    return [re.sub(r"'s?$", "", w) for w in words]


def content_words(text: str) -> list[str]:
    """The words of an English text that carry its subject (not "your", "when", "in")."""
    return [word for word in normalise(text) if word not in STOP_WORDS]


def danish_terms(text: str) -> list[list[str]]:
    """For each subject of an English query, the Danish words to search it by (the first is
    the main one). Longest glossary phrases first; a word the glossary does not know stands
    for itself unless it is a function word."""
    words = normalise(text)
    terms: list[list[str]] = []
    index = 0
    while index < len(words):
        for size in range(min(MAX_PHRASE_WORDS, len(words) - index), 0, -1):
            danish = _lookup(words[index : index + size])
            if danish is not None:
                terms.append(danish)
                index += size
                break
        else:
            if words[index] not in STOP_WORDS:
                terms.append([words[index]])
            index += 1
    return terms
