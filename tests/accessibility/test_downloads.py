"""Downloads of the stored files from the record page: the `download` rule decides."""

from __future__ import annotations

from flask.testing import FlaskClient

from harvesters.demo.audio import AUDIO_DIR
from tests.support.accounts import browser, log_in, make_user

HA_NOI = "/record/lib:ha-noi/files/1"
REGISTERED = "/record/lib:hoa-vang/files/1"
STAFF_ONLY = "/record/lib:inhouse/files/1"
FILE = (AUDIO_DIR / "ha-noi" / "sach.mp3").read_bytes()


def test_an_open_file_downloads_as_an_attachment_with_ranges(client: FlaskClient) -> None:
    whole = client.get(HA_NOI)
    assert whole.status_code == 200 and whole.data == FILE
    assert whole.mimetype == "audio/mpeg"
    assert whole.headers["Content-Disposition"].startswith("attachment;")
    assert whole.headers["Content-Disposition"].endswith("sach.mp3")
    part = client.get(HA_NOI, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.data == FILE[10:20]


def test_the_record_page_links_only_what_may_be_downloaded(app, client: FlaskClient) -> None:
    assert b'href="/record/lib:ha-noi/files/1"' in client.get("/record/lib:ha-noi").data
    assert b"/record/lib:hoa-vang/files/" not in client.get("/record/lib:hoa-vang").data
    reader = browser(app)
    log_in(reader, make_user(app, "reader"))
    assert b'href="/record/lib:hoa-vang/files/1"' in reader.get("/record/lib:hoa-vang").data


def test_refusals_say_whether_logging_in_may_help(app, client: FlaskClient) -> None:
    assert client.get(REGISTERED).status_code == 401
    assert client.get(STAFF_ONLY).status_code == 401
    reader = browser(app)
    log_in(reader, make_user(app, "reader"))
    assert reader.get(REGISTERED).status_code == 200
    assert reader.get(STAFF_ONLY).status_code == 403


def test_unknown_files_and_records_are_not_found(client: FlaskClient) -> None:
    for path in ("/record/lib:ha-noi/files/0", "/record/lib:ha-noi/files/99",
                 "/record/lib:nothing/files/1", "/record/lib:secret/files/1"):  # fmt: skip
        assert client.get(path).status_code == 404, path
