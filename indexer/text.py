"""Text normalisation shared by every backend: Vietnamese folding, words, filing titles,
Vietnamese sort keys.

Folding lives here (not only in a backend's analyzer) because work keys, spelling
suggestions and autocomplete compare text in Python, and they must agree with what the
index sees: "Hà Nội", "HA NOI" and "ha noi" are one string after `fold`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

# Letters NFD does not decompose; the same ones tantivy's ascii_fold and Lucene's
# ASCIIFoldingFilter map, so Python-side and index-side folding agree.
_EXTRA_FOLDS = str.maketrans(
    {
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ß": "ss",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
    }
)

# Vietnamese writes a syllable ending in i after a consonant either way: kí/ký, lí/lý,
# mĩ/mỹ, sĩ/sỹ, hi/hy, quí/quý; both spellings are current, and readers type either.
# Folding makes them one: the y of a syllable that is an initial consonant + y becomes
# i. "y tế", "Thủy", "Huy" and "Nguyễn" keep their y. The Solr schema's vi_fold applies
# the same rule to folded tokens (PatternReplaceFilter), the tantivy index gets text
# through `same_i` before its folding analyzer.
_INITIALS = "ngh|ch|gh|kh|ng|nh|ph|qu|th|tr|[bcdđghklmnprstvx]"
_FINAL_Y = re.compile(rf"\b({_INITIALS})([yýỳỷỹỵ])\b", re.IGNORECASE)
_FOLDED_FINAL_Y = re.compile(rf"\b({_INITIALS})y\b")
_Y_TO_I = str.maketrans("yýỳỷỹỵYÝỲỶỸỴ", "iíìỉĩịIÍÌỈĨỊ")
_Y_LETTERS = frozenset("yýỳỷỹỵYÝỲỶỸỴ")

# A word is a run of letters/digits, the same split as tantivy's `simple` tokenizer and
# Lucene's StandardTokenizer for Vietnamese (syllables are separated by spaces).
_WORD = re.compile(r"[^\W_]+")

# Non-filing articles by MARC language code: "The Tale of Kieu" files under "Tale".
# Vietnamese has no articles, so a Vietnamese title is never trimmed ("La" is a word).
NON_FILING = {
    "eng": ("the", "a", "an"),
    "fre": ("les", "le", "la", "l'", "un", "une", "des"),
    "ger": ("der", "die", "das", "ein", "eine"),
    "spa": ("el", "la", "los", "las", "un", "una"),
    "ita": ("il", "lo", "la", "gli", "le", "l'", "un", "una"),
    "por": ("o", "a", "os", "as", "um", "uma"),
}
# Used when a record does not say its language: only articles no Vietnamese title starts with.
_DEFAULT_ARTICLES = ("the", "les", "l'", "der", "die", "das")


def nfc(text: str) -> str:
    """NFC-normalise, so composed and decomposed input are the same bytes (ASCII already
    is: codes, call numbers and identifiers, most of what an index build normalises)."""
    if not text:
        return ""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


@lru_cache(maxsize=1 << 17)
def fold(text: str) -> str:
    """Lowercase and strip every diacritic, đ → d included ("Đại Việt" → "dai viet"),
    and spell consonant + y syllables with i ("Lý" → "li", see `_FINAL_Y`).

    Cached: indexing folds the same few hundred thousand words over and over.
    """
    folded = unmarked(text)
    return _FOLDED_FINAL_Y.sub(r"\1i", folded) if "y" in folded else folded


def unmarked(text: str) -> str:
    """Lowercase, every diacritic stripped, đ → d, but the letters as written: "Ký" →
    "ky" (`fold` makes it "ki"). How a reader types a word without Vietnamese keys."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_EXTRA_FOLDS))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).translate(_EXTRA_FOLDS).lower()


@lru_cache(maxsize=1 << 15)
def ascii_fold(word: str) -> str:
    """A word as an ASCII-folding analyzer (Lucene's, tantivy's) indexes it: lowercased,
    Latin letters without their diacritics (đ → d), consonant + y spelt with i as
    `same_i` writes it; other scripts keep their marks ("Толстой" stays "толстой",
    which `fold` would make "толстои"). What query text sent to Solr's folded fields
    must look like."""
    kept: list[str] = []
    latin = False  # whether the marks met now sit on a Latin letter
    for char in unicodedata.normalize("NFD", same_i(word).translate(_EXTRA_FOLDS)):
        if unicodedata.combining(char):
            if latin:
                continue
        else:
            latin = char.isascii()
        kept.append(char)
    folded = unicodedata.normalize("NFC", "".join(kept)).translate(_EXTRA_FOLDS).lower()
    return _FOLDED_FINAL_Y.sub(r"\1i", folded) if "y" in folded else folded


def same_i(text: str) -> str:
    """`text` with consonant + y syllables written with i ("Lê Văn Hưu, Ký" → "… Kí"):
    what the tantivy folded fields are given, so their analyzer folds as `fold` does."""
    if not text or _Y_LETTERS.isdisjoint(text):
        return text
    return _FINAL_Y.sub(lambda m: m.group(1) + m.group(2).translate(_Y_TO_I), text)


def exact(text: str) -> str:
    """Lowercase but keep diacritics: the form the boosted exact-diacritics field holds."""
    return nfc(text).lower()


def words(text: str) -> list[str]:
    """The words of `text`, in order, as the index tokenizers split them."""
    return _WORD.findall(nfc(text))


def folded_words(text: str) -> list[str]:
    return [fold(w) for w in words(text)]


def has_word(text: str) -> bool:
    """True when `text` holds at least one letter or digit (anything searchable)."""
    return _WORD.search(text or "") is not None


_BRACKETED = re.compile(r"^\[(.*)\]$")
_TRAILING_ISBD = re.compile(r"[\s/:;=,.]+$")


def strip_isbd(title: str) -> str:
    """Drop ISBD punctuation cataloguers leave at the end of a title ("Kiều / " → "Kiều")."""
    title = _BRACKETED.sub(r"\1", nfc(title).strip())
    return _TRAILING_ISBD.sub("", title).strip()


def title_proper(title: str) -> str:
    """The title without subtitle or statement of responsibility ("A : b / c" → "A")."""
    title = strip_isbd(title)
    return re.split(r"\s+[/:;=]\s+|\s+[/:;=]$", title, maxsplit=1)[0].strip()


def strip_article(title: str, languages: Sequence[str] = ()) -> str:
    """Remove a leading non-filing article for the record's languages."""
    articles: list[str] = []
    for lang in languages:
        articles.extend(NON_FILING.get(lang, ()))
    if not languages:
        articles.extend(_DEFAULT_ARTICLES)
    text = nfc(title).lstrip(" \"'“‘[(")
    lowered = text.lower()
    for article in sorted(set(articles), key=len, reverse=True):
        if article.endswith("'"):
            if lowered.startswith(article) or lowered.startswith(article[:-1] + "’"):
                rest = text[len(article) :].lstrip()
                if rest:
                    return rest
        elif lowered.startswith(article + " "):
            rest = text[len(article) + 1 :].lstrip()
            if rest:
                return rest
    return text


def filing_title(title: str, languages: Sequence[str] = ()) -> str:
    """The folded form a title sorts by: no article, no punctuation, no diacritics."""
    return " ".join(folded_words(strip_article(strip_isbd(title), languages)))


# --- Vietnamese collation -----------------------------------------------------------
#
# Sources: the Unicode CLDR collation tailoring for `vi` (common/collation/vi.xml:
# "&̀<<̉<<̃<<́<<̣ &a<ă<â &d<đ &e<ê &o<ô<ơ &u<ư") and Vũ Xuân Lương, "Quy tắc sắp xếp đơn vị
# từ vựng trong từ điển tiếng Việt" (Vietlex / Vietnam Lexicography Centre). Both give the
# alphabet a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z, letters
# before tones, and the tones in the order none, huyền, hỏi, ngã, sắc, nặng
# (a à ả ã á ạ); lower case before upper case when nothing else differs.
_VI_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Primary weights: one ASCII character per letter, in alphabet order, above the digits
# ("0"–"9"), the word gap (" ") and the level separator ("\t"). Other scripts keep their
# own characters (all above U+007F), so they file after the Latin letters.
_PRIMARY = {letter: chr(0x41 + i) for i, letter in enumerate(_VI_ALPHABET)}
# Vietnamese letters NFD splits into a base and a mark that is part of the letter.
_LETTER_MARKS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
# Secondary weights, one per letter: no mark, the five tones in CLDR order, any other mark.
_NO_MARK = "0"
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_OTHER_MARK = "6"
# Letters NFD leaves whole: (letters they file as, whether they carry a mark). Ð/ð is
# filed as đ: legacy Vietnamese encodings converted to Unicode often write Đ as Ð (eth).
_WHOLE_LETTERS = {
    "đ": ("đ", False),
    "ð": ("đ", False),
    "ø": ("o", True),
    "ł": ("l", True),
    "æ": ("ae", True),
    "œ": ("oe", True),
    "ß": ("ss", True),
    "þ": ("th", True),
    "ı": ("i", True),
}
_WORD_GAP = " "
_LEVEL_GAP = "\t"


def _letters(word: str) -> Iterable[tuple[str, str]]:
    """(primary character, secondary weight) for each letter of one lowercase word."""
    clusters: list[tuple[str, list[str]]] = []
    for char in unicodedata.normalize("NFD", word):
        if clusters and unicodedata.category(char).startswith("M"):
            clusters[-1][1].append(char)
        else:
            clusters.append((char, []))
    for base, marks in clusters:
        letters, marked = _WHOLE_LETTERS.get(base, (base, False))
        for mark in marks:
            if (base, mark) in _LETTER_MARKS:
                letters = _LETTER_MARKS[base, mark]
                marks.remove(mark)
                break
        tone = next((_TONES[m] for m in marks if m in _TONES), None)
        weight = tone or (_OTHER_MARK if marks or marked else _NO_MARK)
        for letter in letters:
            digit = unicodedata.decimal(letter, None)
            yield (str(digit) if digit is not None else _PRIMARY.get(letter, letter)), weight


def vietnamese_sort_key(text: str) -> str:
    """A string that sorts `text` in Vietnamese alphabetical order when compared as a
    plain string (code points, or UTF-8 bytes as tantivy and Solr compare a string field).

    Three levels, as in the Unicode Collation Algorithm with CLDR's `vi` tailoring:
    1. letters, case-insensitive, in Vietnamese order (ă, â after a; đ after d; ê after e;
       ô, ơ after o; ư after u); other Latin letters file under their base letter (é, ü,
       ç → e, u, c), digits before letters, words compared word by word (punctuation and
       spacing ignored, a shorter word first: "An" < "An toàn" < "Anh");
    2. tones, letter by letter: none < huyền < hỏi < ngã < sắc < nặng (ma < mà < mả < mã
       < má < mạ), then any other diacritic;
    3. case, letter by letter, lower case first.
    Punctuation and spacing are ignored at every level (CLDR's "ignorable"), so "Hà-Nội"
    and "Hà Nội" share a key; the key is kept short because the index stores one per
    record (a copy of the text as a fourth level cost 85 MiB and 5 % of the build rate
    at 1M records).
    Composed (NFC) and decomposed (NFD) input give the same key. Sources: see above.
    """
    keys = [_word_key(word) for word in _WORD.findall(nfc(text))]
    if not keys:
        return ""
    primary = _WORD_GAP.join(key[0] for key in keys)
    # The other levels word by word, each word's weights without their trailing "none"s
    # (they only ever meet the weights of the same letters), so a key stays short.
    tones = _WORD_GAP.join(key[1] for key in keys).rstrip()
    cases = _WORD_GAP.join(key[2] for key in keys).rstrip()
    return f"{primary}{_LEVEL_GAP}{tones}{_LEVEL_GAP}{cases}"


@lru_cache(maxsize=1 << 17)
def _word_key(word: str) -> tuple[str, str, str]:
    """(primary letters, tones, case) of one word, the last two without trailing "none"s.
    Kept per word, not per text: titles are nearly all different, but Vietnamese has a
    few thousand syllables, so an index build computes each once (35 → 5 µs a title)."""
    letters = list(_letters(word.lower()))
    primary = "".join(p for p, _ in letters)
    tones = "".join(w for _, w in letters).rstrip(_NO_MARK)
    if word == word.lower():
        return primary, tones, ""
    return primary, tones, "".join("1" if c.isupper() else "0" for c in word).rstrip("0")


# Letters only Vietnamese writes (French shares é, è, ê, à, â, ô but none of these).
_VIETNAMESE_LETTERS = re.compile(
    "[ăđơưĩũỹỳạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỵỷ]", re.IGNORECASE
)
_VOWELS = "".join(
    unicodedata.normalize("NFC", vowel + tone) for vowel in "aăâeêioôơuưy" for tone in ("", *_TONES)
)
# One written Vietnamese syllable: onset, one to three vowels, final consonant...
_SYLLABLE = re.compile(
    f"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?([{_VOWELS}]{{1,3}})"
    "(?:ch|ng|nh|[cmnpt])?",
    re.IGNORECASE,
)
# ... whose vowels, unmarked, are one of Vietnamese's vowel groups: "Huey", "Maya" and
# "Ocean" have a syllable's letters but no Vietnamese vowel group ("uey", "aya", "oea").
_VOWEL_GROUPS = """
a e i o u y ai ao au ay eo eu ia ie iu oa oe oi ua ue ui uo uu uy ye
ieu yeu oai oay oao oeo uay uoi uou uya uye uyu
"""
_NUCLEI = frozenset(_VOWEL_GROUPS.split())


def _syllable(word: str) -> bool:
    match = _SYLLABLE.fullmatch(word)
    if match is None:
        return False
    onset, vowels = (match.group(1) or "").lower(), match.group(2)
    if unmarked(vowels) in _NUCLEI:
        return True
    # "gi" and "qu" may be an onset or a consonant and a vowel: try the other reading
    return onset in ("gi", "qu") and unmarked(onset[1] + vowels) in _NUCLEI


_LETTERS_ONLY = re.compile(r"[^\W\d_]+")


def has_letters(text: str) -> bool:
    """Whether `text` has a letter at all ("1:5.000" and "2015" have none)."""
    return _LETTERS_ONLY.search(text) is not None


def vietnamese_syllables(text: str) -> bool:
    """Whether every word of `text` could be a written Vietnamese syllable, with or
    without its marks ("Nam Cao", "Tô Hoài" yes; "Tolstoy", "Maria", "Huey" no). Text
    without words is not."""
    found = _LETTERS_ONLY.findall(text)
    return bool(found) and all(_syllable(word) for word in found)


def is_vietnamese(text: str) -> bool:
    """Whether catalogue text reads as Vietnamese: it has a letter only Vietnamese
    writes, or a word with diacritics and every word a Vietnamese syllable ("Sách nói",
    "Lý Anh Dung" yes; "Canción", "Café", "São Paulo" no, nor an English sentence
    naming "Hán Nôm")."""
    if _VIETNAMESE_LETTERS.search(text):
        return True
    found = _LETTERS_ONLY.findall(text)
    return any(not word.isascii() for word in found) and vietnamese_syllables(text)


def title_sort_key(title: str, languages: Sequence[str] = ()) -> str:
    """What a record's title sorts by: the title without ISBD punctuation or a leading
    non-filing article ("The Tale of Kieu" files under "Tale"), in Vietnamese order."""
    return vietnamese_sort_key(strip_article(strip_isbd(title), languages))


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment distance (a transposition costs 1), capped at `limit`."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) >= limit:
            return limit
        prev2, prev = prev, cur
    return min(prev[-1], limit)


def highlight_html(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """HTML-escape `text` and wrap each (start, end) character span in <mark>."""
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        out.append(html.escape(text[pos:start], quote=False))
        out.append("<mark>" + html.escape(text[start:end], quote=False) + "</mark>")
        pos = end
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out)


def byte_spans_to_chars(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Convert UTF-8 byte offsets (what tantivy reports) to str offsets."""
    data = text.encode("utf-8")
    return [
        (len(data[:start].decode("utf-8", "ignore")), len(data[:end].decode("utf-8", "ignore")))
        for start, end in spans
    ]


def mark_words(text: str, folded_terms: Iterable[str], prefixes: Iterable[str] = ()) -> str:
    """HTML-escaped `text` with <mark> on words matching (diacritics-blind) the query."""
    terms, starts = set(folded_terms), tuple(prefixes)
    spans = []
    for match in _WORD.finditer(text):
        word = fold(match.group(0))
        if word in terms or (starts and word.startswith(starts)):
            spans.append(match.span())
    return highlight_html(text, spans)
