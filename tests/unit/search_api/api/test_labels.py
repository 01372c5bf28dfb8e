"""The entity labels' Danish names."""

from search_api.api.labels import LABELS, WITH_ARTICLE


def test_every_label_has_its_article_for_a_sentence() -> None:
    """The name form wrote "Det er ikke en beløb": every label was given "en"."""
    assert WITH_ARTICLE.keys() == LABELS.keys()
    for code, name in LABELS.items():
        assert WITH_ARTICLE[code].split(" ", 1)[1] == name.lower()
    assert WITH_ARTICLE["MONEY"] == "et beløb" and WITH_ARTICLE["LOC"] == "et sted"
