"""The scan viewer on record pages, as served (the browser test drives it in Chromium):
pages listed with working thumbnails and links, previews announced, refusals explained."""

from __future__ import annotations

import html
import json
import re

from tests.iiif.conftest import Scans, client_as


def viewer_section(page: str) -> str:
    match = re.search(r'<section class="record__section scans".*?</section>', page, re.S)
    return match.group(0) if match else ""


def test_public_scans_get_the_viewer_and_a_page_list(scans: Scans) -> None:
    client = client_as(scans, "anonymous")
    page = client.get("/record/lib:public").get_data(as_text=True)
    section = viewer_section(page)
    assert section and "Bản quét" in section
    assert "viewer/vendor/openseadragon/openseadragon.min.js" in page
    assert "viewer/viewer.js" in page
    pages = json.loads(html.unescape(re.search(r'data-pages="([^"]*)"', section).group(1)))
    assert [p["label"] for p in pages] == ["Trang 1", "Trang 2"]
    links = re.findall(r'class="scan-pages__link" href="([^"]+)"', section)
    thumbnails = re.findall(r'<img src="([^"]+)" alt=""', section)
    assert len(links) == len(thumbnails) == 2
    for url in [*links, *thumbnails, *(p["info"] for p in pages)]:
        assert client.get(html.unescape(url)).status_code == 200, url
    manifest = "http://localhost/iiif/3/manifest/lib:public"
    drag = re.search(r'<a href="([^"]+)" type="application/ld\+json" draggable="true">', section)
    assert (
        html.unescape(drag.group(1))
        == f"{manifest}?manifest={manifest.replace(':', '%3A').replace('/', '%2F')}"
    )
    assert (
        client.get(html.unescape(drag.group(1)).removeprefix("http://localhost")).status_code == 200
    )
    # Controls are labelled buttons, in the page's language.
    for label in ("Trang trước", "Trang sau", "Phóng to", "Thu nhỏ", "Xoay", "Toàn màn hình"):
        assert f"{label}</button>" in section or f">{label}<span" in section, label
    english = client.get("/record/lib:public?lang=en", follow_redirects=True).get_data(as_text=True)
    assert "Zoom in</button>" in viewer_section(english)


def test_preview_only_is_said_and_thumbnails_fit_the_preview(scans: Scans) -> None:
    client = client_as(scans, "anonymous")
    section = viewer_section(
        client.get("/record/lib:staff?lang=en", follow_redirects=True).get_data(as_text=True)
    )
    assert "only a preview" in section and "at most 200 pixels" in section
    for url in re.findall(r'<img src="([^"]+)" alt=""', section):
        assert client.get(html.unescape(url)).status_code == 200


def test_refused_scans_say_how_to_get_them(scans: Scans) -> None:
    anonymous = client_as(scans, "anonymous")
    section = viewer_section(
        anonymous.get("/record/lib:onsite?lang=en", follow_redirects=True).get_data(as_text=True)
    )
    # Reading room only: said so, with the library to visit; logging in helps staff only.
    assert "reading rooms" in section and "Thư viện thử nghiệm" in section
    assert "/login?next=" in section and "Library staff can log in" in section
    assert "scan-pages__link" not in section and 'id="scan-viewer"' not in section
    reader = client_as(scans, "reader")
    section = viewer_section(
        reader.get("/record/lib:onsite?lang=en", follow_redirects=True).get_data(as_text=True)
    )
    assert "reading rooms" in section and "/login" not in section
    onsite = client_as(scans, "onsite")
    section = viewer_section(onsite.get("/record/lib:onsite").get_data(as_text=True))
    assert "scan-pages__link" in section
