"""The knowledge-base records a curator chooses from when linking a name."""

from search_api.api.corrections import kb_choices


def test_records_are_offered_in_danish_alphabetical_order() -> None:
    """Sorted by ``str.lower``, "Aarhus Universitet" came first among the A's, where a Dane
    looks for it after Ø (as "Århus")."""
    names = [name for _, name in kb_choices()]
    assert names.index("Zetland (organisation)") < names.index("Ærø Kommune (sted)")
    assert names.index("Økonomi- og Indenrigsministeriet (organisation)") < names.index(
        "Aarhus Universitet (organisation)"
    )
