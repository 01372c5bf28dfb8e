"""Held-out quality of the shipped entity pipeline, on the team's own sentences and on whole
documents out of domain: CI fails below these bars.

The bars are set a little under what the shipped model measured (nlp_models/model/scores.json),
so a change that makes entities worse fails here.
"""

import json

import pytest

from nlp_models.entities import EntityFinder, get_finder
from nlp_models.knowledge_base import load_knowledge_base
from nlp_models.pipeline import MODEL_DIR
from nlp_models.training.corpus import read_split
from nlp_models.training.evaluate import (
    DocumentScores,
    Scores,
    evaluate,
    evaluate_documents,
    render_ood,
)
from tests.quality import report
from vidensbank.settings import get_settings

# Shipped model, measured 2026-12-02: micro F1 0.943, linking 0.968 (434 test sentences); it was
# 0.911 and 0.956 before issue 13 (training pages in the users' genres, rules, a larger KB).
MICRO_F1_BAR = 0.92
LINKING_BAR = 0.955
LABEL_F1_BARS = {
    "PER": 0.91,
    "ORG": 0.93,
    "LOC": 0.85,
    "LAW": 0.92,
    "INITIATIVE": 0.88,
    "DATE": 0.97,
    "MONEY": 0.97,
}
# The rules and the knowledge base alone now find most of what the team's sentences hold (micro
# F1 0.933; the model 0.943); out of domain the model adds more (0.891 → 0.918). It must add to
# both.
MODEL_GAIN = 0.005
OOD_MODEL_GAIN = 0.02


@pytest.fixture(scope="module")
def scores() -> Scores:
    finder = EntityFinder(load_knowledge_base(get_settings().kb_dir), MODEL_DIR)
    scores = evaluate(finder, read_split("test"))
    report(
        "entities (held-out test split)",
        [
            f"micro F1 {scores.micro_f1:.3f}  P {scores.micro_precision:.3f}  "
            f"R {scores.micro_recall:.3f}  on {scores.sentences} sentences",
            f"linking accuracy {scores.linking_accuracy:.3f} on {scores.linked_mentions} mentions",
        ]
        + [
            f"{label:<11} F1 {s.f1:.3f}  P {s.precision:.3f}  R {s.recall:.3f}  n={s.support}"
            for label, s in scores.per_label.items()
        ],
    )
    return scores


def test_the_shipped_model_is_the_one_that_was_scored(scores: Scores) -> None:
    shipped = json.loads((MODEL_DIR / "scores.json").read_text(encoding="utf-8"))["test"]
    assert shipped["micro_f1"] == scores.micro_f1
    assert shipped["linking_accuracy"] == scores.linking_accuracy


def test_micro_f1_meets_the_bar(scores: Scores) -> None:
    assert scores.micro_f1 >= MICRO_F1_BAR


def test_linking_accuracy_meets_the_bar(scores: Scores) -> None:
    assert scores.linking_accuracy >= LINKING_BAR


@pytest.mark.parametrize("label", sorted(LABEL_F1_BARS))
def test_label_f1_meets_the_bar(scores: Scores, label: str) -> None:
    assert scores.per_label[label].f1 >= LABEL_F1_BARS[label]


def test_the_model_beats_the_rules_alone(scores: Scores) -> None:
    rules = evaluate(
        EntityFinder(load_knowledge_base(get_settings().kb_dir), None), read_split("test")
    )
    assert scores.micro_f1 >= rules.micro_f1 + MODEL_GAIN


# Out of domain: the 80 documents of data/ood/, data/ood2/ and data/ood3/ (each frozen before
# the tuning it judges), as users see them (bench/entities_ood.py). Document-level F1 on the
# first two sets (62 documents) before issue 13 (2026-12-01) → shipped (2026-12-02, session
# 12): micro 0.781 → 0.918, PER 0.648 → 0.903, ORG 0.823 → 0.914, LOC 0.768 → 0.887, LAW
# 0.861 → 0.972, INITIATIVE 0.503 → 0.738, DATE 0.852 → 0.959, MONEY 0.806 → 0.976; mention
# level micro 0.701 → 0.860. Sessions 14 and 17 (decided on the development sets): micro 0.927,
# PER 0.932, LOC 0.920, mention micro 0.867. Session 18 (a pool's title runs on in ordinary
# words; a programme in ordinary words is no person): INITIATIVE 0.738 → 0.772, micro 0.929.
# That rule's stops at a table's next cell, a line of chrome and a verb came after reading the
# first two sets' errors, so data/ood3/ (18 documents dense in initiatives) was written after
# it by an annotator who never saw it, and frozen before it was scored: there the session moved
# INITIATIVE 0.676 → 0.746 and micro 0.882 → 0.895. All 80 documents: micro 0.919, PER 0.929,
# ORG 0.908, LOC 0.923, LAW 0.966, INITIATIVE 0.757, DATE 0.959, MONEY 0.983, mention micro
# 0.861. The bars sit a little under the measurement, and at the goal for INITIATIVE.
OOD_MICRO_F1_BAR = 0.91
OOD_LABEL_F1_BARS = {
    "PER": 0.90,
    "ORG": 0.90,
    "LOC": 0.88,
    "LAW": 0.94,
    "INITIATIVE": 0.75,
    "DATE": 0.93,
    "MONEY": 0.94,
}
OOD_MENTION_MICRO_F1_BAR = 0.85


@pytest.fixture(scope="module")
def ood(tmp_path_factory: pytest.TempPathFactory) -> DocumentScores:
    rendered = tmp_path_factory.mktemp("ood")
    render_ood(rendered)
    scores = evaluate_documents(get_finder(get_settings().kb_dir), rendered)
    report(
        "entities (out of domain, 80 documents)",
        [f"{'label':<11} {'document F1':>11} {'P':>6} {'R':>6}   {'mention F1':>10}"]
        + [
            f"{label:<11} {d.f1:>11.3f} {d.precision:>6.3f} {d.recall:>6.3f}   "
            f"{scores.mention_level[label].f1:>10.3f}"
            for label, d in scores.document_level.items()
        ],
    )
    return scores


def test_out_of_domain_documents_are_all_scored(ood: DocumentScores) -> None:
    assert ood.documents == 80


def test_out_of_domain_micro_f1_meets_the_bar(ood: DocumentScores) -> None:
    assert ood.document_level["micro"].f1 >= OOD_MICRO_F1_BAR
    assert ood.mention_level["micro"].f1 >= OOD_MENTION_MICRO_F1_BAR


def test_the_model_adds_to_the_rules_out_of_domain(
    ood: DocumentScores, tmp_path_factory: pytest.TempPathFactory
) -> None:
    rendered = tmp_path_factory.mktemp("ood-rules")
    render_ood(rendered)
    rules = evaluate_documents(
        EntityFinder(load_knowledge_base(get_settings().kb_dir), None), rendered
    )
    assert ood.document_level["micro"].f1 >= rules.document_level["micro"].f1 + OOD_MODEL_GAIN


@pytest.mark.parametrize("label", sorted(OOD_LABEL_F1_BARS))
def test_out_of_domain_label_f1_meets_the_bar(ood: DocumentScores, label: str) -> None:
    assert ood.document_level[label].f1 >= OOD_LABEL_F1_BARS[label]
