"""Bundled sample corpus: Danish source texts (YAML) and a renderer that turns them into PDF/HTML.

Run ``python -m sample_corpus.render OUTDIR`` to write the documents, ``OUTDIR/manifest.json``
and a set of deliberately broken files in ``OUTDIR/broken/``.
"""
