"""The out-of-domain entity test sets are frozen, and all OOD pools are well-formed.

``nlp_models/training/data/ood/`` was written and annotated by an independent annotator before
any tuning (2026-12-01): its sources, its guidelines and its render script are fixed by the
checksum below. ``data/ood2/`` is a second test set of 36 documents, written and annotated the
same way by the same rules (``ood/GUIDELINES.md``, rendered by ``ood/render.py``); its sources
are fixed by a checksum of their own. ``data/ood3/`` is a third, of 18 documents dense in named
initiatives, written the same way on 2026-12-03 after session 18's pool-title rule was made
(the first two sets had been read for it) and before anything was scored on it; frozen
likewise. ``data/ood_train/`` is a separate pool in the same format that may be trained on,
and ``data/ood_dev/`` and ``data/ood_dev2/`` ones that tuning is measured on (never trained
on; the second written at ordinary pages' density, not steered to any label); they are checked
for format only.
"""

import hashlib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from nlp_models.training.corpus import LABELS, parse_line
from tests.helpers import PROJECT_ROOT

DATA = PROJECT_ROOT / "nlp_models" / "training" / "data"
OOD = DATA / "ood"
OOD2 = DATA / "ood2"
OOD3 = DATA / "ood3"
OOD_TRAIN = DATA / "ood_train"
OOD_DEV = DATA / "ood_dev"
OOD_DEV2 = DATA / "ood_dev2"
KB_DIR = PROJECT_ROOT / "nlp_models" / "kb"

# SHA-256 over the frozen files (see frozen_files), recorded when the set was frozen.
FROZEN_SHA256 = "56f70ee377a2b6dd2c6471fd33ae7f31784ae265d425f0d12b818454a3ef96fa"
FROZEN_DOCUMENTS = 26

# SHA-256 over the sources of the second test set (its *.txt files), recorded when it was frozen.
FROZEN2_SHA256 = "706aa0b49cf5228225bd53542e41f07c3903e6c19f1bc03e8dbaf841d07c7012"
FROZEN2_DOCUMENTS = 36

# The same for the third test set.
FROZEN3_SHA256 = "d2aa3e4b4cb366f6c939ccfea49db2013aa5e012b5a6b0aa78f8a9ecc24aeec9"
FROZEN3_DOCUMENTS = 18

TEST_SETS = [OOD, OOD2, OOD3]
TEST_SET_IDS = ["ood", "ood2", "ood3"]
POOLS = [OOD, OOD2, OOD3, OOD_TRAIN, OOD_DEV, OOD_DEV2]
POOL_IDS = ["ood", "ood2", "ood3", "ood_train", "ood_dev", "ood_dev2"]

PREFIX_LABEL = {"org": "ORG", "loc": "LOC", "law": "LAW", "ini": "INITIATIVE", "per": "PER"}


def frozen_files() -> list[Path]:
    """The files that define the test set: the annotated sources, the guidelines, the renderer."""
    return [*sorted(OOD.glob("*.txt")), OOD / "GUIDELINES.md", OOD / "render.py"]


def checksum(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@pytest.fixture(scope="module")
def render() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ood_render", OOD / "render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["ood_render"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def kb_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for path in sorted(KB_DIR.glob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")):
            labels[record["id"]] = record["type"]
    return labels


def source_lines(folder: Path) -> list[tuple[str, str]]:
    """(where, line) for every text line of every source file: not blank, not ``#``."""
    lines = []
    for path in sorted(folder.glob("*.txt")):
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = raw.strip()
            if line and not line.startswith("#"):
                lines.append((f"{path.name}:{number}", line))
    return lines


def test_the_ood_test_set_is_frozen() -> None:
    files = frozen_files()
    assert len(files) == FROZEN_DOCUMENTS + 2, (
        f"{OOD} holds {len(files) - 2} documents, not {FROZEN_DOCUMENTS}: the out-of-domain "
        "test set is frozen. Do not add, remove or edit documents; a change needs a new set."
    )
    assert checksum(files) == FROZEN_SHA256, (
        f"The out-of-domain test set in {OOD} (sources, GUIDELINES.md, render.py) is frozen: it "
        "was written and annotated before tuning and is the fixed yardstick for it. Its checksum "
        "no longer matches. Restore the files; a change to the set needs a new set (a new "
        "folder, annotated independently, with its own checksum), never an edit of this one."
    )


@pytest.mark.parametrize(
    ("folder", "documents", "sha256"),
    [(OOD2, FROZEN2_DOCUMENTS, FROZEN2_SHA256), (OOD3, FROZEN3_DOCUMENTS, FROZEN3_SHA256)],
    ids=["ood2", "ood3"],
)
def test_the_later_ood_test_sets_are_frozen(folder: Path, documents: int, sha256: str) -> None:
    # The later sets are fixed by their annotated sources alone (*.txt): their rules and
    # renderer are the first set's, frozen with it.
    sources = sorted(folder.glob("*.txt"))
    assert len(sources) == documents, (
        f"{folder} holds {len(sources)} documents, not {documents}: an out-of-domain test set "
        "is frozen. Do not add, remove or edit documents; a change needs a new set."
    )
    assert checksum(sources) == sha256, (
        f"The out-of-domain test set in {folder} (its *.txt sources) is frozen: it was written "
        "and annotated before tuning and is part of the fixed yardstick for it. Its checksum "
        "no longer matches. Restore the files; a change to the set needs a new set, never an "
        "edit of this one."
    )


@pytest.mark.parametrize(("one", "other"), [(OOD, OOD2), (OOD, OOD3), (OOD2, OOD3)])
def test_the_test_sets_hold_different_documents(one: Path, other: Path, render: ModuleType) -> None:
    first = render.read_documents(one)
    second = render.read_documents(other)
    assert not {d.slug for d in first} & {d.slug for d in second}
    assert not {d.title for d in first} & {d.title for d in second}


@pytest.mark.parametrize("folder", POOLS, ids=POOL_IDS)
def test_every_line_parses_with_the_corpus_parser(folder: Path, render: ModuleType) -> None:
    lines = source_lines(folder)
    assert lines
    for where, line in lines:
        sentence = parse_line(line, where)
        ours = render.parse_markup(line)
        assert sentence.text == ours.text, where
        assert [(e.start, e.end, e.label, e.kb_id) for e in sentence.entities] == [
            (m.start, m.end, m.label, m.kb_id) for m in ours.mentions
        ], where
        for entity in sentence.entities:
            assert entity.label in LABELS, where


@pytest.mark.parametrize("folder", POOLS, ids=POOL_IDS)
def test_documents_follow_the_section_format(folder: Path, render: ModuleType) -> None:
    documents = render.read_documents(folder)
    assert documents
    for document in documents:
        kinds = [section.kind for section in document.sections]
        assert "title" in kinds, document.slug
        assert any(kind.startswith("chrome-") for kind in kinds), document.slug
        for section in document.sections:
            if section.chrome:
                assert all(not line.mentions for line in section.lines), document.slug
        if document.pdf:
            assert document.running_header, document.slug


@pytest.mark.parametrize("folder", POOLS, ids=POOL_IDS)
def test_every_kb_id_exists_with_the_label_of_its_record(
    folder: Path, kb_labels: dict[str, str]
) -> None:
    for where, line in source_lines(folder):
        for entity in parse_line(line, where).entities:
            if entity.kb_id is None:
                continue
            assert entity.kb_id in kb_labels, f"{where}: no KB record {entity.kb_id}"
            assert kb_labels[entity.kb_id] == entity.label, f"{where}: {entity.kb_id}"
            assert PREFIX_LABEL[entity.kb_id.split(".")[0]] == entity.label, where


@pytest.mark.parametrize(
    "pool", [OOD_TRAIN, OOD_DEV, OOD_DEV2], ids=["ood_train", "ood_dev", "ood_dev2"]
)
@pytest.mark.parametrize("test_set", TEST_SETS, ids=TEST_SET_IDS)
def test_the_training_and_tuning_pools_are_separate_from_the_test_sets(
    test_set: Path, pool: Path, render: ModuleType
) -> None:
    test_docs = render.read_documents(test_set)
    train_docs = render.read_documents(pool)
    assert not {d.slug for d in test_docs} & {d.slug for d in train_docs}

    def content(documents: list[Any]) -> set[str]:
        return {
            line.text
            for document in documents
            for section in document.sections
            if not section.chrome
            for line in section.lines
            # A sentence, not a name that both may hold ("Børne- og Undervisningsministeriet").
            if len(line.text) > 30 and len(line.text.split()) > 5
        }

    assert not content(test_docs) & content(train_docs)


@pytest.mark.parametrize(
    ("test_set", "min_pdfs"), [(OOD, 10), (OOD2, 15), (OOD3, 7)], ids=TEST_SET_IDS
)
def test_render_writes_pages_and_gold_deterministically(
    test_set: Path, min_pdfs: int, render: ModuleType, tmp_path: Path
) -> None:
    documents = render.render_all(test_set, tmp_path / "a")
    render.render_all(test_set, tmp_path / "b")
    for document in documents:
        html = (tmp_path / "a" / f"{document.slug}.html").read_text(encoding="utf-8")
        assert "<main>" in html and "<nav" in html
        gold = json.loads((tmp_path / "a" / f"{document.slug}.gold.json").read_text("utf-8"))
        for mention in gold["mentions"]:
            assert gold["text"][mention["start"] : mention["end"]] == mention["text"]
        assert {(e["text"], e["label"], e["kb_id"]) for e in gold["entities"]} == {
            (m["text"], m["label"], m["kb_id"]) for m in gold["mentions"]
        }
        if document.pdf:
            pdf = (tmp_path / "a" / f"{document.slug}.pdf").read_bytes()
            assert pdf.startswith(b"%PDF")
            assert pdf == (tmp_path / "b" / f"{document.slug}.pdf").read_bytes()
    assert sum(d.pdf for d in documents) >= min_pdfs
