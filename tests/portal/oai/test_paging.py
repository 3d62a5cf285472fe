"""The OAI provider's paged lists, over a repository we script: exact last pages, hidden
items skipped, tokens whose rest has gone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lxml import etree

from harvesters.oai_provider import respond
from harvesters.oai_repository import OAI_DC, SECONDS, OaiItem, dc_element
from tests.support.oai_catalogue import BASE, NS, SAFE, _errors

# --- the provider's paged lists, over a repository we script ---------------------------


class ScriptedRepository:
    """A PagedOaiRepository over numbered items; `hidden` ones are read but never returned."""

    repository_name = "scripted"
    admin_emails = ["admin@example.org"]
    earliest_datestamp = BASE
    granularity = SECONDS
    deleted_record = "persistent"
    has_sets = False

    def __init__(self, count: int, hidden: set[int] = frozenset()) -> None:
        self.count, self.hidden, self.reads = count, set(hidden), 0
        self.positions_valid = True

    def metadata_formats(self, identifier=None):
        return [OAI_DC]

    def sets(self):
        return []

    def list_page(self, *, prefix, from_, until, set_spec, position, limit):
        self.reads += 1
        if position is not None and not self.positions_valid:
            raise ValueError(position)
        start = int(position or 0)
        numbers = range(start + 1, min(start + limit, self.count) + 1)
        entries = [(self._item(n), str(n)) for n in numbers if n not in self.hidden]
        return entries, (str(numbers[-1]) if numbers and numbers[-1] < self.count else None)

    def get_item(self, identifier):
        return None

    def _item(self, n: int) -> OaiItem:
        return OaiItem(f"oai:s:{n}", BASE + timedelta(minutes=n))

    def metadata(self, item, prefix):
        return dc_element({"title": [item.identifier]})


def _pages(repo: ScriptedRepository, page_size: int = 3) -> list[tuple[list[str], dict | None]]:
    """Each page's identifiers and its resumptionToken's attributes (None: no token)."""
    pages, args = [], {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    while True:
        body = respond(repo, args, "http://x/oai", datetime.now(UTC), page_size=page_size,
                       secret=b"k")  # fmt: skip
        root = etree.fromstring(body, SAFE)
        if _errors(root):
            pages.append((_errors(root), None))
            return pages
        ids = [h.findtext("o:identifier", namespaces=NS) for h in root.iterfind(".//o:header", NS)]
        token = root.find(".//o:resumptionToken", NS)
        pages.append((ids, None if token is None else {"text": token.text, **token.attrib}))
        if token is None or not token.text:
            return pages
        args = {"verb": "ListIdentifiers", "resumptionToken": token.text}


def test_a_list_that_fills_its_last_page_exactly_ends_without_an_empty_page():
    pages = _pages(ScriptedRepository(6))
    assert [ids for ids, _ in pages] == [["oai:s:1", "oai:s:2", "oai:s:3"],
                                         ["oai:s:4", "oai:s:5", "oai:s:6"]]  # fmt: skip
    assert pages[0][1]["cursor"] == "0" and "completeListSize" not in pages[0][1]
    assert pages[1][1] == {"text": None, "cursor": "3"}
    assert _pages(ScriptedRepository(3))[0][1] is None  # one page: no token at all


def test_hidden_items_are_skipped_and_the_list_goes_on():
    repo = ScriptedRepository(30, hidden={2, *range(4, 29)})
    pages = _pages(repo)
    assert [ids for ids, _ in pages] == [["oai:s:1", "oai:s:3", "oai:s:29"], ["oai:s:30"]]
    assert repo.reads <= 12  # a page per read, never one read per hidden item


def test_a_token_whose_rest_has_gone_or_whose_position_is_refused():
    repo = ScriptedRepository(4)
    args = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    first = etree.fromstring(respond(repo, args, "http://x/oai", BASE, page_size=3, secret=b"k"))
    token = first.find(".//o:resumptionToken", NS).text
    repo.hidden.add(4)  # hidden since the first page
    again = {"verb": "ListIdentifiers", "resumptionToken": token}
    root = etree.fromstring(respond(repo, again, "http://x/oai", BASE, page_size=3, secret=b"k"))
    assert _errors(root) == ["noRecordsMatch"]
    other_key = respond(repo, again, "http://x/oai", BASE, secret=b"other")
    assert _errors(etree.fromstring(other_key)) == ["badResumptionToken"]
    repo.positions_valid = False  # the repository no longer understands its position
    refused = respond(repo, again, "http://x/oai", BASE, page_size=3, secret=b"k")
    assert _errors(etree.fromstring(refused)) == ["badResumptionToken"]
