"""Restricted content deliveries go into the audit log, once per reader, record and kind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask

from catalogue import audit
from catalogue.rights import AccessDecision
from portal.access import ACCESS_LOG_WINDOW, log_content_access
from portal.app import services
from portal.record_images import _whole_page_thumbnail
from tests.indexer.sample_records import sample_records


def _decision(level: str, allowed: bool = True) -> AccessDecision:
    return AccessDecision(
        allowed=allowed,
        level=level,
        action="view_content",
        rule_id=7,
        rule_name="Registered readers",
        reason="test",
    )


def _logged(app: Flask, record_id: str) -> list:
    with app.app_context():
        store = services().store
        return list(audit.entries(store, action=audit.CONTENT_ACCESSED, target=record_id))


def test_restricted_delivery_is_logged_once_per_window(app: Flask) -> None:
    record = sample_records()[0]
    before = len(_logged(app, record.id))
    with app.test_request_context(
        "/iiif/3/x/full/max/0/default.jpg", environ_base={"REMOTE_ADDR": "203.0.113.9"}
    ):
        for _ in range(5):  # a viewer's many tile requests
            log_content_access(record, _decision("registered"), "image")
        log_content_access(record, _decision("registered"), "audio")  # another kind
    entries = _logged(app, record.id)
    assert len(entries) == before + 2
    newest = entries[:2]  # newest first
    assert {e.detail["kind"] for e in newest} == {"image", "audio"}
    assert all(e.ip == "203.0.113.9" and e.detail["level"] == "registered" for e in newest)
    assert all(e.detail["rule"] == "Registered readers" for e in newest)


def test_logged_again_after_the_window(app: Flask) -> None:
    record = sample_records()[1]
    before = len(_logged(app, record.id))
    with app.test_request_context("/"):
        log_content_access(record, _decision("onsite"), "download")
        seen = app.extensions["thuvien.access_log"]
        key = next(k for k in seen if k[2] == record.id)
        seen[key] = datetime.now(UTC) - ACCESS_LOG_WINDOW - timedelta(seconds=1)
        log_content_access(record, _decision("onsite"), "download")
    assert len(_logged(app, record.id)) == before + 2


def test_public_or_refused_content_is_not_logged(app: Flask) -> None:
    record = sample_records()[2]
    before = len(_logged(app, record.id))
    with app.test_request_context("/"):
        log_content_access(record, _decision("public"), "image")
        log_content_access(record, _decision("registered", allowed=False), "image")
    assert len(_logged(app, record.id)) == before


def test_a_whole_page_thumbnail_is_not_an_opening() -> None:
    """A results list shows thumbnails of twenty works: only real views are audited."""
    for size in ("!96,96", "150,", ",120", "^!96,96"):
        assert _whole_page_thumbnail({"region": "full", "size": size}), size
    assert _whole_page_thumbnail({"region": "square", "size": "96,96"})
    for region, size in [
        ("full", "max"),
        ("full", "!151,151"),
        ("full", "400,"),
        ("0,0,256,256", "96,"),  # a tile of a region, however small, is part of the scan
        ("full", "pct:5"),
        ("full", ","),
    ]:
        assert not _whole_page_thumbnail({"region": region, "size": size}), (region, size)
    assert not _whole_page_thumbnail({})
