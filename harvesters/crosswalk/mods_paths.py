"""Reading a MODS record by path: the small path language `MODS_RULES` is written in.

A path is child element names joined by "/"; a step may test an attribute
(`identifier[@type=isbn]`, `titleInfo[!@type]`: attribute absent); alternatives are
joined by ":". Paths are parsed once and kept, so a typo fails at import, not mid-harvest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from catalogue import normalise_text

MODS_NS = "http://www.loc.gov/mods/v3"


def text(element: etree._Element) -> str:
    """The element's text (descendants included), spaces collapsed, NFC."""
    return normalise_text(" ".join("".join(element.itertext()).split()))


@dataclass(frozen=True)
class _Step:
    name: str
    attr: str = ""
    value: str | None = None  # None: attribute present (any value)
    absent: bool = False

    def accepts(self, element: etree._Element) -> bool:
        if not self.attr:
            return True
        found = element.get(self.attr)
        if self.absent:
            return found is None or not found.strip()
        if found is None:
            return False
        return self.value is None or found.strip().casefold() == self.value


_STEP = re.compile(
    r"^(?P<name>[A-Za-z]+)(?:\[(?P<not>!)?@(?P<attr>[A-Za-z]+)(?:=(?P<v>[^\]]+))?\])?$"
)


def parse_path(path: str) -> tuple[tuple[_Step, ...], ...]:
    """ "identifier[@type=isbn]:relatedItem[@type=series]/titleInfo" → steps, at import."""
    alternatives = []
    for alternative in path.split(":"):
        steps = []
        for part in alternative.split("/"):
            match = _STEP.match(part)
            if not match:
                raise ValueError(f"bad MODS path step {part!r} in {path!r}")
            steps.append(
                _Step(
                    name=match["name"],
                    attr=match["attr"] or "",
                    value=match["v"].casefold() if match["v"] else None,
                    absent=bool(match["not"]),
                )
            )
        alternatives.append(tuple(steps))
    return tuple(alternatives)


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """Child elements called `name` in the MODS namespace (or in none, as some feeds send)."""
    return [
        child
        for child in element
        if isinstance(child.tag, str) and child.tag in (f"{{{MODS_NS}}}{name}", name)
    ]


def find(element: etree._Element, path: str) -> list[etree._Element]:
    """Every element `path` reaches from `element`, alternatives in order, each in record order."""
    found: list[etree._Element] = []
    for steps in _compiled(path):
        current = [element]
        for step in steps:
            current = [c for e in current for c in children(e, step.name) if step.accepts(c)]
        found.extend(current)
    return found


_PATHS: dict[str, tuple[tuple[_Step, ...], ...]] = {}


def _compiled(path: str) -> tuple[tuple[_Step, ...], ...]:
    if path not in _PATHS:
        _PATHS[path] = parse_path(path)
    return _PATHS[path]


def first_text(element: etree._Element, path: str) -> str:
    return next((t for e in find(element, path) if (t := text(e))), "")
