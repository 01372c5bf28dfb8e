"""Language detection: accuracy and milliseconds per page, for candidate language sets and modes.

    .venv/bin/python bench/language_speed.py

The shipped detector (`ingest.language.detect_language`, short words first) is measured first;
then each page is read whole (``detect_language_of``) or in sections of one language each, by the
language of most characters (``ingest.language.majority_language``, what ingest does).
Danish and English pages: every page of the rendered sample corpus (its documents' language from
their ``language`` key, Danish by default) and the English prose of the README files, cut into
pages. Pages too short to tell (``ingest.language.MIN_LETTERS``) are counted apart. Prints one
JSON line per configuration; the figures go into bench/RESULTS.md with the machine and date.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from lingua import Language, LanguageDetectorBuilder

from ingest.extract.registry import extract
from ingest.language import (
    MIN_LETTERS,
    SAMPLE_CHARS,
    code,
    detect_language,
    letters,
    majority_language,
    plainly_danish,
)

ROOT = Path(__file__).resolve().parent.parent
PROSE = [ROOT / "README.md", ROOT / "search_api/index/es_plugin/README.md"]
PAGE_CHARS = 2000

CANDIDATES = {
    "da+en": (Language.DANISH, Language.ENGLISH),
    "da+en+nb+sv+de": (
        Language.DANISH,
        Language.ENGLISH,
        Language.BOKMAL,
        Language.SWEDISH,
        Language.GERMAN,
    ),
}


def corpus_pages() -> list[tuple[str, str]]:
    """(expected language, text) of each page of the rendered sample corpus."""
    languages = {
        path.stem: (yaml.safe_load(path.read_text(encoding="utf-8")).get("language") or "da")
        for path in (ROOT / "sample_corpus/documents").glob("*.yaml")
    }
    pages = []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "sample_corpus.render", tmp], check=True, capture_output=True
        )
        for path in sorted(Path(tmp).glob("*.*")):
            if path.stem in languages:
                for page in extract(path.read_bytes(), path.name).pages:
                    pages.append((languages[path.stem], page.text))
    return pages


def prose_pages() -> list[tuple[str, str]]:
    """English technical prose (with Danish words in its examples), in pages of 2,000 chars."""
    pages = []
    for path in PROSE:
        text = path.read_text(encoding="utf-8")
        pages += [("en", text[i : i + PAGE_CHARS]) for i in range(0, len(text), PAGE_CHARS)]
    return pages


def measure(
    name: str, low_accuracy: bool, sample: int | None, sections: bool, pages: list[tuple[str, str]]
) -> None:
    builder = LanguageDetectorBuilder.from_languages(*CANDIDATES[name])
    builder = builder.with_low_accuracy_mode() if low_accuracy else builder
    detector = builder.with_preloaded_language_models().build()
    judged = [(lang, text[:sample] if sample else text) for lang, text in pages]
    judged = [(lang, text) for lang, text in judged if letters(text) >= MIN_LETTERS]
    start = time.perf_counter()
    found = [
        majority_language(detector, text) if sections else detector.detect_language_of(text)
        for _lang, text in judged
    ]
    seconds = time.perf_counter() - start
    configuration = {
        "languages": name,
        "low_accuracy": low_accuracy,
        "sample_chars": sample,
        "by_sections": sections,
        "too_short": len(pages) - len(judged),
    }
    found_codes = [code(language) if language is not None else None for language in found]
    report(configuration, judged, found_codes, seconds)


def measure_shipped(pages: list[tuple[str, str]]) -> None:
    """What ingest does: plain Danish by its short words, lingua (low accuracy, 1,500
    characters, by sections) for the rest."""
    judged = [(lang, text) for lang, text in pages if letters(text[:SAMPLE_CHARS]) >= MIN_LETTERS]
    detect_language(judged[0][1])  # load the models before timing
    start = time.perf_counter()
    found = [detect_language(text) for _lang, text in judged]
    seconds = time.perf_counter() - start
    configuration = {
        "configuration": "shipped: short words first, then da+en low, sections",
        "by_short_words": sum(plainly_danish(text[:SAMPLE_CHARS]) for _, text in judged),
    }
    report(configuration, judged, found, seconds)


def report(
    configuration: dict[str, object],
    judged: list[tuple[str, str]],
    found: list[str | None],
    seconds: float,
) -> None:
    """One JSON line: the configuration, the pages by language, what was wrong, the accuracy
    and the milliseconds a page."""
    wrong: dict[str, int] = {}
    for (lang, _text), got in zip(judged, found, strict=True):
        if got != lang:
            wrong[f"{lang}->{got or 'none'}"] = wrong.get(f"{lang}->{got or 'none'}", 0) + 1
    print(
        json.dumps(
            {
                **configuration,
                "pages": {lang: sum(1 for lg, _ in judged if lg == lang) for lang in ("da", "en")},
                "wrong": wrong,
                "accuracy": round(1 - sum(wrong.values()) / len(judged), 4),
                "ms_per_page": round(1000 * seconds / len(judged), 2),
            }
        )
    )


def main() -> None:
    # No options: --help says what it does rather than running it.
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    pages = corpus_pages() + prose_pages()
    measure_shipped(pages)
    for name in CANDIDATES:
        for low in (False, True):
            for sample in (None, SAMPLE_CHARS, 500):
                for sections in (False, True):
                    measure(name, low, sample, sections, pages)


if __name__ == "__main__":
    main()
