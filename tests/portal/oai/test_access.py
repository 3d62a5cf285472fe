"""Access at /oai: records hidden from the requester behave as if they did not exist."""

from __future__ import annotations

from sickle import Sickle

from portal import access
from tests.support.oai_catalogue import (
    DELETED_IDS,
    LISTING,
    LIVE,
    _all_ids,
    _errors,
    _id,
    _identifiers,
    _oai_id,
    _request,
    _token_attributes,
)

# --- access ----------------------------------------------------------------------------


def test_hidden_records_behave_as_if_they_did_not_exist(oai, monkeypatch):
    hidden = {_id(i) for i in range(LIVE) if i % 7 == 0} | {_id(11), DELETED_IDS[1]}
    monkeypatch.setattr(access, "may_publish_record", lambda record: record.id not in hidden)
    visible = _all_ids() - {_oai_id(i) for i in hidden}
    before = len(oai.faults.log)
    records = list(Sickle(oai.url).ListRecords(metadataPrefix="oai_dc"))
    ids = [r.header.identifier for r in records]
    assert len(ids) == len(set(ids)) and set(ids) == visible
    assert len(oai.faults.log) - before == 3  # 219 records: pages of up to 100 go on
    # The list's size counts what the requester may see, never a hidden record.
    assert {p["completeListSize"] for p in _token_attributes(oai.url)} == {str(len(visible))}
    assert _identifiers(oai.url, set="library:thu-vien-b") == {
        i for i in visible if ":thu-vien-b:" in i
    }
    for record_id in (_id(11), _id(14), DELETED_IDS[1]):
        for verb, extra in (("GetRecord", {"metadataPrefix": "oai_dc"}),
                            ("ListMetadataFormats", {})):  # fmt: skip
            root = _request(oai.url, verb=verb, identifier=_oai_id(record_id), **extra)
            assert _errors(root) == ["idDoesNotExist"]
    # Every Hán Nôm record is hidden, so the collection is not there either.
    sets = {s.setSpec for s in Sickle(oai.url).ListSets()}
    assert "collection:han-nom" not in sets and "collection:sach-noi" in sets
    assert _errors(_request(oai.url, **LISTING, set="collection:han-nom")) == ["noRecordsMatch"]
