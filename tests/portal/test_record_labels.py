"""The record page's labels in both languages, rights statements in words, durations."""

from __future__ import annotations

from portal.record_description import rights_label
from portal.record_files import duration_text
from tests.support.record_pages import KIEU, field_values, page, sel, table_rows

# --- languages -------------------------------------------------------------------------------


def test_labels_render_in_vietnamese_and_english(client):
    vi = page(client, f"/record/{KIEU}")
    vi_labels = [dt.text_content() for dt in sel(vi, "dt")]
    assert {"Tác giả", "Nhà xuất bản", "Chủ đề", "Tóm tắt"} <= set(vi_labels)
    assert sel(vi, "#holdings-heading")[0].text == "Nơi lưu giữ"
    client.get("/?lang=en")
    en = page(client, f"/record/{KIEU}")
    en_labels = [dt.text_content() for dt in sel(en, "dt")]
    assert {"Authors", "Publisher", "Subjects", "Summary"} <= set(en_labels)
    assert sel(en, "#holdings-heading")[0].text == "Holdings"
    assert field_values(en, "languages") == ["Vietnamese"]
    assert field_values(en, "format") == ["Book"]
    assert table_rows(en, "table.holdings")[0][3] == "Available"


def test_rights_statements_get_human_labels(app):
    with app.test_request_context("/"):
        inc = rights_label("http://rightsstatements.org/vocab/InC/1.0/")
        assert inc is not None and inc.href == "http://rightsstatements.org/vocab/InC/1.0/"
        assert inc.text == "Được bảo hộ quyền tác giả"
        cc = rights_label("https://creativecommons.org/licenses/by-nc-sa/4.0/")
        assert cc is not None
        assert cc.text == (
            "Creative Commons Ghi công – Phi thương mại – Chia sẻ tương tự 4.0 (CC BY-NC-SA 4.0)"
        )
        zero = rights_label("https://creativecommons.org/publicdomain/zero/1.0/")
        assert zero is not None and zero.text.startswith("CC0")
        other = rights_label("https://example.org/licence")
        assert other is not None and other.text == other.href == "https://example.org/licence"
        script = rights_label("javascript:alert(1)")
        assert script is not None and script.href == ""  # shown, never a link
        assert rights_label("") is None


def test_durations_read_like_a_player():
    assert duration_text(59.6) == "1:00"
    assert duration_text(3723) == "1:02:03"
    assert duration_text(None) == ""
