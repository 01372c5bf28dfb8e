"""The language of a text, of each page of a document and of the document as a whole.

One detector (lingua, whose models ship in the package) serves the whole project: ingest asks it
for the language of pages, the query layer whether a query is English. It only tells apart the
languages the publishers write in, which is both faster and more accurate than asking it to
choose among all the languages it knows.
"""

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import pycountry
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

# What the collection holds: Danish, with English reports, summaries and quotes. Norwegian,
# Swedish and German were measured as candidates too (bench/language_speed.py): they read some
# English pages as German, cost twice the time, and the collection has no pages of theirs.
LANGUAGES = (Language.DANISH, Language.ENGLISH)
DANISH = "da"
DEFAULT_LANGUAGE = DANISH
ENGLISH = "en"
# The languages' names, as the pages show them ("Sprog: engelsk"); a language a source states
# that is not here is shown by its code.
NAMES = {
    "da": "dansk",
    "en": "engelsk",
    # Languages a source may state of a document (a manifest's "language"): the neighbours'
    # and those of the largest groups of newcomers to Denmark.
    "nb": "norsk (bokmål)",
    "nn": "norsk (nynorsk)",
    "no": "norsk",
    "sv": "svensk",
    "is": "islandsk",
    "fo": "færøsk",
    "kl": "grønlandsk",
    "de": "tysk",
    "fr": "fransk",
    "pl": "polsk",
    "uk": "ukrainsk",
    "ar": "arabisk",
    "tr": "tyrkisk",
    "so": "somali",
}
# A page with fewer letters than this (a cover, a table of figures, a blank page) says too
# little of its language: it takes the document's.
MIN_LETTERS = 80
# The start of a page is enough to tell its language, and a page of a report can be 5,000
# characters: the prefix keeps detection at a few milliseconds a page.
SAMPLE_CHARS = 1500
# Short words only Danish of the two languages has, and only English. Where a sixth of a page's
# words are the Danish ones and the English ones are under a twentieth of those, the page is
# Danish without asking lingua, which takes 2–3 ms a page: on the sample corpus three pages of
# four, and none of them taken for Danish wrongly (bench/language_speed.py). Lingua reads the
# rest: English pages, mixed pages, tables and headings.
# fmt: off
DANISH_WORDS = frozenset({
    "og", "ikke", "det", "er", "til", "på", "som", "med", "af", "der", "har", "den", "var", "vi",
    "om", "kan", "skal", "ved", "eller", "også", "efter", "når", "hvor", "være", "blev",
    "bliver", "hvis", "sig", "deres", "fra", "mellem", "en", "et", "de", "hvad", "hvordan",
    "skulle", "kunne", "under", "andre", "alle", "meget", "mere", "sin", "sit", "sine", "hans",
    "hendes", "os", "jer", "dem", "dette", "disse", "nogle", "mange",
})
ENGLISH_WORDS = frozenset({
    "the", "of", "and", "is", "that", "with", "are", "was", "this", "from", "which", "their",
    "they", "not", "or", "in", "on", "be", "been", "were", "has", "would", "could", "should",
    "these", "those", "there", "what", "who", "an", "it", "its",
})
# fmt: on
PLAINLY_DANISH_SHARE = 0.15
PLAINLY_DANISH_ENGLISH = 0.05
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=2)
def detector(*, short_texts: bool = False) -> LanguageDetector:
    """The detector for pages, or (``short_texts``) for queries of a few words.

    Pages are long enough for lingua's low-accuracy mode: on the sample corpus's pages it is as
    right (99.7 % against 99.4 %, bench/language_speed.py) and its models take 6 MB of every
    worker process instead of 68 MB. A query needs the high-accuracy models, which only the
    API process loads (0.6 s, once)."""
    builder = LanguageDetectorBuilder.from_languages(*LANGUAGES)
    if not short_texts:
        builder = builder.with_low_accuracy_mode()
    return builder.with_preloaded_language_models().build()


def code(language: Language) -> str:
    """The ISO 639-1 code the project stores ("da", "en")."""
    return language.iso_code_639_1.name.lower()


def letters(text: str) -> int:
    return sum(map(str.isalpha, text))


def detect_language(text: str) -> str | None:
    """The language of a text as an ISO 639-1 code; None when it has too few letters to tell."""
    sample = text[:SAMPLE_CHARS]
    if letters(sample) < MIN_LETTERS:
        return None
    if plainly_danish(sample):
        return DANISH
    language = majority_language(detector(), sample)
    return code(language) if language is not None else None


def plainly_danish(text: str) -> bool:
    """Whether the text's short words alone say it is Danish (see ``DANISH_WORDS``)."""
    words = _WORD.findall(text.lower())
    danish = sum(1 for word in words if word in DANISH_WORDS)
    english = sum(1 for word in words if word in ENGLISH_WORDS)
    return (
        danish > 0
        and danish >= PLAINLY_DANISH_SHARE * len(words)
        and english <= PLAINLY_DANISH_ENGLISH * danish
    )


def majority_language(detector: LanguageDetector, text: str) -> Language | None:
    """The language most of the text's characters are in. Read as a whole, an English page
    full of Danish names ("Kommunernes Landsforening", "Socialstyrelsen") is taken for Danish:
    a long word weighs as much as a sentence. Read in sections of one language each, the
    English sentences outweigh the names."""
    share: Counter[Language] = Counter()
    for section in detector.detect_multiple_languages_of(text):
        share[section.language] += section.end_index - section.start_index
    return share.most_common(1)[0][0] if share else None


def document_languages(pages: Sequence[str], stated: str | None = None) -> tuple[str, list[str]]:
    """The language of a document and of each of its pages.

    A page's language is detected from its own text; the document's is the language most of
    its letters are in, unless its publisher, a curator or the file itself stated it. A page
    too short to tell takes the document's language. The detector knows only Danish and
    English, so in a document stated to be in another language (Swedish, Norwegian) a page it
    calls Danish is in the stated one."""
    detected = [detect_language(text) for text in pages]
    if stated and stated not in (DANISH, ENGLISH):
        detected = [stated if language == DANISH else language for language in detected]
    share: Counter[str] = Counter()
    for text, language in zip(pages, detected, strict=True):
        if language is not None:
            share[language] += letters(text)
    if stated:
        document = stated
    elif share:
        document = share.most_common(1)[0][0]
    else:
        # Every page too short on its own: together they may say it.
        document = detect_language("\n".join(pages)) or DEFAULT_LANGUAGE
    return document, [language or document for language in detected]


def declared_language(value: str | None) -> str | None:
    """The language a file declares of itself (HTML's ``lang``, a PDF's ``/Lang``: "sv-SE" is
    "sv") when it is one the detector cannot read; otherwise None.

    A site's template or a word processor declares one language for every file, English
    reports on Danish sites too: between Danish and English the text tells better. Swedish or
    Norwegian only the declaration tells, as the detector would call them Danish."""
    if not value:
        return None
    language = value.strip().split("-")[0].split("_")[0].lower()
    if language in (DANISH, ENGLISH) or not is_language_code(language):
        return None
    return language


def is_language_code(code: str) -> bool:
    """Whether ``code`` is an ISO 639-1 language code ("da", "nb"), as a source may state one."""
    return len(code) == 2 and pycountry.languages.get(alpha_2=code) is not None
