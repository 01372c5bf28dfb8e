"""Editions of one report for the tests, made from the sample corpus: the same text as another
publisher's web page, and a second edition with a new foreword and new figures (written for
these tests), beside a different report of the same publisher and kind (the hard negative)."""

import copy
import datetime as dt

from ingest.extract.registry import extract
from sample_corpus.html_pages import render_html
from sample_corpus.pdf import render_pdf
from sample_corpus.sources import DocSpec, load_documents

REPORT = "vive-2022-bisiddere-for-boern-og-unge"
# Another VIVE report: the same cover, colophon and footer, another text.
OTHER_REPORT = "vive-2022-inddragelse-af-boern-i-egen-sag"

NEW_FOREWORD = [
    "Denne anden udgave af rapporten udkommer, fordi Barnets Lov har flyttet reglerne om "
    "bisiddere, og fordi flere kommuner har bedt om et opdateret overblik. Vi har gennemgået "
    "sagerne igen med et år mere af data og har rettet tallene, hvor de har ændret sig.",
    "Konklusionerne står ved magt. Bisidderen er stadig sjælden i de sager, vi har læst, men "
    "andelen er steget lidt, især hvor kommunen selv har fortalt barnet om muligheden. Tak til "
    "de kommuner, der igen gav os adgang til deres sager.",
]
NEW_FIGURES = (
    "Kun en lille del af børnene i sager om særlig støtte har en bisidder med til samtaler med "
    "kommunen. I den nye sagsgennemgang fremgår det af 14 pct. af sagerne, at barnet har haft en "
    "bisidder, mod 11 pct. i første udgave. Stigningen ses mest blandt de 15-17-årige."
)


def spec(slug: str) -> DocSpec:
    return next(d for d in load_documents() if d.slug == slug)


def as_web_page(source: DocSpec) -> DocSpec:
    """The same text as a news page on Socialstyrelsen's site."""
    data = copy.deepcopy(source.data) | {"format": "html", "kind": "nyhed"}
    data["publisher"] = "Socialstyrelsen"
    data["slug"] = f"{source.slug}-webside"
    data.pop("imprint", None)
    data.pop("related", None)
    return DocSpec(data=data, path=source.path)


def second_edition(source: DocSpec) -> DocSpec:
    """A new edition: a new foreword, the summary's figures updated, a later date."""
    data = copy.deepcopy(source.data)
    data["slug"] = f"{source.slug}-2-udgave"
    data["published"] = dt.date(2024, 5, 14)
    data["subtitle"] = f"{data.get('subtitle', '')} · 2. udgave".strip(" ·")
    data["sections"][0]["blocks"] = [{"p": text} for text in NEW_FOREWORD]
    data["sections"][1]["blocks"][0] = {"p": NEW_FIGURES}
    return DocSpec(data=data, path=source.path)


def render(source: DocSpec) -> bytes:
    if source.fmt == "pdf":
        return render_pdf(source)
    return render_html(source, {d.slug: d for d in load_documents()}).encode()


def page_texts(source: DocSpec) -> list[str]:
    """The document's pages as the extractors read them."""
    return [page.text for page in extract(render(source), source.filename).pages]
