"""Personal names: one key however a cataloguer wrote the name, and the forms we index.

"Nguyễn Du", "Nguyễn, Du" and "Nguyễn Du, 1766-1820" are one person. Vietnamese names
put the family name first and share a handful of family names (Nguyễn alone is ~40%),
so a name key is the whole name's folded words, in any order, never the surname alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from indexer.text import fold, folded_words, nfc, vietnamese_syllables

# Family names written first: Vietnamese and the commonest Chinese ones (pinyin).
# Only used to put an inverted heading back in reading order for display.
_VIETNAMESE_FAMILIES = """
nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh trinh truong
doan lam mai ha cao luu luong ta chu quach kieu thai tong khuc van phung tieu diep ton
thach giang au la lai lac mac nghiem ninh nong quan tang than trieu
dao to ong bach cu kim dam lu vuong hua khong cung dong han hau
"""
_CHINESE_FAMILIES = """
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin gao luo
"""
CHINESE_FAMILIES = frozenset(_CHINESE_FAMILIES.split())
FAMILY_FIRST = frozenset(_VIETNAMESE_FAMILIES.split()) | CHINESE_FAMILIES

# A pinyin word: syllables (initial, final) written together ("Cixin", "Yimou", "Enlai").
_PINYIN = re.compile(
    "(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    "(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|er|in|un"
    "|ia|ie|iu|ua|uo|ui|ue|a|o|e|i|u|v)['-]?)+",
    re.IGNORECASE,
)
_INITIAL = re.compile(r"[^\W\d_]\.?", re.IGNORECASE)

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
    """Whether an inverted heading "family, given" reads family first, as Vietnamese and
    Chinese names do. Its family name is one word, and
    - the given name is Vietnamese syllables, and the family name a known one or one
      more syllable: "Tô, Hoài", names written without diacritics as older Vietnamese
      records have them ("Nguyen, Thi Minh Khai"), and pen names a cataloguer inverted
      ("Nam, Cao"); or
    - the family name is a known one, and the given name initials ("Nguyễn, V. A.") or,
      after a Chinese family name, pinyin ("Liu, Cixin", "Zhou, Enlai").
    "Bach, Johann Sebastian", "Kim, Anna" and "Vuong, Ocean" read as Western names; so
    does "Le Guin, Ursula K.": two words are not the family Lê. Whether a record's
    citation prints the name family first also asks its language (portal.citation_parts):
    "Lin, Maya" is Lin Maya here, but Maya Lin in an English book's citation."""
    surname = folded_words(family)
    if len(surname) != 1:
        return False
    known = surname[0] in FAMILY_FIRST
    if vietnamese_syllables(given):
        return known or vietnamese_syllables(family)
    if not known:
        return False
    words = given.split()
    if words and all(_INITIAL.fullmatch(word) for word in words):
        return True
    return surname[0] in CHINESE_FAMILIES and all(_PINYIN.fullmatch(word) for word in words)


@lru_cache(maxsize=1 << 14)
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
