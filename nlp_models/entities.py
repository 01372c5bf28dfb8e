"""Find the entities of a text and link them to the knowledge base.

Three sources of candidates are combined, so that each covers the others' gaps:
- the statistical NER model the project trains on its own Danish sentences (``model/``);
- a phrase matcher over every name in the knowledge base, with genitive forms;
- patterns for Danish dates and amounts, and for initiatives named as such (a pool's or a
  plan's name, "projektet Ny Kurs", "Tryg i Pleje-modellen").
Where candidates overlap, the more trusted source wins (knowledge base, then patterns, then the
model, then an initiative named after its kind), and within a source the longer span: the model
fills the gaps the curated sources leave.
Every mention is then linked to a record where one exists.
"""

import re
from collections import defaultdict
from collections.abc import Collection, Sequence
from functools import lru_cache
from pathlib import Path
from typing import cast

import spacy
from spacy.lang.da.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.lookups import Table, load_lookups
from spacy.matcher import PhraseMatcher
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc, Span

from nlp_models.curated_kb import current_knowledge_base
from nlp_models.knowledge_base import KnowledgeBase, load_knowledge_base
from nlp_models.linking import PARAGRAPHS, PARAGRAPHS_OF, Linker
from nlp_models.mentions import Mention, first_names
from nlp_models.pipeline import MODEL_DIR, blank_danish, model_version, with_danish_tokenizer
from vidensbank.danish import MONTHS
from vidensbank.settings import get_settings

# The rules' version, part of a document's model stamp (``nlp_models.tasks``): raise it when a
# change to the rules changes what they find, so ``vidensbank reenrich --stale`` reads again
# the documents enriched before it.
RULES_VERSION = 12


def pipeline_version(model_dir: Path | None = MODEL_DIR) -> str:
    """The stamp of what finds the entities: the trained model's version and the rules'."""
    model = model_version(model_dir) if model_dir is not None else "rules"
    return f"{model}+rules-{RULES_VERSION}"


_MONTHS = "|".join(MONTHS)
# Abbreviated months take their period ("19. sep. 2018"); "maj" has no abbreviation.
_SHORT_MONTHS = r"(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|nov|dec)\."
_NUMBER_WORDS = "en|et|to|tre|fire|fem|seks|syv|otte|ni|ti|tolv|femten|tyve|halvtreds|hundrede"
_YEAR = r"(?:19|20)\d{2}"
# What a number counts when it is a quantity, not a year.
_UNITS = (
    "km|kilometer|m|meter|cm|mm|kg|kilo|g|gram|ton|l|liter|ml|m2|m²|kvm|timer|minutter|"
    "sekunder|døgn|dage|uger|måneder|procent|pct\\.?|kr\\.?|kroner|stk\\."
)
# Hyphen, en dash, non-breaking hyphen: PDFs write ranges with any of them.
_DASH = "[-–‑]"
DATE_PATTERN = re.compile(
    rf"""(?:
        \b\d{{1,2}}-\d{{1,2}}-\d{{4}}\b                              # 10-06-2021
      | \b\d{{1,2}}\.\d{{1,2}}\.\d{{4}}\b                            # 03.09.2024
      | \b\d{{1,2}}\.\s?(?:{_MONTHS})\b(?:\s{_YEAR}\b)?              # 11. maj (2021)
      | \b\d{{1,2}}\.\s?{_SHORT_MONTHS}(?:\s{_YEAR}\b)?              # 19. sep. (2018)
      | \b[1-4]\.\s?kvartal\s{_YEAR}\b                               # 1. kvartal 2023
      | \b[12]\.\s?halvår\s{_YEAR}\b                                 # 2. halvår 2025
      | \b(?:primo|medio|ultimo|foråret|sommeren|efteråret|vinteren)\s{_YEAR}\b
      | \bskoleåret\s{_YEAR}\s?[/-]\s?(?:{_YEAR}|\d{{2}})\b         # skoleåret 2024/25
      | \buge\s\d{{1,2}}\b(?:\s(?:i\s)?{_YEAR}\b)?                   # uge 38 (2024)
      | \b(?:{_MONTHS})(?:\s?{_DASH}\s?(?:{_MONTHS}))?\s{_YEAR}\b    # maj(–september) 2021
      | \b{_SHORT_MONTHS}\s{_YEAR}\b                                 # sep. 2024
      | \b{_YEAR}'erne\b                                             # 1990'erne
      # A year or a range of years, not part of a case number ("2024-11022"), a report's
      # number ("Rapport 2025:07") or a longer figure, nor a quantity ("2000 km", "1950
      # timer"); a school or budget year ("2024/25") counts with its second half.
      | \b{_YEAR}(?:\s?(?:{_DASH}|/)\s?(?:{_YEAR}|\d{{2}}))?\b(?!(?:{_DASH}|/|:)?\d)
        (?!\s?(?:%|(?:{_UNITS})(?!\w|\.\w)))
    )""",
    re.VERBOSE | re.IGNORECASE,
)
# A month named alone is a date ("i marts"); capitalised it is far more often a name
# ("August, 9 år") or a heading, so only the lower-case word counts.
BARE_MONTH_PATTERN = re.compile(rf"\b(?:{_MONTHS})\b")
# "1.500", "1.234,56", and without thousands' points "2500" and "12500".
_AMOUNT = r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"
_LARGE = r"(?:mio\.?|mia\.?|millioner|milliarder|million|milliard)(?!\w)"
# "kr." and "kr" (a sentence's end takes the point), "kroner", "DKK".
_CURRENCY = r"(?:kroner|kr\.?|DKK)(?!\w)"
MONEY_PATTERN = re.compile(
    rf"""(?:
        \b{_AMOUNT}(?:\s?[-–]\s?{_AMOUNT})?\s?(?:{_LARGE}\s?)?{_CURRENCY}
      | \b(?:en\shalv|{_NUMBER_WORDS})\s{_LARGE}(?:\s{_CURRENCY})?
      | \b(?:kr\.|DKK)\s?{_AMOUNT}(?:\s{_LARGE})?
      # Millions without a currency word are money in this field's texts ("3,5 millioner",
      # "12 mio."); smaller bare figures are not.
      | \b{_AMOUNT}(?:\s?[-–]\s?{_AMOUNT})?\s{_LARGE}
    )""",
    re.VERBOSE | re.IGNORECASE,
)
# A Danish postal address: street and number, postcode and town ("Holmens Kanal 22, 1060
# København K"). The street stands on one line: a letterhead's lines above it are no part of it.
_STREET = r"[A-ZÆØÅ][\wæøåÆØÅ.\-]*(?:[ \t][A-ZÆØÅa-zæøå][\wæøå.\-]*){0,3}[ \t]\d{1,4}[A-Za-z]?"
_TOWN = r"\d{4}\s[A-ZÆØÅ][a-zæøå]+(?:\s(?:[A-ZÆØÅ]{1,2}|[A-ZÆØÅ][a-zæøå]+)\b)?"
ADDRESS_PATTERN = re.compile(rf"\b{_STREET}(?:,\s?\d{{1,2}}\.(?:\s?(?:tv|th|mf))?)?,\s{_TOWN}")
# The same address over two lines, as a letterhead writes it ("Holmens Kanal 22" / "1060
# København K", "Slotsholmsgade 10-12"): each line is a place of its own. Two lines alone are
# weaker evidence than one line with its comma ("Tabel 3" / "2024 Resultater" has the same
# shape), so the street must end as Danish street names do.
_STREET_END = (
    r"(?i:gade|vej|allé|alle|plads|pladsen|torv|torvet|stræde|kanal|vænge|vænget|boulevard|"
    r"have|bakke|sti|brink|kaj|bro|park|parken)"
)
SPLIT_ADDRESS_PATTERN = re.compile(
    rf"^(?P<street>(?:[A-ZÆØÅ][\wæøå.\-]*\s){{0,3}}[A-ZÆØÅ]?[\wæøå.\-]*{_STREET_END}"
    rf"\s\d{{1,4}}[A-Za-z]?(?:-\d{{1,4}})?)[ \t]*\n(?P<town>{_TOWN})[ \t]*$",
    re.MULTILINE,
)
# A person: a known first name (hyphenated with another: "Anne-Mette") with the capitalised
# words after it on the same line ("Emma", "Henrik Ravn Olsen"), or in a reference list the
# surname first ("Brandt, H. K.", "Nielsen, Lise Kirkegaard").
_FIRST = "(?:" + "|".join(sorted(map(re.escape, first_names()), key=len, reverse=True)) + ")"
_CAPITALISED = r"[A-ZÆØÅ][a-zæøåéü'’]+(?:-[A-ZÆØÅ][a-zæøåéü]+)?"
PERSON_PATTERN = re.compile(
    rf"""(?:
        (?<![\w-])(?:[A-ZÆØÅ][a-zæøå]+-)?{_FIRST}(?:-{_CAPITALISED})?
        (?:[ \t]+{_CAPITALISED}){{0,3}}\b(?!-)
      | (?:^|(?<=;\s)|(?<=&\s))
        (?P<e>{_CAPITALISED},\s
          (?:(?:[A-ZÆØÅ]\.\s?){{1,3}}|{_FIRST}(?:[ \t]+{_CAPITALISED}){{0,2}}\b))
    )""",
    re.VERBOSE | re.MULTILINE,
)
# The authors at the head of an entry in a reference list, before its year in parentheses
# ("Hughes, Mary Elizabeth, Waite, Linda J. & Cacioppo, J. T. (2004): …", "Holm, Anne-Mette og
# Lauritsen, Peter (2021)"): the line is read as a whole, so a first name no list knows
# ("Robert", "Anne-Mette") and a name with an initial after it are names too. A line that is not
# all surname-and-given-name pairs (an organisation as author, a title) gives none. (The
# reference alternative of ``PERSON_PATTERN`` finds one such author wherever a line or a "; "
# list starts, but only with initials or a first name it knows.)
_GIVEN = rf"(?:[A-ZÆØÅ]\.|{_CAPITALISED})"
_AUTHOR = (
    rf"(?:(?:van|von|de|der|den|da|di|le|la)\s)*{_CAPITALISED},\s{_GIVEN}(?:[ ]?{_GIVEN}){{0,3}}"
)
_AUTHOR_SEPARATOR = r"(?:,\s|,?\s&\s|\sog\s)"
REFERENCE_AUTHORS_PATTERN = re.compile(
    rf"^(?P<authors>{_AUTHOR}(?:{_AUTHOR_SEPARATOR}{_AUTHOR})*)(?:,?\set\sal\.)?,?\s"
    r"\((?:\d{4}[a-z]?|u\.å\.)\)",
    re.MULTILINE,
)
_AUTHOR_PATTERN = re.compile(_AUTHOR)


def reference_authors(text: str) -> list[tuple[int, int]]:
    """Where each author named at the head of a reference-list entry starts and ends."""
    return [
        (entry.start("authors") + author.start(), entry.start("authors") + author.end())
        for entry in REFERENCE_AUTHORS_PATTERN.finditer(text)
        for author in _AUTHOR_PATTERN.finditer(entry.group("authors"))
    ]


# A named initiative after the word that says what it is ("projektet Vendsyssel Ung",
# "rekrutteringsprojektet Flere Hjem til Børn", "chatrådgivningen Tal Trygt", "Projekt Ny
# Kurs"): capitalised words, joined by lower-case small words ("Tryg i Pleje").
_CUE = (
    r"(?:projekt(?:et)?|programmet|indsatsen|initiativet|forløbet|kampagnen|satsningen|"
    r"tilbuddet|ordningen|modellen|metoden|partnerskabet|netværket|gruppen|rådgivningen)"
)
_NAME_WORD = r"[A-ZÆØÅ][\wæøåÆØÅ-]*"
# A name goes on for at most this many words after its first; more is a heading in capitals:
# the patterns stop there, so a long run of capitalised words costs no more than a short one.
MAX_NAME_WORDS = 10
_SMALL_WORDS = [
    "i",
    "til",
    "om",
    "for",
    "mod",
    "med",
    "på",
    "af",
    "og",
    "efter",
    "under",
    "uden",
    "fra",
]
_SMALL_WORD = f"(?:{'|'.join(_SMALL_WORDS)})"
CUED_INITIATIVE_PATTERN = re.compile(
    rf"""(?:
        (?:\b[a-zæøå]*{_CUE}|\b(?i:{_CUE}))[ \t]+["“„»']?
      | (?=\bProjekt[ \t]+[A-ZÆØÅ])
    )
    (?P<e>{_NAME_WORD}(?:[ \t]+(?:{_SMALL_WORD}[ \t]+)?{_NAME_WORD})*)""",
    re.VERBOSE,
)
# A partnership's short name, capitalised mid-sentence ("… har Partnerskabet samlet 12
# kommuner").
SHORT_PARTNERSHIP_PATTERN = re.compile(r"(?<=[\w,] )Partnerskabet\b")
# A unit of an administration, written as a name ("Ungeteamet", "Børne- og Familieafdelingen").
_UNIT = re.compile(r"^[A-ZÆØÅ]\w*(?:teamet|afdelingen|enheden|sekretariatet|forvaltningen)$")
# Words that make a name an initiative's, whatever the model took it for.
_INITIATIVE_WORD = re.compile(r"(?:partnerskab|pulje|projekt|strategi|handleplan|reform)")
# The same before a hyphen and the word for its kind ("Tryg i Pleje-modellen",
# "Housing First-tilgangen").
_KIND_WORDS = frozenset(
    ["modellen", "metoden", "projektet", "programmet", "tilgangen", "indsatsen", "forløbet"]
)
HYPHENED_INITIATIVE_PATTERN = re.compile(
    rf"(?<!\w)(?P<e>{_NAME_WORD}"
    rf"(?:[ \t]+(?:{_SMALL_WORD}[ \t]+)?{_NAME_WORD}){{0,{MAX_NAME_WORDS}}})"
    rf"(?=-(?:{'|'.join(_KIND_WORDS)})\b)"
)
# A pool, strategy or plan named as such: a capitalised compound on "-pulje(n)" with the
# capitalised words around it ("Aktivitetspuljen", "Horsens Ungepulje", "Trivselspuljen
# Frederiksberg"); a model named for a place or an idea ("Skanderborg-modellen", and
# mid-sentence "Nærværsmodellen", "Viborgmodellen for Nærvær"); a strategy or plan with its
# years ("Ungestrategi 2030", "Børne- og Ungestrategi 2024-2028", "Handleplan for Mental
# Sundhed 2024-2027").
_PLAN = r"[\wæøå]*(?:strategi|plan|handleplan|program)"
NAMED_POOL_OR_PLAN_PATTERN = re.compile(
    rf"""(?<!\w)(?:
        (?:{_NAME_WORD}[ \t]+)?[A-ZÆØÅ][\wæøå]+pulje(?:n)?\b(?:[ \t]+{_NAME_WORD})?
      | (?:\b[A-ZÆØÅ][\wæøå]+-|(?<=[\w,][ ])[A-ZÆØÅ][\wæøå]+)modellen\b
        (?:[ \t]+(?:for|om|til|mod)[ \t]+{_NAME_WORD})?
      | (?:[A-ZÆØÅ][\wæøå]*-[ \t]og[ \t]+)?[A-ZÆØÅ]{_PLAN}
        (?:[ \t]+(?:for|om|til|mod)[ \t]+{_NAME_WORD}(?:[ \t]+{_NAME_WORD})*)?
        [ \t]+{_YEAR}(?:{_DASH}(?:{_YEAR}|\d{{2}}))?\b
    )""",
    re.VERBOSE,
)
# Paragraph references belong to the law they follow ("serviceloven § 52, stk. 3",
# "servicelovens §§ 52, 76 og 76 a") or precede ("§ 133 i barnets lov").
_PARAGRAPH = re.compile(rf"\s*{PARAGRAPHS}")
_PARAGRAPH_BEFORE = re.compile(rf"{PARAGRAPHS_OF}$")
# What a model-only span must not be (section 2 of the out-of-domain guidelines): a label of a
# part of a document ("Boks 5.1", "Kapitel 3"), a bare paragraph, a piece of a web address, a
# footnote marker glued to a word ("sagen.3"), or a span across page chrome ("·", "|").
_PART_LABEL = re.compile(
    r"^(?:boks|figur|tabel|kapitel|kap\.|bilag|afsnit|side|note|s\.)\s*\d", re.IGNORECASE
)
# A place or a person a report keeps anonymous ("Kommune A", "Skole B", "Informant 3").
_ANONYMISED = re.compile(
    r"^(?i:kommune|skole|institution|opholdssted|forvaltning|familie|barn|case|informant)"
    r"\s+(?:[A-ZÆØÅ]|\d{1,2})$"
)
_WEB_ADDRESS = re.compile(r"https?:|www\.|@|\.(?:dk|com|org|eu)\b")
_NOT_A_NAME = re.compile(rf"^§|[·|]|{_WEB_ADDRESS.pattern}|\bpct\.|[a-zæøå]\.\d")
_NAME_GOES_ON = re.compile(
    r"[ \t]+(?:(?:til|for|om|mod|med)(?:[ \t]+[A-ZÆØÅ][\wæøå-]*)+|til[ \t]+\d{1,2})(?![\wæøå])"
)
# Function words: in a name they are lower case ("Børn og Unge"), so capitalised inside a span
# they mark a heading in title case ("Bliv Frivillig Bisidder For Et Barn").
_TITLE_CASE_WORDS = frozenset(
    [
        "For",
        "Et",
        "En",
        "Til",
        "Af",
        "Om",
        "Med",
        "Mellem",
        "Og",
        "I",
        "På",
        "Kan",
        "Vi",
        "Der",
        "Som",
        "At",
        "Har",
        "Er",
        "Skal",
        "Fra",
        "Ved",
        "Du",
    ]
)
_TITLE_CASE_WORDS_LOWER = frozenset(word.lower() for word in _TITLE_CASE_WORDS)
# A year or a range of years, or a version, at the end of a name ("Ungestrategi 2030",
# "Børne- og Ungestrategi 2024-2028", "Læseløft 2.0").
_NAME_NUMBER = re.compile(rf"^(?:{_YEAR}(?:{_DASH}(?:{_YEAR}|\d{{2}}))?|\d\.\d)$")
# The small words that join the parts of a name in title case, where a place is not joined
# ("i", "på": "Projekt Ny Kurs i Aarhus").
_LINKING_WORDS = frozenset(["til", "fra", "for", "mod", "om", "af", "med", "uden"])
# Pools, strategies, plans, policies and agreements carry their years in their names.
_DATED_NAME_WORD = re.compile(r"(?:pulje|\w*(?:strategi|plan|politik|aftale))")
_YEARS_OF_A_NAME = re.compile(rf"^{_YEAR}{_DASH}(?:{_YEAR}|\d{{2}})$")
# Articles may begin a name ("Det Sociale Netværk", "Den Uvildige Konsulentordning").
_ARTICLES = frozenset({"den", "det", "de", "en", "et"})
# English prepositions and conjunctions: no name starts with one, so a span that does is
# English words in capitals, as a title cited in a reference list writes them ("From
# Tokenism to Citizenship"). The Danish ones are stop words.
_ENGLISH_FUNCTION_WORDS = frozenset(
    ["from", "of", "into", "towards", "toward", "about", "through", "between", "without", "and"]
)
# The small words that join the words of an organisation's name ("Landsforeningen Børn i
# Pleje", "Center for Børneperspektiver og Udsathed"), and how many capitalised words after
# one still belong to the name.
_JOINING_WORDS = frozenset(["i", "og", "for", "af", "til", "på", "med", "om", "mod"])
_MAX_JOINED_WORDS = 3
_CAPITALISED_WORD = re.compile(r"[A-ZÆØÅ][a-zæøåéü]+(?:'s?)?$")

# Sources of candidates, most trusted first: an address holds names of places that are
# part of it ("Holmens Kanal 22, 1060 København K").
_ADDRESS, _KB, _PATTERN, _MODEL, _CUED = 0, 1, 2, 3, 4


def _genitives(form: str) -> list[str]:
    if form[-1] in "sxz":
        return [form, f"{form}'"]
    if form.isupper():
        return [form, f"{form}s", f"{form}'s"]
    return [form, f"{form}s"]


def _inflections(concept: str) -> list[str]:
    """The definite and plural forms of a concept the knowledge base names in lower case
    ("familiehus": "familiehuset", "familiehuse", "familiehusene"; "udlodningsmidler":
    "udlodningsmidlerne"), which texts use far more than the bare form."""
    if concept.endswith(("en", "et", "ne")):
        return []  # already definite ("satspuljen")
    if concept.endswith("er"):
        return [f"{concept}ne"]
    stem = concept[:-1] if concept.endswith("e") else concept
    return [f"{concept}n", f"{concept}t", f"{stem}e", f"{stem}ene", f"{stem}en", f"{stem}et"]


def _trimmed(span: Span) -> Span:
    """A model's initiative (an organisation's name with a word of an initiative in it too)
    without the word for its kind after a hyphen, or the figures of a
    table row it ran into ("Puljen til flere plejefamilier 60,0 71 38 Puljen til …"): it ends
    before the first number, or after it where the number ends a name (a year, a version).
    Organisations keep theirs ("TV 2 Fyn")."""
    if span.label_ == "ORG" and any(_INITIATIVE_WORD.match(token.lower_) for token in span):
        # "Det Nationale Partnerskab om Plejefamilier": a partnership, not a body
        span = Span(span.doc, span.start, span.end, label="INITIATIVE")
    if span.label_ == "INITIATIVE" and len(span) == 1 and _UNIT.search(span.text):
        # "Ungeteamet", "Familieafdelingen": a unit of an administration, named
        return Span(span.doc, span.start, span.end, label="ORG")
    if span.label_ != "INITIATIVE":
        return span
    doc = span.doc
    end = span.end
    if len(span) > 1 and span[0].is_title and span[-1].is_title:
        # A name in title case goes on over a small word and the capitalised words after it
        # ("Projekt Fritidsjob" + "til Alle Unge", "Tryg Overgang" + "fra Sikret").
        while (
            end + 1 < len(doc)
            and doc[end].text in _LINKING_WORDS
            and doc[end + 1].is_title
            and not doc[end + 1].is_stop
        ):
            end += 2
            while end < len(doc) and doc[end].is_title and not doc[end].is_stop:
                end += 1
    if (
        end < len(doc)
        and _YEARS_OF_A_NAME.match(doc[end].text)
        and any(_DATED_NAME_WORD.match(token.lower_) for token in span)
    ):
        end += 1  # "Puljen til udvikling af familiehuse 2022–2025": the years are the name's
    if end > span.end:
        return Span(doc, span.start, end, label=span.label_)
    if len(span) > 2 and span[-2].text == "-" and span[-1].lower_ in _KIND_WORDS:
        # "Tryg i Pleje-modellen": the name without the word for its kind
        return Span(span.doc, span.start, span.end - 2, label=span.label_)
    for token in span[1:]:
        if any(c.isdigit() for c in token.text):
            end = token.i + 1 if _NAME_NUMBER.match(token.text) else token.i
            if token.i + 1 < span.end and span.doc[token.i + 1].text == "år":
                end = token.i + 2  # an age group ends it ("… med børn i alderen 0-6 år")
            return Span(span.doc, span.start, end, label=span.label_)
    return span


# A pool's title runs on in ordinary words ("Puljen til rekruttering og fastholdelse af
# plejefamilier 2025-2027"); these function words may stand inside it, any other ends it ("…
# plejefamilier, som", "… familiehuse er", "… unge fra Social- og Boligstyrelsen").
_WORDS_OF_A_TITLE = frozenset(
    [
        "til",
        "for",
        "af",
        "i",
        "på",
        "med",
        "og",
        "mod",
        "om",
        "at",
        "ved",
        "uden",
        "efter",
        "mellem",
        "blandt",
        "samt",
        "de",
        "den",
        "det",
        "en",
        "et",
        "mindre",
        "flere",
        "mere",
        "andre",
        "egen",
        "ny",
        "nyt",
        "alle",
    ]
)
# Where a title has ended though no function word says so ("… med frist den 1. maj", "…
# frem til 2026", "… og yderligere 2 mio. kr.", "… gav 14 kommuner"); regular verbs in the
# past tense are told by the lemma table ("udmøntede": "udmønte").
_AFTER_A_TITLE = frozenset(
    [
        "frem",
        "hos",
        "yderligere",
        "desuden",
        "derudover",
        "giver",
        "gav",
        "får",
        "fik",
        "går",
        "gik",
        "løber",
        "løb",
        "støtter",
        "dækker",
        "sikrer",
        "udmøntes",
        "uddeles",
        "fordeles",
    ]
)
_AFTER_MED = frozenset(["frist", "støtte", "midler", "tilskud", "tilsagn", "bevilling"])
_MAX_TITLE_WORDS = 16


def _pool_titles(doc: Doc, text: str, names: dict[int, str], lemmas: Table) -> list[Span]:
    """The titles of pools, capitalised or not: "Puljen til", "puljen til" or "Pulje til"
    and the words of the title up to where the sentence goes on (out-of-domain guidelines:
    "en pulje til efterværn" is a description, not a title). ``names`` gives the label of
    each other name by its first token. Not on a line of page chrome ("Forside · Puljer ·
    Pulje til overgange")."""
    titles = []
    for token in doc[:-2]:
        if token.text in ("Puljen", "puljen", "Pulje") and doc[token.i + 1].lower_ in (
            "til",
            "for",
        ):
            line_end = text.find("\n", token.idx)
            line = text[text.rfind("\n", 0, token.idx) + 1 : line_end if line_end >= 0 else None]
            end = _end_of_title(doc, text, token.i + 2, names, lemmas)
            if end > token.i + 2 and "·" not in line:
                titles.append(Span(doc, token.i, end, label="INITIATIVE"))
    return titles


def _end_of_title(doc: Doc, text: str, end: int, names: dict[int, str], lemmas: Table) -> int:
    """Where a pool's title that goes on at token ``end`` ends."""
    first = end
    while end < len(doc) and end - first < _MAX_TITLE_WORDS:
        word, before = doc[end], doc[end - 1]
        after = doc[end + 1] if end + 1 < len(doc) else None
        lower = word.lower_
        if _YEARS_OF_A_NAME.match(word.text):
            return end + 1  # "… 2025-2027": the years are the title's, and end it
        if word.text == "-" and not before.whitespace_ and not word.whitespace_:
            end += 1  # "SSP-regi"
            continue
        if not word.is_alpha or lower in _AFTER_A_TITLE or names.get(end) in ("MONEY", "DATE"):
            break
        if before.lower_ not in _WORDS_OF_A_TITLE and _past_tense(lower, lemmas):
            break  # "… af familiehuse udmøntede"
        if (
            (word.is_title or end in names)
            and before.lower_ not in _WORDS_OF_A_TITLE
            and (before.is_lower or text[word.idx - 1] == "\n")
        ):
            # the next name, or a table's next cell ("… for børn og unge finansloven 2025",
            # "… med misbrug Børnene Først"), or a list's next item
            break
        if (
            lower in STOP_WORDS
            and lower not in _WORDS_OF_A_TITLE
            and not (lower == "fra" and after is not None and after.is_lower and not after.is_stop)
        ):
            break  # but "… overgange fra anbringelse til voksenliv"
        if after is not None and (
            (lower in ("i", "på") and (after.is_title or after.like_num))
            or (lower in ("til", "med") and after.like_num)
            or (lower == "med" and after.lower_ in _AFTER_MED)
            or (
                lower in ("og", "med")
                and after.lower_ in STOP_WORDS
                and after.lower_ not in _WORDS_OF_A_TITLE
            )
        ):
            break  # "… i Aarhus", "… i 2026", "… til 19 kommuner", "… med 42 mio."
        end += 1
    while end > first and doc[end - 1].lower_ in _WORDS_OF_A_TITLE:
        end -= 1  # a title does not end on a function word
    return end


def _past_tense(word: str, lemmas: Table) -> bool:
    """Whether a word is a regular verb in the past tense ("udmøntede", "søgte")."""
    lemma = lemmas.get(word)
    return (
        isinstance(lemma, str)
        and lemma.endswith("e")
        and word in (f"{lemma}de", f"{lemma[:-1]}te", f"{lemma[:-1]}ede")
    )


def _end_of_a_longer_name(span: Span) -> bool:
    """Whether a span is the last word of a name in title case ("Pleje-modellen" of "Tryg i
    Pleje-modellen")."""
    before = span.doc[max(span.start - 2, 0) : span.start]
    return len(before) == 2 and before[1].lower_ in _SMALL_WORDS and before[0].is_title


def _no_heading_words(span: Span) -> bool:
    """Whether a span has none of the capitalised function words of a heading in title case."""
    return not any(token.text in _TITLE_CASE_WORDS for token in span[1:])


def _inside(span: Span, name: Span) -> bool:
    """Whether ``span`` is a part of ``name``, not all of it."""
    return name.start <= span.start and span.end <= name.end and len(span) < len(name)


# What a person's post is called, after the name and a comma ("…, direktør, SFI",
# "…, seniorforsker", "…, kontorchef").
_POST = re.compile(
    r"^[a-zæøå]*(?:direktør|chef|leder|formand|forperson|minister|forsker|konsulent|rådgiver|"
    r"sekretær|ordfører|koordinator|redaktør|professor|lektor|adjunkt|borgmester|rådmand)$"
)
_AFTER_A_POST = frozenset([",", ".", "ved", "i", "hos", "på"])
# Technical words of a file or a web page that are no names: character sets and encodings
# ("Charset", "UTF7", "ISO-8859-1", "Windows-1252").
_TECHNICAL = re.compile(
    r"^(?:charset|encoding|utf-?\d{1,2}|(?:us-?)?ascii|iso-?8859(?:-\d{1,2})?|latin-?\d|"
    r"windows-?\d{3,4}|cp\d{3,4}|idna|punycode|base64)$",
    re.IGNORECASE,
)
# A compound common noun in the plural: at least this long, its last part at least this long
# and in one of these forms.
_MIN_COMPOUND, _MIN_HEAD = 10, 4
_PLURAL_ENDINGS = ("er", "erne", "ene")


def _post_follows(span: Span) -> bool:
    """Whether a comma and a person's post follow a span, the post on its own ("…, direktør,
    SFI", "…, seniorforsker ved VIVE"; not "KL, direktør Anne Holm", where the name follows)."""
    doc = span.doc
    after = span.end + 2
    return (
        after <= len(doc)
        and doc[span.end].text == ","
        and bool(_POST.match(doc[span.end + 1].text))
        and (
            after == len(doc)
            or doc[after].text in _AFTER_A_POST
            or "\n" in doc[after - 1].whitespace_
        )
    )


def _age_follows(span: Span) -> bool:
    """Whether a comma and an age follow a span ("…, 19 år")."""
    doc = span.doc
    return (
        span.end + 2 < len(doc)
        and doc[span.end].text == ","
        and doc[span.end + 1].is_digit
        and len(doc[span.end + 1]) <= 3
        and doc[span.end + 2].lower_ == "år"
    )


def _hyphened_word(span: Span) -> bool:
    """Whether a span has an ordinary word joined to a name by a hyphen ("Umbrella-sagen",
    "Jensen-udvalget"); a name a line break split ("Lyng- bye") has a space after its hyphen."""
    return any(
        token.is_lower
        and token.i > span.start
        and token.nbor(-1).text == "-"
        and not token.nbor(-1).whitespace_
        for token in span
    )


def _select(candidates: list[tuple[Span, int]]) -> list[Span]:
    """Non-overlapping spans: by source trust, then longest first."""
    chosen: list[Span] = []
    taken: set[int] = set()
    for span, _source in sorted(candidates, key=lambda c: (c[1], -(c[0].end - c[0].start))):
        if not taken.intersection(range(span.start, span.end)):
            chosen.append(span)
            taken.update(range(span.start, span.end))
    return sorted(chosen, key=lambda span: span.start)


class EntityFinder:
    def __init__(self, kb: KnowledgeBase, model_dir: Path | None = MODEL_DIR) -> None:
        has_model = model_dir is not None and (model_dir / "meta.json").is_file()
        self.nlp: Language = (
            with_danish_tokenizer(spacy.load(model_dir))
            if model_dir is not None and has_model
            else blank_danish()
        )
        self.version = pipeline_version(model_dir if has_model else None)
        # Every form in spaCy's Danish lemma table (lower case, from spacy-lookups-data).
        self.common_words = load_lookups("da", ["lemma_lookup"]).get_table("lemma_lookup")
        self.use_knowledge_base(kb)

    def use_knowledge_base(self, kb: KnowledgeBase) -> None:
        """Link to and match the names of ``kb`` from now on (the model stays loaded)."""
        self.kb = kb
        self.linker = Linker(kb)
        # Abbreviations match case-sensitively ("KL", never "kl."), and so does a one-word
        # name that is also an everyday word ("Vejen", "Mors", "Venstre": not "hen ad
        # vejen", "hendes mors", "til venstre"); other names in any case ("barnets lov").
        self.exact = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.loose = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for record in kb.records.values():
            for form in record.surface_forms():
                if len(form) < 2:
                    # One-letter party letters ("S", "V") only make sense as "(S)" tags.
                    continue
                everyday = (
                    record.type != "LAW"
                    and " " not in form
                    and not form.islower()
                    and form.lower() in self.common_words
                )
                matcher = self.exact if form.isupper() or len(form) <= 3 or everyday else self.loose
                forms = _genitives(form)
                if record.type == "INITIATIVE" and form.islower() and " " not in form:
                    forms += _inflections(form)
                matcher.add(record.id, [self.nlp.make_doc(f) for f in forms])

    def _kb_spans(self, doc: Doc) -> list[Span]:
        spans = []
        for matcher in (self.exact, self.loose):
            for match_id, start, end in matcher(doc):
                record = self.kb.get(self.nlp.vocab.strings[match_id])
                if record is not None:
                    spans.append(Span(doc, start, end, label=record.type))
        return spans

    @staticmethod
    def _pattern_spans(doc: Doc, text: str, pattern: re.Pattern[str], label: str) -> list[Span]:
        """The spans a pattern matches in the doc's ``text`` (its group ``e`` where it has one
        matched). The text is passed in: ``Doc.text`` joins every token again at each call."""
        spans = []
        for match in pattern.finditer(text):
            start, end = match.span("e") if match.groupdict().get("e") else match.span()
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
            # A year inside a web or e-mail address ("www.vive.dk/sfi-2010-rapport") is part
            # of the address, which the tokenizer keeps as one token: no date, no name.
            if span is not None and not any(_WEB_ADDRESS.search(token.text) for token in span):
                spans.append(span)
        return spans

    def spans(self, doc: Doc, text: str) -> list[Span]:
        """The chosen entity spans of a processed doc of ``text`` (the model's run in
        ``doc.ents``)."""
        candidates = [
            (span, _ADDRESS) for span in self._pattern_spans(doc, text, ADDRESS_PATTERN, "LOC")
        ]
        candidates += [
            (span, _ADDRESS)
            for match in SPLIT_ADDRESS_PATTERN.finditer(text)
            for group in ("street", "town")
            if (span := doc.char_span(*match.span(group), label="LOC", alignment_mode="expand"))
        ]
        persons = self._pattern_spans(doc, text, PERSON_PATTERN, "PER")
        # A place or a body named inside a person's name is part of the name ("Jeppe Rønne
        # Kristensen", "Lise Holbæk Nørgaard"): a known first name, then capitalised words up to
        # a surname that is no ordinary word.
        full_names = [
            span
            for span in persons
            if len(span) > 2
            and span[0].text in first_names()
            and span[-1].lower_ not in self.common_words
        ]
        candidates += [
            (span, _KB)
            for span in self._kb_spans(doc)
            if not any(name.start < span.start and span.end < name.end for name in full_names)
        ]
        candidates += [(span, _PATTERN) for span in persons]
        for pattern, label in (
            (MONEY_PATTERN, "MONEY"),
            (DATE_PATTERN, "DATE"),
            (BARE_MONTH_PATTERN, "DATE"),
        ):
            candidates += [
                (span, _PATTERN) for span in self._pattern_spans(doc, text, pattern, label)
            ]
        candidates += [
            (span, _PATTERN)
            for start, end in reference_authors(text)
            if (span := doc.char_span(start, end, label="PER", alignment_mode="expand"))
        ]
        model = [self._relabelled(s) for s in map(_trimmed, doc.ents) if s and self._plausible(s)]
        named = [
            span
            for span in self._pattern_spans(doc, text, NAMED_POOL_OR_PLAN_PATTERN, "INITIATIVE")
            if not _end_of_a_longer_name(span)
        ]
        # A year or a place inside an initiative's name is part of it ("Ungestrategi 2030",
        # "Partnerskab for Trygge Unge i Horsens", "Horsens Ungepulje"); a name the model
        # found does not start with a place ("Vejen til Odder" is two places).
        names = [s for s in model if s.label_ == "INITIATIVE"] + named
        candidates = [
            (span, source)
            for span, source in candidates
            if span.label_ not in ("DATE", "LOC")
            or not any(
                _inside(span, name) and (span.start > name.start or name in named) for name in names
            )
        ]
        candidates += [(span, _PATTERN) for span in named]
        # Nothing inside a pool's title is a name of its own ("Puljen til implementering af
        # Barnets Lov 2023-2025", "… etablering af familiehuse").
        titles = _pool_titles(
            doc, text, {span.start: span.label_ for span, _source in candidates}, self.common_words
        )
        candidates = [
            (span, source)
            for span, source in candidates
            if not any(_inside(span, title) for title in titles)
        ]
        candidates += [(span, _KB) for span in titles]
        covered = {i for span, _source in candidates for i in range(span.start, span.end)}
        candidates += [(self._name_goes_on(span, text, covered), _MODEL) for span in model]
        candidates += [(span, _CUED) for span in self._cued_initiatives(doc, text)]
        return _select(candidates)

    def _cued_initiatives(self, doc: Doc, text: str) -> list[Span]:
        """Initiatives named after the word for their kind, and a partnership's short name:
        the least trusted candidates, kept where nothing else found a name."""
        after_kind = self._pattern_spans(doc, text, CUED_INITIATIVE_PATTERN, "INITIATIVE")
        before_kind = self._pattern_spans(doc, text, HYPHENED_INITIATIVE_PATTERN, "INITIATIVE")
        return [
            *(s for s in after_kind if not _NOT_A_NAME.search(s.text) and _no_heading_words(s)),
            *(s for s in before_kind if self._plausible(s)),
            *self._pattern_spans(doc, text, SHORT_PARTNERSHIP_PATTERN, "INITIATIVE"),
        ]

    def _name_goes_on(self, span: Span, text: str, covered: set[int]) -> Span:
        """An organisation's name the model cut short: before a small word and the ordinary
        words in capitals after it ("Landsforeningen Børn" + "i Pleje", "Center for
        Børneperspektiver" + "og Udsathed"), or at a line's end after an article and adjectives
        ("Den Sociale" / "Døgnvagt"), where no name can end. A place ("… i Aarhus") is no
        ordinary word, and a name another source found ("VIVE og Socialstyrelsen", the tokens
        in ``covered``) is a name of its own."""
        doc = span.doc
        if span.label_ != "ORG" or not span[-1].is_title or span.end >= len(doc):
            return span
        if self._ends_on_adjective(span):
            run = span.end
        elif doc[span.end].lower_ in _JOINING_WORDS:
            run = span.end + 1
        else:
            return span
        end = run
        while (
            end < len(doc)
            and end - run < _MAX_JOINED_WORDS
            and end not in covered
            and _CAPITALISED_WORD.match(doc[end].text)
            and not doc[end].is_stop
            and self._ordinary(doc[end].text)
            and (end == run or "\n" not in text[doc[end - 1].idx : doc[end].idx])
        ):
            end += 1
        # The name ends where its capitals do: a capitalised word that is not ordinary after
        # them ("… og Familie Aarhus") leaves it unsure where.
        if end == run or (
            end < len(doc)
            and _CAPITALISED_WORD.match(doc[end].text)
            and "\n" not in text[doc[end - 1].idx : doc[end].idx]
        ):
            return span
        return Span(doc, span.start, end, label=span.label_)

    def _ordinary(self, word: str) -> bool:
        """Whether a word is an ordinary Danish word, also in the genitive ("Udsathed's")."""
        lower = word.lower().removesuffix("'s").removesuffix("'")
        return isinstance(self.common_words.get(lower), str) or (
            lower.endswith("s") and isinstance(self.common_words.get(lower[:-1]), str)
        )

    def _ends_on_adjective(self, span: Span) -> bool:
        """Whether a span is an article and adjectives in the definite form alone ("Den
        Sociale", "Det Nationale"): the start of a name, never all of it."""
        if len(span) < 2 or span[0].lower_ not in _ARTICLES:
            return False
        for token in span[1:]:
            lemma = self.common_words.get(token.lower_)
            if not (isinstance(lemma, str) and token.lower_ == f"{lemma}e"):
                return False
        return True

    def _relabelled(self, span: Span) -> Span:
        """A programme named in ordinary words the model took for a person ("Trygt Hjem",
        "Stærk Sammen"): a person's name has a first name or a word that is no ordinary
        Danish word ("Lærke Dam Pedersen"). And the other way round: a name the model took for
        an initiative or a body is a person's when the person's post ("…, direktør, SFI") or
        age ("…, 34 år") follows it."""
        if (
            span.label_ == "PER"
            and len(span) > 1
            and span[0].text not in first_names()
            and all(token.is_title and token.lower_ in self.common_words for token in span)
        ):
            return Span(span.doc, span.start, span.end, label="INITIATIVE")
        if (
            span.label_ in ("INITIATIVE", "ORG")
            and len(span) > 1
            and all(token.is_title for token in span)
            and (_post_follows(span) or _age_follows(span))
            and self.linker.link(span.text, span.label_) is None
        ):
            return Span(span.doc, span.start, span.end, label="PER")
        return span

    def _plausible(self, span: Span) -> bool:
        """Whether a model-only span is worth keeping.

        Dates and amounts come from the patterns alone: the model's guesses there were mostly
        postcodes and URLs. A lone word that is an ordinary Danish word ("Formål", "Her") is a
        heading or a sentence start far more often than a name on real pages, unless the knowledge
        base knows it ("Lev", "Familiehusene").
        """
        if span.label_ in ("DATE", "MONEY"):
            return False
        text = span.text
        if not any(c.isalpha() for c in text):
            return False  # "©", "–": a sign, not a name
        if len(span) == 1 and text.lower() in self.common_words:
            return self.linker.link(text, span.label_) is not None
        if self._word_list(text, span.label_):
            return False
        if _PART_LABEL.match(text) or _NOT_A_NAME.search(text) or _ANONYMISED.match(text):
            return False
        if any(_TECHNICAL.match(token.text) for token in span):
            return False  # "Charset", "UTF7 rapport": a page's encoding, not a name
        if span.label_ == "PER" and (
            any(c.isdigit() for c in text) or self._common_noun(span) or _hyphened_word(span)
        ):
            return False
        if _age_follows(span) and any(token.is_lower for token in span):
            return False  # "(Ung kvinde, 19 år)": a person described, not named
        first = span[0].text
        if first.lower() in STOP_WORDS and first.lower() not in _ARTICLES:
            return False  # "Hvis", "Også DR", "Alle": a sentence start, not a name
        if first.lower() in _ENGLISH_FUNCTION_WORDS:
            return False  # "From Tokenism": an English title's words
        if span[-1].text in _TITLE_CASE_WORDS_LOWER:
            return False  # "Puljen til bedre overgange til": a name cut off
        return _no_heading_words(span)

    def _word_list(self, text: str, label: str) -> bool:
        """Whether a span is a list of single words with an ordinary one in it, as a tool's
        target group gives them ("Sagsbehandler, Kontaktperson", "Skole, SFO", "Plejeforælder,
        Pædagog"); a reference's "Lykke, M." and "Holm, Sidsel" are a name and its initial or
        given name, so for a person only an ordinary first word makes a list."""
        parts = [part.strip() for part in text.split(",")]
        if len(parts) < 2 or not all(
            len(part.split()) == 1 and len(part.rstrip(".")) > 1 for part in parts
        ):
            return False
        if label == "PER":
            return parts[0].lower() in self.common_words
        return any(part.lower() in self.common_words for part in parts)

    def _common_noun(self, span: Span) -> bool:
        """Whether a one-word span is a compound common noun in the plural ("Facebookgrupper",
        "Instagramprofiler"): its last part is an ordinary Danish word in a plural form. A
        surname made of ordinary words ends in one in the singular ("Riisager", "Rosenkilde")."""
        word = span.text.lower()
        if len(span) > 1 or len(word) < _MIN_COMPOUND or span.text in first_names():
            return False
        # The shortest ordinary word that ends it, after a first part of three letters or more.
        for cut in range(len(word) - _MIN_HEAD, 2, -1):
            head = word[cut:]
            lemma = self.common_words.get(head)
            if isinstance(lemma, str):
                return lemma != head and head.endswith(_PLURAL_ENDINGS)
        return False

    def _mentions(self, doc: Doc, text: str, page: int, offset: int = 0) -> list[Mention]:
        """The mentions of a processed ``text`` that starts ``offset`` characters into its page
        (the text is passed in: ``Doc.text`` builds every token again)."""
        mentions = []
        spans = self.spans(doc, text)
        starts = {span.start_char for span in spans}
        for span in spans:
            start, end, label = span.start_char, span.end_char, span.label_
            # "Projekt Fritidsjob" / "til Alle Unge", "Fast Voksen" / "til 23": a name that goes
            # on in capitals or a number after a short word, unless another name starts there.
            if (
                label == "INITIATIVE"
                and (goes_on := _NAME_GOES_ON.match(text, end))
                and not any(end < s < goes_on.end() for s in starts)
            ):
                end = goes_on.end()
            # "Serviceloven § 50", "§ 19 i barnets lov": the paragraph reference belongs to the
            # law mention.
            if label == "LAW" and (paragraph := _PARAGRAPH.match(text, end)):
                end = paragraph.end()
            if label == "LAW" and (
                before := _PARAGRAPH_BEFORE.search(text, max(0, start - 60), start)
            ):
                start = before.start()
            if label == "DATE" and text[end - 1] == "." and text[end - 2].isdigit():
                end -= 1  # "uge 12." at a sentence end: the tokenizer keeps "12." whole
            if label == "DATE" and (footnote := _FOOTNOTE_AFTER_YEAR.search(text, start, end)):
                end = footnote.start()  # "i maj 2021.1": the sentence's stop, then a footnote
            if text[end - 2 : end] == "..":
                end -= 1  # "3-5 mio. kr.." : the sentence's full stop after the abbreviation's
            # A name a line break runs through ("Egmont\nFonden") is shown with a space.
            surface = " ".join(text[start:end].split())
            if len(surface) == 1 and text[start - 1 : start] + text[end : end + 1] != "()":
                continue  # a party's letter is a name as a tag, "(B)"; a stray "B" is not
            record = self.linker.link(surface, label)
            mentions.append(
                Mention(
                    text=surface,
                    label=record.type if record else label,
                    kb_id=record.id if record else None,
                    # "Center for … og Udsathed's" is the same name as without the genitive.
                    canonical=record.name if record else surface.removesuffix("'s"),
                    page=page,
                    start=offset + start,
                    end=offset + end,
                )
            )
        return mentions

    def find(self, text: str, page: int = 1) -> list[Mention]:
        readable = _SUPERSCRIPT.sub(_blank, text)
        [doc] = self._docs([readable], [False])
        return self._mentions(doc, readable, page)

    def _docs(self, texts: Sequence[str], english: Sequence[bool]) -> list[Doc]:
        """The texts tokenized, with the model's entities in ``doc.ents``.

        The model reads only the sentences that may hold a name (``name_sentences``), and none
        of a text in ``english`` (it reads English badly: "English Summary" a person, "Assess
        relatives'" an organisation); the patterns and the knowledge base read every word later,
        in ``spans``. The docs read a
        line break inside a paragraph as a space, so a name a PDF wraps over two lines ("Signs
        of / Safety") is still one run of words for the knowledge base, and a footnote marker
        glued to a word ("Børnene Først.1") as spaces (the characters keep their offsets)."""
        readable = [_FOOTNOTE_MARKER.sub(_blank, text) for text in texts]
        docs = [self.nlp.make_doc(_LINE_WRAP.sub(" ", text)) for text in readable]
        if "ner" not in self.nlp.pipe_names:
            return docs
        flowing = [_WRAPPED_LINE.sub(" ", text) for text in readable]
        parts = [
            (doc, start, text[start:end])
            for doc, text, in_english in zip(docs, flowing, english, strict=True)
            if not in_english
            for start, end in name_sentences(text)
        ]
        found: dict[int, list[Span]] = defaultdict(list)
        ner = cast(EntityRecognizer, self.nlp.get_pipe("ner"))
        # The parts are tokenized again (cheaper than copying them out of the doc); they start
        # and end at sentence ends, so their words are the doc's (a line break the model took
        # into a name is a space in the doc, and left out).
        read = ner.pipe((self.nlp.make_doc(part) for *_, part in parts), batch_size=64)
        for (doc, start, part), part_doc in zip(parts, read, strict=True):
            spans = (
                doc.char_span(
                    start + e.start_char,
                    start + _line_end(part, e.start_char, e.end_char),
                    label=e.label_,
                    alignment_mode="contract",
                )
                for e in part_doc.ents
            )
            found[id(doc)] += [span for span in spans if span]
        for doc in docs:
            doc.ents = found[id(doc)]
        return docs

    def find_in_pages(
        self, pages: Sequence[tuple[int, str]], english: Collection[int] = ()
    ) -> list[Mention]:
        """Mentions of a whole document whose pages numbered in ``english`` are written in
        English. An abbreviation defined in parentheses after a full name ("Børne- og
        Ungeudvalget (BUU)") names the same entity wherever it is used later."""
        [mentions] = self.find_in_documents([pages], [english])
        return mentions

    def find_in_documents(
        self,
        documents: Sequence[Sequence[tuple[int, str]]],
        english: Sequence[Collection[int]] | None = None,
    ) -> list[list[Mention]]:
        """``find_in_pages`` for several documents at once: their pages go through the model
        together, which keeps its batches full when documents are short."""
        english_pages = english if english is not None else [()] * len(documents)
        chunks = [
            (index, number, offset, piece, number in english_pages[index])
            for index, pages in enumerate(documents)
            for number, text in pages
            for offset, piece in chunked(_SUPERSCRIPT.sub(_blank, text), CHUNK_CHARS)
        ]
        found: list[list[Mention]] = [[] for _ in documents]
        for first in range(0, len(chunks), PIPE_BATCH):
            batch = chunks[first : first + PIPE_BATCH]
            docs = self._docs([chunk[3] for chunk in batch], [chunk[4] for chunk in batch])
            for (index, number, offset, piece, _), doc in zip(batch, docs, strict=True):
                found[index].extend(self._mentions(doc, piece, number, offset))
        return [
            _apply_definitions(mentions, [text for _number, text in pages])
            for mentions, pages in zip(found, documents, strict=True)
        ]


# A footnote marker glued to the word before it in a PDF's text ("Børnene Først.1", "MST.2").
_FOOTNOTE_MARKER = re.compile(r"(?<=[^\W\d_]\.)\d{1,2}\b")
# Superscript digits: a footnote's marker as the extractors write the ones they find
# ("Ankestyrelsen³", "i 2023²"), or an exponent. Python's patterns read them as word characters,
# so a name or a date they follow would not end at a word's boundary: every step reads them as
# spaces (the characters keep their offsets).
_SUPERSCRIPT = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
# The same after a year: the tokenizer keeps "2021.1" one token, so a date ends inside it.
_FOOTNOTE_AFTER_YEAR = re.compile(rf"(?<=\b{_YEAR})\.\d{{1,2}}$")


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


# One line break, not a paragraph's end: in a PDF's text, where a line of a paragraph wraps.
_LINE_WRAP = re.compile(r"(?<!\n)\n(?!\n)")
# A line break inside a sentence: the next line goes on in lower case ("Puljen til bedre /
# overgange til voksenlivet"). The model reads such a sentence as one line, as it was trained.
_WRAPPED_LINE = re.compile(r"(?<=[^\W_]|,)\n(?=[a-zæøå])")


def _line_end(text: str, start: int, end: int) -> int:
    """Where a name the model found from ``start`` to ``end`` ends: at the first line break
    in it. A line that goes on in lower case was joined before the model read it, so one that
    is still there starts with a heading, a label or a table cell ("Partnerskab om tidlig
    opsporing / Finansiering", "Projekt Stærke Familier / Sagsnr.")."""
    cut = text.find("\n", start, end)
    return end if cut < 0 else cut


# A run of text between sentence ends or line breaks.
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def _may_name(sentence: str) -> bool:
    """Whether a sentence may hold a name for the model: Danish writes common nouns in lower
    case, so one whose only capital starts it, on a stop word ("Det", "Hvis"), and that has no
    digit, has none. The patterns and the knowledge base still read it."""
    words = sentence.split()
    if not words:
        return False
    if any(c.isupper() or c.isdigit() for word in words[1:] for c in word):
        return True
    first = words[0].strip("\"'«»„“”‘’()[]-–")
    if any(c.isupper() or c.isdigit() for c in first[1:]):
        return True  # an abbreviation ("KL", "VIVE") or a number
    return first[:1].isupper() and first.lower() not in STOP_WORDS


def name_sentences(text: str) -> list[tuple[int, int]]:
    """Where the runs of ``text``'s sentences that may hold a name start and end, neighbours
    joined."""
    runs: list[tuple[int, int]] = []
    for sentence in _SENTENCE.finditer(text):
        if not _may_name(sentence.group()):
            continue
        start, end = sentence.span()
        if runs and not text[runs[-1][1] : start].strip():
            start = runs.pop()[0]
        runs.append((start, end))
    return runs


# spaCy refuses texts over a million characters and needs memory in proportion to the text it
# holds; longer pages are processed in pieces cut between paragraphs, or else between words,
# and a few pieces at a time, so a worker's memory stays flat whatever the page length.
CHUNK_CHARS = 20_000
PIPE_BATCH = 8


def chunked(text: str, size: int) -> list[tuple[int, str]]:
    """``text`` in pieces of at most ``size`` characters, each with its offset in ``text``."""
    pieces = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = window.rfind("\n\n")
        if cut < size // 2:
            cut = max(window.rfind("\n"), window.rfind(" "))
        if cut < size // 2:
            cut = size
        pieces.append((start, text[start : start + cut]))
        start += cut
    pieces.append((start, text[start:]))
    return pieces


# What a text names in full and then by its short name in parentheses; a place in parentheses
# after a place is more often where it lies ("Tilst (Aarhus Kommune)").
_NAMED_SHORT = frozenset(["ORG", "LAW", "INITIATIVE"])


def _linked_by_short_name(mention: Mention, short: Mention | None, page_text: str) -> Mention:
    """A full name the knowledge base does not hold, with the name it does hold in parentheses
    after it ("Lov om … (Barnets Lov)", "Landsforeningen af … (LOS)"), names that record."""
    if (
        mention.kb_id is None
        and mention.label in _NAMED_SHORT
        and short is not None
        and short.kb_id is not None
        and short.page == mention.page
        and short.label == mention.label
        and len(short.text) < len(mention.text)
        and page_text[mention.end : short.start].strip() == "("
        and page_text[short.end : short.end + 1] == ")"
    ):
        return mention.model_copy(update={"kb_id": short.kb_id, "canonical": short.canonical})
    return mention


def _apply_definitions(mentions: list[Mention], texts: list[str]) -> list[Mention]:
    by_page = dict(enumerate(texts, start=1))
    definitions: dict[str, Mention] = {}
    resolved = []
    previous: Mention | None = None
    linked = [
        _linked_by_short_name(
            mention,
            mentions[index + 1] if index + 1 < len(mentions) else None,
            by_page.get(mention.page, ""),
        )
        for index, mention in enumerate(mentions)
    ]
    for found in linked:
        mention = found
        page_text = by_page.get(mention.page, "")
        if (
            previous is not None
            and previous.page == mention.page
            and mention.text.isupper()
            and page_text[previous.end : mention.start].strip() == "("
        ):
            definitions.setdefault(mention.text, previous)
        definition = definitions.get(mention.text)
        if mention.kb_id is None and definition is not None:
            mention = mention.model_copy(
                update={
                    "label": definition.label,
                    "kb_id": definition.kb_id,
                    "canonical": definition.canonical,
                }
            )
        resolved.append(mention)
        previous = found
    return resolved


@lru_cache
def get_finder(kb_dir: Path) -> EntityFinder:
    """One finder per process, with the shipped knowledge base: loading the model and building
    matchers is the cost."""
    return EntityFinder(load_knowledge_base(kb_dir))


def current_finder() -> EntityFinder:
    """The process's finder with the knowledge base as curated now (its matchers built again
    when the curators' edits changed, the model kept)."""
    finder = get_finder(get_settings().kb_dir)
    kb = current_knowledge_base()
    if finder.kb is not kb:
        finder.use_knowledge_base(kb)
    return finder
