"""Formatted citations as safe HTML: the record page's short author-date line and the
APA 7, Chicago author-date and MLA 9 styles readers copy from it.

Pure functions of a `Record`, like every export: no Flask, no request, no translations.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from catalogue.record import Record
from indexer.text import strip_isbd
from portal.citation_parts import cited_names, full_title, heading, reading_name


def format_citation(record: Record) -> Markup:
    """An author-date citation as safe HTML, title in italics.

    "Nguyễn Du (2015). <i>Truyện Kiều</i>. Hà Nội: Nhà xuất bản Văn học."
    """
    parts: list[Markup] = []
    authors = "; ".join(reading_name(a) for a in record.authors if heading(a))
    title = full_title(record)
    edition = strip_isbd(record.edition)
    year = "" if record.year is None else str(record.year)
    if authors:
        parts.append(
            Markup("{} ({}).").format(authors, year) if year else Markup("{}.").format(authors)
        )
    if title:
        # Without an author the title leads, never the year ("Bản đồ… (1873).").
        after = [f"({edition})"] if edition else []
        if year and not authors:
            after.append(f"({year})")
        parts.append(Markup("<i>{}</i>{}.").format(title, "".join(" " + a for a in after)))
    elif year and not authors:
        parts.append(Markup("{}.").format(year))
    place, publisher = strip_isbd(record.place), strip_isbd(record.publisher)
    if place and publisher:
        parts.append(Markup("{}: {}.").format(place, publisher))
    elif place or publisher:
        parts.append(Markup("{}.").format(place or publisher))
    return Markup(" ").join(parts)


def _sentence(text: str | Markup) -> str | Markup:
    """Text ended by one full stop ("Hugo, V." stays, "Nguyễn Du" → "Nguyễn Du.")."""
    text = text.strip()
    shown = text.striptags() if isinstance(text, Markup) else text  # "et al.</span>"
    return text if not shown or shown.endswith((".", "?", "!")) else text + "."


def _english(words: str) -> Markup:
    """The styles' own English words ("and", "et al.", "n.d.") marked as English: the
    citation around them is marked with the record's language (WCAG 3.1.2), so a
    Vietnamese voice would otherwise read "and" as Vietnamese."""
    return Markup('<span lang="en">{}</span>').format(words)


def _series(names: list[str], conjunction: str | Markup, *, serial_comma: bool = True) -> Markup:
    """'A', 'A and B' ('A, and B' with `serial_comma`: APA's comma between two authors,
    and the comma closing an inverted first name in Chicago and MLA, "Hugo, Victor, and
    Jane Doe"; pass the separator in `conjunction`), 'A, B, and C'."""
    if len(names) <= 1:
        return Markup("").join(names)
    if len(names) == 2:
        sep = ", " if serial_comma else " "
        return Markup("{}{}{} {}").format(names[0], sep, conjunction, names[1])
    return Markup(", ").join(names[:-1]) + Markup(", {} {}").format(conjunction, names[-1])


def _italic_title(record: Record) -> Markup:
    title = full_title(record)
    if not title:
        return Markup("")
    end = "" if title.endswith((".", "?", "!")) else "."
    return Markup("<i>{}</i>{}").format(title, end)


def apa_citation(record: Record) -> Markup:
    """APA 7th edition reference, title in italics.

    "Nguyễn Du. (2015). <i>Truyện Kiều</i> (Tái bản lần thứ 3). Nhà xuất bản Văn học."
    "Hugo, V. (1995). <i>Les Misérables</i>. Gallimard."; without an author the title
    takes the author's place: "<i>Bản đồ Hà Nội</i>. (1873). Nhà xuất bản X."
    """
    names = [n.with_initials for n in cited_names(record)]
    if len(names) > 20:  # APA: the first 19, an ellipsis, the last
        names = [*names[:19], "…", names[-1]]
        authors = Markup(", ").join(names[:-1]) + Markup(" ") + names[-1]
    else:
        authors = _series(names, "&")
    year = (
        f"({record.year})." if record.year is not None else Markup("({}).").format(_english("n.d."))
    )
    title = full_title(record)
    edition = strip_isbd(record.edition)
    if title and edition:
        title_part = Markup("<i>{}</i> ({}).").format(title, edition)
    else:
        title_part = _italic_title(record)
    parts: list[Markup | str] = []
    if authors:
        parts += [_sentence(authors), year, title_part]
    else:
        parts += [title_part, year]
    publisher = strip_isbd(record.publisher)
    if publisher:
        parts.append(_sentence(publisher))
    return Markup(" ").join(escape(p) for p in parts if p)


def chicago_citation(record: Record) -> Markup:
    """Chicago 17th edition, author-date reference list entry.

    "Hugo, Victor. 1995. <i>Les Misérables</i>. Paris: Gallimard." — only the first
    Western name is inverted; family-first names never are: "Nguyễn Du. 2015. …".
    Without an author: "<i>Bản đồ Hà Nội</i>. 1873. Hà Nội."
    """
    names = cited_names(record)
    if len(names) > 10:  # Chicago: list seven, then et al.
        written = [names[0].inverted, *(n.whole for n in names[1:7])]
        authors = Markup(", ").join(written) + Markup(", ") + _english("et al.")
    else:
        written = [n.inverted if i == 0 else n.whole for i, n in enumerate(names)]
        # "Hugo, Victor, and Jane Doe"; a name in reading order needs no closing comma:
        # "Nguyễn Du and Huỳnh Sanh Thông"
        inverted = bool(names) and names[0].inverted != names[0].whole
        authors = _series(written, _english("and"), serial_comma=inverted)
    year = _sentence(str(record.year)) if record.year is not None else _english("n.d.")
    parts: list[Markup | str] = []
    if authors:
        parts += [_sentence(authors), year, _italic_title(record)]
    else:
        parts += [_italic_title(record), year]
    edition = strip_isbd(record.edition)
    if edition:
        parts.append(_sentence(edition))
    place, publisher = strip_isbd(record.place), strip_isbd(record.publisher)
    if place and publisher:
        parts.append(f"{place}: {_sentence(publisher)}")
    elif place or publisher:
        parts.append(_sentence(place or publisher))
    return Markup(" ").join(escape(p) for p in parts if p)


def mla_citation(record: Record) -> Markup:
    """MLA 9th edition works-cited entry.

    "Hugo, Victor. <i>Les Misérables</i>. Gallimard, 1995." Two authors: "Hugo, Victor,
    and Jane Doe."; three or more: "Hugo, Victor, et al."; family-first names in their
    order: "Nguyễn Du. <i>Truyện Kiều</i>. Tái bản lần thứ 3, Nhà xuất bản Văn học, 2015."
    """
    names = cited_names(record)
    authors: str | Markup
    if len(names) >= 3:
        authors = Markup("{}, {}").format(names[0].inverted, _english("et al."))
    elif len(names) == 2:
        inverted = names[0].inverted != names[0].whole
        two = [names[0].inverted, names[1].whole]
        authors = _series(two, _english("and"), serial_comma=inverted)
    else:
        authors = names[0].inverted if names else ""
    tail = [
        v
        for v in (
            strip_isbd(record.edition),
            strip_isbd(record.publisher),
            str(record.year) if record.year is not None else "",
        )
        if v
    ]
    parts: list[Markup | str] = []
    if authors:
        parts.append(_sentence(authors))
    parts.append(_italic_title(record))
    if tail:
        parts.append(_sentence(", ".join(tail)))
    return Markup(" ").join(escape(p) for p in parts if p)


CITATION_STYLES = {
    # key: (name shown, formatter); names are the styles' own, not translated
    "apa": ("APA 7", apa_citation),
    "chicago": ("Chicago (author-date)", chicago_citation),
    "mla": ("MLA 9", mla_citation),
}
