"""The publishers' fixture sites (tests/fixtures/sites/<key>/) built into a directory to serve.

A site's pages are static files written for the tests; its files (PDFs, and the web pages of
web-only publications) are sample-corpus documents, named by ``files.yaml`` (site path →
document slug) and rendered once per test session. A path ending in "/" is served as that
folder's ``index.html``. A file a page links but ``files.yaml`` leaves out is the site's 404.
"""

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import yaml

from sample_corpus.render import render_corpus
from sample_corpus.sources import DocSpec, load_documents

SITES = Path(__file__).parent / "fixtures" / "sites"
PUBLISHER_KEYS = ("vive", "boernsvilkaar", "sbst")
FILES = "files.yaml"


def site_files(key: str) -> dict[str, str]:
    """A site's files: its path → the sample-corpus document served there."""
    files: dict[str, str] = yaml.safe_load((SITES / key / FILES).read_text(encoding="utf-8"))
    return files


def served_path(site_path: str) -> Path:
    """Where a URL path lives in a site directory (a folder's page is its ``index.html``)."""
    relative = site_path.lstrip("/")
    return Path(relative, "index.html") if site_path.endswith("/") else Path(relative)


def served_documents() -> list[DocSpec]:
    """The sample-corpus documents the sites serve, and those their pages link to (the
    renderer checks that a page's related documents exist)."""
    documents = {document.slug: document for document in load_documents()}
    wanted = [slug for key in PUBLISHER_KEYS for slug in site_files(key).values()]
    chosen: set[str] = set()
    while wanted:
        slug = wanted.pop()
        if slug not in chosen:
            chosen.add(slug)
            wanted.extend(documents[slug].data.get("related") or [])
    return [document for slug, document in documents.items() if slug in chosen]


@cache
def rendered_corpus() -> Path:
    """The documents the sites serve, rendered once per test process into a directory that is
    removed when the process ends."""
    directory = Path(tempfile.mkdtemp(prefix="vidensbank-fixture-sites-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    render_corpus(directory / "corpus", served_documents())
    return directory / "corpus"


def build_site(key: str, target: Path) -> Path:
    """The fixture site of publisher ``key``, ready to serve from ``target``: its pages copied,
    its files rendered into place. Returns ``target``."""
    if key not in PUBLISHER_KEYS:
        raise ValueError(f"no fixture site for {key!r}")
    shutil.copytree(SITES / key, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(FILES))
    corpus = rendered_corpus()
    for site_path, slug in site_files(key).items():
        rendered = next(corpus.glob(f"{slug}.*"))
        destination = target / served_path(site_path)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(rendered, destination)
    return target


# Where a ``SiteReader`` pretends to serve a site: the address a local server would have.
READER_BASE_URL = "http://127.0.0.1:8765/"


class SiteReader:
    """A publisher adapter's ``Reader`` over a built site on disk, without a server.

    Like the crawler's reader it answers for the site's own host only, obeys the site's
    robots.txt (unless told not to) and gives None for a page the site does not have. It keeps
    the URLs it was asked for, so a test can see which pages an adapter read.
    """

    def __init__(self, root: Path, *, obey_robots: bool = True) -> None:
        self.root = root
        self.read: list[str] = []
        self.robots = RobotFileParser()
        rules = (root / "robots.txt").read_text(encoding="utf-8") if obey_robots else ""
        self.robots.parse(rules.splitlines())

    def page(self, url: str, *, landing: bool = False) -> str | None:
        self.read.append(url)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" != READER_BASE_URL:
            return None
        if not self.robots.can_fetch("Vidensbank", url):
            return None
        path = self.root / served_path(parts.path)
        if path.is_dir():
            path = path / "index.html"
        return path.read_text(encoding="utf-8") if path.is_file() else None
