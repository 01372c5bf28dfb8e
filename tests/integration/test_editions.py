"""Editions on the real stack: a report as a PDF, the same text as another publisher's web page
and a second edition of it, beside a different report of the same publisher and kind, go
through the real worker. The three editions are linked, search lists them once (by words, and
by words and meaning fused) with the others named, and each document page shows "Andre
udgaver". A stack of its own: the session's corpus keeps its counts."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sample_corpus.sources import write_manifest
from search_api.index import tasks as index_tasks
from search_api.index.elastic import get_client
from search_api.query import builder
from search_api.query import search as search_module
from search_api.query.builder import SHOWN_FIELDS, hit_group
from tests.editions import OTHER_REPORT, REPORT, as_web_page, render, second_edition, spec
from tests.fixtures import start_worker, stop_worker
from tests.helpers import ingest
from tests.stacks import Stack, own_stack
from vidensbank.store import editions as edition_store
from vidensbank.store.documents import Document
from vidensbank.store.editions import EditionMember

QUERY = "bisidder for børn i sager om særlig støtte"


@pytest.fixture(scope="module")
def editions(stack: None, run_dir: Path) -> Iterator[tuple[Stack, dict[str, str], str]]:
    """The stack (embeddings on), the ids of the four documents by role, and its API's URL."""
    folder = run_dir / "udgaver"
    folder.mkdir()
    report = spec(REPORT)
    specs = {
        "pdf": report,
        "web": as_web_page(report),
        "second": second_edition(report),
        "other": spec(OTHER_REPORT),
    }
    for source in specs.values():
        (folder / source.filename).write_bytes(render(source))
    write_manifest(folder, {s.filename: s.manifest_entry() for s in specs.values()})
    with own_stack("editions", run_dir, VB_EMBEDDINGS="true") as own:
        worker = start_worker("editions", run_dir / "editions-worker.log", env=own.env)
        try:
            report_json = ingest(folder, env=own.env)
            assert {d["status"] for d in report_json["documents"]} == {"indexed"}
            ids = {d["filename"]: d["id"] for d in report_json["documents"]}
            embedded = own.cli("embed", "--wait", "--timeout", "300", timeout=360)
            assert embedded.returncode == 0, embedded.stderr
            with own.serve(run_dir / "editions-api.log") as url:
                yield own, {role: ids[s.filename] for role, s in specs.items()}, url
        finally:
            stop_worker(worker)


def test_the_three_editions_are_one_group_named_for_the_first_ingested(
    editions: tuple[Stack, dict[str, str], str],
) -> None:
    own, ids, _url = editions
    with own.session() as session:
        groups = {m.document_id: m.group_id for m in session.query(EditionMember)}
        created = {d.id: (d.created_at, d.id) for d in session.query(Document)}
    trio = [ids["pdf"], ids["web"], ids["second"]]
    assert set(groups) == set(trio)
    assert set(groups.values()) == {min(trio, key=created.__getitem__)}
    # The index tells a search which results have other editions to ask for.
    hits = get_client().search(
        index=own.alias, body={"query": {"match_all": {}}, "_source": ["has_editions"]}
    )["hits"]["hits"]
    marked = {hit["_id"]: hit["_source"]["has_editions"] for hit in hits}
    assert marked == dict.fromkeys(trio, True) | {ids["other"]: False}


def search(url: str, **params: Any) -> dict[str, Any]:
    response = httpx.get(f"{url}/api/search", params=params, timeout=30)
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_search_lists_the_group_once_with_its_other_editions(
    editions: tuple[Stack, dict[str, str], str], sort: str
) -> None:
    _own, ids, url = editions
    trio = {ids["pdf"], ids["web"], ids["second"]}
    found = search(url, q=QUERY, sort=sort)
    listed = [r["id"] for r in found["results"]]
    shown = [r for r in found["results"] if r["id"] in trio]
    assert len(shown) == 1, listed
    assert {e["id"] for e in shown[0]["editions"]} == trio - {shown[0]["id"]}
    # The collapsed hit keeps its pages' snippets (the nested inner hits).
    assert shown[0]["hits"] and "<mark>" in shown[0]["hits"][0]["highlight"]
    # The total counts what is listed: the group once, the other report (if found) once.
    assert found["total"] == len(listed)
    assert len(listed) == len(set(listed))

    everything = search(url, sort="newest")
    assert everything["total"] == 2 == len(everything["results"])
    # Pages are pages of groups: one a page, two pages, nothing on a third.
    paged = [search(url, sort="newest", size=1, page=n)["results"] for n in (1, 2, 3)]
    assert [len(results) for results in paged] == [1, 1, 0]
    assert {paged[0][0]["id"], paged[1][0]["id"]} == {r["id"] for r in everything["results"]}
    # A facet value counts groups too: VIVE has the group (two VIVE editions) and the other
    # report; Socialstyrelsen the group, by its web page.
    publishers = {v["value"]: v["count"] for v in everything["facets"]["publisher"]}
    assert publishers == {"VIVE": 2, "Socialstyrelsen": 1}
    # Filtered to Socialstyrelsen, the group is there by its web page.
    filtered = search(url, q=QUERY, publisher="Socialstyrelsen")
    assert [r["id"] for r in filtered["results"]] == [ids["web"]]


def test_each_page_of_the_group_shows_the_other_editions(
    editions: tuple[Stack, dict[str, str], str],
) -> None:
    _own, ids, url = editions
    page = httpx.get(f"{url}/dokument/{ids['web']}", timeout=30).text
    assert "Andre udgaver" in page
    assert f'href="/dokument/{ids["pdf"]}"' in page and f'href="/dokument/{ids["second"]}"' in page
    other = httpx.get(f"{url}/dokument/{ids['other']}", timeout=30).text
    assert "Andre udgaver" not in other
    results = httpx.get(f"{url}/", params={"q": QUERY}, timeout=30).text
    assert "3 udgaver" in results


def test_each_group_lists_at_most_its_share_of_editions(
    editions: tuple[Stack, dict[str, str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sorted together, one group of many editions took the places of the others' (the trio
    stands in for a group of more than MAX_EDITIONS)."""
    own, ids, _url = editions
    monkeypatch.setattr(builder, "MAX_EDITIONS", 2)
    body = {"query": {"ids": {"values": [ids["pdf"], ids["other"]]}}, "_source": SHOWN_FIELDS}
    groups = [hit_group(h) for h in get_client().search(index=own.alias, body=body)["hits"]["hits"]]
    response = get_client().search(index=own.alias, body=builder.editions_query(groups)).body
    members = search_module._editions(response)
    assert sorted(len(listed) for listed in members.values()) == [1, 2]


def test_an_entity_page_lists_the_group_once_with_its_other_editions(
    editions: tuple[Stack, dict[str, str], str],
) -> None:
    """Editions of one report were two documents on an entity's page (the search, one)."""
    _own, ids, url = editions
    trio = {ids["pdf"], ids["web"], ids["second"]}
    entity = httpx.get(f"{url}/api/entities/org.vive", timeout=30).json()
    listed = [d["id"] for d in entity["documents"]]
    grouped = [d for d in entity["documents"] if d["id"] in trio]
    assert len(grouped) == 1, listed
    shown = grouped[0]
    # The newest edition stands for the group, the others beside it.
    assert shown["id"] == ids["second"]
    assert {e["id"] for e in shown["editions"]} | {shown["id"]} <= trio
    assert shown["editions"]
    assert len(listed) == len(set(listed))
    related = {r["kb_id"]: r["documents"] for r in entity["co_occurring"]}
    assert max(related.values()) <= 2  # the group and the other report, at most
    page = httpx.get(f"{url}/entitet/org.vive", timeout=30).text
    assert f"i {len(listed)} dokument" in page
    assert "Også i udgave" in page


def test_an_index_bulk_with_a_group_read_before_its_linking_is_put_right(
    editions: tuple[Stack, dict[str, str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers: one linked a new edition and indexed the group; the other's bulk, built
    from the groups as they were before, arrived after it and undid the group in the index
    (in a CI run the three editions were listed as three results). Here the task reads no
    group (as before the linking) and sends its bulk; the groups are read again after it."""
    own, ids, _url = editions
    read_groups = edition_store.groups_of
    calls: list[object] = []

    def stale_then_current(session: Any, *, document_ids: Any) -> dict[str, str]:
        calls.append(document_ids)
        return {} if len(calls) == 1 else read_groups(session, document_ids=document_ids)

    monkeypatch.setattr(edition_store, "groups_of", stale_then_current)
    with own.in_process():
        index_tasks.index_documents.run([ids["web"]])
    get_client().indices.refresh(index=own.alias)
    source = get_client().get(index=own.alias, id=ids["web"])["_source"]
    assert source["has_editions"] is True
