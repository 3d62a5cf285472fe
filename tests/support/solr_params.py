"""Checks on SolrIndex requests built without a server, and readers of the configset.

The request parameters are built by pure functions (`indexer.solr_query`); these
checkers read exactly what would go over the wire: user text only ever appears escaped
inside `q`, or as the value of a parameter that a local param dereferences — never as
query syntax.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from lxml import etree

from indexer.solr_query import NOTHING
from indexer.tantivy_query import FIELD_GROUPS

CONF = Path(__file__).resolve().parents[2] / "config" / "solr" / "conf"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _xml(name: str) -> etree._Element:
    return etree.parse(str(CONF / name), _PARSER).getroot()


def _schema_fields() -> dict[str, etree._Element]:
    return {f.get("name"): f for f in _xml("managed-schema.xml").iter("field")}


# --- what user text may look like on the wire -----------------------------------------

_TERM_CHAR = r'(?:\\.|[^\s\\+\-&|!(){}\[\]^"~*?:/])'
_VALUE = rf'(?:"(?:\\.|[^"\\])*"|{_TERM_CHAR}+\*?(?:~[12])?|\[(?:\d+|\*) TO (?:\d+|\*)\])'


def _assert_safe_q(q: str) -> None:
    """`q` is only our grammar: searchable fields, escaped values, + - OR and parentheses.

    Never a filter field (visibility, library, ...): those are only in `fq`.
    """
    searched = {f for group in FIELD_GROUPS.values() for f, _a, _w in group} | {"year"}
    fields = "|".join(sorted(searched, key=len, reverse=True))
    token = re.compile(rf"\s*(?:\*:\*|(?:{fields}):{_VALUE}(?:\^[\d.]+)?|[()+\-]|OR\s|\^[\d.]+)")
    pos = 0
    while pos < len(q):
        match = token.match(q, pos)
        assert match and match.end() > pos, f"unexpected syntax at {q[pos : pos + 40]!r} in {q!r}"
        pos = match.end()
    assert "{!" not in q and "${" not in q


_TEMPLATES = [
    re.compile(r"\{!terms (?:tag=ff_\w+ )?f=(\w+) separator=\$fv_sep v=\$fv_\1(?:_\d+)?\}"),
    re.compile(r"\{!tag=ff_\w+\}" + re.escape(NOTHING)),
    re.compile(r"\{!collapse tag=work field=work_key( sort='\w+ (asc|desc),id asc')?\}"),
    re.compile(re.escape(NOTHING)),
    re.compile(r"\{!prefix f=suggest v=\$sg_prefix cache=false\}"),
]


def _assert_safe_params(params: dict, *user_texts: str) -> None:
    """Local params only from our templates; user text never inside any of them."""
    assert params["expandMacros"] == "false"
    _assert_safe_q(params["q"])
    if "hl.q" in params:
        _assert_safe_q(params["hl.q"])
    fqs = params["fq"]
    assert fqs[0] in ("{!terms f=visibility separator=$fv_sep v=$fv_visibility}", NOTHING)
    for fq in [*fqs, params.get("expand.fq", NOTHING)]:
        assert any(t.fullmatch(fq) for t in _TEMPLATES), fq
    for name, value in params.items():
        literal = ("fv_", "sp_", "sg_", "spellcheck.q", "f.suggest.facet.")
        if name in ("q", "hl.q") or name.startswith(literal):
            continue  # q: checked token by token above; the rest are literal values
        text = json.dumps(value) if not isinstance(value, str) else value
        for user in user_texts:
            if len(user) > 3 and user not in ("*:*",):
                assert user not in text, (name, user)
