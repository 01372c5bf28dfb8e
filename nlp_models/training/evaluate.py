"""Scores of the entity pipeline: on annotated sentences (per label P/R/F1, micro F1, linking)
and on whole out-of-domain documents as users see them.

A predicted entity counts only when its span and label match the gold entity exactly. Linking
accuracy is end to end: of the gold mentions that have a knowledge-base id, the share that the
pipeline found with exactly that span and linked to that id.
"""

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ingest.extract.registry import extract
from ingest.language import document_languages
from nlp_models.entities import EntityFinder
from nlp_models.mentions import Mention
from nlp_models.training.corpus import DATA_DIR, LABELS, Sentence


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


# The out-of-domain test sets (frozen; never trained on), rendered by the first set's script.
OOD_SETS = (DATA_DIR / "ood", DATA_DIR / "ood2", DATA_DIR / "ood3")
OOD_RENDERER = DATA_DIR / "ood" / "render.py"


class DocumentScores(BaseModel):
    """Scores on whole documents. ``document_level``: each distinct entity of a document once,
    as a user sees the list on its page (matched as ``_count_entities`` says), found in the
    document as ingest reads it (the PDF where there is one, else the HTML page).
    ``mention_level``: every mention in the gold's plain text, right when its span and label
    match. Both micro-averaged over all documents; ``micro`` is all labels together."""

    documents: int
    document_level: dict[str, LabelScore]
    mention_level: dict[str, LabelScore]


def render_ood(out: Path, sets: Sequence[Path] = OOD_SETS) -> None:
    """Write the out-of-domain sets' renderings and gold lists into ``out``."""
    for source in sets:
        subprocess.run(
            [sys.executable, str(OOD_RENDERER), "--src", str(source), "--out", str(out)],
            check=True,
            capture_output=True,
        )


def evaluate_documents(finder: EntityFinder, rendered: Path) -> DocumentScores:
    """Score the finder on rendered documents (``render_ood``)."""
    documents: dict[str, Counter[str]] = {label: Counter() for label in LABELS}
    mentions: dict[str, Counter[str]] = {label: Counter() for label in LABELS}
    golds = sorted(rendered.glob("*.gold.json"))
    for gold_path in golds:
        gold: dict[str, Any] = json.loads(gold_path.read_text(encoding="utf-8"))
        rendering = "pdf" if "pdf" in gold["renderings"] else "html"
        path = rendered / f"{gold['slug']}.{rendering}"
        pages = [(page.number, page.text) for page in extract(path.read_bytes(), path.name).pages]
        # The pages in English, as ingest tells them.
        _, languages = document_languages([text for _, text in pages])
        english = {
            number for (number, _), lang in zip(pages, languages, strict=True) if lang == "en"
        }
        _count_entities(finder.find_in_pages(pages, english), gold["entities"], documents)
        in_english = {1} if document_languages([gold["text"]])[0] == "en" else set()
        _count(
            {
                (m.label, f"{m.start}:{m.end}")
                for m in finder.find_in_pages([(1, gold["text"])], in_english)
            },
            {(m["label"], f"{m['start']}:{m['end']}") for m in gold["mentions"]},
            mentions,
        )
    return DocumentScores(
        documents=len(golds),
        document_level=_table(documents),
        mention_level=_table(mentions),
    )


def _count_entities(
    found: list[Mention], gold: list[dict[str, Any]], counts: dict[str, Counter[str]]
) -> None:
    """Match a document's distinct entities. A gold entity with a record is found when an
    entity linked to that record is; one without a record (the record may have come later)
    when an entity with its label is written the same way, linked or not."""
    wanted = {
        (e["label"], ("id", e["kb_id"]) if e["kb_id"] else ("text", _norm(e["text"]))) for e in gold
    }
    entities: dict[tuple[str, tuple[str, str]], set[tuple[str, str]]] = {}
    for mention in found:
        key = ("id", mention.kb_id) if mention.kb_id else ("text", _norm(mention.text))
        entities.setdefault((mention.label, key), {key}).add(("text", _norm(mention.text)))
    matched: set[tuple[str, tuple[str, str]]] = set()
    for (label, _key), forms in entities.items():
        hits = {(label, form) for form in forms} & wanted
        if hits:
            matched |= hits
        else:
            counts[label]["fp"] += 1
    for label, _form in matched:
        counts[label]["tp"] += 1
    for label, _form in wanted - matched:
        counts[label]["fn"] += 1


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _count(
    found: set[tuple[str, str]], gold: set[tuple[str, str]], counts: dict[str, Counter[str]]
) -> None:
    for label, _ in found & gold:
        counts[label]["tp"] += 1
    for label, _ in found - gold:
        counts[label]["fp"] += 1
    for label, _ in gold - found:
        counts[label]["fn"] += 1


def _table(counts: dict[str, Counter[str]]) -> dict[str, LabelScore]:
    total: Counter[str] = Counter()
    for label in LABELS:
        total.update(counts[label])
    table = {}
    for key, c in {"micro": total, **counts}.items():
        p, r, f = _prf(c["tp"], c["fp"], c["fn"])
        table[key] = LabelScore(
            precision=round(p, 4), recall=round(r, 4), f1=round(f, 4), support=c["tp"] + c["fn"]
        )
    return table
