"""What a hit carries: highlighted snippets and titles, its work's records and holdings."""

from __future__ import annotations

import html
import re

from tests.indexer.contract.base import ContractBase
from tests.indexer.sample_records import HN, KIEU_ISBN, NL, VNU, sample_records


class HitsContract(ContractBase):
    """Highlights and the work behind each hit, readable without the store."""

    # --- highlighting -------------------------------------------------------------------

    def test_snippets_are_escaped_and_marked(self, index):
        hit = self.search(index, "đoạn trường").hits[0]
        assert "<mark>đoạn</mark>" in hit.snippet
        assert "&lt;" in hit.snippet and "&amp;" in hit.snippet
        assert "<đoạn" not in hit.snippet
        text = re.sub(r"</?mark>", "", hit.snippet)
        assert "<" not in text and ">" not in text
        assert html.unescape(text) in sample_records()[0].description

    def test_title_highlight(self, index):
        for q in ("kiều", "kieu", "kiề*"):
            hits = {h.fields["title"]: h for h in self.search(index, q).hits}
            assert "<mark>Kiều</mark>" in hits["Truyện Kiều"].highlights["title"]
        hits = {h.fields["title"]: h for h in self.search(index, "kieu").hits}
        assert "<mark>Kieu</mark>" in hits["The Tale of Kieu"].highlights["title"]

    # --- works --------------------------------------------------------------------------

    def test_one_hit_per_work_with_all_holdings(self, index):
        result = self.search(index, "truyện kiều")
        assert result.total == 2
        hit = result.hits[0]
        assert hit.fields["title"] == "Truyện Kiều"
        assert hit.work_key == f"isbn:{KIEU_ISBN}"
        assert sorted(hit.record_ids) == [
            "hanoi-library:hn-001",
            "national-library:nl-778",
            "vnu-library:vnu-5",
        ]
        assert hit.id in hit.record_ids
        assert sorted(hit.libraries) == sorted([HN, NL, VNU])
        by_library = {h["library"]: h for h in hit.holdings}
        assert by_library[NL]["status"] == "on_loan"
        assert by_library[VNU]["call_number"] == "895.922 NGU"
        assert by_library[HN]["record_id"] == "hanoi-library:hn-001"

    def test_hit_renders_without_the_store(self, index):
        hit = self.search(index, "số đỏ").hits[0]
        assert hit.fields["authors"] == ["Vũ, Trọng Phụng"]
        assert hit.fields["format"] == "audiobook"
        assert hit.fields["year"] == 1936
        assert hit.fields["online"] is True
        assert hit.fields["thumbnail"] == "https://example.org/so-do/cover.jpg"
