"""The fixture sites, built once per session, each read from disk by a ``SiteReader``."""

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fixture_sites import PUBLISHER_KEYS, SiteReader, build_site


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("sites")
    return {key: build_site(key, root / key) for key in PUBLISHER_KEYS}


@pytest.fixture
def reader(sites: dict[str, Path]) -> Callable[..., SiteReader]:
    """A new reader of one publisher's site: ``reader("vive")``."""

    def make(key: str, *, obey_robots: bool = True) -> SiteReader:
        return SiteReader(sites[key], obey_robots=obey_robots)

    return make
