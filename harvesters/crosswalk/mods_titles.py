"""MODS titleInfo → a title as MARC's 245 $a $n $p would give it.

Titles are read here for the record's own title, a series or host item's title and a
title used as a subject, so all three read the same way.
"""

from __future__ import annotations

from lxml import etree

from catalogue import normalise_text
from harvesters.crosswalk.mods_paths import children, first_text, text
from harvesters.crosswalk.rules import strip_isbd


def title_text(title_info: etree._Element, *, non_sort: bool = True) -> str:
    """nonSort + title, then ". partNumber" and ", partName" (MARC 245 $a $n $p)."""
    main = first_text(title_info, "title")
    if not main:
        return ""
    article = "".join(t for e in children(title_info, "nonSort") for t in e.itertext())
    article = normalise_text(" ".join(article.split())) if non_sort else ""
    space = "" if article.endswith(("'", "’", "-")) else " "
    title = strip_isbd(f"{article}{space}{main}" if article else main)
    numbers = [t for e in children(title_info, "partNumber") if (t := strip_isbd(text(e)))]
    names = [t for e in children(title_info, "partName") if (t := strip_isbd(text(e)))]
    if numbers or names:
        title = ". ".join([title, ", ".join([*numbers, *names])])
    return title


def subtitle_text(title_info: etree._Element) -> str:
    return strip_isbd(first_text(title_info, "subTitle"))


def is_main_title(title_info: etree._Element) -> bool:
    """The title a record is known by: the first titleInfo without a type, else the first."""
    parent = title_info.getparent()
    siblings = children(parent, "titleInfo") if parent is not None else [title_info]
    untyped = [s for s in siblings if not (s.get("type") or "").strip()]
    return title_info is (untyped or siblings)[0]


def series_title(related: etree._Element) -> str:
    """A series' title with its number ("Tủ sách Văn học ; 12")."""
    infos = children(related, "titleInfo")
    main = next((i for i in infos if is_main_title(i)), None)
    return title_text(main) if main is not None else ""
