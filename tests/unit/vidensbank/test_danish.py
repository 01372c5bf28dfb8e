from vidensbank.danish import sort_key


def test_danish_letters_sort_after_z_whatever_the_case_and_accents() -> None:
    titles = ["Åbne døre", "anbragte unge", "Ældre søskende", "Zebra", "Øster", "Émile", "Aabenraa"]
    assert sorted(titles, key=sort_key) == [
        "anbragte unge",
        "Émile",
        "Zebra",
        "Ældre søskende",
        "Øster",
        "Aabenraa",
        "Åbne døre",
    ]


def test_a_decomposed_ring_sorts_as_the_letter_aa() -> None:
    assert sort_key("A\u030abne") == sort_key("Åbne")
