"""The text of an HTML file from its bytes: the file's own declaration first, then a detector.

Order, as browsers do it: a byte-order mark, then a ``<meta charset>`` or ``http-equiv``
declaration near the top (when the bytes really decode that way), then UTF-8, then what
charset-normalizer finds most likely.
"""

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARATION = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.I
)
_PRESCAN_BYTES = 4096
# WHATWG: a page that says Latin-1 or ASCII is decoded as windows-1252, its superset.
_WINDOWS_1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii"}


def declared_encoding(data: bytes) -> str | None:
    match = _DECLARATION.search(data[:_PRESCAN_BYTES])
    if match is None:
        return None
    label = match.group(1).decode("ascii").lower()
    if label in _WINDOWS_1252:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page cannot declare itself UTF-16 inside bytes that are ASCII-compatible.
    return None if name.startswith("utf-16") or name.startswith("utf-32") else name


def decode_html(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    for candidate in (declared_encoding(data), "utf-8"):
        if candidate is None:
            continue
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data[:1_000_000]).best()
    return data.decode(best.encoding if best is not None else "cp1252", errors="replace")
