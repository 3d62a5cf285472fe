"""The demo libraries' own catalogues (OPAC) over real HTTP: the record page a source's
record URL template points at answers with the record's title, and 404 for an id the
library does not hold; the OAI-PMH endpoint beside it keeps working."""

from __future__ import annotations

import lxml.html
import requests

from catalogue.sources import Source
from harvesters.demo import vocab as v
from harvesters.demo.generator import generate
from harvesters.demo.libraries import (
    DemoOpac,
    oai_repository,
    opac_url_template,
    with_opac,
)
from harvesters.demo.server import serve_wsgi
from harvesters.oai_provider import make_wsgi_app

CATALOGUE = generate(seed=2026, works=40)


def opac_page(url: str) -> tuple[int, lxml.html.HtmlElement]:
    response = requests.get(url, timeout=10)
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    return response.status_code, lxml.html.fromstring(response.text)


def test_a_marc_librarys_opac_shows_the_record_beside_its_oai_endpoint():
    library = CATALOGUE.library(v.HANOI)
    samples = list(CATALOGUE.records(v.HANOI))
    live = next(s for s in samples if not s.deleted)
    app = with_opac(make_wsgi_app(oai_repository(CATALOGUE, library)), DemoOpac(CATALOGUE, library))
    with serve_wsgi(app, "/oai") as oai_url:
        template = opac_url_template(oai_url)
        assert template.endswith("/opac/record/{local_id}") and "/oai" not in template
        source = Source(library.key, library.name, "oai", oai_url, "marc21", opac_url=template)
        status, doc = opac_page(source.record_url(live.local_id))
        assert status == 200
        assert doc.get("lang") == "vi"
        title = live.marc["245"]["a"].rstrip(" /:;=.")
        assert doc.xpath("//h1")[0].text_content().startswith(title)
        assert library.name in doc.xpath("//title")[0].text_content()
        assert live.local_id in doc.text_content()

        status, doc = opac_page(source.record_url("99999999"))
        assert status == 404 and "Không tìm thấy" in doc.xpath("//h1")[0].text_content()
        identify = requests.get(oai_url, params={"verb": "Identify"}, timeout=10)
        assert identify.status_code == 200 and b"<Identify>" in identify.content
        refused = requests.post(source.record_url(live.local_id), timeout=10)
        assert refused.status_code == 405


def test_a_dublin_core_library_and_a_deleted_record():
    library = CATALOGUE.library(v.NATIONAL)
    samples = list(CATALOGUE.records(v.NATIONAL))
    live = next(s for s in samples if not s.deleted)
    with serve_wsgi(DemoOpac(CATALOGUE, library)) as url:
        source = Source(library.key, library.name, "marc", "/x", opac_url=opac_url_template(url))
        status, doc = opac_page(source.record_url(live.local_id))
        assert status == 200
        assert doc.xpath("//h1")[0].text_content() == live.dc["title"][0]
        deleted = [s for s in samples if s.deleted]
        assert deleted, "the demo has a deleted record in this library"
        for sample in deleted:  # gone from the library: gone from its catalogue
            assert opac_page(source.record_url(sample.local_id))[0] == 404
        assert requests.get(f"{url}/opac/record/", timeout=10).status_code == 404


def test_titles_are_escaped_and_odd_ids_are_just_unknown():
    library = CATALOGUE.library(v.VNU)
    opac = DemoOpac(CATALOGUE, library)
    opac.records()["<b>x</b>"] = ("<script>alert(1)</script>", ["A & B"])
    with serve_wsgi(opac) as url:
        source = Source(library.key, library.name, "marc", "/x", opac_url=opac_url_template(url))
        response = requests.get(source.record_url("<b>x</b>"), timeout=10)
        assert response.status_code == 200
        assert "<script>" not in response.text and "&lt;script&gt;" in response.text
        assert "A &amp; B" in response.text
        assert opac_page(source.record_url("../../etc/passwd"))[0] == 404
        assert opac_page(source.record_url("Hà Nội & co"))[0] == 404
