"""Extraction speed: our PDF/HTML extraction against pypdf alone, on the rendered sample corpus.

    .venv/bin/python bench/extract_speed.py [--repeat 5]

Prints one JSON line; the figures go into bench/RESULTS.md with the machine and date.
"""

import argparse
import io
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

from ingest.extract.registry import extract


def timed(function: Callable[[Path], None], files: list[Path], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for path in files:
            function(path)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp)
        subprocess.run(
            [sys.executable, "-m", "sample_corpus.render", tmp], check=True, capture_output=True
        )
        pdfs = sorted(corpus.glob("*.pdf"))
        pages = sum(len(PdfReader(path).pages) for path in pdfs)

        def bare(path: Path) -> None:
            for page in PdfReader(io.BytesIO(path.read_bytes())).pages:
                page.extract_text()

        def ours(path: Path) -> None:
            extract(path.read_bytes(), path.name)

        bare_s = timed(bare, pdfs, args.repeat)
        ours_s = timed(ours, pdfs, args.repeat)
    print(
        json.dumps(
            {
                "machine": f"{platform.machine()} {platform.processor() or ''} python "
                f"{platform.python_version()}".strip(),
                "pdfs": len(pdfs),
                "pages": pages,
                "pypdf_alone_pages_per_s": round(pages / bare_s, 1),
                "vidensbank_extract_pages_per_s": round(pages / ours_s, 1),
                "overhead_pct": round(100 * (ours_s - bare_s) / bare_s, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
