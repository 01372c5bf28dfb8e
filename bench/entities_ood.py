"""The entity pipeline on the out-of-domain test set, as users see its documents.

    .venv/bin/python bench/entities_ood.py

Renders `nlp_models/training/data/ood/` (HTML pages, and PDFs for the documents that have
them), reads each file through the same extraction as ingest and finds its entities, then
scores them against the annotator's gold:

- document level: each distinct entity of a document once (a linked entity by its record, an
  unlinked one by its label and lower-cased text), micro-averaged over all documents;
- mention level: the finder run on the gold's plain text (chrome included), a mention right when
  its label and exact span match.

Prints a JSON line and a table per label. A measurement, not a test: the bars belong to the
entities issue.
"""

import json
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ingest.extract import extract
from nlp_models.entities import get_finder
from vidensbank.settings import get_settings

OOD = Path(__file__).resolve().parent.parent / "nlp_models" / "training" / "data" / "ood"
LABELS = ("PER", "ORG", "LOC", "LAW", "INITIATIVE", "DATE", "MONEY")

Key = tuple[str, str]


def entity_key(label: str, kb_id: str | None, text: str) -> Key:
    return (label, kb_id or " ".join(text.lower().split()))


def scores(found: Iterable[Key], gold: Iterable[Key], counts: dict[str, Counter[str]]) -> None:
    found_set, gold_set = set(found), set(gold)
    for label, _ in found_set & gold_set:
        counts[label]["tp"] += 1
    for label, _ in found_set - gold_set:
        counts[label]["fp"] += 1
    for label, _ in gold_set - found_set:
        counts[label]["fn"] += 1


def table(counts: dict[str, Counter[str]]) -> dict[str, dict[str, float]]:
    def f1(c: Counter[str]) -> dict[str, float]:
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"f1": round(f, 3), "p": round(precision, 3), "r": round(recall, 3)}

    total: Counter[str] = Counter()
    for label in LABELS:
        total.update(counts[label])
    return {"micro": f1(total)} | {label: f1(counts[label]) for label in LABELS}


def main() -> None:
    finder = get_finder(get_settings().kb_dir)
    documents: dict[str, Counter[str]] = {label: Counter() for label in LABELS}
    mentions: dict[str, Counter[str]] = {label: Counter() for label in LABELS}
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, str(OOD / "render.py"), "--out", tmp], check=True, capture_output=True
        )
        for gold_path in sorted(Path(tmp).glob("*.gold.json")):
            gold: dict[str, Any] = json.loads(gold_path.read_text(encoding="utf-8"))
            slug = gold["slug"]
            rendering = "pdf" if "pdf" in gold["renderings"] else "html"
            path = Path(tmp) / f"{slug}.{rendering}"
            pages = [(p.number, p.text) for p in extract(path.read_bytes(), path.name).pages]
            found = finder.find_in_pages(pages)
            scores(
                (entity_key(m.label, m.kb_id, m.text) for m in found),
                (entity_key(e["label"], e["kb_id"], e["text"]) for e in gold["entities"]),
                documents,
            )
            spans = finder.find_in_pages([(1, gold["text"])])
            scores(
                ((m.label, f"{m.start}:{m.end}") for m in spans),
                ((m["label"], f"{m['start']}:{m['end']}") for m in gold["mentions"]),
                mentions,
            )
    report = {"document_level": table(documents), "mention_level": table(mentions)}
    print(json.dumps(report, ensure_ascii=False))
    print(
        f"{'label':<11} {'document F1':>11} {'P':>6} {'R':>6}   {'mention F1':>10}", file=sys.stderr
    )
    for label in ("micro", *LABELS):
        d, m = report["document_level"][label], report["mention_level"][label]
        print(
            f"{label:<11} {d['f1']:>11.3f} {d['p']:>6.3f} {d['r']:>6.3f}   {m['f1']:>10.3f}",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
