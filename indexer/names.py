"""Personal names: one key however a cataloguer wrote the name, and the forms we index.

"Nguyễn Du", "Nguyễn, Du" and "Nguyễn Du, 1766-1820" are one person. Vietnamese names
put the family name first and share a handful of family names (Nguyễn alone is ~40%),
so a name key is the whole name's folded words, in any order, never the surname alone.
"""

from __future__ import annotations

import re

from indexer.text import fold, folded_words, is_vietnamese, nfc, vietnamese_syllables

# Family names written first: Vietnamese and the commonest Chinese ones (pinyin).
# Only used to put an inverted heading back in reading order for display.
_FAMILY_FIRST = """
nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh trinh truong
doan lam mai ha cao luu luong ta chu quach kieu thai tong khuc van phung tieu diep ton
thach giang au la lai lac mac nghiem ninh nong quan tang than trieu
dao to ong bach cu kim dam lu vuong hua khong cung dong han hau
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin gao luo
"""
FAMILY_FIRST = frozenset(_FAMILY_FIRST.split())

# Relator terms and roles that follow a heading after a comma (MARC $e, Vietnamese notes).
_ROLES = frozenset(
    {
        "author",
        "editor",
        "ed",
        "eds",
        "translator",
        "trans",
        "illustrator",
        "compiler",
        "tác giả",
        "biên soạn",
        "chủ biên",
        "dịch",
        "người dịch",
        "hiệu đính",
        "minh họa",
        "minh hoạ",
        "sưu tầm",
        "giới thiệu",
    }
)


_NOTES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_DIGIT = re.compile(r"\d")
_INITIAL_END = re.compile(r"(?:^|\s)[^\W\d_]\.$")


def _parts(name: str) -> list[str]:
    """Comma parts of a heading without dates, roles or bracketed notes."""
    name = _NOTES.sub(" ", nfc(name))
    parts = []
    for part in name.split(","):
        part = part.strip(" ;:")
        if not _INITIAL_END.search(part):  # "Ursula K." keeps the full stop of its initial
            part = part.strip(" .;:")
        if not part or _DIGIT.search(part):
            continue
        if part.lower().rstrip(".") in _ROLES:
            continue
        parts.append(" ".join(part.split()))
    return parts


def clean_name(name: str) -> str:
    """The heading without dates and roles, comma kept ("Nguyễn, Du, 1766-1820" → "Nguyễn, Du")."""
    return ", ".join(_parts(name)[:2])


def family_first(family: str, given: str) -> bool:
    """Whether an inverted heading "family, given" reads family first, as Vietnamese
    (and Chinese) names do. Its family name is one word, and either
    - it is written as Vietnamese ("Nguyễn", "Tô", "Đào") and is a known family name
      or the given name is Vietnamese syllables too ("Nguyễn, V. A.", "Tô, Hoài"), or
    - the given name is Vietnamese syllables and the family name a known one or one
      more syllable: names written without diacritics, as older Vietnamese records
      have them ("Nguyen, Thi Minh Khai"), and pen names a cataloguer inverted
      ("Nam, Cao").
    "Bach, Johann Sebastian", "Kim, Anna" and "Long, Huey" are not: their given names
    are not Vietnamese. Nor is "Le Guin, Ursula K.": two words are not the family Lê."""
    surname = folded_words(family)
    if len(surname) != 1:
        return False
    known = surname[0] in FAMILY_FIRST
    vietnamese_given = vietnamese_syllables(given)
    if is_vietnamese(family) and (known or vietnamese_given):
        return True
    return vietnamese_given and (known or vietnamese_syllables(family))


def direct_name(name: str) -> str:
    """The name in reading order: "Tolstoy, Leo" → "Leo Tolstoy", "Nguyễn, Du" → "Nguyễn Du"."""
    parts = _parts(name)
    if len(parts) < 2:
        return parts[0] if parts else ""
    family, given = parts[0], parts[1]
    if family_first(family, given):
        return f"{family} {given}"
    return f"{given} {family}"


def name_variants(name: str) -> list[str]:
    """Forms to index so the name is found in either order and with or without a comma."""
    parts = _parts(name)
    if not parts:
        return []
    variants = [", ".join(parts[:2]), direct_name(name)]
    if len(parts) >= 2:
        variants.append(f"{parts[0]} {parts[1]}")
        variants.append(f"{parts[1]} {parts[0]}")
    else:
        # Uninverted heading: also index both inversions, so a phrase typed either way
        # matches ("Du, Nguyễn" / "Trọng Phụng Vũ" for "Nguyễn Du" / "Vũ Trọng Phụng").
        tokens = parts[0].split()
        if len(tokens) >= 2:
            variants.append(" ".join([tokens[-1], *tokens[:-1]]))
            variants.append(" ".join([*tokens[1:], tokens[0]]))
    seen: list[str] = []
    for variant in variants:
        if variant and variant not in seen:
            seen.append(variant)
    return seen


def name_key(name: str) -> str:
    """Order-free folded words of a name: the same for every way of writing it."""
    return " ".join(sorted(folded_words(" ".join(_parts(name)[:2]))))


def family_name(name: str) -> str:
    """The folded family name, best effort (first word if Vietnamese-style, else last)."""
    parts = _parts(name)
    if not parts:
        return ""
    if len(parts) >= 2:
        return fold(parts[0])
    tokens = folded_words(parts[0])
    if not tokens:
        return ""
    return tokens[0] if tokens[0] in FAMILY_FIRST else tokens[-1]
