"""Edition similarity on the sample corpus: what the threshold must tell apart.

    .venv/bin/python bench/editions.py

Every document is rendered and read by the real extractors, then compared as the editions step
compares them (MinHash estimate and exact Jaccard of the word shingles) in four kinds of pair:

- renderings: a PDF document and the same text rendered as another publisher's web page;
- editions: a document and a new edition of it, a share of its paragraphs rewritten (replaced
  by paragraphs of an unrelated document of another publisher) and one section added, at 10,
  20 and 30 % of its words; and the same share of words changed in place, sentence by sentence;
- same publisher and kind: two different documents sharing the publisher's boilerplate (the
  hard negatives);
- all other pairs.

Prints one JSON object with each kind's distribution; the figures go into bench/RESULTS.md.
"""

import argparse
import copy
import json
import random
import statistics
from collections.abc import Iterator
from itertools import combinations
from typing import Any

from ingest.extract.registry import extract
from nlp_models.editions import (
    normalised_words,
    shingles,
    signature,
)
from sample_corpus.html_pages import render_html
from sample_corpus.pdf import render_pdf
from sample_corpus.sources import DocSpec, load_documents
from vidensbank.settings import get_settings

SHARES = (0.1, 0.2, 0.3)


def rendered_pages(spec: DocSpec, by_slug: dict[str, DocSpec]) -> list[str]:
    if spec.fmt == "pdf":
        data, name = render_pdf(spec), f"{spec.slug}.pdf"
    else:
        data, name = render_html(spec, by_slug).encode(), f"{spec.slug}.html"
    return [page.text for page in extract(data, name).pages]


def as_web_page(spec: DocSpec) -> DocSpec:
    """The same text as a news page of another publisher (Socialstyrelsen's site)."""
    data = copy.deepcopy(spec.data) | {"format": "html", "kind": "nyhed"}
    data["publisher"] = "Socialstyrelsen"
    data.pop("imprint", None)
    data.pop("related", None)
    return DocSpec(data=data, path=spec.path)


def _paragraphs(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for section in data.get("sections") or []:
        for block in section["blocks"]:
            if "p" in block:
                yield block


def _words(data: dict[str, Any]) -> int:
    return sum(len(str(block["p"]).split()) for block in _paragraphs(data))


def rewritten(spec: DocSpec, donor: DocSpec, share: float, rng: random.Random) -> DocSpec:
    """A new edition: paragraphs replaced by the donor's until ``share`` of the words are new,
    plus a new closing section."""
    data = copy.deepcopy(spec.data)
    total = _words(data)
    own = list(_paragraphs(data))
    theirs = [str(block["p"]) for block in _paragraphs(donor.data)]
    rng.shuffle(own)
    changed = 0
    for block, text in zip(own, theirs * 10, strict=False):
        if changed >= share * total * 0.8:
            break
        changed += len(str(block["p"]).split())
        block["p"] = text
    added = " ".join(" ".join(theirs).split()[: int(share * total * 0.2) + 1])
    data["sections"].append({"heading": "Efterskrift til ny udgave", "blocks": [{"p": added}]})
    return DocSpec(data=data, path=spec.path)


def edited_in_place(spec: DocSpec, share: float, rng: random.Random) -> DocSpec:
    """A new edition whose every paragraph is touched: ``share`` of its words, one in every
    few, replaced by another word."""
    data = copy.deepcopy(spec.data)
    for block in _paragraphs(data):
        words = str(block["p"]).split()
        for i in range(len(words)):
            if rng.random() < share:
                words[i] = rng.choice(["desuden", "dermed", "fortsat", "tidligere", "nu"])
        block["p"] = " ".join(words)
    return DocSpec(data=data, path=spec.path)


def jaccard(a: list[str], b: list[str]) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


def compare(a: list[str], b: list[str]) -> tuple[float, float]:
    sig_a, sig_b = signature(a), signature(b)
    assert sig_a is not None and sig_b is not None
    return sig_a.similarity(sig_b), jaccard(normalised_words(a), normalised_words(b))


def summary(pairs: list[tuple[float, float]]) -> dict[str, Any]:
    estimates = sorted(p[0] for p in pairs)
    exact = sorted(p[1] for p in pairs)
    return {
        "pairs": len(pairs),
        "estimate": {
            "min": round(estimates[0], 3),
            "median": round(statistics.median(estimates), 3),
            "max": round(estimates[-1], 3),
        },
        "jaccard": {
            "min": round(exact[0], 3),
            "median": round(statistics.median(exact), 3),
            "max": round(exact[-1], 3),
        },
        "linked": sum(1 for e in estimates if e >= get_settings().edition_threshold),
    }


def main() -> None:
    # No options: --help says what it does rather than running it.
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    rng = random.Random(17)
    specs = load_documents()
    by_slug = {s.slug: s for s in specs}
    pages = {s.slug: rendered_pages(s, by_slug) for s in specs}
    kinds: dict[str, list[tuple[float, float]]] = {}

    for spec in specs:
        if spec.fmt == "pdf":
            web = rendered_pages(as_web_page(spec), by_slug)
            kinds.setdefault("renderings (PDF and web page)", []).append(
                compare(pages[spec.slug], web)
            )
        donors = [d for d in specs if d.publisher != spec.publisher]
        for share in SHARES:
            edition = rewritten(spec, rng.choice(donors), share, rng)
            kinds.setdefault(f"edition, {share:.0%} rewritten", []).append(
                compare(pages[spec.slug], rendered_pages(edition, by_slug))
            )
            edition = edited_in_place(spec, share, rng)
            kinds.setdefault(f"edition, {share:.0%} of words changed in place", []).append(
                compare(pages[spec.slug], rendered_pages(edition, by_slug))
            )
    for a, b in combinations(specs, 2):
        kind = (
            "different, same publisher and kind"
            if (a.publisher, a.kind) == (b.publisher, b.kind)
            else "different, other pairs"
        )
        kinds.setdefault(kind, []).append(compare(pages[a.slug], pages[b.slug]))
    result = {"threshold": get_settings().edition_threshold} | {
        k: summary(v) for k, v in kinds.items()
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
