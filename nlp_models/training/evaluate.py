"""Scores of the entity pipeline on annotated sentences: per label P/R/F1, micro F1, linking.

A predicted entity counts only when its span and label match the gold entity exactly. Linking
accuracy is end to end: of the gold mentions that have a knowledge-base id, the share that the
pipeline found with exactly that span and linked to that id.
"""

from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel

from nlp_models.entities import EntityFinder
from nlp_models.training.corpus import LABELS, Sentence


class LabelScore(BaseModel):
    precision: float
    recall: float
    f1: float
    support: int


class Scores(BaseModel):
    sentences: int
    micro_f1: float
    micro_precision: float
    micro_recall: float
    per_label: dict[str, LabelScore]
    linking_accuracy: float
    linked_mentions: int


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(finder: EntityFinder, sentences: Iterable[Sentence]) -> Scores:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    linked_total = linked_right = count = 0
    for sentence in sentences:
        count += 1
        mentions = finder.find(sentence.text)
        predicted = {(m.start, m.end, m.label): m.kb_id for m in mentions}
        gold = {(e.start, e.end, e.label): e.kb_id for e in sentence.entities}
        for key in predicted.keys() & gold.keys():
            tp[key[2]] += 1
        for key in predicted.keys() - gold.keys():
            fp[key[2]] += 1
        for key in gold.keys() - predicted.keys():
            fn[key[2]] += 1
        by_span = {(m.start, m.end): m.kb_id for m in mentions}
        for entity in sentence.entities:
            if entity.kb_id:
                linked_total += 1
                linked_right += by_span.get((entity.start, entity.end)) == entity.kb_id
    per_label = {}
    for label in LABELS:
        p, r, f = _prf(tp[label], fp[label], fn[label])
        per_label[label] = LabelScore(
            precision=round(p, 4),
            recall=round(r, 4),
            f1=round(f, 4),
            support=tp[label] + fn[label],
        )
    p, r, f = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return Scores(
        sentences=count,
        micro_f1=round(f, 4),
        micro_precision=round(p, 4),
        micro_recall=round(r, 4),
        per_label=per_label,
        linking_accuracy=round(linked_right / linked_total, 4) if linked_total else 0.0,
        linked_mentions=linked_total,
    )
