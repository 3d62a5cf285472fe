"""'Did you mean': the closest folded word, written the way the reader writes."""

from __future__ import annotations

import pytest

from indexer.spelling import best_correction, rewrite

# (folded, display, documents): "lam" is written three ways in the catalogue.
CANDIDATES = [
    ("lam", "Lam", 3),
    ("lam", "lâm", 10),
    ("lam", "làm", 8),
    ("lan", "Lan", 2),
    ("kieu", "Kiều", 20),
    ("nam", "Nam", 50),
]


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Lamm", "Lam"),  # no diacritics typed: none suggested ("Thach Lam" finds "Thạch Lam")
        ("lamm", "lam"),
        ("LAMM", "LAM"),
        ("lâmm", "lâm"),  # diacritics typed: the display form nearest to the reader's
        ("làmm", "làm"),
        ("Kiue", "Kieu"),
        ("Kiêuu", "Kiều"),
    ],
)
def test_correction_is_written_as_the_reader_writes(typed, suggested):
    assert best_correction(typed, CANDIDATES) == suggested


def test_the_closest_word_wins_then_the_most_common():
    # "lamn" is one edit from "lam" (21 documents in all) and from "lan" (2).
    assert best_correction("lamn", CANDIDATES) == "lam"


def test_no_correction_for_short_or_far_words():
    assert best_correction("la", CANDIDATES) is None  # too short to correct
    assert best_correction("xyzzy", CANDIDATES) is None  # nothing within reach
    assert best_correction("1234", CANDIDATES) is None


def test_rewrite_replaces_whole_words_only():
    assert rewrite("Thach Lamm lamma", {"Lamm": "Lam"}) == "Thach Lam lamma"
