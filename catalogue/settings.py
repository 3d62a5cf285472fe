"""Settings: config/thuvien.toml defaults, then a file, then THUVIEN_* variables.

One frozen dataclass so every part of thuvien reads the same values the same way.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

DEFAULTS_FILE = Path(__file__).resolve().parents[1] / "config" / "thuvien.toml"
ENV_PREFIX = "THUVIEN_"


class SettingsError(ValueError):
    """A settings file or variable that cannot be used."""


@dataclass(frozen=True)
class HarvestSettings:
    timeout: float = 30
    max_retries: int = 4
    backoff: float = 1.0
    max_retry_after: float = 120
    batch_size: int = 500
    # Ingest of digital objects (page scans, audio): the largest file fetched, how long
    # one fetch may take to answer, and how many redirects it may follow.
    object_max_bytes: int = 1_000_000_000
    object_timeout: float = 60
    object_max_redirects: int = 5
    # Where ingest keeps thuvien's copies: always the settings' data_dir (filled in by
    # Settings; not a settings-file key). None, as in a bare HarvestSettings(), means
    # records are harvested without ingesting their files.
    data_dir: Path | None = None
    # Folders a MARC source's local file or folder must lie in (after symlinks and ".."
    # are resolved), besides data_dir (which holds the demo's export). The settings file
    # always sets it (default: none besides data_dir); None, as in a bare
    # HarvestSettings() built by a program for its own files, means no limit.
    marc_paths: tuple[str, ...] | None = None

    def marc_roots(self) -> tuple[Path, ...] | None:
        """The resolved folders MARC sources may read from; None: any (see marc_paths)."""
        if self.marc_paths is None:
            return None
        roots = [Path(p).expanduser() for p in self.marc_paths]
        if self.data_dir is not None:
            roots.append(self.data_dir)
        return tuple(root.resolve() for root in roots)


@dataclass(frozen=True)
class RightsSettings:
    # The library networks (CIDR): clients there count as "on site" (reading rooms).
    onsite_networks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    mode: str = "development"
    data_dir: Path = Path("data")
    database_url: str = ""
    index_backend: str = "tantivy"
    solr_url: str = ""
    secret_key: str = ""
    # Reverse proxies in front of the portal whose X-Forwarded-* headers are trusted.
    proxy_hops: int = 0
    # How the union catalogue introduces itself to harvesters at /oai.
    oai_repository_name: str = "thuvien"
    oai_admin_email: str = "admin@example.org"
    oai_namespace: str = "thuvien"
    harvest: HarvestSettings = field(default_factory=HarvestSettings)
    rights: RightsSettings = field(default_factory=RightsSettings)

    def __post_init__(self) -> None:
        # Ingest stores under the data directory: keep the harvest section's copy in step
        # (also after dataclasses.replace(settings, data_dir=…)).
        data_dir = Path(self.data_dir)
        object.__setattr__(self, "data_dir", data_dir)
        if self.harvest.data_dir != data_dir:
            object.__setattr__(self, "harvest", replace(self.harvest, data_dir=data_dir))

    @property
    def db_url(self) -> str:
        """The database URL in force: the configured one or a SQLite file in data_dir."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'thuvien.sqlite').resolve()}"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


def load_settings(
    config_file: str | os.PathLike[str] | None = None,
    *,
    environ: dict[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Read the defaults, the given (or THUVIEN_CONFIG) file, the environment, then overrides."""
    env = os.environ if environ is None else environ
    data = _read_toml(DEFAULTS_FILE)
    config_file = config_file or env.get(ENV_PREFIX + "CONFIG")
    if config_file:
        _merge(data, _read_toml(Path(config_file)))
    for f in fields(Settings):
        value = env.get(ENV_PREFIX + f.name.upper())
        if value is not None and f.name not in SECTIONS:
            data[f.name] = value
    data.update({k: v for k, v in overrides.items() if v is not None})
    return _build(data)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise SettingsError(f"settings file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"settings file {path} is not valid TOML: {exc}") from exc


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value


SECTIONS: dict[str, type] = {"harvest": HarvestSettings, "rights": RightsSettings}
# Section fields that are not settings-file keys (derived from other settings).
INTERNAL: dict[str, set[str]] = {"harvest": {"data_dir"}}


def _section(name: str, kind: type, values: dict[str, Any]) -> Any:
    """One [table] of the settings file as its dataclass; lists become tuples (frozen)."""
    allowed = {f.name for f in fields(kind)} - INTERNAL.get(name, set())
    unknown = set(values) - allowed
    if unknown:
        raise SettingsError(f"unknown [{name}] settings: {', '.join(sorted(unknown))}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    if name == "harvest":
        paths = values.setdefault("marc_paths", ())  # from a settings file: always a limit
        if not isinstance(paths, tuple) or not all(isinstance(p, str) and p for p in paths):
            raise SettingsError(f"[harvest] marc_paths must be a list of folders: {paths!r}")
    return kind(**values)


def _build(data: dict[str, Any]) -> Settings:
    known = {f.name for f in fields(Settings)}
    unknown = set(data) - known
    if unknown:
        raise SettingsError(f"unknown settings: {', '.join(sorted(unknown))}")
    sections = {name: _section(name, kind, data.pop(name, {})) for name, kind in SECTIONS.items()}
    settings = replace(Settings(), **data, **sections)
    settings = replace(settings, data_dir=Path(settings.data_dir))
    try:
        settings = replace(settings, proxy_hops=int(settings.proxy_hops))
    except ValueError:
        raise SettingsError(f"proxy_hops must be a whole number: {settings.proxy_hops!r}") from None
    if settings.mode not in ("development", "production"):
        raise SettingsError(f"mode must be 'development' or 'production', not {settings.mode!r}")
    if settings.index_backend not in ("tantivy", "solr"):
        raise SettingsError(
            f"index_backend must be 'tantivy' or 'solr': {settings.index_backend!r}"
        )
    return settings
