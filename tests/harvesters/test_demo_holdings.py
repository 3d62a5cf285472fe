"""The demo's copies as a reader meets them: a Koha copy on loan is due back a loan
period (2-4 weeks) after it was checked out, and the loans are dated from the day the
catalogue is generated, so most are due back in the coming weeks and a few are overdue
whenever the demo is tried (H8); and a few of the university's older books have copies
that were never barcoded and read exactly alike, so the record page's counted rows
("2 bản") can be seen in the demo (H6)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import requests
from lxml import etree

from harvesters.crosswalk import marc_to_record
from harvesters.demo import vocab as v
from harvesters.demo.generator import STAMP_TO, DemoCatalogue, SampleRecord, generate
from harvesters.demo.libraries import oai_repository
from harvesters.demo.server import serve_wsgi
from harvesters.oai_provider import make_wsgi_app

LOAN = range(14, 28 + 1)  # days
TODAY = date(2026, 11, 2)  # the day the catalogue is generated on
MIDNIGHT = datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=UTC)
OAI = "{http://www.openarchives.org/OAI/2.0/}"


@pytest.fixture(scope="module")
def catalogue() -> DemoCatalogue:
    return generate(today=TODAY)  # the catalogue `thuvien demo` builds, on TODAY


def live(catalogue: DemoCatalogue, key: str) -> list[SampleRecord]:
    return [r for r in catalogue.records(key) if r.marc is not None and not r.deleted]


def loans(catalogue: DemoCatalogue) -> list[tuple[SampleRecord, date, date]]:
    """(record, checked out, due) of every Koha copy on loan (952 $s, $q)."""
    return [
        (sample, date.fromisoformat(field["s"]), date.fromisoformat(field["q"]))
        for sample in live(catalogue, v.HANOI)
        for field in sample.marc.get_fields("952")
        if field.get("q")
    ]


def test_most_copies_on_loan_are_due_back_in_the_coming_weeks_a_few_overdue(catalogue):
    found = loans(catalogue)
    assert len(found) >= 20
    dues = [due for _, _, due in found]
    overdue = sum(due < TODAY for due in dues)
    assert 1 <= overdue <= 0.25 * len(dues)  # a few are late, most are not
    assert all(TODAY - timedelta(days=14) <= due < TODAY + timedelta(days=28) for due in dues)
    assert len({due for due in dues if due >= TODAY}) > 5  # spread over the coming weeks
    assert all(borrowed < TODAY for _, borrowed, _ in found)  # checked out before today
    assert all((due - borrowed).days in LOAN for _, borrowed, due in found)
    assert len({(due - borrowed).days for _, borrowed, due in found}) > 3  # periods vary


def test_the_loans_move_with_the_day_the_demo_is_generated(catalogue):
    """A month later the same loans are dated a month later; the records are otherwise
    the same, and records without a copy on loan keep their datestamps."""
    later = generate(today=TODAY + timedelta(days=30))
    for (one, borrowed, due), (two, borrowed2, due2) in zip(
        loans(catalogue), loans(later), strict=True
    ):
        assert one.id == two.id
        assert (borrowed2 - borrowed).days == (due2 - due).days == 30
    for one, two in zip(catalogue.records(v.HANOI), later.records(v.HANOI), strict=True):
        if one.marc is None or not any(f.get("q") for f in one.marc.get_fields("952")):
            assert one.datestamp == two.datestamp
            assert one.marc is None or one.marc.as_marc() == two.marc.as_marc()


def test_the_demo_is_dated_from_the_current_day_by_default():
    before = datetime.now(UTC).date()
    catalogue = generate(works=40)
    assert before <= catalogue.today <= datetime.now(UTC).date()
    assert all(stamp <= datetime.now(UTC) for stamp in stamps(catalogue))
    with pytest.raises(ValueError, match="today must be after"):
        generate(works=40, today=STAMP_TO.date())  # before the records' own last edits


def stamps(catalogue: DemoCatalogue) -> list[datetime]:
    return [s.datestamp for lib in catalogue.libraries for s in catalogue.records(lib.key)]


def test_a_record_with_a_copy_on_loan_is_stamped_the_day_its_loans_are_dated(catalogue):
    """Its due dates change from one day's catalogue to the next, so its datestamp is the
    start of the day: never in the future, and after any harvest of an earlier day."""
    stamped = {sample.id for sample, _, _ in loans(catalogue)}
    for sample in catalogue.records(v.HANOI):
        if sample.id in stamped:
            assert sample.datestamp == MIDNIGHT
        else:
            assert sample.datestamp <= STAMP_TO


def test_harvested_the_status_was_read_the_day_the_loans_are_dated(catalogue):
    """What the record page shows: 'status checked' and 'due back', both from the record."""
    checked = 0
    for sample in live(catalogue, v.HANOI):
        record = marc_to_record(sample.marc, source_key=v.HANOI, datestamp=sample.datestamp)
        for holding in record.holdings:
            if holding.status == "on_loan":
                assert holding.due and holding.status_read_at == MIDNIGHT
                assert -14 <= (holding.due - TODAY).days < 28
                checked += 1
    assert checked >= 20


def identifiers(url: str, **params: str) -> set[str]:
    """Every identifier ListIdentifiers answers over HTTP, following resumption tokens."""
    found: set[str] = set()
    query = {"verb": "ListIdentifiers", "metadataPrefix": "marc21", **params}
    while True:
        response = requests.get(url, params=query, timeout=10)
        doc = etree.fromstring(response.content)
        found |= {e.text for e in doc.iter(f"{OAI}identifier")}
        token = doc.find(f".//{OAI}resumptionToken")
        if token is None or not token.text:
            return found
        query = {"verb": "ListIdentifiers", "resumptionToken": token.text}


def test_an_incremental_harvest_from_yesterday_fetches_the_records_with_loans(catalogue):
    library = catalogue.library(v.HANOI)
    app = make_wsgi_app(oai_repository(catalogue, library), page_size=50)
    with serve_wsgi(app, "/oai") as url:
        everything = identifiers(url)
        since = identifiers(url, **{"from": (TODAY - timedelta(days=1)).isoformat()})
        before = identifiers(url, until=(TODAY - timedelta(days=1)).isoformat())
    with_loans = {f"oai:{v.HANOI}:{sample.local_id}" for sample, _, _ in loans(catalogue)}
    assert since == with_loans and since | before == everything and not since & before


def test_a_few_older_university_books_have_copies_that_read_alike(catalogue):
    alike, barcodes = [], Counter()
    for sample in live(catalogue, v.VNU):
        fields = sample.marc.get_fields("852")
        marked = [f.get("p") for f in fields if f.get("p")]
        barcodes.update(marked)
        if not marked:
            alike.append((sample, fields))
        else:
            assert len(marked) == len(fields)  # a record's copies are all barcoded, or none
    assert 3 <= len(alike) <= 20  # a few, to show the counted row; not the norm
    for sample, fields in alike:
        assert len(fields) >= 2
        shown = {tuple(f.get(code) for code in "abchiz") for f in fields}
        assert len(shown) == 1  # same branch, shelf and call number: one row on the page
        year = int(sample.marc["008"].data[7:11])
        assert year < 1995 and sample.marc.leader[6:8] == "am"
    assert barcodes and max(barcodes.values()) == 1  # every barcode names one copy


def test_the_smaller_demos_keep_a_record_with_copies_alike():
    """The browser tests' demo (120 works) and the page tests' (40) show the row too."""
    for works in (40, 120):
        records = live(generate(works=works), v.VNU)
        assert any(
            len(r.marc.get_fields("852")) >= 2
            and not any(f.get("p") for f in r.marc.get_fields("852"))
            for r in records
        )
