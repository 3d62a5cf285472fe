"""Ready-made licence rules, kept as data in config/rights/presets.toml.

Presets are not in force until installed: `install_presets(store)` appends the ones
not installed yet (each rule remembers its preset key) at the end of the rule list, in
the file's order — restrictive rules first. A librarian then edits, reorders or
disables them like any other rule.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path

from catalogue.rights.model import LicenceRule, RuleError
from catalogue.rights.rules import load_rules, replace_rules, save_rule
from catalogue.store import Store

PRESETS_FILE = Path(__file__).resolve().parents[2] / "config" / "rights" / "presets.toml"


def preset_rules(
    keys: Iterable[str] | None = None, *, path: str | Path = PRESETS_FILE
) -> list[LicenceRule]:
    """The preset rules (all, or those with these keys), in the file's order."""
    rules = _read(Path(path))
    if keys is None:
        return rules
    wanted = list(dict.fromkeys(keys))
    known = {r.preset for r in rules}
    unknown = [k for k in wanted if k not in known]
    if unknown:
        raise KeyError(f"unknown preset {unknown[0]!r} (known: {', '.join(sorted(known))})")
    return [r for r in rules if r.preset in wanted]


def preset_keys(*, path: str | Path = PRESETS_FILE) -> list[str]:
    return [r.preset for r in _read(Path(path))]


def install_presets(
    store: Store,
    keys: Iterable[str] | None = None,
    *,
    replace: bool = False,
    updated_by: str = "",
    path: str | Path = PRESETS_FILE,
) -> list[LicenceRule]:
    """Install presets and return the rules added.

    Without `replace`, presets already installed (a rule with that preset key exists)
    are skipped and the rest are appended after the existing rules. With `replace`,
    the whole rule list becomes the presets.
    """
    rules = preset_rules(keys, path=path)
    if replace:
        return replace_rules(store, rules, updated_by=updated_by)
    installed = {r.preset for r in load_rules(store) if r.preset}
    return [
        save_rule(store, rule, updated_by=updated_by)
        for rule in rules
        if rule.preset not in installed
    ]


def _read(path: Path) -> list[LicenceRule]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise RuleError("", f"presets file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RuleError("", f"presets file {path} is not valid TOML: {exc}") from exc
    rules, seen = [], set()
    for number, entry in enumerate(data.get("rule", []), start=1):
        key = entry.get("preset", "")
        where = f"{path.name}, rule {number} ({key or 'no key'})"
        if not key:
            raise RuleError("preset", f"{where}: every preset needs a key")
        if key in seen:
            raise RuleError("preset", f"{where}: the key is used twice")
        seen.add(key)
        try:
            rules.append(LicenceRule.from_dict(entry))
        except RuleError as exc:
            raise RuleError(exc.field, f"{where}: {exc.message}") from exc
    return rules
