"""Autocomplete terms and their ranking, shared by both backends."""

from indexer.suggestions import SEP, Suggestion, document_entries, rank_suggestions


def test_entries_start_at_each_word_and_carry_their_kind():
    entries = document_entries(
        {"suggest_titles": ["Truyện  Kiều"], "suggest_authors": ["Nguyễn Du"]}
    )
    assert entries == [
        SEP.join(("truyen kieu", "0", "title", "Truyện Kiều")),
        SEP.join(("kieu", "1", "title", "Truyện Kiều")),
        SEP.join(("nguyen du", "0", "author", "Nguyễn Du")),
        SEP.join(("du", "1", "author", "Nguyễn Du")),
    ]
    assert document_entries({}) == []


def test_rank_first_word_matches_then_records_then_alphabet():
    def term(key, rank, kind, display):
        return SEP.join((key, str(rank), kind, display))

    terms = [
        (term("tale of kieu", 1, "title", "The Tale of Kieu"), 9),
        (term("truyen kieu", 0, "title", "Truyện Kiều"), 3),
        (term("truyen ngan", 0, "title", "Truyện ngắn"), 3),
        (term("truong chinh", 0, "author", "Trường Chinh"), 5),
        (term("truyen kieu", 0, "title", "TRUYỆN KIỀU"), 1),  # same title, fewer records
        ("bad", 1),
        (term("x", 0, "place", "X"), 4),  # unknown kind
        (term("y", 0, "title", "Y"), 0),  # no records
    ]
    assert rank_suggestions(terms, 10) == [
        Suggestion("Trường Chinh", "author"),
        Suggestion("Truyện Kiều", "title"),
        Suggestion("Truyện ngắn", "title"),
        Suggestion("The Tale of Kieu", "title"),
    ]
    assert len(rank_suggestions(terms, 2)) == 2


def test_a_name_that_is_also_a_title_is_offered_as_both():
    terms = [
        (SEP.join(("ho chi minh", "0", kind, "Hồ Chí Minh")), 2) for kind in ("title", "author")
    ]
    assert {s.kind for s in rank_suggestions(terms, 10)} == {"title", "author"}
