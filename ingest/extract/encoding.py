"""The text of an HTML file from its bytes: the file's own declaration first, then a detector.

Order, as browsers do it: a byte-order mark, then a ``<meta charset>`` or ``http-equiv``
declaration near the top (when the bytes really decode that way), then UTF-8, then what
charset-normalizer finds most likely.
"""

import codecs
import re

import webencodings
from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META = re.compile(rb"<meta\s[^>]{0,500}>", re.I)
_ATTRIBUTE = re.compile(rb"""([a-z][a-z-]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""", re.I)
_CHARSET_IN_CONTENT = re.compile(rb"charset\s*=\s*[\"']?\s*([a-z0-9._:-]{1,40})", re.I)
_PRESCAN_BYTES = 4096


def _declared_label(data: bytes) -> bytes | None:
    """The label of the first real declaration near the top: a meta tag's ``charset``
    attribute, or ``charset=`` in the ``content`` of ``http-equiv="content-type"`` (not the
    word inside any other attribute, as a page's description may have it)."""
    for meta in _META.finditer(data[:_PRESCAN_BYTES]):
        attributes = {
            name.lower(): value.strip(b"\"'").strip()
            for name, value in _ATTRIBUTE.findall(meta.group())
        }
        if attributes.get(b"charset"):
            return attributes[b"charset"]
        if attributes.get(b"http-equiv", b"").lower() == b"content-type":
            found = _CHARSET_IN_CONTENT.search(attributes.get(b"content", b""))
            if found:
                return found.group(1)
    return None


def declared_encoding(data: bytes) -> str | None:
    """The Python codec of the page's declared encoding, by the labels browsers know (the
    WHATWG Encoding standard): Python's own codec names ("cp500", "base64", "utf-7") are not
    encodings a web page can be in, and decoded a plain page to garbage. A page that says
    Latin-1 or ASCII is windows-1252, its superset, as browsers read it."""
    label = _declared_label(data)
    encoding = webencodings.lookup(label.decode("ascii", "replace")) if label else None
    if encoding is None or encoding.name in ("replacement", "x-user-defined"):
        return None
    # A page cannot declare itself UTF-16 inside bytes that are ASCII-compatible.
    if encoding.name.startswith("utf-16"):
        return None
    return str(encoding.codec_info.name)


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
