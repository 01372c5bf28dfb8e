"""Expanding a parsed query: other names from the knowledge base, compound parts from the index.

Synonyms come from the knowledge base at query time, so a change to the KB needs no reindex:
"KL" also searches "Kommunernes Landsforening", "Socialstyrelsen" also "Social- og
Boligstyrelsen", "VIVE" also (weighted lower) its predecessors SFI and KORA. Compound parts
come from the index's own decompounder (``_analyze`` with ``da_parts``), so "børneinddragelse"
also finds "inddragelse af børn" without a second word list in Python.
"""

import re
from collections.abc import Callable
from functools import lru_cache

from pydantic import BaseModel

from nlp_models.curated_kb import current_knowledge_base
from nlp_models.knowledge_base import KBRecord, KnowledgeBase
from nlp_models.linking import PARAGRAPHS, Linker, normalize, paragraph_numbers
from search_api.query.builder import Expansion, QueryOptions, Unit
from search_api.query.english import (
    STOP_WORDS,
    danish_terms,
    glossary_phrase_query,
    is_english,
    is_glossary_word,
)
from search_api.query.parser import ParsedQuery, Term, in_capitals

MAX_NAME_WORDS = 8
# The most words of one paragraph reference ("§§ 52 , 76 og 76 a"), and a reference glued to
# a word ("§ 50-undersøgelse").
MAX_REFERENCE_WORDS = 10
_PARAGRAPH_AND_WORD = re.compile(r"(\d{1,3})-([^\W\d_][\w-]*)")
# The words that make a Danish question ("hvem kan være bisidder for et barn") and that the
# Danish stop list keeps: they say what is asked, not what about, and would otherwise count
# towards how many of the words a document must have.
_QUESTION_WORDS_TEXT = (
    "hvem hvornår hvordan hvorfor hvilken hvilket hvilke hvorledes kan må gør gøre får findes giver"
)
QUESTION_WORDS = frozenset(_QUESTION_WORDS_TEXT.split())


class WordAnalysis(BaseModel):
    parts: list[str]
    stop: bool
    # No document has it as typed: the corpus' nearest words, best first.
    corrections: list[str] = []
    # Some document has it as typed.
    known: bool = True
    # Some document has it as typed or by its stem, or in its title or authors: no "Mente
    # du …?".
    spelt_right: bool = True
    # Most documents have it.
    common: bool = False
    # Some document has it anywhere: as typed or by its stem, in its text, title or authors.
    found: bool = True


WordLookup = Callable[[list[str]], dict[str, WordAnalysis]]


def get_linker() -> Linker:
    """The linker of the knowledge base as curated now."""
    return _linker(current_knowledge_base())


@lru_cache(maxsize=2)
def _linker(kb: KnowledgeBase) -> Linker:
    return Linker(kb)


def _predecessor_names(record: KBRecord, kb: KnowledgeBase) -> list[str]:
    """Names of the bodies the record succeeded: "VIVE" also finds what SFI and KORA wrote.

    Only this direction: whoever searches "SFI" wants SFI's reports, not all of VIVE's.
    """
    names: list[str] = []
    for predecessor in (kb.get(i) for i in record.successor_of):
        if predecessor is not None:
            names += _searchable(predecessor.surface_forms())
    return names


def _searchable(forms: list[str]) -> list[str]:
    """The names a search for a record may match: a party's letter ("S", "B") matched every
    stray "a" and "s", and "Radikale Venstre" found 38 documents where 2 name the party."""
    return [form for form in forms if len(form) > 1]


def _unit_for(text: str, linker: Linker, phrase: bool = False) -> Unit:
    record = linker.link(text, "")
    if record is None:
        return Unit(text=text, phrase=phrase)
    typed = normalize(text)
    others = [n for n in _searchable(record.surface_forms()) if normalize(n) != typed]
    predecessors = _predecessor_names(record, linker.kb)
    if _older_name(record, typed):
        return Unit(text=text, phrase=phrase, related=others + predecessors, kb_id=record.id)
    return Unit(
        text=text, phrase=phrase, alternatives=others, related=predecessors, kb_id=record.id
    )


def _older_name(record: KBRecord, typed: str) -> bool:
    """Whether a name is one the body had before its last former name: whoever searches
    "Servicestyrelsen" (until 2011) wants what was written by or of it then, and its later
    names are related, not the same: as the same, every document of Socialstyrelsen and Social-
    og Boligstyrelsen ranked above the reports it commissioned (nDCG@10 0.34). The name it had
    until lately ("Socialstyrelsen", until 2023) is still what people call it."""
    current = [record.name, *record.aliases, *record.abbreviations]
    if any(normalize(name) == typed for name in current):
        return False  # "Socialministeriet": a name of the ministry now, and of one long ago
    ended = [former.until for former in record.former_names if former.until is not None]
    # A body may have had the name twice ("Undervisningsministeriet" until 2011 and 2019).
    named = [former for former in record.former_names if normalize(former.name) == typed]
    until = [former.until for former in named if former.until is not None]
    return bool(named) and len(until) == len(named) and max(until) < max(ended)


def _word_units(words: list[str], linker: Linker) -> list[Unit]:
    """Words, with runs of words that name a KB record (longest first) kept together."""
    units: list[Unit] = []
    index = 0
    while index < len(words):
        for size in range(min(MAX_NAME_WORDS, len(words) - index), 0, -1):
            text = " ".join(words[index : index + size])
            if len(text) >= 2 and linker.link(text, "") is not None:
                units.append(_unit_for(text, linker))
                index += size
                break
        else:
            units.append(Unit(text=words[index]))
            index += 1
    return units


def _english(parsed: ParsedQuery, lookup: WordLookup | None) -> bool:
    """Whether a query is English: as the detector tells, or as the glossary does where the
    detector cannot (a phrase of its own; one word of its own that no document has, such as
    "aftercare", which found nothing and suggested nothing)."""
    text = " ".join(parsed.words)
    if is_english(text) or glossary_phrase_query(text):
        return True
    if len(parsed.words) != 1 or parsed.phrases or lookup is None:
        return False
    word = parsed.words[0]
    if not is_glossary_word(word):
        return False
    analysis = lookup([word]).get(word)
    return analysis is not None and not analysis.known


def _paragraph_references(words: list[str]) -> tuple[list[str], list[str]]:
    """The numbers of the paragraphs the words refer to ("§ 52", "§§ 41 og 42", "§52"), and
    the other words."""
    # "§ 50-undersøgelse": the paragraph, and a word.
    split: list[str] = []
    for before, word in zip(["", *words], words, strict=False):
        match = _PARAGRAPH_AND_WORD.fullmatch(word) if before.startswith("§") else None
        split += match.groups() if match else [word]
    numbers: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(split):
        # The longest run of words from a "§" that is a reference ("hvad siger § 52?": the
        # sentence's sign is no part of it).
        size, reference = 0, ""
        if split[index].startswith("§"):
            for size in range(min(MAX_REFERENCE_WORDS, len(split) - index), 0, -1):
                reference = " ".join(split[index : index + size]).rstrip(".,;:!?")
                if re.fullmatch(PARAGRAPHS, reference):
                    break
            else:
                size = 0
        if size:
            numbers += paragraph_numbers(reference)
            index += size
        else:
            rest.append(split[index])
            index += 1
    return list(dict.fromkeys(numbers)), rest


def expand(
    parsed: ParsedQuery, options: QueryOptions, lookup: WordLookup | None = None
) -> Expansion:
    paragraphs, words = _paragraph_references(parsed.words)
    parsed = parsed.model_copy(update={"words": words})
    if options.english and _english(parsed, lookup):
        expansion = Expansion(
            units=[
                Unit(text=danish[0], alternatives=danish[1:], phrase=" " in danish[0])
                for danish in danish_terms(" ".join(parsed.words))
            ]
            + [Unit(text=p, phrase=True) for p in parsed.phrases],
            any_of=[[Unit(text=t.text, phrase=t.phrase) for t in g] for g in parsed.alternatives],
            excluded=[t.text for t in parsed.excluded],
            english=True,
            # English function words would count towards how many words must match.
            english_units=[Unit(text=w) for w in parsed.words if w.lower() not in STOP_WORDS]
            + [Unit(text=p, phrase=True) for p in parsed.phrases],
        )
    elif not options.synonyms:
        expansion = Expansion.plain(parsed)
    else:
        linker = get_linker()

        def term_unit(term: Term) -> Unit:
            return _unit_for(term.text, linker, term.phrase)

        expansion = Expansion(
            units=_word_units(parsed.words, linker)
            + [term_unit(Term(text=p, phrase=True)) for p in parsed.phrases],
            any_of=[[term_unit(t) for t in group] for group in parsed.alternatives],
            excluded=[t.text for t in parsed.excluded],
        )
    singles = [u for u in expansion.units if not u.phrase and " " not in u.text]
    # The words of OR groups are looked up too, for their spelling.
    alternatives = [u for g in expansion.any_of for u in g if not u.phrase and " " not in u.text]
    words = [u.text for u in [*singles, *alternatives]]
    analysis = lookup(words) if lookup is not None and words else {}
    for unit in alternatives:
        if unit.text in analysis:
            unit.corrections = _corrections(unit, analysis[unit.text])
            unit.spelt_right = analysis[unit.text].spelt_right
            unit.known = analysis[unit.text].known
            # Without its parts, "efterværn OR børneinddragelse" found 35 fewer documents
            # than "børneinddragelse" alone.
            if options.decompounding:
                unit.parts = analysis[unit.text].parts
    typed = set(parsed.words)
    for unit in singles:
        if unit.text in analysis:
            unit.corrections = _corrections(unit, analysis[unit.text])
            unit.spelt_right = analysis[unit.text].spelt_right
            # A Danish word the glossary gave for an English one means something, in whatever
            # form the documents write it.
            unit.known = analysis[unit.text].known or (expansion.english and unit.text not in typed)
            unit.common = analysis[unit.text].common
            unit.found = analysis[unit.text].found
            if options.decompounding:
                unit.parts = analysis[unit.text].parts
    if options.decompounding:
        _complete_suspended(expansion.units)
    # Stop words ("af", "til") would count towards how many of the words must match while
    # matching every document, so they are left out (quoted phrases keep them). They stay only
    # when nothing else was asked: beside "§ 52 og § 53" or an OR group, "og" was required, a
    # word the index drops, and nothing was found.
    content = [u for u in expansion.units if not (u in singles and _is_stop(u, analysis))]
    if content or paragraphs or expansion.any_of:
        expansion.units = content
    if not expansion.english:
        # A Danish query's words, as typed, in English text too (what it is, few words cannot
        # tell: "placements", "Barnets Lov").
        expansion.english_units = [
            Unit(text=u.text, phrase=u.phrase, kb_id=u.kb_id) for u in expansion.units
        ]
    expansion.paragraphs = paragraphs
    return expansion


def _complete_suspended(units: list[Unit]) -> None:
    """A compound's first part left hanging before "og" or "eller" ("børne- og
    ungeudvalget") is the compound it makes with the last word's last part ("børneudvalget"),
    matched as that word or by both its parts. As typed, "børne-" was "børn", in every
    document: the query found the whole corpus (70 of 70)."""
    for index, first in enumerate(units):
        prefix = first.text.rstrip(",")[:-1]
        if first.phrase or not (_hanging(first) and prefix.isalpha()):
            continue
        # Over the other hanging parts and the joints ("børne-, unge- og familieudvalget").
        end = index + 1
        while end < len(units) and (_hanging(units[end]) or _joint(units[end])):
            end += 1
        if end == len(units) or not any(_joint(u) for u in units[index + 1 : end]):
            continue
        last = units[end]
        word = last.text.lower()
        heads = [part for part in last.parts if word.endswith(part) and len(part) < len(word)]
        if heads:
            # What the index said of "børne-" is not what it would say of the compound.
            first.text = prefix + heads[0]
            first.parts = [prefix.lower(), heads[0]]
            first.corrections = []
            first.common = False
            first.known = first.spelt_right = first.found = True


def _hanging(unit: Unit) -> bool:
    return unit.text.rstrip(",").endswith("-")


def _joint(unit: Unit) -> bool:
    return unit.text.lower() in ("og", "eller")


def _corrections(unit: Unit, analysis: WordAnalysis) -> list[str]:
    """The nearest words a unit is searched by too; none for an abbreviation in capitals,
    which is what the user meant ("ADHD" found a document by "aged")."""
    return [] if in_capitals(unit.text) else analysis.corrections


def _is_stop(unit: Unit, analysis: dict[str, WordAnalysis]) -> bool:
    if unit.text.lower() in QUESTION_WORDS:
        return True
    if unit.text not in analysis:
        return False
    # An English function word no document has, in a Danish query ("efterværn not
    # kontanthjælp"): it was searched by its nearest words, "noter" and "note".
    english_only = unit.text.lower() in STOP_WORDS and not analysis[unit.text].found
    return analysis[unit.text].stop or english_only
