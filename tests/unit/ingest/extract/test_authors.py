"""The authors a file's own metadata names."""

from ingest.extract.base import split_authors


def test_a_word_processors_placeholder_is_nobody() -> None:
    """A PDF whose author field said "anonymous" was cited as "anonymous. (2026)."."""
    assert split_authors("Hansen, A.;  Berg,  M.") == ["Hansen, A.", "Berg, M."]
    assert split_authors("anonymous") == []
    assert split_authors("Microsoft Office User; VIVE") == ["VIVE"]
    assert split_authors("Ukendt;ADMINISTRATOR; ") == []
    # A name that only begins like one stays.
    assert split_authors("Anonymous Jensen") == ["Anonymous Jensen"]
