"""One work as a `Hit`, made the same way by every backend from the stored payloads of
its visible records: the representative record first and then the others by id, every
copy's holdings, the libraries that hold it, and its title's marked matches."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from indexer.protocol import Hit
from indexer.text import mark_words


def work_hit(
    best: dict[str, Any],
    members: Iterable[dict[str, Any]],
    *,
    terms: set[str],
    prefixes: list[str],
    body: str = "",
    score: float | None = None,
) -> Hit:
    """The hit for `best` (the record ranked first) and the work's other visible records
    `members` (which may include `best` again); `body` is the description's marked
    snippet as safe HTML, if the backend made one."""
    best_id = best["fields"]["id"]
    group = {best_id: best}
    for member in members:
        group.setdefault(member["fields"]["id"], member)
    ordered = sorted(
        group.values(), key=lambda s: (s["fields"]["id"] != best_id, s["fields"]["id"])
    )
    holdings = [h for s in ordered for h in s.get("holdings") or []]
    libraries = list(dict.fromkeys(h["library"] for h in holdings if h.get("library")))
    if not libraries:
        libraries = list(
            dict.fromkeys(v for s in ordered for v in s["fields"].get("library") or [])
        )
    highlights = {}
    if terms or prefixes:
        marked = mark_words(best["fields"].get("title") or "", terms, prefixes)
        if "<mark>" in marked:
            highlights["title"] = marked
    if body:
        highlights["body"] = body
    return Hit(
        work_key=best["fields"]["work_key"],
        id=best_id,
        record_ids=[s["fields"]["id"] for s in ordered],
        fields=best["fields"],
        holdings=holdings,
        libraries=libraries,
        snippet=body,
        highlights=highlights,
        score=score,
    )
