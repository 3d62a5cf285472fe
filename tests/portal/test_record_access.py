"""F21: a reader refused content is told why (the deciding rule's reason, translated when
it is a preset's own wording) and what to do (log in, register, the reading room, ask)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import lxml.html
import pytest
from flask import Flask

from catalogue import DigitalObject, Holding, Record
from catalogue.rights import (
    Conditions,
    LicenceRule,
    Outcomes,
    load_rules,
    preset_rules,
    save_rule,
)
from catalogue.runs import HarvestedItem
from catalogue.settings import RightsSettings, Settings
from catalogue.sources import Source
from catalogue.store import Store
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal.app import create_app
from portal.record_notices import KNOWN_REASONS
from tests.support.record_pages import log_in, sel

LIBRARY = "Thư viện Hà Nội"
OWN_REASON = "Sách nói thu âm cho bạn đọc đã đăng ký (thỏa thuận của thư viện)."


def _scans(name: str) -> list[DigitalObject]:
    # The page only links to the IIIF server; no file is read to render it.
    return [
        DigitalObject(
            "image",
            f"scans/{name}/page-001.jpg",
            label="Tờ 1",
            order=1,
            mime_type="image/jpeg",
            stored_path=f"objects/00/{name}.jpg",
        )
    ]


def build_rights_app(data_dir: Path, onsite_networks: tuple[str, ...] = ()) -> Flask:
    """Six records under three own rules and the "embargo" and InC presets."""
    settings = Settings(data_dir=data_dir, rights=RightsSettings(onsite_networks=onsite_networks))
    store = Store(settings.db_url)
    held = [Holding(LIBRARY, "Phòng đọc Hán Nôm", "HN 1", "reference_only")]
    records = [
        # view_content registered, the librarian's own (Vietnamese) reason
        Record(
            "lib",
            "reg",
            title="Số đỏ",
            languages=["vie"],
            collections=["Sách nói"],
            digital_objects=[DigitalObject("audio", "a/1.mp3", label="Chương 1", order=1)],
            holdings=held,
        ),
        # view_content onsite: the reading room of the holding library
        Record(
            "lib",
            "room",
            title="Tờ Hán Nôm",
            languages=["vie"],
            format="manuscript",
            collections=["Hán Nôm"],
            digital_objects=_scans("room"),
            holdings=held,
        ),
        # the "inc" preset: its reason is a known wording, shown translated
        Record(
            "lib",
            "inc",
            title="Sách còn bản quyền",
            languages=["vie"],
            rights_statement="http://rightsstatements.org/vocab/InC/1.0/",
            digital_objects=_scans("inc"),
            holdings=held,
        ),
        # the "embargo" preset: staff only, no preview
        Record(
            "lib",
            "emb",
            title="Luận án",
            languages=["vie"],
            embargo_until=date(2099, 1, 1),
            digital_objects=_scans("emb"),
            holdings=held,
        ),
        # no rule: the default, content for staff only
        Record(
            "lib",
            "none",
            title="Không quy tắc",
            languages=["vie"],
            digital_objects=_scans("none"),
            holdings=held,
        ),
        # open to everyone: no notice at all
        Record(
            "lib",
            "open",
            title="Công cộng",
            languages=["vie"],
            collections=["Mở"],
            digital_objects=_scans("open"),
            holdings=held,
        ),
    ]
    store.put_source(Source(key="lib", name=LIBRARY, type="marc", url="/dev/null"))
    run = store.start_run("lib", "full")
    store.save_items(run, "lib", [HarvestedItem(r.local_id, b"", "marc21", r) for r in records])
    store.finish_run(run, "succeeded")
    for rule in (
        LicenceRule(
            name="Sách nói",
            conditions=Conditions(collections=("Sách nói",)),
            outcomes=Outcomes(view_content="registered", download="registered"),
            reason=OWN_REASON,
        ),
        LicenceRule(
            name="Hán Nôm",
            conditions=Conditions(collections=("Hán Nôm",)),
            outcomes=Outcomes(view_content="onsite", preview_max_px=0),
            reason="Fragile manuscripts: read in the reading room.",
        ),
        LicenceRule(
            name="Mở",
            conditions=Conditions(collections=("Mở",)),
            outcomes=Outcomes(view_content="public", download="public"),
        ),
        # "inc" with its on-site half: without a library network that half never applies
        *preset_rules(["embargo", "inc-registered-onsite", "inc"]),
    ):
        save_rule(store, rule)
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)
    return create_app(settings, store=store, index=index)


@pytest.fixture
def rights_app(tmp_path: Path) -> Iterator[Flask]:
    app = build_rights_app(tmp_path)
    yield app
    app.extensions["thuvien"].store.close()


def notices(client, record_id: str) -> list[lxml.html.HtmlElement]:
    response = client.get(f"/record/{record_id}")
    assert response.status_code == 200
    return sel(lxml.html.fromstring(response.get_data(as_text=True)), ".access-notice")


def reason(notice: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    return sel(notice, ".access-notice__reason")[0]


def actions(notice: lxml.html.HtmlElement) -> str:
    return sel(notice, ".access-notice__actions")[0].text_content()


def test_registered_content_offers_log_in_and_register_with_the_rules_reason(rights_app):
    client = rights_app.test_client()
    [notice] = notices(client, "lib:reg")
    assert OWN_REASON in reason(notice).text_content()  # as the librarian wrote it
    links = {a.text_content(): a.get("href") for a in sel(notice, "a")}
    assert links["Đăng nhập"].startswith("/login?next=")
    assert links["Đăng ký làm bạn đọc"].startswith("/register?next=")
    assert links["Đăng nhập"] == "/login?next=/record/lib:reg"


def test_a_logged_in_reader_gets_the_content_and_no_notice(rights_app):
    client = rights_app.test_client()
    log_in(rights_app, client, "reader")
    assert notices(client, "lib:reg") == []


def test_onsite_content_points_to_the_holding_librarys_reading_room(rights_app):
    client = rights_app.test_client()
    [notice] = notices(client, "lib:room")
    assert "Fragile manuscripts: read in the reading room." in reason(notice).text_content()
    assert f"Đọc tại phòng đọc của {LIBRARY}." in actions(notice)
    # The scans' own sentence says the same: not "log in", which would not help a reader.
    assert sel(notice, "p")[0].text_content() == (
        "Bản quét của tài liệu này chỉ xem được tại phòng đọc của thư viện hoặc do cán bộ "
        "thư viện xem."
    )


def test_default_scans_are_a_preview_with_the_reason(rights_app):
    [notice] = notices(rights_app.test_client(), "lib:none")
    assert (
        sel(notice, "p")[0]
        .text_content()
        .startswith("Giấy phép của tài liệu này chỉ cho phép bạn xem bản xem trước")
    )
    assert "Chưa có quy tắc giấy phép nào" in reason(notice).text_content()


def test_a_presets_reason_is_translated_and_the_default_asks_the_library(rights_app):
    client = rights_app.test_client()
    [inc] = notices(client, "lib:inc")
    text = reason(inc).text_content()
    assert "Còn bảo hộ quyền tác giả (rightsstatements.org InC)" in text
    assert "In copyright" not in text
    assert f"Liên hệ {LIBRARY} để hỏi về quyền truy cập." in actions(inc)
    [default] = notices(client, "lib:none")
    assert "Chưa có quy tắc giấy phép nào" in reason(default).text_content()
    client.get("/?lang=en")
    [inc] = notices(client, "lib:inc")
    assert reason(inc).text_content().startswith("Why: In copyright (rightsstatements.org InC)")
    library = sel(inc, ".access-notice__actions span")[0]
    assert (library.text, library.get("lang")) == (LIBRARY, "vi")  # WCAG 3.1.2


def test_an_edited_preset_reason_is_shown_as_written(rights_app):
    store = rights_app.extensions["thuvien"].store
    [rule] = [r for r in load_rules(store) if r.preset == "inc"]
    save_rule(store, replace(rule, reason="Bản quyền còn hiệu lực — hỏi thủ thư."))
    client = rights_app.test_client()
    client.get("/?lang=en")
    [inc] = notices(client, "lib:inc")
    shown = sel(inc, ".access-notice__reason span")[0]
    assert (shown.text, shown.get("lang")) == ("Bản quyền còn hiệu lực — hỏi thủ thư.", "vi")


def test_open_content_has_no_notice(rights_app):
    assert notices(rights_app.test_client(), "lib:open") == []


def test_known_reasons_match_the_presets_file_word_for_word():
    """A preset whose wording changed would silently fall back to English: keep them equal."""
    presets = {rule.preset: rule.reason for rule in preset_rules()}
    for key, text in KNOWN_REASONS.items():
        if key:
            assert presets[key] == text, key


def test_embargoed_scans_are_for_staff_and_the_reader_is_told_to_ask(rights_app):
    [notice] = notices(rights_app.test_client(), "lib:emb")
    assert sel(notice, "p")[0].text_content() == (
        "Bản quét của tài liệu này chỉ dành cho cán bộ thư viện."
    )
    assert "Đang trong thời hạn chưa công bố" in reason(notice).text_content()
    assert f"Liên hệ {LIBRARY} để hỏi về quyền truy cập." in actions(notice)


NETWORK = "192.0.2.0/24"  # the library network
ELSEWHERE = "203.0.113.9"


@pytest.mark.parametrize("role", ["", "reader"])
def test_off_site_inc_content_points_to_the_reading_room_staff_only_still_asks(
    tmp_path: Path, role: str
) -> None:
    """The "inc" preset lets readers in only on the library network: off site its level
    is "staff", yet the reader is told where they could read it, not to ask the library."""
    app = build_rights_app(tmp_path, onsite_networks=(NETWORK,))
    try:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = ELSEWHERE
        if role:
            log_in(app, client, role)
        [inc] = notices(client, "lib:inc")
        assert f"Đọc tại phòng đọc của {LIBRARY}." in actions(inc)
        assert "Liên hệ" not in actions(inc)
        staff_link = "Cán bộ thư viện có thể đăng nhập để đọc ở bất cứ đâu."
        assert (staff_link in actions(inc)) == (not role)  # only offered to the anonymous
        [emb] = notices(client, "lib:emb")  # staff only, wherever the reader is
        assert f"Liên hệ {LIBRARY} để hỏi về quyền truy cập." in actions(emb)
        assert "phòng đọc" not in actions(emb)
        client.get("/?lang=en")
        [inc] = notices(client, "lib:inc")
        assert f"Read it in the reading room of {LIBRARY}." in actions(inc)
        assert "Ask " not in actions(inc)
        library = sel(inc, ".access-notice__actions span")[0]
        assert (library.text, library.get("lang")) == (LIBRARY, "vi")
        [emb] = notices(client, "lib:emb")
        assert f"Ask {LIBRARY} about access to it." in actions(emb)
        assert "reading room" not in actions(emb)
    finally:
        app.extensions["thuvien"].store.close()
