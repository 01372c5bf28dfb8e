"""Curators' edits applied on top of the knowledge base's YAML records."""

from nlp_models.knowledge_base import FormerName, KBRecord, apply_edits
from nlp_models.linking import Linker

SEED = [
    KBRecord(id="org.born-og-unge", type="ORG", name="Børn og Unge", aliases=["BU"]),
    KBRecord(id="org.bu-forvaltningen", type="ORG", name="Børne- og Ungdomsforvaltningen"),
    KBRecord(
        id="org.vive",
        type="ORG",
        name="VIVE",
        successor_of=["org.sfi"],
        former_names=[FormerName(name="SFI")],
    ),
    KBRecord(id="org.afdeling", type="ORG", name="Afdelingen", parent="org.bu-forvaltningen"),
]


def test_no_edits_leave_the_seed_as_it_is() -> None:
    kb = apply_edits(SEED, [])
    assert kb.records == {record.id: record for record in SEED} and kb.merged == {}


def test_aliases_and_former_names_are_names_the_linker_knows() -> None:
    kb = apply_edits(
        SEED,
        [
            ("org.vive", "alias", "Det Nationale Forsknings- og Analysecenter for Velfærd"),
            ("org.vive", "former_name", "KORA"),
            ("org.vive", "alias", "VIVE"),  # already its name: nothing changes
        ],
    )
    vive = kb.records["org.vive"]
    assert vive.aliases == ["Det Nationale Forsknings- og Analysecenter for Velfærd"]
    assert [former.name for former in vive.former_names] == ["SFI", "KORA"]
    linker = Linker(kb)
    assert (record := linker.link("KORA", "ORG")) is not None and record.id == "org.vive"
    # The seed records themselves are not changed.
    assert SEED[2].aliases == [] and len(SEED[2].former_names) == 1


def test_a_merged_record_becomes_the_other_and_its_id_still_finds_it() -> None:
    kb = apply_edits(SEED, [("org.bu-forvaltningen", "merge", "org.born-og-unge")])
    assert "org.bu-forvaltningen" not in kb.records
    merged = kb.get("org.bu-forvaltningen")
    assert merged is not None and merged.id == "org.born-og-unge"
    assert merged.aliases == ["BU", "Børne- og Ungdomsforvaltningen"]
    assert kb.records["org.afdeling"].parent == "org.born-og-unge"
    record = Linker(kb).link("Børne- og Ungdomsforvaltningen", "ORG")
    assert record is not None and record.id == "org.born-og-unge"


def test_merges_chain_and_edits_of_missing_records_change_nothing() -> None:
    kb = apply_edits(
        SEED,
        [
            ("org.afdeling", "merge", "org.bu-forvaltningen"),
            ("org.bu-forvaltningen", "merge", "org.born-og-unge"),
            ("org.findes-ikke", "alias", "Noget"),
            ("org.vive", "merge", "org.findes-ikke"),
            ("org.vive", "merge", "org.vive"),
        ],
    )
    assert set(kb.records) == {"org.born-og-unge", "org.vive"}
    found = kb.get("org.afdeling")
    assert found is not None and found.id == "org.born-og-unge"
