"""The demo's copies as a reader meets them: a Koha copy on loan is due back a loan
period (2-4 weeks) after its status was read, not months later (H8); and a few of the
university's older books have copies that were never barcoded and read exactly alike,
so the record page's counted rows ("2 bản") can be seen in the demo (H6)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from harvesters.crosswalk import marc_to_record
from harvesters.demo import vocab as v
from harvesters.demo.generator import DemoCatalogue, SampleRecord, generate

LOAN = range(14, 28 + 1)  # days


@pytest.fixture(scope="module")
def catalogue() -> DemoCatalogue:
    return generate()  # the catalogue `thuvien demo` builds


def live(catalogue: DemoCatalogue, key: str) -> list[SampleRecord]:
    return [r for r in catalogue.records(key) if r.marc is not None and not r.deleted]


def test_a_copy_on_loan_is_due_a_few_weeks_after_its_status_was_read(catalogue):
    loans = []
    for sample in live(catalogue, v.HANOI):
        for field in sample.marc.get_fields("952"):
            if field.get("q"):
                loans.append((sample.datestamp.date(), date.fromisoformat(field["q"])))
    assert len(loans) >= 20
    assert all((due - read).days in LOAN for read, due in loans)
    assert len({(due - read).days for read, due in loans}) > 3  # loan periods vary


def test_harvested_the_due_date_follows_the_status_date(catalogue):
    """What the record page shows: 'status checked' and 'due back', both from the record."""
    checked = 0
    for sample in live(catalogue, v.HANOI):
        record = marc_to_record(sample.marc, source_key=v.HANOI, datestamp=sample.datestamp)
        for holding in record.holdings:
            if holding.status == "on_loan":
                assert holding.due and holding.status_read_at
                assert (holding.due - holding.status_read_at.date()).days in LOAN
                checked += 1
    assert checked >= 20


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
