"""'Did you mean': the closest folded word, written the way the reader writes."""

from __future__ import annotations

import pytest

from indexer.spelling import best_correction, collations, corrections, pick, rewrite

# (folded, display, documents): "lam" is written three ways in the catalogue.
CANDIDATES = [
    ("lam", "Lam", 3),
    ("lam", "lâm", 10),
    ("lam", "làm", 8),
    ("lan", "Lan", 2),
    ("kieu", "Kiều", 20),
    ("nam", "Nam", 50),
    ("du", "Du", 7),
    ("duc", "Đức", 30),
    ("dau", "đầu", 12),
    ("ki", "ký", 27),  # folding spells ký as ki (ký and kí are one spelling)
    ("ki", "kỳ", 10),
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


def test_several_corrections_closest_first_then_most_common():
    assert corrections("duu", CANDIDATES) == [("duc", 1), ("dau", 1), ("du", 1)]
    assert corrections("duu", CANDIDATES, 1) == [("duc", 1)]


def test_a_typo_is_measured_against_the_letters_as_written():
    # "kyy" is two edits from the folded "ki" but one from "ky", as the reader writes it;
    # the answer keeps the reader's y
    assert best_correction("kyy", CANDIDATES) == "ky"
    assert best_correction("Kýy", CANDIDATES) == "Ký"


def test_collations_try_each_word_s_next_choices_one_at_a_time():
    options = {"duu": [("duc", 1), ("du", 1)], "kieuu": [("kieu", 1)]}
    assert collations("nguyen duu kieuu", options) == [
        ("nguyen duc kieu", 2),
        ("nguyen du kieu", 2),
    ]
    assert collations("x", {"x": []}) == []
    many = {"duu": [("duc", 1), ("du", 1), ("dau", 1)], "lamm": [("lam", 1), ("lan", 1)]}
    assert len(collations("duu lamm", many, tries=3)) == 3


def test_pick_the_nearest_that_finds_the_most():
    tried = [("nguyen duc", 1, 2), ("nguyen du", 1, 7), ("nguyen dau", 1, 0)]
    assert pick(tried, 0) == "nguyen du"  # equally near: what finds most
    assert pick([("a b", 1, 3), ("c d", 2, 90)], 0) == "a b"  # nearer first
    assert pick(tried, 7) is None  # nothing finds more than the search did
    assert pick([], 0) is None
