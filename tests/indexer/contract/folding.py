"""Vietnamese folding: with or without diacritics, đ, one-word places, i and y."""

from __future__ import annotations

import pytest

from tests.indexer.contract.base import ContractBase, titles


class FoldingContract(ContractBase):
    """A reader's spelling with or without marks finds the same works."""

    # --- Vietnamese folding ----------------------------------------------------------

    @pytest.mark.parametrize("q", ["ha noi", "Hà Nội", "HÀ NỘI", "hà nội", "Ha Noi"])
    def test_folding_finds_with_and_without_diacritics(self, index, q):
        found = titles(self.search(index, q))
        assert "Hà Nội trong mắt tôi" in found
        assert "Hạ Nổi trong mắt tôi" in found

    @pytest.mark.parametrize("q", ["dai viet", "Đại Việt", "ĐẠI VIỆT", "đai viet"])
    def test_d_with_stroke_folds(self, index, q):
        assert "Đại Việt sử ký toàn thư" in titles(self.search(index, q))

    @pytest.mark.parametrize("q", ["hanoi", "Hanoi", "HANOI"])
    def test_a_place_written_as_one_word_finds_it_in_two(self, index, q):
        assert "Hà Nội trong mắt tôi" in titles(self.search(index, q))

    @pytest.mark.parametrize("q", ["Đại Việt sử kí", "dai viet su ki", "sử ký toàn thư", "su ky*"])
    def test_ki_and_ky_are_one_spelling(self, index, q):
        """Both spellings of a consonant + i/y syllable are current Vietnamese."""
        assert "Đại Việt sử ký toàn thư" in titles(self.search(index, q))

    def test_decomposed_input_is_the_same_query(self, index):
        import unicodedata

        q = unicodedata.normalize("NFD", "Thăng Long")
        assert titles(self.search(index, q)) == ["Thăng Long ngàn năm văn hiến"]

    def test_exact_diacritics_rank_first(self, index):
        found = titles(self.search(index, "Hà Nội"))
        assert found.index("Hà Nội trong mắt tôi") < found.index("Hạ Nổi trong mắt tôi")
        found = titles(self.search(index, "Hạ Nổi"))
        assert found.index("Hạ Nổi trong mắt tôi") < found.index("Hà Nội trong mắt tôi")

    @pytest.mark.parametrize("q", ["thăng*", "thang*", "THĂNG*", "title:thăn*", "thăng lo*"])
    def test_prefix_with_and_without_diacritics(self, index, q):
        assert "Thăng Long ngàn năm văn hiến" in titles(self.search(index, q))
