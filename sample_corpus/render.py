"""Render the bundled sample corpus into PDF and HTML files.

Usage::

    python -m sample_corpus.render OUTDIR

Reads ``sample_corpus/documents/*.yaml`` and writes one file per document into ``OUTDIR``,
``OUTDIR/manifest.json`` and a set of deliberately broken files in ``OUTDIR/broken/`` (with a
manifest of the same shape). Output is deterministic: PDFs are written in ReportLab's invariant
mode with the creation date set to the document's publication date.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sample_corpus.broken import render_broken
from sample_corpus.html_pages import render_html
from sample_corpus.pdf import render_pdf
from sample_corpus.sources import DocSpec, load_documents, write_manifest


def render_corpus(
    outdir: Path,
    docs: Sequence[DocSpec] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Render every document into ``outdir``; returns the manifest that was written."""
    docs = list(docs) if docs is not None else load_documents()
    outdir.mkdir(parents=True, exist_ok=True)
    by_slug = {d.slug: d for d in docs}
    for d in docs:
        for slug in d.data.get("related") or []:
            if slug not in by_slug:
                raise ValueError(f"{d.slug}: related slug {slug!r} does not exist")
    manifest: dict[str, Any] = {}
    rendered: dict[str, bytes] = {}
    for spec in docs:
        if spec.fmt == "pdf":
            content = render_pdf(spec)
        else:
            content = render_html(spec, by_slug).encode("utf-8")
        rendered[spec.filename] = content
        (outdir / spec.filename).write_bytes(content)
        manifest[spec.filename] = spec.manifest_entry()
        if progress:
            progress(spec.filename)
    write_manifest(outdir, manifest)
    render_broken(outdir / "broken", docs, rendered)
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("outdir", type=Path, help="directory to write the corpus into")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each file")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    manifest = render_corpus(args.outdir, progress=print if args.verbose else None)
    elapsed = time.perf_counter() - started
    print(
        f"wrote {len(manifest)} documents + broken/ to {args.outdir} in {elapsed:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
