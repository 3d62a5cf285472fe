"""The formatted citation styles readers copy from a record page: APA 7, Chicago
author-date and MLA 9, and how each names its authors."""

from __future__ import annotations

import pytest

from portal import citation_parts, citation_styles
from portal.citation_styles import format_citation
from tests.support.citation_records import bare, english, hugo, kieu, map_1873


def test_apa_keeps_vietnamese_names_whole_and_abbreviates_western_given_names():
    assert str(citation_styles.apa_citation(kieu())) == (
        "Nguyễn Du. (2015). <i>Truyện Kiều</i> (Tái bản lần thứ 3). Nhà xuất bản Văn học."
    )
    assert str(citation_styles.apa_citation(hugo())) == (
        "Hugo, V. (1995). <i>Les Misérables</i>. Gallimard."
    )
    assert str(citation_styles.apa_citation(english())) == (
        "Nguyễn Du, &amp; Huỳnh Sanh Thông. (1983). <i>The Tale of Kieu: a bilingual "
        "edition</i>. Yale University Press."
    )
    three = hugo(authors=["Hugo, Victor", "Doe, Jane Ann", "Roe, Jean-Paul"])
    assert str(citation_styles.apa_citation(three)).startswith(
        "Hugo, V., Doe, J. A., &amp; Roe, J.-P. (1995)."
    )


# The styles' English words, marked English inside a citation in the record's language.
AND, ET_AL, N_D = (f'<span lang="en">{w}</span>' for w in ("and", "et al.", "n.d."))


def test_chicago_inverts_only_the_first_western_name():
    assert str(citation_styles.chicago_citation(kieu())) == (
        "Nguyễn Du. 2015. <i>Truyện Kiều</i>. Tái bản lần thứ 3. Hà Nội: Nhà xuất bản Văn học."
    )
    assert str(citation_styles.chicago_citation(hugo(authors=["Hugo, Victor", "Doe, Jane"]))) == (
        f"Hugo, Victor, {AND} Jane Doe. 1995. <i>Les Misérables</i>. Paris: Gallimard."
    )
    assert str(citation_styles.chicago_citation(english())).startswith(
        f"Nguyễn Du {AND} Huỳnh Sanh Thông. 1983. <i>The Tale of Kieu: a bilingual edition</i>."
    )


def test_mla_lists_two_authors_and_uses_et_al_for_three():
    assert str(citation_styles.mla_citation(kieu())) == (
        "Nguyễn Du. <i>Truyện Kiều</i>. Tái bản lần thứ 3, Nhà xuất bản Văn học, 2015."
    )
    assert str(citation_styles.mla_citation(hugo())) == (
        "Hugo, Victor. <i>Les Misérables</i>. Gallimard, 1995."
    )
    assert str(citation_styles.mla_citation(english())).startswith(
        f"Nguyễn Du {AND} Huỳnh Sanh Thông. <i>The Tale of Kieu: a bilingual edition</i>."
    )
    three = hugo(authors=["Hugo, Victor", "Doe, Jane", "Roe, Richard"])
    assert str(citation_styles.mla_citation(three)).startswith(f"Hugo, Victor, {ET_AL} <i>")


def test_authorless_works_start_with_the_title_not_the_year():
    work = map_1873()
    assert str(citation_styles.apa_citation(work)) == (
        "<i>Bản đồ thành Hà Nội năm 1873</i>. (1873). Sở Địa chính."
    )
    assert str(citation_styles.chicago_citation(work)) == (
        "<i>Bản đồ thành Hà Nội năm 1873</i>. 1873. Hà Nội: Sở Địa chính."
    )
    assert str(citation_styles.mla_citation(work)) == (
        "<i>Bản đồ thành Hà Nội năm 1873</i>. Sở Địa chính, 1873."
    )
    assert str(format_citation(work)) == (
        "<i>Bản đồ thành Hà Nội năm 1873</i> (1873). Hà Nội: Sở Địa chính."
    )


def test_no_year_is_n_d_and_markup_in_data_is_escaped():
    assert str(citation_styles.apa_citation(bare())) == f"<i>Ca dao</i>. ({N_D})."
    assert str(citation_styles.chicago_citation(bare())) == f"<i>Ca dao</i>. {N_D}"
    assert str(citation_styles.mla_citation(bare())) == "<i>Ca dao</i>."
    hostile = kieu(title="<b>x</b>", authors=["<script>"], publisher="A & B")
    for style in (
        citation_styles.apa_citation,
        citation_styles.chicago_citation,
        citation_styles.mla_citation,
    ):
        text = str(style(hostile))
        assert "<b>" not in text and "<script>" not in text and "A &amp; B" in text


@pytest.mark.parametrize(
    ("heading", "languages", "expected"),
    [
        ("Nguyễn Du", (), ("Nguyễn Du", "Nguyễn Du", "Nguyễn, Du")),
        ("Nguyễn, Du", ("eng",), ("Nguyễn Du", "Nguyễn Du", "Nguyễn, Du")),
        ("Văn Cao", (), ("Văn Cao", "Văn Cao", "Văn, Cao")),
        ("Li, Bai", ("chi",), ("Li Bai", "Li Bai", "Li, Bai")),
        ("Lin, Maya", ("eng",), ("Lin, Maya", "Lin, M.", "Lin, Maya")),
        (
            "Le Guin, Ursula K.",
            ("eng",),
            ("Le Guin, Ursula K.", "Le Guin, U. K.", "Le Guin, Ursula K."),
        ),
        ("Băng Sơn", ("vie",), ("Băng Sơn", "Băng Sơn", "Băng Sơn")),
        # inverted, the comma says which part is the family name; Vietnamese syllables
        # say it is written first, listed family name or not
        ("Tô, Hoài", (), ("Tô Hoài", "Tô Hoài", "Tô, Hoài")),
        ("Nam, Cao", ("vie",), ("Nam Cao", "Nam Cao", "Nam, Cao")),
        ("Nam, Cao", ("eng",), ("Nam, Cao", "Nam, C.", "Nam, Cao")),
        # a Chinese family name before pinyin, initials after a known family name
        ("Liu, Cixin", ("chi",), ("Liu Cixin", "Liu Cixin", "Liu, Cixin")),
        ("Zhou, Enlai", ("zho",), ("Zhou Enlai", "Zhou Enlai", "Zhou, Enlai")),
        ("Tran, Q. H.", ("vie",), ("Tran Q. H.", "Tran Q. H.", "Tran, Q. H.")),
        # uninverted, only a listed family name makes a first word the family name
        ("Nam Cao", ("vie",), ("Nam Cao",) * 3),
        ("Hội Nhà văn Việt Nam", ("vie",), ("Hội Nhà văn Việt Nam",) * 3),
    ],
)
def test_cited_names(heading, languages, expected):
    name = citation_parts.cited_name(heading, languages)
    assert (name.inverted, name.with_initials, name.sortable) == expected
