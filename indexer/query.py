"""The query language: user text → a backend-neutral query tree. Never raises.

    kiều nguyễn du            all words must match, any field
    title:kiều author:"Nguyễn Du" subject:(thơ OR ca dao) isbn:978-604-... issn:0866-7373
    year:1990  year:1990-2000  year:1990-  year:-1900  year:>2020  year:<=1900
    "phố phường"              a phrase
    a AND b, a OR b, NOT a, -a, +a, ( ... )
    thăng*                    prefix

Anything malformed (unbalanced quotes or parentheses, dangling operators, unknown fields,
Lucene/Solr syntax such as {!xmlparser} or a lone *) degrades to keywords. A backend
builds its own query objects from the tree; user text is only ever a Term/Phrase value,
which a string-based backend must escape (`indexer.solr_lucene` renders trees for Solr).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from indexer.text import fold, folded_words, has_word

MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 32
MAX_DEPTH = 8

# Field names users may type → the logical field the tree carries.
FIELDS = {
    "title": "title",
    "ti": "title",
    "author": "author",
    "au": "author",
    "subject": "subject",
    "su": "subject",
    "isbn": "isbn",
    "issn": "issn",
    "year": "year",
    "callnumber": "callnumber",
    "cn": "callnumber",
    # Vietnamese names (matched folded: "tác giả:" is not one word, so "tacgia:")
    "tacgia": "author",
    "nhande": "title",
    "chude": "subject",
    "nam": "year",
    "kyhieu": "callnumber",
}
TEXT_FIELDS = ("title", "author", "subject")


@dataclass(frozen=True)
class Term:
    """One word as typed (may hold inner punctuation: "978-604-1", "Hà-Nội")."""

    text: str
    field: str | None = None  # None: every searchable field
    prefix: bool = False
    fuzzy: int = 0  # max edit distance, 0 = exact


@dataclass(frozen=True)
class Phrase:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Range:
    field: str  # only "year" today
    low: int | None
    high: int | None


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class MatchAll:
    pass


Node = Term | Phrase | Range | And | Or | Not | MatchAll


# --- lexing -------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<quote>"[^"]*"?)
  | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)


@dataclass
class _Tok:
    kind: str  # "(", ")", "AND", "OR", "NOT", "+", "-", "field", "phrase", "word"
    text: str = ""


def _lex(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        value = match.group(0)
        if kind == "ws":
            continue
        if kind in ("lparen", "rparen"):
            tokens.append(_Tok("(" if kind == "lparen" else ")"))
        elif kind == "quote":
            if len(value) > 1 and value.endswith('"'):
                tokens.append(_Tok("phrase", value[1:-1]))
            else:  # unclosed quote: the rest is plain words
                tokens.extend(_lex(value[1:]))
        else:
            tokens.extend(_lex_word(value, text[match.end() : match.end() + 1]))
    return tokens


def _lex_word(value: str, next_char: str = "") -> list[_Tok]:
    if value in ("AND", "&&"):
        return [_Tok("AND")]
    if value in ("OR", "||"):
        return [_Tok("OR")]
    if value == "NOT":
        return [_Tok("NOT")]
    out: list[_Tok] = []
    while value[:1] in ("+", "-", "!") and len(value) > 1:
        out.append(_Tok("NOT" if value[0] in "-!" else "+"))
        value = value[1:]
    name, colon, rest = value.partition(":")
    field = FIELDS.get(fold(name)) if colon else None
    # "title:x", "title:(…)", 'title:"…"' are fields; "Việt Nam: 1945" (a pasted title) is not.
    if field and (rest or next_char in ('"', "(")):
        out.append(_Tok("field", field))
        if rest:
            out.extend(_lex_word(rest) if rest[:1] not in "+-!" else [_Tok("word", rest)])
        return out
    if colon and rest and name.isalpha() and len(name) <= 20 and field is None:
        value = rest  # an unknown field: search its value as keywords
    out.append(_Tok("word", value))
    return out


# --- parsing --------------------------------------------------------------------------


class _Parser:
    """Recursive descent with recovery: a token that cannot be used is skipped."""

    def __init__(self, tokens: list[_Tok]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.leaves = 0

    def peek(self) -> _Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Tok:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Node | None:
        nodes = []
        while self.peek() is not None:
            node = self.or_expr()
            if node is not None:
                nodes.append(node)
            elif self.peek() is not None:
                self.take()  # a stray ")" or operator: skip it
        return _and(nodes)

    def or_expr(self) -> Node | None:
        parts = [self.and_expr()]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            parts.append(self.and_expr())
        kept = [p for p in parts if p is not None]
        if len(kept) <= 1:
            return kept[0] if kept else None
        return Or(tuple(kept))

    def and_expr(self) -> Node | None:
        parts: list[Node] = []
        while (tok := self.peek()) is not None and tok.kind not in ("OR", ")"):
            if tok.kind == "AND":
                self.take()
                continue
            node = self.unary()
            if node is not None:
                parts.append(node)
        return _and(parts)

    def unary(self) -> Node | None:
        negate = False
        tok = self.take()
        while tok.kind in ("NOT", "+"):
            negate ^= tok.kind == "NOT"
            nxt = self.peek()
            if nxt is None or nxt.kind in ("AND", "OR", ")"):
                return None  # a dangling operator
            tok = self.take()
        node = self.primary(tok, None)
        return Not(node) if negate and node is not None else node

    def primary(self, tok: _Tok, field: str | None) -> Node | None:
        if tok.kind == "(":
            return self.group(field)
        if tok.kind == "field":
            nxt = self.peek()
            if nxt is None or nxt.kind in ("AND", "OR", "NOT", ")", "+", "field"):
                return None  # "title:" with nothing after it
            return self.primary(self.take(), tok.text)
        if tok.kind == "phrase":
            return self.leaf_phrase(tok.text, field)
        if tok.kind == "word":
            return self.leaf_word(tok.text, field)
        return None  # ")" or an operator where a term should be

    def group(self, field: str | None) -> Node | None:
        if self.depth >= MAX_DEPTH:
            return None  # too deep: the "(" is ignored, its contents parse at this level
        self.depth += 1
        node = self.or_expr()
        self.depth -= 1
        if (tok := self.peek()) is not None and tok.kind == ")":
            self.take()
        return _with_field(node, field) if field and node is not None else node

    def _count(self) -> bool:
        self.leaves += 1
        return self.leaves <= MAX_CLAUSES

    def leaf_phrase(self, text: str, field: str | None) -> Node | None:
        text = " ".join(text.split())
        if not has_word(text) or not self._count():
            return None
        if field == "year":
            return _year(text) or Phrase(text)
        return Phrase(text, field)

    def _identifier_rest(self, text: str, length: int) -> str:
        """isbn:978 604 1 23456 7 — take following digit groups into the identifier."""
        digits = len(re.sub(r"[^0-9Xx]", "", text))
        while digits < length and (tok := self.peek()) is not None and tok.kind == "word":
            if not re.fullmatch(r"[0-9Xx\-]+", tok.text):
                break
            more = len(re.sub(r"[^0-9Xx]", "", tok.text))
            if digits + more > length:
                break
            text += self.take().text
            digits += more
        return text

    def leaf_word(self, text: str, field: str | None) -> Node | None:
        if field == "year":
            year = _year(text)
            if year is not None:
                return year if self._count() else None
            field = None
        if field in ("isbn", "issn"):
            text = self._identifier_rest(text, 13 if field == "isbn" else 8)
        prefix = text.endswith("*")
        text = text.strip("*?").replace("*", "").replace("?", "")
        if not has_word(text) or not self._count():
            return None
        return Term(text, field, prefix=prefix)


def _and(parts: list[Node]) -> Node | None:
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return And(tuple(parts))


_YEAR = re.compile(r"^\[?\s*(\d{1,4})?\s*(?:(-|–|\.\.|\s+TO\s+)\s*(\d{1,4})?)?\s*\]?$")


_COMPARED = re.compile(r"^(>=|<=|≥|≤|>|<)\s*(\d{1,4})$")


def _year(text: str) -> Node | None:
    compared = _COMPARED.match(text.strip())
    if compared:  # year:>2020 (after 2020), year:<=1900 (up to 1900)
        sign, year = compared.group(1), int(compared.group(2))
        if sign in (">", ">=", "≥"):
            return Range("year", year + (sign == ">"), None)
        return Range("year", None, year - (sign == "<"))
    match = _YEAR.match(text.strip())
    if not match or not (match.group(1) or match.group(3)):
        return None
    low = int(match.group(1)) if match.group(1) else None
    high = int(match.group(3)) if match.group(3) else None
    if not match.group(2):
        return Term(str(low), "year")
    if low is not None and high is not None and low > high:
        low, high = high, low
    return Range("year", low, high)


def _with_field(node: Node, field: str) -> Node:
    """Apply a group's field to every unfielded leaf in it: title:(a OR b)."""
    if isinstance(node, (Term, Phrase)):
        if node.field is not None:
            return node
        if field == "year":
            return _year(node.text) or node
        return replace(node, field=field)
    if isinstance(node, (And, Or)):
        return type(node)(tuple(_with_field(c, field) for c in node.children))
    if isinstance(node, Not):
        return Not(_with_field(node.child, field))
    return node


def _keywords(text: str) -> Node:
    terms = [Term(w) for w in re.findall(r"[^\W_]+", text)[:MAX_CLAUSES]]
    return _and(list(terms)) or MatchAll()


def typed(text: str) -> str:
    """What the reader meant to type: NFKC, so letters pasted from styled text ("𝔥𝔞 𝔫𝔬𝔦",
    "ｈａ ｎｏｉ", "ﬁ") are plain letters, as a search engine's ICU folding makes them; NFKC
    composes Vietnamese letters as NFC does."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def parse(text: str) -> Node:
    """Parse user input into a tree. Empty or unusable input is `MatchAll()`."""
    text = typed(str(text or ""))[:MAX_QUERY_CHARS]
    text = _LUCENE_RANGE.sub(_range_to_dash, text)
    text = _SPACED_COMPARISON.sub(r"\1\2", text)  # "year: > 2020" is "year:>2020"
    if "\x00" in text:
        text = text.replace("\x00", " ")
    try:
        tree = _Parser(_lex(text)).parse()
    except (RecursionError, IndexError, ValueError):
        tree = None
    if tree is None:
        return _keywords(text) if has_word(text) else MatchAll()
    if isinstance(tree, Not):
        tree = And((MatchAll(), tree))
    elif isinstance(tree, And) and all(isinstance(c, Not) for c in tree.children):
        tree = And((MatchAll(), *tree.children))
    try:
        return _split_joined(tree)
    except RecursionError:  # a pathologically deep tree: searched as typed
        return tree


# Place names readers (and foreign catalogues) write as one word: "hanoi" also searches
# "Hà Nội" as a phrase. Keys and values are folded.
JOINED_NAMES = {
    "hanoi": "ha noi",
    "saigon": "sai gon",
    "vietnam": "viet nam",
    "haiphong": "hai phong",
    "danang": "da nang",
    "dalat": "da lat",
    "thanglong": "thang long",
    "hochiminh": "ho chi minh",
}


def _split_joined(node: Node) -> Node:
    if isinstance(node, Term):
        spelled = JOINED_NAMES.get(fold(node.text)) if not node.prefix else None
        if spelled and node.field in (None, *TEXT_FIELDS):
            return Or((node, Phrase(spelled, node.field)))
        return node
    if isinstance(node, (And, Or)):
        return replace(node, children=tuple(_split_joined(c) for c in node.children))
    if isinstance(node, Not):
        return replace(node, child=_split_joined(node.child))
    return node


_LUCENE_RANGE = re.compile(r"\[\s*(\d{1,4}|\*)\s+TO\s+(\d{1,4}|\*)\s*[\]}]")
# A year comparison typed with a space before the year; the field names fold as FIELDS'.
_SPACED_COMPARISON = re.compile(r"(\b(?:year|nam|năm):)\s*(>=|<=|≥|≤|>|<)\s*(?=\d)", re.I)


def _range_to_dash(match: re.Match[str]) -> str:
    """year:[1990 TO 2000] (Lucene habit) → year:1990-2000."""
    low, high = (g if g != "*" else "" for g in match.groups())
    return f"{low}-{high}"


# --- walking --------------------------------------------------------------------------


def leaves(node: Node) -> list[Node]:
    """Term, Phrase and Range nodes in reading order (Not-ed ones included)."""
    if isinstance(node, (And, Or)):
        return [leaf for child in node.children for leaf in leaves(child)]
    if isinstance(node, Not):
        return leaves(node.child)
    if isinstance(node, MatchAll):
        return []
    return [node]


def positive_leaves(node: Node) -> list[Term | Phrase]:
    """Term and Phrase leaves a match must contain (none from under a NOT)."""
    if isinstance(node, (And, Or)):
        return [leaf for child in node.children for leaf in positive_leaves(child)]
    if isinstance(node, (Term, Phrase)):
        return [node]
    return []


def highlight_terms(tree: Node) -> tuple[set[str], list[str]]:
    """Folded words (and prefixes) of the positive title/keyword leaves, for marking titles."""
    terms: set[str] = set()
    prefixes: list[str] = []
    for leaf in positive_leaves(tree):
        if leaf.field not in (None, "title"):
            continue
        folded = folded_words(leaf.text)
        if isinstance(leaf, Term) and leaf.prefix and folded:
            terms.update(folded[:-1])
            prefixes.append(folded[-1])
        else:
            terms.update(folded)
    return terms, prefixes


def typed_together(children: Sequence[Node]) -> str:
    """The plain unfielded words of an AND, in order: what proximity boosts look for.

    Empty unless there are at least two (one word has no neighbour)."""
    plain = [
        c.text
        for c in children
        if isinstance(c, Term) and c.field is None and not c.prefix and not c.fuzzy
    ]
    return " ".join(plain) if len(plain) > 1 else ""


def positive_words(node: Node) -> list[Term | Phrase]:
    """Plain text terms and phrases a user wants matched: their words are candidates for
    spelling suggestions (a typo inside quotes deserves a "did you mean" as much)."""
    if isinstance(node, (And, Or)):
        return [t for child in node.children for t in positive_words(child)]
    if isinstance(node, Term) and not node.prefix and node.field in (None, *TEXT_FIELDS):
        return [node]
    if isinstance(node, Phrase) and node.field in (None, *TEXT_FIELDS):
        return [node]
    return []


def fuzzy(node: Node, min_length: int = 3, known: Callable[[str], bool] | None = None) -> Node:
    """The tree with plain text terms made fuzzy (1 edit; 2 from 8 letters): a typo fallback.

    From three letters: most Vietnamese syllables have two to four ("du", "noi", "duc"),
    so "nguyen duu" and "so doo" must be in reach. A word the index `known`s is left
    exact: the typo is elsewhere, and a common word made fuzzy only brings noise ("phố
    vắng NOT phố Hàng Bạc" finds nothing, and must not find 80,000 near matches of
    "pho")."""
    if isinstance(node, Term) and not node.prefix and node.field in (None, *TEXT_FIELDS):
        size = len(node.text)
        if size >= min_length and node.text.isalpha() and not (known and known(node.text)):
            return replace(node, fuzzy=2 if size >= 8 else 1)
        return node
    if isinstance(node, (And, Or)):
        return type(node)(tuple(fuzzy(c, min_length, known) for c in node.children))
    return node
