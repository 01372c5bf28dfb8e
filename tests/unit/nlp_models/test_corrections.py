"""Curators' entity corrections on the mentions the pipeline found: each kind of correction,
applied again after the text or the model changed, and anchors that are lost."""

import re

import pytest

from nlp_models.corrections import apply_corrections, occurrences
from nlp_models.knowledge_base import KBRecord, KnowledgeBase
from nlp_models.mentions import Mention, summarize
from nlp_models.training.corpus import parse_line
from nlp_models.training.export import training_lines
from vidensbank.store.corrections import EntityAction, EntityCorrection

PAGE_1 = "Boks 5.1 Eksempel\nAnkestyrelsen og Lise Holm fra Aarhus Kommune talte med drengen."
PAGE_2 = "Ankestyrelsen skrev til Socialtilsyn Midt om sagen."
PAGES = {1: PAGE_1, 2: PAGE_2}
KB = KnowledgeBase(
    [
        KBRecord(id="org.ankestyrelsen", type="ORG", name="Ankestyrelsen"),
        KBRecord(id="org.socialtilsyn-midt", type="ORG", name="Socialtilsyn Midt"),
        KBRecord(id="loc.aarhus-kommune", type="ORG", name="Aarhus Kommune"),
    ]
)


def mention(text: str, label: str, page: int = 1, kb_id: str | None = None) -> Mention:
    start = PAGES[page].index(text)
    canonical = KB.records[kb_id].name if kb_id else text
    return Mention(
        text=text,
        label=label,
        kb_id=kb_id,
        canonical=canonical,
        page=page,
        start=start,
        end=start + len(text),
    )


FOUND = [
    mention("Boks 5.1 Eksempel", "PER"),
    mention("Ankestyrelsen", "ORG", kb_id="org.ankestyrelsen"),
    mention("Lise Holm", "PER"),
    mention("Aarhus Kommune", "LOC"),
    mention("Ankestyrelsen", "ORG", page=2, kb_id="org.ankestyrelsen"),
]


def fix(
    number: int, action: EntityAction, page: int, label: str, key: str, text: str, **changes: str
) -> EntityCorrection:
    return EntityCorrection(
        id=number, page=page, label=label, key=key, text=text, action=action, **changes
    )


def names(mentions: list[Mention]) -> set[tuple[str, str, str | None, int]]:
    return {(m.text, m.label, m.kb_id, m.page) for m in mentions}


def test_each_kind_of_correction() -> None:
    corrections = [
        fix(1, EntityAction.REJECT, 1, "PER", "boks 5.1 eksempel", "Boks 5.1 Eksempel"),
        fix(
            2,
            EntityAction.LINK,
            1,
            "LOC",
            "aarhus kommune",
            "Aarhus Kommune",
            new_kb_id="loc.aarhus-kommune",
        ),
        fix(3, EntityAction.RELABEL, 1, "PER", "lise holm", "Lise Holm", new_label="ORG"),
        fix(
            4,
            EntityAction.ADD,
            2,
            "ORG",
            "socialtilsyn midt",
            "Socialtilsyn Midt",
            new_kb_id="org.socialtilsyn-midt",
        ),
    ]
    corrected, lost = apply_corrections(FOUND, PAGES, corrections, KB)
    assert lost == set()
    assert names(corrected) == {
        ("Ankestyrelsen", "ORG", "org.ankestyrelsen", 1),
        ("Lise Holm", "ORG", None, 1),
        ("Aarhus Kommune", "ORG", "loc.aarhus-kommune", 1),
        ("Ankestyrelsen", "ORG", "org.ankestyrelsen", 2),
        ("Socialtilsyn Midt", "ORG", "org.socialtilsyn-midt", 2),
    }
    added = next(m for m in corrected if m.text == "Socialtilsyn Midt")
    assert PAGE_2[added.start : added.end] == "Socialtilsyn Midt"
    linked = next(m for m in corrected if m.kb_id == "loc.aarhus-kommune")
    assert linked.canonical == "Aarhus Kommune"
    # The entity list groups the corrected mentions as it groups the pipeline's.
    assert {(s.canonical, s.label) for s in summarize(corrected)} >= {("Socialtilsyn Midt", "ORG")}


def test_a_correction_holds_when_the_model_no_longer_finds_the_entity() -> None:
    """A new model that misses "Aarhus Kommune": the curator's link still makes it one."""
    without = [m for m in FOUND if m.text != "Aarhus Kommune"]
    link = fix(
        1,
        EntityAction.LINK,
        1,
        "LOC",
        "aarhus kommune",
        "Aarhus Kommune",
        new_kb_id="loc.aarhus-kommune",
    )
    corrected, lost = apply_corrections(without, PAGES, [link], KB)
    assert lost == set()
    assert ("Aarhus Kommune", "ORG", "loc.aarhus-kommune", 1) in names(corrected)


def test_corrections_hold_when_the_pipeline_names_the_words_otherwise() -> None:
    """A new model calls "Boks 5.1 Eksempel" an organisation, and a knowledge-base edit links
    "Aarhus Kommune" to a record: the curator's rejection and link still decide."""
    found = [
        mention("Boks 5.1 Eksempel", "ORG"),
        mention("Aarhus Kommune", "ORG", kb_id="loc.aarhus-kommune"),
    ]
    corrections = [
        fix(1, EntityAction.REJECT, 1, "PER", "boks 5.1 eksempel", "Boks 5.1 Eksempel"),
        fix(2, EntityAction.RELABEL, 1, "LOC", "aarhus kommune", "Aarhus Kommune", new_label="LOC"),
    ]
    corrected, lost = apply_corrections(found, PAGES, corrections, KB)
    assert lost == set()
    assert names(corrected) == {("Aarhus Kommune", "LOC", None, 1)}


@pytest.mark.parametrize(
    "page",
    [
        "Socialtilsyn Midt skrev til Socialtilsynet.",
        # Its genitive came back after the merge: only the words as made were found again.
        "Socialtilsyn Midt skrev. Socialtilsyn Midts svar kom til Socialtilsynet.",
    ],
)
def test_a_correction_follows_its_words_when_a_merge_links_them_elsewhere(page: str) -> None:
    """Made on "Socialtilsyn Midt" (its own record), which curators later merged into another:
    the pipeline links the words to that one now, and the rejection still finds them and their
    genitive; the record's other mentions on the page stay."""
    merged = KnowledgeBase(
        [KBRecord(id="org.tilsyn", type="ORG", name="Socialtilsynet")],
        merged={"org.socialtilsyn-midt": "org.tilsyn"},
    )
    found = [
        Mention(
            text=match.group(),
            label="ORG",
            kb_id="org.tilsyn",
            canonical="Socialtilsynet",
            page=2,
            start=match.start(),
            end=match.end(),
        )
        for match in re.finditer(r"Socialtilsyn(?: Midts?|et)", page)
    ]
    reject = fix(3, EntityAction.REJECT, 2, "ORG", "org.socialtilsyn-midt", "Socialtilsyn Midt")
    corrected, lost = apply_corrections(found, {2: page}, [reject], merged)
    assert [m.text for m in corrected] == ["Socialtilsynet"] and lost == set()


def test_a_correction_on_one_entity_leaves_the_same_words_under_another() -> None:
    """ "Holbæk" as a place and as an organisation on one page: rejecting the organisation
    keeps the place."""
    page = "Holbæk ligger ved fjorden, og Holbæk har svaret."
    found = [
        Mention(text="Holbæk", label="LOC", kb_id=None, canonical="Holbæk", page=1, start=0, end=6),
        Mention(
            text="Holbæk", label="ORG", kb_id=None, canonical="Holbæk", page=1, start=30, end=36
        ),
    ]
    reject = fix(4, EntityAction.REJECT, 1, "ORG", "holbæk", "Holbæk")
    corrected, _lost = apply_corrections(found, {1: page}, [reject], KB)
    assert [(m.label, m.start) for m in corrected] == [("LOC", 0)]


def test_a_new_type_keeps_a_record_of_that_type() -> None:
    page = "Ankestyrelsen svarede."
    linked = Mention(
        text="Ankestyrelsen",
        label="ORG",
        kb_id="org.ankestyrelsen",
        canonical="Ankestyrelsen",
        page=1,
        start=0,
        end=13,
    )
    relabel = fix(
        5, EntityAction.RELABEL, 1, "LOC", "ankestyrelsen", "Ankestyrelsen", new_label="ORG"
    )
    corrected, _lost = apply_corrections([linked], {1: page}, [relabel], KB)
    assert names(corrected) == {("Ankestyrelsen", "ORG", "org.ankestyrelsen", 1)}


def test_a_lost_anchor_is_reported_and_changes_nothing() -> None:
    """The page was rewritten: the name is neither found nor written there any more."""
    rewritten = {1: "Ankestyrelsen talte med drengen.", 2: PAGE_2}
    found = [mention("Ankestyrelsen", "ORG", page=2, kb_id="org.ankestyrelsen")]
    corrections = [
        fix(7, EntityAction.REJECT, 1, "PER", "lise holm", "Lise Holm"),
        fix(
            8, EntityAction.ADD, 1, "ORG", "socialtilsyn midt", "Socialtilsyn Midt", new_label="ORG"
        ),
        fix(
            9,
            EntityAction.LINK,
            2,
            "ORG",
            "org.ankestyrelsen",
            "Ankestyrelsen",
            new_kb_id="org.findes-ikke",
        ),
    ]
    corrected, lost = apply_corrections(found, rewritten, corrections, KB)
    assert lost == {7, 8, 9}
    assert corrected == found


def test_words_are_found_whole_in_any_case_across_lines() -> None:
    assert occurrences("Se Aarhus\nKommune og aarhus kommunes plan.", "Aarhus Kommune") == [(3, 17)]
    assert occurrences("tekst", "   ") == []


def test_corrected_sentences_become_training_lines() -> None:
    """The sentences a correction touches, marked as corrected, read back by the training
    corpus's parser; sentences no correction touches are left out."""
    corrections = [
        fix(1, EntityAction.REJECT, 1, "PER", "boks 5.1 eksempel", "Boks 5.1 Eksempel"),
        fix(
            2, EntityAction.ADD, 2, "ORG", "socialtilsyn midt", "Socialtilsyn Midt", new_label="ORG"
        ),
    ]
    corrected, _lost = apply_corrections(FOUND, PAGES, corrections, KB)
    first = training_lines(1, PAGE_1, corrected, corrections)
    second = training_lines(2, PAGE_2, corrected, corrections)
    assert first == ["Boks 5.1 Eksempel"]  # rejected: the words stand unmarked
    assert second == [
        "[[Ankestyrelsen|ORG|org.ankestyrelsen]] skrev til [[Socialtilsyn Midt|ORG]] om sagen."
    ]
    sentence = parse_line(second[0])
    assert sentence.text == PAGE_2
    assert [(PAGE_2[e.start : e.end], e.label) for e in sentence.entities] == [
        ("Ankestyrelsen", "ORG"),
        ("Socialtilsyn Midt", "ORG"),
    ]


def test_an_added_name_replaces_the_shorter_name_found_inside_it() -> None:
    """A curator's added name over a span the pipeline cut short ("Mette Holm" of
    "Anne-Mette Holm") changed nothing, and was not reported."""
    page = "Anne-Mette Holm talte med drengen."
    short = Mention(
        text="Mette Holm", label="PER", kb_id=None, canonical="Mette Holm", page=1, start=5, end=15
    )
    add = fix(4, EntityAction.ADD, 1, "PER", "anne-mette holm", "Anne-Mette Holm", new_label="PER")
    corrected, lost = apply_corrections([short], {1: page}, [add], KB)
    assert [(m.text, m.label, m.start, m.end) for m in corrected] == [
        ("Anne-Mette Holm", "PER", 0, 15)
    ]
    assert lost == set()


def test_words_inside_an_address_or_an_abbreviation_in_lower_case_are_not_the_name() -> None:
    """Linking "SFI" to another record made a mention of the "sfi" in a report's web address
    ("nævnt 8 gange" where the text names it 7 times)."""
    page = "SFI skrev den. Hent den på https://www.vive.dk/sfi-2012 eller skriv til sfi@vive.dk."
    assert occurrences(page, "SFI") == [(0, 3)]
    assert occurrences("Kilde: SFI. Se også SFI's rapport.", "SFI") == [(7, 10), (20, 23)]
    assert occurrences("BØRNS VILKÅR og Børns Vilkår", "Børns Vilkår") == [(0, 12), (16, 28)]
    # A name beside a slash is still the name.
    assert occurrences("udgivet af SFI/VIVE", "VIVE") == [(15, 19)]
    assert occurrences("KL/Danske Regioner", "Danske Regioner") == [(3, 18)]
    assert occurrences("Se vive.dk/sfi eller SFI.", "SFI") == [(21, 24)]
