"""Spelling suggestions, the fuzzy fallback and autocomplete."""

from __future__ import annotations

import unicodedata

from indexer import Suggestion, fold
from tests.indexer.contract.base import ContractBase, titles


class SpellingContract(ContractBase):
    """Did-you-mean for typos, never for good queries; prefix suggestions."""

    # --- spelling and autocomplete ------------------------------------------------------

    def test_typo_gets_suggestion_and_fuzzy_fallback(self, index):
        result = self.search(index, "Truyện Kiue")
        assert result.suggestion is not None
        assert fold(result.suggestion) == "truyen kieu"
        assert result.fuzzy
        assert "Truyện Kiều" in titles(result)

    def test_a_typo_typed_in_full_width_or_decomposed_letters_is_corrected(self, index):
        for typed in ("ｔｒｕｙｅｎ ｋｉｕｅ", unicodedata.normalize("NFD", "Truyện Kiue")):
            result = self.search(index, typed)
            assert result.suggestion is not None, typed
            assert fold(result.suggestion) == "truyen kieu"
            assert "Truyện Kiều" in titles(result)

    def test_a_typo_inside_quotes_gets_a_corrected_phrase(self, index):
        result = self.search(index, '"Truyện Kiue"')
        assert result.suggestion is not None and fold(result.suggestion) == '"truyen kieu"'
        corrected = self.search(index, result.suggestion)
        assert "Truyện Kiều" in titles(corrected)
        # nothing matched exactly: the corrected phrase's works are shown as close matches
        assert result.fuzzy and titles(result) == titles(corrected)

    def test_words_the_catalogue_knows_are_never_made_fuzzy(self, index):
        # No typo to forgive: nothing found, and no near matches of "truyen" instead.
        result = self.search(index, "truyen kieu NOT kieu")
        assert result.total == 0 and not result.fuzzy
        # A three-letter typo is in reach ("kiu" → "kieu" is one edit).
        assert "Truyện Kiều" in titles(self.search(index, "truyen kiu"))

    def test_no_suggestion_for_good_queries(self, index):
        assert self.search(index, "truyện kiều").suggestion is None
        assert self.search(index, "truyen kieu").suggestion is None  # folding is not a typo

    def test_autocomplete(self, index):
        def texts(prefix, **kwargs):
            return [s.text for s in index.suggest(prefix, **kwargs)]

        assert Suggestion("Truyện Kiều", "title") in index.suggest("truy")
        assert "Truyện Kiều" in texts("TRUYỆN K")
        assert Suggestion("Nguyễn Du", "author") in index.suggest("nguyen d")
        assert Suggestion("Truyện Kiều", "author") not in index.suggest("truy")
        assert "The Tale of Kieu" in texts("tale")  # from a later word too
        assert texts("truy")[0].startswith("Truyện")
        assert len(index.suggest("t", limit=3)) <= 3
        assert index.suggest("") == []
        assert index.suggest("*(") == []
