"""The publishers' fixture sites (tests/fixtures/sites/<key>/) built into a directory to serve.

A site's pages are static files written for the tests; its files (PDFs, and the web pages of
web-only publications) are sample-corpus documents, named by ``files.yaml`` (site path →
document slug) and rendered once per test session. A path ending in "/" is served as that
folder's ``index.html``. A file a page links but ``files.yaml`` leaves out is the site's 404.
"""

import shutil
import tempfile
from functools import cache
from pathlib import Path

import yaml

from sample_corpus.render import render_corpus

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


@cache
def rendered_corpus() -> Path:
    """The sample corpus, rendered once per test process into a directory that lasts as long."""
    directory = Path(tempfile.mkdtemp(prefix="vidensbank-fixture-sites-"))
    render_corpus(directory / "corpus")
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
