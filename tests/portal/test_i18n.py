"""Every UI string has a Vietnamese translation; the language choice works and is kept."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from flask.testing import FlaskClient

from portal.i18n import SOURCES, language_tag, merge_catalogues

PORTAL = Path(__file__).resolve().parents[2] / "portal"
METHODS = [
    ("**/templates/**.html", "jinja2"),
    ("**/templates/**.xml", "jinja2"),
    ("**.py", "python"),
]


def _ui_strings() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PORTAL),
        METHODS,
        keywords={**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None},
        options_map={"**.html": {}, "**.xml": {}},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_ui_string_has_a_vietnamese_translation() -> None:
    catalog = merge_catalogues(sorted((SOURCES / "vi").glob("*.po")), "vi")
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string}
    strings = _ui_strings()
    assert "Skip to main content" in strings  # the extraction itself works
    missing = sorted(strings - translated)
    assert not missing, f"untranslated UI strings (add them to portal/translations/vi/): {missing}"


def test_vietnamese_is_the_default(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in page
    assert "Chuyển đến nội dung chính" in page


def test_choosing_english_is_kept_across_pages(client: FlaskClient) -> None:
    switched = client.get("/advanced?lang=en")
    assert switched.status_code == 303
    assert switched.headers["Location"] == "/advanced"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Skip to main content" in page
    assert client.get("/?lang=vi").status_code == 303
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)


def test_switching_keeps_the_other_parameters(client: FlaskClient) -> None:
    switched = client.get("/search?q=ha+noi&lang=en&page=2")
    assert switched.headers["Location"] == "/search?q=ha+noi&page=2"


def test_an_unknown_language_is_ignored(client: FlaskClient) -> None:
    client.get("/?lang=xx")
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)


def test_record_languages_map_to_bcp47() -> None:
    assert language_tag(["eng", "vie"]) == "en"
    assert language_tag("vie") == "vi"
    assert language_tag(["und"]) == ""
    assert language_tag([]) == ""


def test_one_date_format_and_one_moment_format_with_the_zone(client: FlaskClient) -> None:
    from datetime import UTC, date, datetime

    from flask import session

    from portal.i18n import date_text, datetime_text

    moment = datetime(2025, 4, 4, 21, 49, 20, tzinfo=UTC)  # 5 April, 04:49 in Hanoi
    app = client.application
    with app.test_request_context("/"):
        assert date_text(moment) == "5/4/2025"  # the local day, four-digit year
        assert date_text(date(2025, 4, 5)) == "5/4/2025"
        assert datetime_text(moment) == "5/4/2025, 04:49 GMT+07:00"  # no seconds
        assert datetime_text(None) == date_text(None) == ""
        rendered = app.jinja_env.from_string("{{ t|datetimeformat('medium') }}").render(t=moment)
        assert rendered == "5/4/2025, 04:49 GMT+07:00"
    with app.test_request_context("/"):
        session["lang"] = "en"
        assert date_text(moment) == "5 Apr 2025"
        assert datetime_text(moment) == "5 Apr 2025, 04:49 GMT+07:00"
