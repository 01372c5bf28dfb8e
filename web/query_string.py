"""Every query string in composed Unicode (NFC), before any route reads or validates it.

Text copied from a Mac's file names or from a PDF is often decomposed (NFD: "å" as "a" and a
combining ring, U+030A). The search text was found either way, as the index's analysis
composes it, but a filter value is compared as it is ("Børns Vilkår" with its "å" decomposed found
nothing where the composed form found 25 documents), autocomplete suggested nothing, and the
length limits counted the decomposed letters twice (1,000 decomposed "å" were "højst 1000
tegn"). A GET form, the search page's included, sends its fields in the query string too.
"""

import unicodedata
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send


def nfc_query_string(raw: bytes) -> bytes:
    """The query string with every name and value in NFC: as it is when it is so already (as
    nearly every one is), else encoded again from the pairs Starlette reads out of it."""
    # Read as ``starlette.datastructures.QueryParams`` reads it, so nothing else changes.
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    if all(unicodedata.is_normalized("NFC", text) for pair in pairs for text in pair):
        return raw
    composed = [
        (unicodedata.normalize("NFC", name), unicodedata.normalize("NFC", value))
        for name, value in pairs
    ]
    return urlencode(composed).encode("ascii")


class NFCQueryString:
    """Rewrites the query string of every request to NFC (``nfc_query_string``), for the API
    and the pages alike, so each parameter is normalised once, before it is validated."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("query_string"):
            scope = {**scope, "query_string": nfc_query_string(scope["query_string"])}
        await self.app(scope, receive, send)
