"""The entity pipeline on the out-of-domain test sets, as users see their documents.

    .venv/bin/python bench/entities_ood.py

Renders `nlp_models/training/data/ood/`, `ood2/` and `ood3/` (80 documents: HTML pages, and
PDFs for those that have them), reads each file through the same extraction as ingest and finds
its entities, then scores them against the annotators' gold with
`nlp_models.training.evaluate.evaluate_documents`: at document level (each distinct entity of a
document once, as on its page) and at mention level (exact span and label in the gold's plain
text). Prints a JSON object (all sets together, and each set's document-level F1 by label) and a
table per label; the CI bars are in `tests/unit/nlp_models/test_entity_quality.py`.
"""

import argparse
import datetime
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from nlp_models.entities import get_finder
from nlp_models.training.corpus import LABELS
from nlp_models.training.evaluate import OOD_SETS, evaluate_documents, render_ood
from vidensbank.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    # No options: --help says what it does rather than running it.
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    finder = get_finder(get_settings().kb_dir)
    with tempfile.TemporaryDirectory() as tmp:
        render_ood(Path(tmp))
        scores = evaluate_documents(finder, Path(tmp))
        by_set: dict[str, dict[str, float]] = {}
        for source in OOD_SETS:
            out = Path(tmp) / source.name
            render_ood(out, [source])
            scored = evaluate_documents(finder, out)
            by_set[source.name] = {
                "documents": scored.documents,
                **{label: scored.document_level[label].f1 for label in ("micro", *LABELS)},
            }
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    report = {
        "benchmark": "bench/entities_ood.py",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": platform.platform(),
        "commit": commit,
        "model": finder.version,
        **scores.model_dump(),
        "document_level_f1_by_set": by_set,
    }
    print(json.dumps(report, ensure_ascii=False))
    print(f"{scores.documents} documents", file=sys.stderr)
    print(
        f"{'label':<11} {'document F1':>11} {'P':>6} {'R':>6} {'n':>5}   {'mention F1':>10}",
        file=sys.stderr,
    )
    for label in ("micro", *LABELS):
        d, m = scores.document_level[label], scores.mention_level[label]
        print(
            f"{label:<11} {d.f1:>11.3f} {d.precision:>6.3f} {d.recall:>6.3f} {d.support:>5}"
            f"   {m.f1:>10.3f}",
            file=sys.stderr,
        )
    for name, figures in by_set.items():
        print(
            f"{name}: {figures['documents']:.0f} documents, micro {figures['micro']:.3f}, "
            f"INITIATIVE {figures['INITIATIVE']:.3f}",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
