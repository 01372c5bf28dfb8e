"""End-to-end ingest throughput through the real queue, workers, database and Elasticsearch.

Needs the stack running (scripts/run.sh, or scripts/start_services.sh plus a worker on the same
settings). Copies the rendered sample corpus N times under new names, so every file is new, and
times ``vidensbank ingest --wait``.

    .venv/bin/python bench/ingest_pipeline.py --copies 5
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rendered = Path(tmp) / "rendered"
        subprocess.run(
            [sys.executable, "-m", "sample_corpus.render", str(rendered)],
            check=True,
            capture_output=True,
        )
        batch = Path(tmp) / "batch"
        batch.mkdir()
        for copy in range(args.copies):
            for path in rendered.glob("*.*"):
                if path.name != "manifest.json":
                    shutil.copy(path, batch / f"{copy}-{path.name}")
        files = len(list(batch.iterdir()))
        vidensbank = str(Path(sys.executable).parent / "vidensbank")
        start = time.perf_counter()
        result = subprocess.run(
            [vidensbank, "ingest", "--wait", "--json", str(batch)],
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - start
    statuses = [d["status"] for d in json.loads(result.stdout)["documents"]]
    print(
        json.dumps(
            {
                "files": files,
                "seconds": round(seconds, 1),
                "files_per_s": round(files / seconds, 2),
                "indexed": statuses.count("indexed"),
            }
        )
    )


if __name__ == "__main__":
    main()
