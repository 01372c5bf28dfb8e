"""How long a new file waits to be searchable by its words while documents wait to be embedded.

    .venv/bin/python bench/embedding_backlog.py [--keep-logs DIR]

Needs Elasticsearch and Redis running (scripts/start_services.sh); starts its own workers the
way ``scripts/run.sh`` does, on a queue, SQLite file, blob folder and index prefix of their own:
the pipeline's worker (two processes) on the pipeline's and the OCR queue, and the embedding
worker (two processes, which lower their CPU priority to the lowest) on the embedding queue.
Then:

1. the sample corpus ingested with embeddings off (``vidensbank ingest --wait``);
2. the workers started again as they ship, and ``vidensbank embed``: every document waits to
   be embedded (minutes of work on this machine), as after a new embedding model or a large
   ingest;
3. right after, ``vidensbank ingest --wait`` of one new file: the seconds until it is
   searchable by its words, and how many documents still waited to be embedded then;
4. ``vidensbank embed --wait``: the seconds until everything is searchable by meaning.

Prints one JSON object (machine and figures).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ingest_speed import (
    CONNECTION_VARIABLES,
    PROJECT_ROOT,
    Isolation,
    machine,
    stop_worker,
)

NEW_FILE = """<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>Ny vejledning om samtaler med søskende</title>
</head><body><h1>Ny vejledning om samtaler med søskende</h1>
<p>Når et barn anbringes, mister det ofte den daglige kontakt med sine søskende. Vejledningen
viser, hvordan sagsbehandleren kan tale med søskendeflokken hver for sig og samlet, og hvordan
børnenes ønsker om samvær skrives ind i handleplanen.</p>
<p>Materialet er lavet til kommunernes børne- og familieafdelinger og kan bruges fra første
samtale til opfølgningen et halvt år senere.</p></body></html>
"""


def vidensbank(isolation: Isolation, *args: str) -> float:
    """Run the CLI in the isolation's environment; its wall time."""
    start = time.perf_counter()
    done = isolation.cli(*args)
    if done.returncode != 0:
        raise RuntimeError(f"vidensbank {' '.join(args)}: {done.returncode}\n{done.stderr}")
    return time.perf_counter() - start


def pending(isolation: Isolation) -> int:
    """How many of the run's documents wait to be embedded."""
    return int(
        isolation.python(
            "from search_api.index.tasks import pending_embeddings; print(pending_embeddings())"
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--keep-logs", type=Path, help="keep the workers' logs here")
    args = parser.parse_args()
    for name in [n for n in os.environ if n.startswith("VB_") and n not in CONNECTION_VARIABLES]:
        del os.environ[name]
    scratch = Path(tempfile.mkdtemp(prefix="vb-embed-backlog-"))
    logs = args.keep_logs or scratch / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    isolation = Isolation.create(f"vbbacklog{os.getpid()}", scratch / "run")
    corpus = scratch / "corpus"
    subprocess.run(
        [sys.executable, "-m", "sample_corpus.render", str(corpus)],
        check=True,
        capture_output=True,
        cwd=PROJECT_ROOT,
    )
    new = scratch / "new"
    new.mkdir()
    (new / "samtaler-med-soeskende.html").write_text(NEW_FILE, encoding="utf-8")

    report: dict[str, Any] = {"benchmark": "bench/embedding_backlog.py", "machine": machine()}
    workers: list[subprocess.Popen[bytes]] = []
    try:
        vidensbank(isolation, "init")
        isolation.env["VB_EMBEDDINGS"] = "false"
        workers = list(isolation.start_workers(2, logs / "words-only"))
        corpus_s = vidensbank(isolation, "ingest", "--wait", str(corpus))
        for worker in workers:
            stop_worker(worker)
        del isolation.env["VB_EMBEDDINGS"]
        workers = list(isolation.start_workers(2, logs / "as-shipped"))
        vidensbank(isolation, "embed")
        backlog = pending(isolation)
        new_s = vidensbank(isolation, "ingest", "--wait", str(new))
        backlog_after = pending(isolation)
        meaning_s = vidensbank(isolation, "embed", "--wait", "--timeout", "1800")
        report["figures"] = {
            "corpus_searchable_by_words_s": round(corpus_s, 1),
            "documents_waiting_for_embedding": backlog,
            "new_file_searchable_by_words_s": round(new_s, 1),
            "documents_still_waiting_then": backlog_after,
            "everything_searchable_by_meaning_after_s": round(new_s + meaning_s, 1),
        }
    finally:
        for worker in workers:
            stop_worker(worker)
        isolation.cleanup()
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
