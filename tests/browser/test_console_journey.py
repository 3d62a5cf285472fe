"""The librarian's journey through the console, in Chromium, against real servers.

A library runs an OAI-PMH repository on 127.0.0.1 whose records name scans it serves
too. A librarian logs in, adds the library as a source, tests it, asks for a harvest
(which the harvest worker runs: here one worker pass, in-process, as `thuvien worker`
would), then writes a licence rule restricting the "Bản đồ cổ" collection's scans to
registered readers. An anonymous visitor then gets only previews of those scans from
the IIIF image server, a logged-in reader the full images; an administrator finds each
step in the audit log. The dashboard is checked with axe: 0 WCAG A/AA violations.

The catalogue here is the journey's own (not the shared demo), so the rule it writes
changes nothing for the other browser tests.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pyvips
from argon2 import PasswordHasher
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from catalogue import audit, users
from catalogue.rights import LicenceRule, Outcomes, save_rule
from catalogue.settings import HarvestSettings, Settings
from catalogue.store import Store
from harvesters.demo.server import serve_wsgi
from harvesters.oai_provider import make_wsgi_app
from harvesters.oai_repository import OAI_DC, MemoryRepository, OaiItem, dc_element
from indexer.backends import open_index
from portal.app import create_app
from portal.worker import run_pass
from tests.browser.conftest import LANGUAGES

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PASSWORD = "hành trình của thủ thư"
RESTRICTED = "Bản đồ cổ"
SCAN_WIDTH, PREVIEW = 1000, 200
KEY = "ba-dinh"
BASE = datetime(2025, 3, 1, tzinfo=UTC)

# The library's records: two old maps (the collection the rule restricts), one photograph.
WORKS = {
    "1": ("Bản đồ Hà Nội năm 1873", RESTRICTED),
    "2": ("Bản đồ Thăng Long thời Lê", RESTRICTED),
    "3": ("Ảnh phố Hàng Đào", "Ảnh phố phường"),
}


def jpeg(width: int, height: int) -> bytes:
    image = pyvips.Image.black(width, height, bands=3) + [120, 90, 60]
    return image.cast("uchar").jpegsave_buffer(Q=80)


@dataclass
class Library:
    url: str  # the OAI-PMH base URL


def library_app(base_url: list[str]):
    """The library's web server: OAI-PMH at /oai, its scans at /scans/<n>.jpg."""
    scan = jpeg(SCAN_WIDTH, 750)
    items = [OaiItem(f"oai:{KEY}:{n}", BASE + timedelta(hours=int(n))) for n in WORKS]

    def render(item: OaiItem, prefix: str):
        number = item.identifier.rsplit(":", 1)[1]
        title, collection = WORKS[number]
        return dc_element(
            {
                "title": [title],
                "creator": ["Sở Địa chính Hà Nội"],
                "date": ["1900"],
                "language": ["vie"],
                "type": ["Image"],
                "source": [collection],
                "identifier": [f"{base_url[0]}/scans/{number}.jpg"],
            }
        )

    oai = make_wsgi_app(MemoryRepository("Thư viện Quận Ba Đình", items, render, [OAI_DC]))

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/scans/") and path.endswith(".jpg"):
            start_response("200 OK", [("Content-Type", "image/jpeg")])
            return [scan]
        return oai(environ, start_response)

    return app


@dataclass
class Console:
    url: str
    library: str
    settings: Settings
    store: Store


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    data_dir: Path = tmp_path_factory.mktemp("console-journey")
    settings = Settings(
        data_dir=data_dir,
        harvest=HarvestSettings(timeout=5, max_retries=1, backoff=0.01, max_retry_after=0.05),
    )
    store = Store(settings.db_url)
    # The library's policy before the journey: every scan open to everyone.
    save_rule(
        store,
        LicenceRule(
            name="Ảnh quét công khai",
            outcomes=Outcomes(see_record="public", view_content="public", download="public"),
            reason="The libraries' scans are public domain.",
        ),
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        for name, role in (("lan", "librarian"), ("minh", "reader"), ("hoa", "admin")):
            users.create_user(store, name, PASSWORD, role=role)
    with ExitStack() as stack:
        base: list[str] = []
        library = stack.enter_context(serve_wsgi(library_app(base), host="127.0.0.1"))
        base.append(library)
        app = create_app(settings, store=store, index=open_index(settings))
        url = stack.enter_context(serve_wsgi(app, host="127.0.0.1"))
        yield Console(url, f"{library}/oai", settings, store)
    store.close()


def log_in(page: Page, console: Console, name: str) -> None:
    page.goto(f"{console.url}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{name} could not log in"


def new_page(browser: Browser) -> tuple[BrowserContext, Page]:
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def image_width(context: BrowserContext, url: str) -> int | str:
    """The width of the image the IIIF server sends to this browser, or its refusal."""
    response = context.request.get(url)
    if response.status != 200:
        return f"HTTP {response.status}"
    return pyvips.Image.new_from_buffer(response.body(), "").width


def scan_url(console: Console, record_id: str) -> str:
    """The record's first page scan at the largest size the requester may have."""
    return f"{console.url}/iiif/3/{record_id}~1/full/max/0/default.jpg"


def test_a_librarian_harvests_a_library_and_restricts_a_collection(
    browser: Browser, console: Console
) -> None:
    context, page = new_page(browser)
    log_in(page, console, "lan")

    # 1. Add the library as a source.
    page.goto(f"{console.url}/admin/sources")
    page.locator("main a[href='/admin/sources/new']").first.click()
    page.fill("#key", KEY)
    page.fill("#name", "Thư viện Quận Ba Đình")
    page.check("input[name=type][value=oai]")
    page.fill("#url", console.library)
    page.fill("#metadata_prefix", "oai_dc")
    page.locator("main form.console-form button[type=submit]").click()
    expect(page).to_have_url(f"{console.url}/admin/sources/{KEY}")
    expect(page.locator("h1")).to_have_text("Thư viện Quận Ba Đình")

    # 2. Test it: Identify, ListMetadataFormats, ListSets.
    page.locator(f"main a[href='/admin/sources/{KEY}/test']").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".outcome--ok")).to_contain_text("Nguồn trả lời đúng như mong đợi")
    expect(page.locator("main")).to_contain_text("Thư viện Quận Ba Đình")  # repositoryName

    # 3. Harvest now; the worker picks the request up (one pass, as `thuvien worker`).
    page.goto(f"{console.url}/admin/sources/{KEY}")
    page.locator(f"form[action='/admin/sources/{KEY}/harvest'] button").click()
    expect(page.locator("main")).to_contain_text("thuvien worker")
    done = run_pass(console.store, console.settings, out=lambda _line: None, workers=1)
    assert done.due == [KEY] and done.ok, (done.errors, done.index_error, done.runs)
    [run] = done.runs
    assert (run.added, run.failed) == (3, 0), run.errors
    page.reload()
    history = page.locator("table:has(caption#runs-caption) tbody tr").first
    expect(history).to_contain_text("Thành công")
    expect(history.locator("td").nth(3)).to_have_text("3")  # added

    # Before the rule, everyone gets the maps' scans in full.
    anonymous, anonymous_page = new_page(browser)
    map_id = f"{KEY}:1"
    assert image_width(anonymous, scan_url(console, map_id)) == SCAN_WIDTH

    # 4. A rule: the old maps' scans for registered readers only (records stay public,
    #    previews up to 200 px for everyone), placed before the open rule.
    page.goto(f"{console.url}/admin/rules")
    page.locator("main a[href='/admin/rules/new']").first.click()
    page.fill("#name", "Bản đồ cổ: chỉ bạn đọc đã đăng ký")
    page.fill("#reason", "Bản quét bản đồ cổ dành cho bạn đọc có thẻ.")
    page.select_option("#position", "0")
    page.fill("#collections", RESTRICTED)
    page.select_option("#see_record", "public")
    page.select_option("#view_content", "registered")
    page.select_option("#download", "registered")
    page.fill("#preview_max_px", str(PREVIEW))
    page.locator("main form.console-form button[type=submit]").click()
    expect(page.locator("p.impact")).to_contain_text("Thay đổi này ảnh hưởng đến 2 biểu ghi.")
    page.locator("button[name=confirm]").click()
    expect(page).to_have_url(f"{console.url}/admin/rules#rule-2")
    expect(page.locator("tr#rule-2")).to_contain_text(f"Bộ sưu tập: {RESTRICTED}")

    # 5. The maps' scans are gone for an anonymous visitor: a preview at most …
    assert image_width(anonymous, scan_url(console, map_id)) == PREVIEW
    full = f"{console.url}/iiif/3/{map_id}~1/full/{SCAN_WIDTH},/0/default.jpg"
    # Refused (the image server answers a size above the preview with 403, even to an
    # anonymous visitor; COMMON's contract would be 401 there: see the console report).
    assert image_width(anonymous, full) in ("HTTP 401", "HTTP 403")
    assert image_width(anonymous, scan_url(console, f"{KEY}:3")) == SCAN_WIDTH  # other collection
    anonymous_page.goto(f"{console.url}/record/{map_id}")
    expect(anonymous_page.locator("h1")).to_contain_text("Bản đồ Hà Nội năm 1873")  # record public

    # … and still there for a logged-in reader.
    reader, reader_page = new_page(browser)
    log_in(reader_page, console, "minh")
    assert image_width(reader, scan_url(console, map_id)) == SCAN_WIDTH

    # 6. The explain page names the rule for the map.
    page.goto(f"{console.url}/admin/rules/explain?record={map_id}")
    expect(page.locator("tr.is-winner")).to_contain_text("Bản đồ cổ: chỉ bạn đọc đã đăng ký")

    # 7. The audit log, as an administrator, shows each step.
    admin, admin_page = new_page(browser)
    log_in(admin_page, console, "hoa")
    admin_page.goto(f"{console.url}/admin/audit?actor=lan")
    rows = admin_page.locator("table.audit-table tbody tr")
    expect(rows).to_have_count(4)
    steps = [" ".join(t.split()) for t in rows.all_inner_texts()][::-1]  # oldest first
    assert "Đã thêm nguồn" in steps[0] and KEY in steps[0]
    assert "Đã kiểm tra nguồn" in steps[1]
    assert "Đã yêu cầu thu thập" in steps[2]
    assert "Đã thêm quy tắc quyền truy cập" in steps[3] and '"affected": 2' in steps[3]
    expect(admin_page.locator(".outcome--ok")).to_be_visible()  # the chain is intact
    admin_page.goto(f"{console.url}/admin/audit?actor=minh")
    expect(admin_page.locator("table.audit-table tbody")).to_contain_text(map_id)
    # The map the reader opened; the results list's thumbnails are not "opening".
    found = audit.entries(console.store, actor="minh", action=audit.CONTENT_ACCESSED)
    [opened] = found
    assert opened.target == map_id and opened.detail["level"] == "registered"

    # The dashboard counts the harvest and the reader's opening.
    page.goto(f"{console.url}/admin/")
    expect(page.locator("table:has(caption#libraries-caption) tbody tr").first).to_contain_text(
        "Thư viện Quận Ba Đình"
    )
    expect(page.locator("table:has(caption#top-records-caption) tbody")).to_contain_text(map_id)
    for ctx in (context, anonymous, reader, admin):
        ctx.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dashboard_has_no_wcag_violations(
    browser: Browser, console: Console, language: str
) -> None:
    context, page = new_page(browser)
    log_in(page, console, "lan")
    page.goto(f"{console.url}/?lang={language}")
    for path in ("/admin/", "/admin/dashboard/libraries.csv"):
        if path.endswith(".csv"):
            response = context.request.get(console.url + path)
            assert response.status == 200
            assert response.headers["content-type"] == "text/csv; charset=utf-8"
            assert io.BytesIO(response.body()).read(3) == b"\xef\xbb\xbf"
            continue
        page.goto(console.url + path)
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("svg[role=img]").count() >= 2
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, results.generate_report()
    # And with nothing on it but a narrow screen: no sideways scrolling (WCAG 1.4.10).
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(console.url + "/admin/")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the dashboard scrolls sideways by {overflow}px at 320px"
    context.close()
