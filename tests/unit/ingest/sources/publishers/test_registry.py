"""The publishers the command line knows."""

from ingest.sources.publishers.registry import PUBLISHERS


def test_the_registry_names_the_three_publishers() -> None:
    assert sorted(PUBLISHERS) == ["boernsvilkaar", "sbst", "vive"]
    assert all(key == publisher.key for key, publisher in PUBLISHERS.items())
    assert {publisher.base_url for publisher in PUBLISHERS.values()} == {
        "https://www.vive.dk",
        "https://bornsvilkar.dk",
        "https://www.sbst.dk",
    }
