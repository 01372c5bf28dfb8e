"""The personal data guard: its rules one by one, and its quality on hand-written sets.

Six sets in ``tests/personal_data/``, each written and annotated by a different helper who
never saw the rules or the other sets, each committed before the rules first ran on it and
frozen by the checksums below:

- ``dev``: the rules were written on it.
- ``test``, ``holdout``, ``final``, ``final2``: each measured once untuned (the figures below),
  then its errors were studied and the rules improved; now they are tuning sets too.
- ``final3``: measured untuned; nothing was changed after it was read. Its figures are the
  honest ones for text the rules never saw.

The issue's bars — every CPR number found (recall 1.0), children's names in case context
≥ 0.9, no document held that should not be — hold on every set the rules were tuned on; on
``final3`` the bars are the issue's where it meets them and the measured figures where it does
not (those only keep it from getting worse). The sample corpus holds nothing back:
``tests/integration/test_pipeline.py``.
"""

import hashlib
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from ingest.extract.registry import extract
from nlp_models.entities import get_finder
from nlp_models.mentions import Mention
from nlp_models.personal_data import (
    REDACTED,
    Kind,
    finding_key,
    normalized,
    redact,
    redact_filename,
    redaction_spans,
    screen,
)
from tests.quality import report
from vidensbank.settings import get_settings

SETS = Path(__file__).resolve().parents[2] / "personal_data"
FROZEN_SHA256 = {
    "test": "7ce471c605a25f0d33b9c0949828524504ee3dbeb6239fd6cc2fcdd2f4a26c83",
    "holdout": "2b2bf14b997a3d068581891f84ed138b897a59c44f9fe7b93bd6fbfcc3b97b87",
    "final": "59b34653d735beae4cbfc7d6625c17b5bdbf5d8c84c534d8edeb2d1491df7c38",
    "final2": "d4e68d28cf3a07380a4222385b0f6ee8ea9d0bbc49aa239f507de5bccff62319",
    "final3": "2a9184cb7258a023619914417e80467ccd97568ea3b6579d1029173a434fa0d1",
}
# Each set's first measurement, untuned (2026-12-02), CPR numbers / children's names / documents
# held that should not be + not held that should be:
#   test     CPR P 0.94 R 1.00   names P 0.76 R 0.76   2 + 1 of 26
#   holdout  CPR P 0.83 R 1.00   names P 0.54 R 0.82   2 + 1 of 28
#   final    CPR P 0.94 R 1.00   names P 1.00 R 0.58   1 + 1 of 30
#   final2   CPR P 1.00 R 1.00   names P 0.96 R 0.84   0 + 0 of 30
#   final3   CPR P 1.00 R 1.00   names P 0.95 R 0.76   1 + 0 of 30  (never tuned on)
ISSUE_BARS = {"cpr_recall": 1.0, "cpr_precision": 1.0, "child_recall": 0.9, "wrong_holds": 0}
BARS = {
    "dev": ISSUE_BARS,
    "test": ISSUE_BARS,
    "holdout": ISSUE_BARS,
    "final": ISSUE_BARS,
    "final2": ISSUE_BARS,
    # Short of the issue's bar for names and holds: these keep it from getting worse.
    "final3": {"cpr_recall": 1.0, "cpr_precision": 1.0, "child_recall": 0.75, "wrong_holds": 1},
}


def checksum(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in [folder / "annotations.yaml", *sorted((folder / "documents").glob("*.html"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass
class SetScores:
    documents: int = 0
    found: Counter[str] = field(default_factory=Counter)
    wrong: Counter[str] = field(default_factory=Counter)
    missed: Counter[str] = field(default_factory=Counter)
    held_wrongly: list[str] = field(default_factory=list)
    not_held: list[str] = field(default_factory=list)

    def precision(self, kind: str) -> float:
        return self.found[kind] / max(1, self.found[kind] + self.wrong[kind])

    def recall(self, kind: str) -> float:
        return self.found[kind] / max(1, self.found[kind] + self.missed[kind])


def _same(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """The same finding: same kind, and one text inside the other (an address with or without
    its town)."""
    return a[0] == b[0] and (a[1] in b[1] or b[1] in a[1])


def score(folder: Path) -> SetScores:
    finder = get_finder(get_settings().kb_dir)
    annotations = yaml.safe_load((folder / "annotations.yaml").read_text(encoding="utf-8"))
    scores = SetScores()
    for name, expected in sorted(annotations["documents"].items()):
        document = extract((folder / "documents" / name).read_bytes(), name)
        pages = [(page.number, page.text) for page in document.pages]
        findings = screen(pages, finder.find_in_pages(pages))
        got = {(f.kind.value, normalized(f.kind, f.text)) for f in findings}
        want = {(w["kind"], normalized(w["kind"], w["text"])) for w in expected["findings"]}
        for finding in got:
            if any(_same(finding, w) for w in want):
                scores.found[finding[0]] += 1
            else:
                scores.wrong[finding[0]] += 1
        for wanted in want:
            if not any(_same(wanted, g) for g in got):
                scores.missed[wanted[0]] += 1
        held = any(f.kind.holds for f in findings)
        if held and not expected["held"]:
            scores.held_wrongly.append(name)
        if expected["held"] and not held:
            scores.not_held.append(name)
        scores.documents += 1
    return scores


@pytest.fixture(scope="module")
def measured() -> dict[str, SetScores]:
    measured = {name: score(SETS / name) for name in BARS}
    lines = ["kind         " + "".join(f"{name:>9} P {name:>7} R" for name in measured)]
    for kind in Kind:
        lines.append(
            f"{kind.value:<13}"
            + "".join(f"{m.precision(kind):11.2f}{m.recall(kind):11.2f}" for m in measured.values())
        )
    for name, scores in measured.items():
        lines.append(
            f"{name}: {scores.documents} documents; held wrongly {scores.held_wrongly or 0}; "
            f"not held {scores.not_held or 0}"
        )
    report("personal data (final3 never tuned on; the others tuned on)", lines)
    return measured


@pytest.mark.parametrize("name", sorted(FROZEN_SHA256))
def test_the_sets_are_frozen(name: str) -> None:
    assert checksum(SETS / name) == FROZEN_SHA256[name], (
        f"tests/personal_data/{name}/ was written by someone who never saw the rules and "
        "frozen before they ran on it. Do not edit it; a deliberate change is a new set."
    )


@pytest.mark.parametrize("name", sorted(BARS))
def test_every_cpr_number_and_no_other_number(measured: dict[str, SetScores], name: str) -> None:
    scores = measured[name]
    assert scores.recall(Kind.CPR) >= BARS[name]["cpr_recall"]
    assert scores.precision(Kind.CPR) >= BARS[name]["cpr_precision"]


@pytest.mark.parametrize("name", sorted(BARS))
def test_childrens_names_in_case_context(measured: dict[str, SetScores], name: str) -> None:
    assert measured[name].recall(Kind.CHILD_NAME) >= BARS[name]["child_recall"]


@pytest.mark.parametrize("name", sorted(BARS))
def test_held_when_it_must_be(measured: dict[str, SetScores], name: str) -> None:
    scores = measured[name]
    assert len(scores.held_wrongly) + len(scores.not_held) <= BARS[name]["wrong_holds"]


def person(text: str, name: str) -> Mention:
    start = text.index(name)
    return Mention(
        text=name,
        label="PER",
        kb_id=None,
        canonical=name,
        page=1,
        start=start,
        end=start + len(name),
    )


def kinds(text: str, *names: str) -> list[tuple[str, str]]:
    return [(f.kind.value, f.text) for f in screen([(1, text)], [person(text, n) for n in names])]


def test_a_cpr_number_needs_a_real_birth_date() -> None:
    assert kinds("CPR-nr.: 290220-4123 og 290220 4123") == [
        ("cpr", "290220-4123"),
        ("cpr", "290220 4123"),
    ]
    # 2021 was no leap year; no 32nd day, no 13th month; masked; an account after its label.
    text = "290221-4123, 320419-1234, 011399-1234, 010203-XXXX, Kontonr. 0102031234"
    assert kinds(text) == []


@pytest.mark.parametrize("dash", ["\u2011", "\u2212", " - ", "\u2013", "\u00a0"])
def test_a_cpr_number_with_any_dash_a_word_processor_writes(dash: str) -> None:
    """Word's non-breaking hyphen, a minus sign and a spaced dash hid the number."""
    assert kinds(f"CPR: 120514{dash}3318") == [("cpr", f"120514{dash}3318")]


def test_a_child_with_a_hyphenated_first_name_is_redacted_whole() -> None:
    text = "Anne-Mette Holm, 9 år, er anbragt i en plejefamilie."
    [finding] = [
        f for f in screen([(1, text)], get_finder(get_settings().kb_dir).find_in_pages([(1, text)]))
    ]
    assert (finding.kind, finding.text) == (Kind.CHILD_NAME, "Anne-Mette Holm")
    keys = {finding_key(finding.kind, finding.text)}
    assert (
        redact(text, redaction_spans(text, keys))
        == f"{REDACTED}, 9 år, er anbragt i en plejefamilie."
    )


def test_a_child_named_as_one_is_a_child_whatever_family_follows() -> None:
    """ "Pigen Ida Sørensen savner sin mor" was a parent's name (it does not hold the
    document): the mother after the name was taken for her."""
    text = "Pigen Ida Sørensen savner sin mor."
    assert kinds(text, "Ida Sørensen") == [("child_name", "Ida Sørensen")]
    text = "Moren Ida Sørensen savner sin datter."
    assert kinds(text, "Ida Sørensen") == [("parent_name", "Ida Sørensen")]


def test_a_pseudonym_and_an_adult_are_not_children() -> None:
    assert kinds("Peter, 12 år, fortæller om sin skole.", "Peter") == []
    text = "Skoleleder Hanne Lund, 45 år, siger, at børn skal høres."
    assert kinds(text, "Hanne Lund") == []
    text = "Drengen Mikkel Sørensen, 9 år, går i 3. klasse."
    assert kinds(text, "Mikkel Sørensen") == [("child_name", "Mikkel Sørensen")]


def test_an_office_number_is_not_a_finding_and_a_mothers_mobile_is() -> None:
    assert kinds("Borgerservice har åbent hverdage kl. 10-15 på tlf. 89 70 10 00.") == []
    text = "Mor: Susanne Holm, mobil 22 48 19 07, susanne.holm77@gmail.com"
    assert kinds(text, "Susanne Holm") == [
        ("parent_name", "Susanne Holm"),
        ("phone", "22 48 19 07"),
        ("email", "susanne.holm77@gmail.com"),
    ]


def test_numbers_and_topics_of_ordinary_reports_are_not_findings() -> None:
    assert kinds("Aarhus 280123 2345 og I alt 101010 1010") == []
    assert kinds("Dok.nr. 120514-3318") == []
    assert kinds("CPR-nr. 280123 2345") == [("cpr", "280123 2345")]
    text = (
        "Undersøgelsen er gennemført af Lone Nielsen og Peter Jensen i samarbejde med børnehaver."
    )
    assert kinds(text, "Lone Nielsen", "Peter Jensen") == []
    text = "Tak til Anne Sørensen for hjælp med analyserne af anbringelser."
    assert kinds(text, "Anne Sørensen") == []


def test_a_redaction_holds_across_lines_and_in_capitals() -> None:
    keys = {finding_key(Kind.CHILD_NAME, "Mikkel Sørensen")}
    text = (
        "NOTAT FRA FAMILIEAFDELINGEN Mikkel Sørensen, 9 år. Om MIKKEL SØRENSEN og Mikkel\nSørensen."
    )
    assert redact(text, redaction_spans(text, keys)) == (
        f"NOTAT FRA FAMILIEAFDELINGEN {REDACTED}, 9 år. Om {REDACTED} og {REDACTED}."
    )


def test_a_redaction_holds_wherever_the_words_stand() -> None:
    text = "Barnets navn: Mikkel Sørensen\n\nCPR-nr. 120514-3318. Mikkel Sørensen har fravær."
    keys = {finding_key(Kind.CHILD_NAME, "Mikkel Sørensen"), finding_key(Kind.CPR, "1205143318")}
    redacted = redact(text, redaction_spans(text, keys))
    assert redacted == (f"Barnets navn: {REDACTED}\n\nCPR-nr. {REDACTED}. {REDACTED} har fravær.")


def test_a_long_run_before_a_lone_at_sign_takes_linear_time() -> None:
    """ "a.a.a.…@": the address pattern tried the run from every word in it, so 96,000
    characters took 26 s and a 250 KB page two minutes of a worker. The bound is generous:
    these take tenths of a second."""
    for text in ("a." * 300_000 + "@", "a.b@" * 50_000, "x@" + "a." * 100_000):
        started = time.perf_counter()
        screen([(1, text)], [])
        assert time.perf_counter() - started < 3, text[:20]
    [finding] = screen([(1, "Skriv til " + "a." * 20 + "hansen@gmail.com i dag.")], [])
    assert finding.text.endswith("hansen@gmail.com")


@pytest.mark.parametrize(
    "text, number",
    [
        ("Personnummer: 12-05-14-3318", "12-05-14-3318"),
        # With dots or slashes, and "cpr.nr." (a tester's second round).
        ("CPR nr. 12.05.14-3318", "12.05.14-3318"),
        ("Personnummer: 12/05/14-3318", "12/05/14-3318"),
        ("cpr.nr.: 12-05-14-3318", "12-05-14-3318"),
        ("Pers.nr.: 12-05-14-3318", "12-05-14-3318"),
        ("Personnummer: 02-03-16-4129", "02-03-16-4129"),
        ("cpr 12 05 14-3318", "12 05 14-3318"),
        ("CPR-nr.: 12\u201105\u201114\u20113318", "12\u201105\u201114\u20113318"),
        ("Personnr.\n12-05-14-3318", "12-05-14-3318"),
    ],
)
def test_a_cpr_number_with_separators_in_its_date_after_a_cpr_label(text: str, number: str) -> None:
    assert kinds(text) == [("cpr", number)]


@pytest.mark.parametrize(
    "text",
    [
        "Mødet blev holdt 12-05-2014 og igen 12-05-14.",
        "Ring til Lene på 28 91 44 07 eller 28-91-44-07.",
        "Sagsnr. 12-05-14-3318",
        "Bilag 12-05-14-3318 er vedlagt.",
        "CPR-nummeret står i journalen, se bilag 12-05-14-3318.",
        "ISBN 978-87-7119-332-4, pris 12 05 14-3318 kr.",
        "Aarhus 12 05 14 3318 22 48 19 07\nOdense 01 02 03 2004 11 12 13 14",
        "CPR-nr. 31-02-14-3318",
    ],
)
def test_numbers_with_separators_in_a_date_are_a_cpr_number_only_after_its_label(
    text: str,
) -> None:
    assert kinds(text) == []


def test_a_redacted_cpr_number_is_redacted_however_its_date_is_written() -> None:
    text = "Personnummer: 12-05-14-3318. Se også 120514-3318 og 12 05 14-3318."
    keys = {finding_key(Kind.CPR, "1205143318")}
    assert redact(text, redaction_spans(text, keys)) == (
        f"Personnummer: {REDACTED}. Se også {REDACTED} og {REDACTED}."
    )


@pytest.mark.parametrize(
    "text, name",
    [
        ("BARNETS NAVN: SOFIE BACH-LUND", "SOFIE BACH-LUND"),
        ("BARNETS NAVN: VILFRED TORNØE-KAAS", "VILFRED TORNØE-KAAS"),
        ("Barnets navn: sofie bach-lund", "sofie bach-lund"),
        ("Barnets navn: Liam O'Connor", "Liam O'Connor"),
        ("Barnets navn: Noah van der Berg", "Noah van der Berg"),
        ("Barnets navn: Sofie BACH-LUND\nCPR-nr.:", "Sofie BACH-LUND"),
        # A full stop, semicolon or slash after the name, a list's bullet before the label
        # (a tester's second round found them unscreened).
        ("Barnets navn: Sofie Jensen.", "Sofie Jensen"),
        ("Underretning\n\nBarnets navn: Sofie Jensen.\nAlder: 7 år", "Sofie Jensen"),
        ("Barnets navn: Sofie Jensen;", "Sofie Jensen"),
        ("Barnets navn: Sofie Jensen / Ida Jensen", "Sofie Jensen"),
        ("• Barnets navn: Sofie Jensen", "Sofie Jensen"),
        ("1. BARNETS NAVN: SOFIE JENSEN.", "SOFIE JENSEN"),
    ],
)
def test_a_childs_name_in_a_form_in_any_case_and_with_particles(text: str, name: str) -> None:
    assert kinds(text) == [("child_name", name)]


@pytest.mark.parametrize(
    "text",
    [
        "BARNETS NAVN:",
        "BARNETS NAVN:\n\nOPLYSNINGER OM FAMILIEN",
        "BØRN OG UNGE I ANBRINGELSE\nSOFIE BACH-LUND\n\nRapporten handler om anbragte børn.",
        "Barnets navn: skrives med fornavn og efternavn",
        "Barnets navn: udfyldes af sagsbehandleren",
        "Barnets navn: ikke oplyst",
        "MOR: IKKE OPLYST",
        # A blank form's placeholders and directions, which held the document back.
        "Barnets navn: XXXX XXXX",
        "Barnets navn: NN NN",
        "Barnets navn: CPR NR",
        "Barnets navn: fremgår nedenfor",
        "Barnets navn: står øverst",
        "Barnets navn: Ikke Oplyst",
        "Barnets navn: Ukendt Barn",
        "Barnets navn: Fiktivt Eksempel",
        "Barnets navn: Udfyld Her",
        "Rapporten blev udgivet 12.05.2014.",
        # A table's row or a heading is no form's field without a name in it.
        "| Elev | Klasse Lærer |",
        "| Barnets navn | skrives her |",
        "Barn Og Familie",
    ],
)
def test_a_form_without_a_name_and_a_heading_in_capitals_are_not_findings(text: str) -> None:
    assert kinds(text) == []


def test_a_childs_name_is_not_listed_again_as_a_private_adults() -> None:
    """The child's name said again before "Forældrenes private mobil" was listed a second time
    as a parent's, which does not hold the document."""
    text = (
        "Barnets navn: Sofie Bach-Lund\n\nSofie Bach-Lund, Forældrenes private mobil: 22 48 19 07"
    )
    findings = kinds(text, "Sofie Bach-Lund")
    assert ("parent_name", "Sofie Bach-Lund") not in findings
    assert ("child_name", "Sofie Bach-Lund") in findings


def test_a_childs_name_in_the_genitive_is_the_same_finding_and_redaction() -> None:
    text = (
        "Barnets navn: Zenobia Krogsgaard-Holm\n\nZenobia Krogsgaard-Holms mor ringede til skolen."
    )
    mentions = [person(text, "Zenobia Krogsgaard-Holm")]
    genitive = text.index("Zenobia Krogsgaard-Holms")
    mentions.append(
        Mention(
            text="Zenobia Krogsgaard-Holms",
            label="PER",
            kb_id=None,
            canonical="Zenobia Krogsgaard-Holms",
            page=1,
            start=genitive,
            end=genitive + len("Zenobia Krogsgaard-Holms"),
        )
    )
    findings = screen([(1, text)], mentions)
    assert [(f.kind, f.text) for f in findings] == [
        (Kind.CHILD_NAME, "Zenobia Krogsgaard-Holm")
    ] * 2
    assert all(text[f.start : f.end] == f.text for f in findings)
    keys = {findings[0].key}
    assert redact(text, redaction_spans(text, keys)) == (
        f"Barnets navn: {REDACTED}\n\n{REDACTED} mor ringede til skolen."
    )


def test_a_redacted_name_is_redacted_in_the_genitive_and_a_longer_name_is_not() -> None:
    keys = {finding_key(Kind.CHILD_NAME, "Zenobia Krogsgaard-Holm")}
    text = "Vi talte om Zenobia Krogsgaard-Holms trivsel med Zenobia Krogsgaard-Holmsen."
    assert redact(text, redaction_spans(text, keys)) == (
        f"Vi talte om {REDACTED} trivsel med Zenobia Krogsgaard-Holmsen."
    )


def test_a_file_name_loses_what_a_redaction_covers() -> None:
    keys = {
        finding_key(Kind.CHILD_NAME, "Zenobia Krogsgaard-Holm"),
        finding_key(Kind.CPR, "030915-4127"),
    }
    assert redact_filename("zenobia-krogsgaard-holm-referat.html", keys) == "skjult-referat.html"
    assert redact_filename("Referat_Zenobia_Krogsgaard_Holm.pdf", keys) == "Referat_skjult.pdf"
    assert redact_filename("0309154127.pdf", keys) == "skjult.pdf"
    assert redact_filename("notat 030915-4127.docx", keys) == "notat skjult.docx"
    # Other names, and a name of one word (no name the rules find), stay.
    assert redact_filename("zenobia-referat.html", keys) == "zenobia-referat.html"
    assert redact_filename("rapport", keys) == "rapport"


def test_two_children_in_one_field_are_each_a_finding() -> None:
    """Only a parents' field was split at "og": "Sofie Jensen og Ida Jensen" was one name, or
    none."""
    assert kinds("Barnets navn: Sofie Jensen og Ida Jensen") == [
        ("child_name", "Sofie Jensen"),
        ("child_name", "Ida Jensen"),
    ]


def test_a_redacted_name_is_redacted_however_the_text_writes_it() -> None:
    """A tester found these forms of a redacted name standing beside "[skjult]"."""
    keys = {finding_key(Kind.CHILD_NAME, "Zenobia Krogsgaard-Holm")}
    for written in (
        "Zenobia Krogsgaard Holm",
        "Zenobia Krogsgaard\u2013Holm",
        "Krogsgaard-Holm, Zenobia",
        "ZENOBIA KROGSGAARD-HOLM",
    ):
        text = f"Mødet med {written} blev holdt."
        assert redact(text, redaction_spans(text, keys)) == f"Mødet med {REDACTED} blev holdt."
    # Someone else of the same surnames stays.
    other = "Mødet med Peter Krogsgaard Holm blev holdt."
    assert redact(other, redaction_spans(other, keys)) == other


def redacted_everywhere(name: str) -> bool:
    """Whether a redacted ``name`` goes wherever a text says it."""
    text = f"Mødet med {name} blev holdt. {name} fortalte om skolen."
    keys = {finding_key(Kind.CHILD_NAME, name)}
    return redact(text, redaction_spans(text, keys)) == (
        f"Mødet med {REDACTED} blev holdt. {REDACTED} fortalte om skolen."
    )


# A tester's third round found the names of these tests unscreened in case notes and forms.


@pytest.mark.parametrize(
    "text, people, expected",
    [
        (
            "Barnets navn: Emma Sofie Marie Lund Jensen",
            (),
            [("child_name", "Emma Sofie Marie Lund Jensen")],
        ),
        (
            "Mor: Anne Louise Marie Lund Jensen.",
            (),
            [("parent_name", "Anne Louise Marie Lund Jensen")],
        ),
        (
            "Emma Sofie Marie Lund Jensen, 9 år, er anbragt i en plejefamilie.",
            ("Emma Sofie Marie Lund Jensen",),
            [("child_name", "Emma Sofie Marie Lund Jensen")],
        ),
    ],
)
def test_a_name_of_five_words(
    text: str, people: tuple[str, ...], expected: list[tuple[str, str]]
) -> None:
    assert kinds(text, *people) == expected
    assert all(redacted_everywhere(name) for _kind, name in expected)


@pytest.mark.parametrize(
    "text, people, expected",
    [
        (
            "Barnets navn: Yusuf al-Hassan og Omar Abu-Bakr",
            (),
            [("child_name", "Yusuf al-Hassan"), ("child_name", "Omar Abu-Bakr")],
        ),
        ("Far: Mahmoud el-Sayed", (), [("parent_name", "Mahmoud el-Sayed")]),
        (
            "Drengen Yusuf al-Hassan, 9 år, går i 3. klasse.",
            ("Yusuf al-Hassan",),
            [("child_name", "Yusuf al-Hassan")],
        ),
        ("Far: Connor McDonald", (), [("parent_name", "Connor McDonald")]),
        ("Barnets navn: Fiona MacLeod", (), [("child_name", "Fiona MacLeod")]),
        ("Mor: Gina DiCaprio", (), [("parent_name", "Gina DiCaprio")]),
        (
            "Connor McDonald, 8 år, går i børnehave.",
            ("Connor McDonald",),
            [("child_name", "Connor McDonald")],
        ),
        ("Barnets navn: Émile Dubois", (), [("child_name", "Émile Dubois")]),
        ("Mor: Zoë Ölander", (), [("parent_name", "Zoë Ölander")]),
        ("Far: Ömer Akgün", (), [("parent_name", "Ömer Akgün")]),
        ("Barnets navn: Inès Núñez", (), [("child_name", "Inès Núñez")]),
        ("BARNETS NAVN: ZOË ÖLANDER", (), [("child_name", "ZOË ÖLANDER")]),
        (
            "Émile Dubois, 7 år, er anbragt på et opholdssted.",
            ("Émile Dubois",),
            [("child_name", "Émile Dubois")],
        ),
    ],
)
def test_a_name_of_another_shape(
    text: str, people: tuple[str, ...], expected: list[tuple[str, str]]
) -> None:
    assert kinds(text, *people) == expected
    assert all(redacted_everywhere(name) for _kind, name in expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "| Barnets navn | Sofie Jensen |\n| CPR-nr. | 120514-3318 |\n| Mor | Susanne Holm |",
            [
                ("child_name", "Sofie Jensen"),
                ("cpr", "120514-3318"),
                ("parent_name", "Susanne Holm"),
            ],
        ),
        ("| BARNETS NAVN | SOFIE JENSEN |", [("child_name", "SOFIE JENSEN")]),
        ("Barnets navn\tSofie Jensen", [("child_name", "Sofie Jensen")]),
        # A PDF's row as extraction gives it: its cells' run of spaces made one.
        (
            "Barnets navn Sofie Jensen\nCPR-nr. 120514-3318\nMor Susanne Holm",
            [
                ("child_name", "Sofie Jensen"),
                ("cpr", "120514-3318"),
                ("parent_name", "Susanne Holm"),
            ],
        ),
    ],
)
def test_a_name_in_the_cell_beside_its_label(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "unit",
    [
        "Sofie ",
        "Aa ",
        "al-",
        "Sofie al-Hassan ",
        "Mc",
        "McDonald ",
        "É",
        "Émile ",
        "| Barnets navn | ",
        "Barnets navn Sofie Jensen\n",
        "Barnets navn\nSofie Jensen\n\nMor\nSusanne Holm\n\n",
        "Elev\nLiam McDonald Jensen\n\n",
        "Barn\n",
        "bint ",
        "Amira bint Yusuf ",
        "Aa bint ",
        "Susanne Holm\nMor\nSofie Jensen\nBarn\n",
        "Susanne Holm\nMor\n\nSofie Jensen\nBarnet\n\n",
        "| Liam Holm | Elev |\n",
        "Navn\nRolle\nSusanne Holm\nMor\n",
        # A table row's bar, or a line's start, before a long run of spaces: a minute each.
        "|" + " " * 20_000,
        " " * 20_000 + "Barnets navn",
    ],
)
def test_a_page_of_name_shapes_takes_linear_time(unit: str) -> None:
    """50,000 characters of one shape, screened and redacted: a tenth of a second, each (a
    quadratic pattern takes minutes); the 200,000-character figures are in bench/RESULTS.md."""
    text = (unit * (50_000 // len(unit) + 1))[:50_000]
    keys = {finding_key(Kind.CHILD_NAME, "Yusuf al-Hassan")}
    started = time.perf_counter()
    screen([(1, text)], [])
    redaction_spans(text, keys)
    assert time.perf_counter() - started < 3, unit


# A tester's fourth round: a child's name published from a form's table, and names with a
# particle of descent half found.

FORM_TABLE = """<!doctype html><html lang="da"><head><meta charset="utf-8">
<title>Underretning</title></head><body><main><h1>Underretning om et barn</h1>
<p>Skolen sender denne underretning om en elev i 3. klasse.</p>
<table>
<tr><td>Barnets navn</td><td>Sofie Jensen</td></tr>
<tr><td>Mor</td><td>Susanne Holm</td></tr>
<tr><td>Far</td><td>Peter Holm</td></tr>
</table>
<p>Underretningen er sendt til kommunen.</p>
<table>
<tr><td>Elev</td><td>Liam McDonald Jensen</td></tr>
<tr><td>Mor</td><td>Zoë Høegh-Guldberg</td></tr>
</table></main></body></html>"""


@pytest.mark.parametrize(
    "html, rows",
    [
        (FORM_TABLE, "Barnets navn\nSofie Jensen\n\nMor\nSusanne Holm"),
        # A page without space between its tags: no blank line between the rows either.
        (re.sub(r">\s+<", "><", FORM_TABLE), "klasse.\nBarnets navn\nSofie Jensen\nMor\n"),
    ],
)
def test_a_childs_name_beside_its_label_in_a_form_table_is_a_childs(html: str, rows: str) -> None:
    """The HTML extractor writes each cell on its own line ("Barnets navn" / "Sofie Jensen" /
    "Mor" / "Susanne Holm"). The first row was read as a table's header and the child's label
    as the last cell of a row before, as "Mor" followed the name: all three names were a
    parent's, and the document was published. The second table gave nothing."""
    document = extract(html.encode(), "underretning.html")
    pages = [(page.number, page.text) for page in document.pages]
    assert rows in pages[0][1]
    findings = screen(pages, get_finder(get_settings().kb_dir).find_in_pages(pages))
    assert [(f.kind.value, f.text) for f in findings] == [
        ("child_name", "Sofie Jensen"),
        ("parent_name", "Susanne Holm"),
        ("parent_name", "Peter Holm"),
        ("child_name", "Liam McDonald Jensen"),
        ("parent_name", "Zoë Høegh-Guldberg"),
    ]
    # The row the rule for a label at a row's end was made for: the child's label ends the row
    # before, and the mother's own row follows it.
    text = (
        "Navn\nCPR-nr.\nRolle i sagen\n\nAlma Kofoed\n020319-6604\nBarn (født 2019)\n\n"
        "Mette Kofoed\n110588-1946\nMor, forældremyndighed"
    )
    assert ("child_name", "Mette Kofoed") not in kinds(text)
    assert ("child_name", "Mette Kofoed") not in kinds(text.replace("\n\n", "\n"))
    text = "Navn\nBy\nRolle\nAlma Kofoed\nOdense\nBarn\nMette Kofoed\nOdense\nMor"
    assert ("child_name", "Mette Kofoed") not in kinds(text)
    # A label's row read as a header put the next rows' labels in a column of parents.
    assert kinds("Mor\nSusanne Holm\n\nBarnets Navn\nSofie Jensen") == [
        ("parent_name", "Susanne Holm"),
        ("child_name", "Sofie Jensen"),
    ]


@pytest.mark.parametrize(
    "text, people, expected",
    [
        (
            "Datteren, Amira bint Yusuf Haddad, bor hos sin mor.",
            ("Amira", "Yusuf Haddad"),
            [("child_name", "Amira bint Yusuf Haddad")],
        ),
        # The model gives the father's name only.
        (
            "Datteren, Amira bint Yusuf Haddad, bor hos sin mor.",
            ("Yusuf Haddad",),
            [("child_name", "Amira bint Yusuf Haddad")],
        ),
        ("Barnets navn: Amira bint Yusuf Haddad", (), [("child_name", "Amira bint Yusuf Haddad")]),
        ("Barnets navn: Ali ibn Hassan", (), [("child_name", "Ali ibn Hassan")]),
        ("Far: Omar abu Bakr Haddad", (), [("parent_name", "Omar abu Bakr Haddad")]),
        ("Mor: Fatima umm Khalid", (), [("parent_name", "Fatima umm Khalid")]),
        ("Elev: Yusuf bin Ali Haddad", (), [("child_name", "Yusuf bin Ali Haddad")]),
    ],
)
def test_a_name_with_a_particle_of_descent(
    text: str, people: tuple[str, ...], expected: list[tuple[str, str]]
) -> None:
    """ "Amira bint Yusuf Haddad" was found as "Yusuf Haddad" (redacted, "Amira bint [skjult]"
    was left) or not at all."""
    assert kinds(text, *people) == expected
    assert all(redacted_everywhere(name) for _kind, name in expected)
    keys = {finding_key(Kind.CHILD_NAME, "Amira bint Yusuf Haddad")}
    text = "Amira bint Yusuf Haddad bor hos sin mor. AMIRA BINT YUSUF HADDAD, 3.a"
    assert redact(text, redaction_spans(text, keys)) == (
        f"{REDACTED} bor hos sin mor. {REDACTED}, 3.a"
    )


# A tester's fifth round: a table whose rows are a name and then its role published a child as a
# parent.

NAME_FIRST_TABLE = """<!doctype html><html lang="da"><head><meta charset="utf-8">
<title>Notat</title></head><body><main><h1>Notat om en familie</h1>
<p>Skolen sender dette notat om en elev i 3. klasse.</p>
<table>
<tr><td>Susanne Holm</td><td>Mor</td></tr>
<tr><td>Sofie Jensen</td><td>Barn</td></tr>
<tr><td>Peter Holm</td><td>Far</td></tr>
</table>
<p>Notatet er sendt til kommunen.</p>
<table>
<tr><th>Navn</th><th>Relation</th></tr>
<tr><td>Karin Lund</td><td>Mor</td></tr>
<tr><td>Noah Lund</td><td>Barnet</td></tr>
<tr><td>Liam Holm</td><td>Elev</td></tr>
</table></main></body></html>"""


@pytest.mark.parametrize(
    "html",
    [
        NAME_FIRST_TABLE,
        # A page without space between its tags: no blank line between the rows either.
        re.sub(r">\s+<", "><", NAME_FIRST_TABLE),
    ],
)
def test_a_childs_name_before_its_role_in_a_table_is_a_childs(html: str) -> None:
    """The HTML extractor writes each cell on its own line ("Susanne Holm" / "Mor" / "Sofie
    Jensen" / "Barn"). Read label first, the mother's role ending her row took the child's name
    on the next line for its own: the child was a parent, and the document was published."""
    document = extract(html.encode(), "notat.html")
    pages = [(page.number, page.text) for page in document.pages]
    text = pages[0][1]
    assert all(cells in text for cells in ("Susanne Holm\nMor\n", "Sofie Jensen\nBarn\n"))
    findings = screen(pages, get_finder(get_settings().kb_dir).find_in_pages(pages))
    assert [(f.kind.value, f.text) for f in findings] == [
        ("parent_name", "Susanne Holm"),
        ("child_name", "Sofie Jensen"),
        ("parent_name", "Peter Holm"),
        ("parent_name", "Karin Lund"),
        ("child_name", "Noah Lund"),
        ("child_name", "Liam Holm"),
    ]
    assert all(f.kind.holds for f in findings if f.kind == Kind.CHILD_NAME)


@pytest.mark.parametrize(
    "text, expected",
    [
        # Rows as a PDF or Markdown writes them, a bar between the cells.
        (
            "| Susanne Holm | Mor |\n| Sofie Jensen | Barnet |\n| Liam Holm | Elev |",
            [
                ("parent_name", "Susanne Holm"),
                ("child_name", "Sofie Jensen"),
                ("child_name", "Liam Holm"),
            ],
        ),
        (
            "Peter Holm | Far\n\nLiam Holm | Elev",
            [("parent_name", "Peter Holm"), ("child_name", "Liam Holm")],
        ),
        # Under a header, a row of a teacher's (not a role of the family) is no parent's.
        (
            "Navn\nRolle\n\nJesper Kristiansen\nFar\n\nLine Damgaard\nMor\n\n"
            "Anne Mørk\nKlasselærer, 6.a",
            [("parent_name", "Jesper Kristiansen"), ("parent_name", "Line Damgaard")],
        ),
        # Label first, as before: the label begins the table.
        (
            "Mor\nSusanne Holm\nBarn\nSofie Jensen",
            [("parent_name", "Susanne Holm"), ("child_name", "Sofie Jensen")],
        ),
        (
            "Barnets navn\nSofie Jensen\n\nMor\nSusanne Holm",
            [("child_name", "Sofie Jensen"), ("parent_name", "Susanne Holm")],
        ),
    ],
)
def test_a_table_of_names_and_roles_is_read_the_way_its_rows_go(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert kinds(text) == expected


def mention(text: str, name: str, nth: int = 0) -> Mention:
    """The model's mention of ``name``, at its ``nth`` occurrence in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return Mention(
        text=name,
        label="PER",
        kb_id=None,
        canonical=name,
        page=1,
        start=start,
        end=start + len(name),
    )


def test_two_people_on_one_line_keep_their_own_findings() -> None:
    """A full name of up to five capitalised words runs into the next person's ("Anne Mørk
    Mikkel Sørensen"): the child, a mention inside that span, was skipped as its part, and his
    name stayed visible on the next line."""
    text = (
        "Samtalen blev holdt af socialrådgiver Anne Mørk Mikkel Sørensen (9 år) deltog også.\n"
        "Bagefter siger Mikkel Sørensen, at han vil hjem."
    )
    people = [
        mention(text, "Anne Mørk"),
        mention(text, "Mikkel Sørensen"),
        mention(text, "Mikkel Sørensen", 1),
    ]
    findings = screen([(1, text)], people)
    assert ("child_name", "Mikkel Sørensen") in [(f.kind.value, f.text) for f in findings]
    keys = {finding_key(f.kind, f.text) for f in findings}
    assert "Mikkel Sørensen" not in redact(text, redaction_spans(text, keys))


def test_a_child_after_an_adults_name_on_one_line_is_a_childs() -> None:
    """ "Anne Mørk Drengen Mikkel Sørensen" was one span, an adult's: no finding at all."""
    text = "Socialrådgiver Anne Mørk Drengen Mikkel Sørensen er anbragt."
    people = [mention(text, "Anne Mørk"), mention(text, "Mikkel Sørensen")]
    assert [(f.kind.value, f.text) for f in screen([(1, text)], people)] == [
        ("child_name", "Mikkel Sørensen")
    ]
