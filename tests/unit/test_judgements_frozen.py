"""The judged sets written before tuning are frozen: a checksum and a check of their format.

``tests/relevance/questions.yaml`` (questions and English queries over the sample corpus),
``tests/relevance/ood/`` (out-of-domain documents and their queries) and ``tests/relevance/ood2/``
(a second out-of-domain set) were written and judged by an independent judge before anyone tuned
the search against them (see ``tests/relevance/README.md``). Tuning against a set that can be
edited measures nothing, so the files are fixed by a SHA-256 recorded here, one per set.
"""

import hashlib
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
RELEVANCE = ROOT / "tests" / "relevance"
OOD = RELEVANCE / "ood"
QUESTIONS = RELEVANCE / "questions.yaml"
OOD_QUERIES = OOD / "queries.yaml"
OOD2 = RELEVANCE / "ood2"
OOD2_QUERIES = OOD2 / "queries.yaml"
SAMPLE_DOCUMENTS = ROOT / "sample_corpus" / "documents"

FROZEN_SHA256 = "4feee86cfe8e2670e1e5b72fbc1bf1762a29788fa75e837b9d663004a56dc284"

# The second out-of-domain set (2026-12-05), frozen on its own: tests/relevance/ood2/.
OOD2_SHA256 = "4a44d55aa2bafaeea73026765bd681ed63d9e496cadbff44134723f99c04aecf"

FROZEN_MESSAGE = (
    "The judged sets in tests/relevance/questions.yaml and tests/relevance/ood/ (queries and "
    "document sources) are frozen: they were written and judged by an independent judge before "
    "tuning, and the search is measured against them as they are. Do not edit, re-grade, add or "
    "remove anything in them, not even to fix a typo. A deliberate change is a new judged set: "
    "new files (e.g. questions-v2.yaml or ood-v2/) with their own ids, written and judged by "
    "someone who did not tune the system, pooled as the README describes, and frozen by a "
    "checksum test of their own. Restore these files from version control."
)

ACCEPTANCE = (
    "teachers' duty to report neglect",
    "support for young people after 18",
    "hvem kan være bisidder for et barn",
    "hvad gør man hvis man er bekymret for et barn i klassen",
)
OOD_FORMS = {
    "plain",
    "inflection",
    "compound",
    "abbreviation",
    "spelling",
    "typo",
    "synonym",
    "question",
    "english",
    "law",
    "name",
}


def frozen_files() -> list[Path]:
    """Every file the checksum covers, in a fixed order: the two query files and the sources of
    the out-of-domain documents (the HTML pages and the texts the PDFs are rendered from)."""
    sources = sorted((OOD / "documents").glob("*.html")) + sorted((OOD / "sources").glob("*.txt"))
    return [QUESTIONS, OOD_QUERIES, *sources]


def checksum() -> str:
    digest = hashlib.sha256()
    for path in frozen_files():
        digest.update(path.relative_to(ROOT).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def load(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def ood_slugs() -> set[str]:
    html = {path.stem for path in (OOD / "documents").glob("*.html")}
    return html | {path.stem for path in (OOD / "sources").glob("*.txt")}


def check_format(entries: list[dict], prefix: str, forms: set[str], slugs: set[str]) -> list[str]:
    """What is wrong with a judged set, one line per problem (none when it is well formed)."""
    problems = []
    for number, entry in enumerate(entries, start=1):
        expected = f"{prefix}{number:03d}"
        if entry.get("id") != expected:
            problems.append(f"entry {number}: id {entry.get('id')!r}, expected {expected!r}")
        where = entry.get("id", f"entry {number}")
        if not str(entry.get("query", "")).strip() or not str(entry.get("need", "")).strip():
            problems.append(f"{where}: query and need must not be empty")
        if not entry.get("forms") or not set(entry["forms"]) <= forms:
            problems.append(f"{where}: forms {entry.get('forms')} not in {sorted(forms)}")
        judgements = entry.get("judgements") or {}
        if not any(grade >= 2 for grade in judgements.values()):
            problems.append(f"{where}: no document graded 2 or 3")
        for slug, grade in judgements.items():
            if slug not in slugs:
                problems.append(f"{where}: judged slug {slug!r} does not exist")
            if grade not in (1, 2, 3):
                problems.append(f"{where}: grade {grade} of {slug!r} is not 1, 2 or 3")
        ordered = sorted(judgements.items(), key=lambda item: (-item[1], item[0]))
        if list(judgements.items()) != ordered:
            problems.append(f"{where}: judgements not sorted by grade, then slug")
    return problems


def test_the_judged_sets_are_unchanged() -> None:
    assert checksum() == FROZEN_SHA256, FROZEN_MESSAGE


def test_the_frozen_files_are_all_there() -> None:
    """26 out-of-domain documents, each PDF source rendered beside the HTML pages."""
    assert len(ood_slugs()) == 26, FROZEN_MESSAGE
    for source in (OOD / "sources").glob("*.txt"):
        rendered = OOD / "documents" / f"{source.stem}.pdf"
        assert rendered.is_file(), f"{rendered} is missing: run tests/relevance/ood/render.py"


def test_the_questions_are_well_formed() -> None:
    entries = load(QUESTIONS)
    slugs = {path.stem for path in SAMPLE_DOCUMENTS.glob("*.yaml")}
    assert check_format(entries, "qq", {"question", "english"}, slugs) == []
    forms = [form for entry in entries for form in entry["forms"]]
    assert forms.count("question") >= 40
    assert forms.count("english") >= 25
    queries = {entry["query"] for entry in entries}
    assert set(ACCEPTANCE) <= queries


def test_the_out_of_domain_queries_are_well_formed() -> None:
    entries = load(OOD_QUERIES)
    assert len(entries) >= 60
    assert check_format(entries, "ood", OOD_FORMS, ood_slugs()) == []
    judged = {slug for entry in entries for slug in entry["judgements"]}
    assert judged == ood_slugs(), "every out-of-domain document is judged for some query"


OOD2_FROZEN_MESSAGE = (
    "The second out-of-domain set in tests/relevance/ood2/ (queries.yaml, documents/*.html and "
    "sources/*.txt) is frozen: it was written and judged on 2026-12-05 by an independent judge "
    "before tuning, and the search is measured against it as it is. Do not edit, re-grade, add or "
    "remove anything in it, not even to fix a typo. A deliberate change is a new judged set with "
    "its own ids and its own checksum test. Restore these files from version control."
)


def ood2_frozen_files() -> list[Path]:
    """Every file the second set's checksum covers, in a fixed order: its queries and the sources
    of its documents (the HTML pages and the texts the PDFs are rendered from)."""
    sources = sorted((OOD2 / "documents").glob("*.html")) + sorted((OOD2 / "sources").glob("*.txt"))
    return [OOD2_QUERIES, *sources]


def ood2_checksum() -> str:
    digest = hashlib.sha256()
    for path in ood2_frozen_files():
        digest.update(path.relative_to(ROOT).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def ood2_slugs() -> set[str]:
    html = {path.stem for path in (OOD2 / "documents").glob("*.html")}
    return html | {path.stem for path in (OOD2 / "sources").glob("*.txt")}


def test_the_second_out_of_domain_set_is_unchanged() -> None:
    assert ood2_checksum() == OOD2_SHA256, OOD2_FROZEN_MESSAGE


def test_the_second_out_of_domain_files_are_all_there() -> None:
    """24 documents, each PDF source rendered beside the HTML pages."""
    assert len(ood2_slugs()) == 24, OOD2_FROZEN_MESSAGE
    for source in (OOD2 / "sources").glob("*.txt"):
        rendered = OOD2 / "documents" / f"{source.stem}.pdf"
        assert rendered.is_file(), (
            f"{rendered} is missing: run tests/relevance/ood/render.py tests/relevance/ood2"
        )


def test_the_second_out_of_domain_queries_are_well_formed() -> None:
    entries = load(OOD2_QUERIES)
    assert len(entries) >= 60
    assert check_format(entries, "o2q", OOD_FORMS, ood2_slugs()) == []
    forms = [form for entry in entries for form in entry["forms"]]
    assert forms.count("question") >= 12
    assert forms.count("english") >= 12
    assert forms.count("typo") >= 6
    assert forms.count("abbreviation") >= 6
    assert forms.count("law") >= 5
    assert forms.count("name") >= 6
    judged = {slug for entry in entries for slug in entry["judgements"]}
    assert judged == ood2_slugs(), "every document of the second set is judged for some query"


def test_the_format_check_finds_problems() -> None:
    bad = [
        {"id": "qq002", "query": "x", "need": "y", "forms": ["question"], "judgements": {}},
        {
            "id": "qq002",
            "query": "x",
            "need": "y",
            "forms": ["typo"],
            "judgements": {"a": 1, "b": 3, "missing": 4},
        },
    ]
    problems = check_format(bad, "qq", {"question"}, {"a", "b"})
    assert any("no document graded 2 or 3" in p for p in problems)
    assert any("expected 'qq001'" in p for p in problems)
    assert any("'missing' does not exist" in p for p in problems)
    assert any("not sorted" in p for p in problems)
    assert any("forms" in p for p in problems)
    assert re.fullmatch(r"[0-9a-f]{64}", checksum())
    assert re.fullmatch(r"[0-9a-f]{64}", ood2_checksum())
