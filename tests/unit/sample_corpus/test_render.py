"""The bundled sample corpus renders into well-formed PDF/HTML files with a matching manifest."""

from __future__ import annotations

import json
import re
import statistics
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from sample_corpus import profiles, render, sources
from sample_corpus.broken import USER_PASSWORD

PUBLISHERS = {"VIVE", "Børns Vilkår", "Socialstyrelsen"}
BROKEN_FILES = {
    "krypteret-rapport.pdf",
    "afkortet-rapport.pdf",
    "tom-fil.pdf",
    "zip-forklaedt.pdf",
    "kun-billeder.pdf",
    "ødelagt-side.html",
}
MANIFEST_KEYS = {
    "title",
    "publisher",
    "kind",
    "published",
    "authors",
    "source_url",
    "target_age",
    "professional",
}
# a line that ends in a hyphen directly after a letter and continues with a letter
LINE_END_HYPHEN = re.compile(r"[A-Za-zÆØÅæøå]-\n[A-Za-zÆØÅæøå0-9]")


# The rendered files of the English documents: the checks of Danish texts leave them out.
ENGLISH = {f"{s.slug}.{s.fmt}" for s in sources.load_documents() if s.language == "en"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    render.main([str(out)])
    return out


@pytest.fixture(scope="module")
def manifest(corpus: Path) -> dict[str, Any]:
    return json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pdf_texts(corpus: Path, manifest: dict[str, Any]) -> dict[str, list[str]]:
    texts = {}
    for name in manifest:
        if name.endswith(".pdf"):
            reader = PdfReader(corpus / name)
            texts[name] = [page.extract_text() for page in reader.pages]
    return texts


def test_enough_documents_from_all_publishers(manifest: dict[str, Any]) -> None:
    assert len(manifest) >= 44
    assert {entry["publisher"] for entry in manifest.values()} == PUBLISHERS
    kinds = {entry["kind"] for entry in manifest.values()}
    assert kinds == set(profiles.KINDS)
    formats = {name.rsplit(".", 1)[1] for name in manifest}
    assert formats == {"pdf", "html"}


def test_manifest_entries_match_files(corpus: Path, manifest: dict[str, Any]) -> None:
    on_disk = {p.name for p in corpus.iterdir() if p.is_file() and p.name != "manifest.json"}
    assert on_disk == set(manifest)
    for name, entry in manifest.items():
        assert (corpus / name).stat().st_size > 0, name
        assert set(entry) == MANIFEST_KEYS, name
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["published"]), name
        assert "2010-01-01" <= entry["published"] <= "2026-12-31", name
        assert entry["source_url"].startswith("https://"), name
        assert entry["source_url"].endswith("/" + name.rsplit(".", 1)[0]), name
        assert isinstance(entry["authors"], list)
        assert isinstance(entry["professional"], list)
        if entry["kind"] == "værktøj":
            assert entry["target_age"] and entry["professional"], name
        else:
            assert entry["target_age"] is None and entry["professional"] == [], name


def test_every_pdf_opens_and_has_text_on_every_page(
    corpus: Path, manifest: dict[str, Any], pdf_texts: dict[str, list[str]]
) -> None:
    assert pdf_texts
    for name, pages in pdf_texts.items():
        assert pages, name
        for number, text in enumerate(pages, 1):
            assert len(text.strip()) > 40, f"{name} page {number} has no text"
        meta = PdfReader(corpus / name).metadata
        assert meta is not None and meta.title == manifest[name]["title"], name
        assert meta.author, name


def test_reports_have_the_expected_shape(
    manifest: dict[str, Any], pdf_texts: dict[str, list[str]]
) -> None:
    reports = [n for n, e in manifest.items() if e["kind"] == "rapport" and n not in ENGLISH]
    assert len(reports) >= 12
    assert sum(len(pdf_texts[n]) >= 8 for n in reports) >= 3
    for name in reports:
        pages = pdf_texts[name]
        assert 5 <= len(pages) <= 14, name
        assert "Indhold" in pages[1], f"{name}: no table of contents on page 2"
        full = "\n".join(pages)
        assert LINE_END_HYPHEN.search(full), f"{name}: no line-end hyphenation"
        assert re.search(r"Tabel \d", full), f"{name}: no table"
        # a two-column page: many short lines of body text
        assert any(
            len(page) > 800 and statistics.median(len(x) for x in page.splitlines()) < 60
            for page in pages
        ), f"{name}: no two-column page"


def test_running_header_and_footer_repeat(pdf_texts: dict[str, list[str]]) -> None:
    for name, pages in pdf_texts.items():
        firsts = {page.splitlines()[0] for page in pages}
        assert len(firsts) == 1, f"{name}: header differs between pages"
        for number, page in enumerate(pages, 1):
            assert page.rstrip().endswith(f"Side {number}"), f"{name} page {number}"


def test_hyphenation_and_danish_letters_survive_extraction(
    pdf_texts: dict[str, list[str]],
) -> None:
    full = "\n".join("\n".join(pages) for pages in pdf_texts.values())
    for letter in "æøåÆØÅ":
        assert letter in full
    assert re.search(r"Part-\nnerskab", full)
    # compounds broken at their own hyphen, e.g. "AKT-\nlærer", "18-\nårsgrænsen"
    hard_breaks = re.findall(r"\b[\wæøå]+-\n[\wæøå]+", full)
    assert len(hard_breaks) >= 20
    assert "inddragelse" in full


def test_answers_to_parliament_have_a_letterhead(
    manifest: dict[str, Any], pdf_texts: dict[str, list[str]]
) -> None:
    answers = [n for n, e in manifest.items() if e["kind"] == "folketingssvar"]
    assert answers
    for name in answers:
        first = pdf_texts[name][0]
        assert "Sagsnr." in first and "Doknr." in first, name
        assert re.search(r"Dato \d{2}-\d{2}-\d{4}", first), name
    assert any("Folketingets Social- og Boligudvalg" in pdf_texts[n][0] for n in answers)


def test_html_documents_carry_their_metadata(corpus: Path, manifest: dict[str, Any]) -> None:
    html_names = [n for n in manifest if n.endswith(".html")]
    assert html_names
    for name in html_names:
        text = (corpus / name).read_text(encoding="utf-8")
        entry = manifest[name]
        assert "<title>" in text and "<header" in text and "<footer" in text, name
        assert "<main>" in text and "<article>" in text and "<aside" in text, name
        assert f'name="dcterms.publisher" content="{entry["publisher"]}"' in text, name
        assert f'name="dcterms.type" content="{entry["kind"]}"' in text, name
        assert f'name="dcterms.date" content="{entry["published"]}"' in text, name
        assert 'name="dcterms.title"' in text, name
        language = "en" if name in ENGLISH else "da"
        assert f'<html lang="{language}">' in text, name
        assert f'name="dcterms.language" content="{language}"' in text, name
        if entry["kind"] == "værktøj" and name not in ENGLISH:
            assert "Målgruppe" in text and "Formål" in text, name


def test_the_english_documents_are_english_and_say_so(
    corpus: Path, pdf_texts: dict[str, list[str]]
) -> None:
    """One PDF and one HTML page, written in English; the manifest leaves their language to
    ingest to find."""
    assert sorted(Path(name).suffix for name in ENGLISH) == [".html", ".pdf"]
    for name in ENGLISH:
        if name.endswith(".pdf"):
            assert PdfReader(corpus / name).root_object["/Lang"] == "en-GB"
            assert "The children's own accounts" in "\n".join(pdf_texts[name])
        else:
            assert "Your rights when you live in care" in (corpus / name).read_text("utf-8")


def test_inddragelse_occurs_in_many_documents(
    corpus: Path, manifest: dict[str, Any], pdf_texts: dict[str, list[str]]
) -> None:
    hits = 0
    for name in manifest:
        if name.endswith(".pdf"):
            text = " ".join(pdf_texts[name]).replace("-\n", "")
        else:
            text = (corpus / name).read_text(encoding="utf-8")
        hits += "inddragelse" in text.lower()
    assert hits >= len(manifest) // 3


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.text.append(data.strip())


def test_broken_files(corpus: Path) -> None:
    broken = corpus / "broken"
    names = {p.name for p in broken.iterdir()} - {"manifest.json"}
    assert names == BROKEN_FILES
    meta = json.loads((broken / "manifest.json").read_text(encoding="utf-8"))
    assert set(meta) == BROKEN_FILES
    assert all(set(entry) == MANIFEST_KEYS for entry in meta.values())

    encrypted = PdfReader(broken / "krypteret-rapport.pdf")
    assert encrypted.is_encrypted
    assert encrypted.decrypt(USER_PASSWORD)
    assert len(encrypted.pages) > 1

    truncated = (broken / "afkortet-rapport.pdf").read_bytes()
    assert truncated.startswith(b"%PDF") and b"%%EOF" not in truncated
    with pytest.raises(PdfReadError):
        PdfReader(broken / "afkortet-rapport.pdf", strict=True)

    assert (broken / "tom-fil.pdf").stat().st_size == 0
    assert zipfile.is_zipfile(broken / "zip-forklaedt.pdf")

    scanned = PdfReader(broken / "kun-billeder.pdf")
    assert len(scanned.pages) >= 1
    for page in scanned.pages:
        assert page.extract_text().strip() == ""
        assert page.images

    collector = _TextCollector()
    collector.feed((broken / "ødelagt-side.html").read_text(encoding="utf-8"))
    assert collector.text == []


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    docs = [d for d in sources.load_documents() if not d.data.get("related")]
    sample = [d for d in docs if d.fmt == "pdf"][:3] + [d for d in docs if d.fmt == "html"][:1]
    render.render_corpus(tmp_path / "a", sample)
    render.render_corpus(tmp_path / "b", sample)
    for path in sorted((tmp_path / "a").rglob("*")):
        if path.is_file():
            twin = tmp_path / "b" / path.relative_to(tmp_path / "a")
            assert path.read_bytes() == twin.read_bytes(), path.name
