"""Speed and memory of the entity pipeline, next to spaCy's blank Danish tokenizer alone, and
of the personal data screening that runs on its mentions in the same step.

    .venv/bin/python bench/entities_speed.py [--repeat 3]

Runs on the text of the rendered sample corpus; prints one JSON line with words per second
for the tokenizer alone, for the whole pipeline (model, knowledge base, patterns, linking) and
for the screening of its output for personal data (``nlp_models/personal_data.py``), and the
memory the pipeline adds to a worker process (resident set size after loading and
after the run).
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import spacy

from ingest.extract.registry import extract
from nlp_models.entities import EntityFinder
from nlp_models.knowledge_base import load_knowledge_base
from nlp_models.personal_data import screen
from vidensbank.settings import get_settings


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "sample_corpus.render", tmp], check=True, capture_output=True
        )
        pages = [
            (page.number, page.text)
            for path in sorted(Path(tmp).glob("*.*"))
            if path.suffix in (".pdf", ".html")
            for page in extract(path.read_bytes(), path.name).pages
        ]
    words = sum(len(text.split()) for _number, text in pages)
    base_rss = rss_mb()

    blank = spacy.blank("da")
    start = time.perf_counter()
    for _ in range(args.repeat):
        for _doc in blank.pipe(text for _number, text in pages):
            pass
    tokenizer_s = (time.perf_counter() - start) / args.repeat

    load_start = time.perf_counter()
    finder = EntityFinder(load_knowledge_base(get_settings().kb_dir))
    load_s = time.perf_counter() - load_start
    loaded_rss = rss_mb()
    start = time.perf_counter()
    for _ in range(args.repeat):
        mentions = finder.find_in_pages(pages)
    pipeline_s = (time.perf_counter() - start) / args.repeat
    start = time.perf_counter()
    for _ in range(args.repeat):
        screen(pages, mentions)
    screening_s = (time.perf_counter() - start) / args.repeat

    print(
        json.dumps(
            {
                "pages": len(pages),
                "words": words,
                "blank_tokenizer_words_per_s": round(words / tokenizer_s),
                "pipeline_words_per_s": round(words / pipeline_s),
                "screening_words_per_s": round(words / screening_s),
                "screening_share_of_pipeline": round(screening_s / pipeline_s, 3),
                "pipeline_load_s": round(load_s, 2),
                "rss_before_pipeline_mb": round(base_rss),
                "rss_after_load_mb": round(loaded_rss),
                "rss_after_run_mb": round(rss_mb()),
                "model_version": finder.version,
            }
        )
    )


if __name__ == "__main__":
    main()
