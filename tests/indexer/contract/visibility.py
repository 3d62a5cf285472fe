"""Visibility: hidden records never leak to readers; staff see them."""

from __future__ import annotations

from indexer import Suggestion
from tests.indexer.contract.base import ContractBase, titles
from tests.indexer.sample_records import SECRET


class VisibilityContract(ContractBase):
    """Hits, facets, suggestions and holdings hold only what may be seen."""

    # --- visibility ---------------------------------------------------------------------

    def test_hidden_records_never_leak(self, index):
        assert self.search(index, "zyzzyva").total == 0
        assert self.search(index, "zyzzyva").suggestion is None
        assert self.search(index, "zyzzyvq").suggestion is None
        everything = self.search(index, facets=["library", "subject", "year"])
        libraries = dict(everything.facets["library"])
        assert SECRET not in libraries
        assert "Tài liệu mật" not in dict(everything.facets["subject"])
        assert "2020" not in dict(everything.facets["year"])
        assert index.suggest("zyz") == []
        assert index.suggest("hồ sơ") == []
        kieu = self.search(index, "truyện kiều", facets=["library"])
        assert SECRET not in kieu.hits[0].libraries
        assert "archive:kieu-secret" not in kieu.hits[0].record_ids
        assert SECRET not in dict(kieu.facets["library"])

    def test_staff_see_hidden_records(self, index):
        staff = ["public", "registered", "onsite", "staff", "hidden"]
        assert titles(self.search(index, "zyzzyva", visibility=staff)) == ["Hồ sơ nội bộ Zyzzyva"]
        kieu = self.search(index, "truyện kiều", visibility=staff).hits[0]
        assert SECRET in kieu.libraries
        assert len(kieu.record_ids) == 4
        assert index.suggest("zyz", visibility=staff) == [
            Suggestion("Hồ sơ nội bộ Zyzzyva", "title")
        ]
        assert self.search(index, "zyzzyvq", visibility=staff).suggestion is not None

    def test_no_visibility_sees_nothing(self, index):
        assert self.search(index, visibility=[]).total == 0
        assert index.suggest("truy", visibility=[]) == []
