"""What search engines are told: ``robots.txt`` (where to go and where not) and ``sitemap.xml``
(every public page worth finding: the search page, the about page, the collections, each
published collection and each public document's page, with when it last changed).

One sitemap holds up to 50,000 addresses; Vidensbank is far from that, so there is no sitemap
index yet.
"""

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from lxml import etree

from search_api.api import collections
from vidensbank.store import harvest
from vidensbank.store.db import session_scope

router = APIRouter(include_in_schema=False)

SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
STATIC_PAGES = ("", "om", "samlinger")
# Allow lines first, and no rule a parser without wildcards (Python's) reads as more than it
# says: such a parser takes the first line that matches, RFC 9309 (Google, Bing) the longest,
# and both then agree wherever they can. Originals are allowed, so that Google Scholar reaches
# the PDF a document page's citation_pdf_url names; /oai for harvesters that heed robots.txt.
ROBOTS_RULES = """\
User-agent: *
Allow: /oai
Allow: /api/documents/*/original
Disallow: /*?
Disallow: /api/
Disallow: /log-ind
Disallow: /konto
Disallow: /indlaesninger
Disallow: /personoplysninger
Disallow: /rettelser
Disallow: /brugere
Disallow: /revision
Disallow: /docs
Disallow: /openapi.json
"""


@router.get("/robots.txt", response_class=PlainTextResponse)
def robots(request: Request) -> PlainTextResponse:
    return PlainTextResponse(f"{ROBOTS_RULES}\nSitemap: {request.base_url}sitemap.xml\n")


@router.get("/sitemap.xml")
def sitemap(request: Request) -> Response:
    base = str(request.base_url)
    urlset = etree.Element(f"{{{SITEMAP_NAMESPACE}}}urlset", nsmap={None: SITEMAP_NAMESPACE})

    def add(path: str, lastmod: str | None = None) -> None:
        url = etree.SubElement(urlset, f"{{{SITEMAP_NAMESPACE}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NAMESPACE}}}loc").text = f"{base}{path}"
        if lastmod is not None:
            etree.SubElement(url, f"{{{SITEMAP_NAMESPACE}}}lastmod").text = lastmod

    for page in STATIC_PAGES:
        add(page)
    for collection in collections.list_collections(None):
        add(
            f"samlinger/{quote(collection.id)}", collection.updated_at.isoformat(timespec="seconds")
        )
    with session_scope() as session:
        changes = harvest.public_document_changes(session)
    for document_id, changed in changes:
        add(f"dokument/{quote(document_id)}", changed.isoformat(timespec="seconds"))
    return Response(
        etree.tostring(urlset, encoding="UTF-8", xml_declaration=True),
        media_type="application/xml",
    )
