"""The on-disk derivative cache: round trip, size bound, least recently used out first."""

from __future__ import annotations

import os
from pathlib import Path

from iiif.cache import DerivativeCache, cache_key


def _age(cache: DerivativeCache, key: str, seconds_ago: float) -> None:
    path = cache.path(key)
    stamp = path.stat().st_mtime - seconds_ago
    os.utime(path, (stamp, stamp))


def test_round_trip(tmp_path: Path) -> None:
    cache = DerivativeCache(tmp_path, 10_000)
    key = cache_key("a", "b")
    assert cache.get(key) is None
    cache.put(key, b"x" * 100)
    assert cache.get(key) == b"x" * 100
    assert cache.total_bytes() == 100
    cache.put(key, b"y" * 50)  # replacing counts the difference
    assert cache.total_bytes() == 50
    assert not list(tmp_path.rglob("*.tmp"))


def test_keys_differ_by_every_part() -> None:
    assert cache_key("a", "bc") != cache_key("ab", "c")
    assert len(cache_key("x")) == 64


def test_bound_evicts_least_recently_used(tmp_path: Path) -> None:
    cache = DerivativeCache(tmp_path, 1000, low_water=0.5)
    keys = [cache_key(str(i)) for i in range(4)]
    for age, key in zip((400, 300, 200, 100), keys, strict=True):
        cache.put(key, b"x" * 240)
        _age(cache, key, age)
    assert cache.total_bytes() == 960
    cache.get(keys[0])  # the oldest, used again: now the most recent
    cache.put(cache_key("new"), b"x" * 240)  # 1200 > 1000: down to 500
    assert cache.total_bytes() <= 500
    assert cache.get(keys[0]) is not None
    assert cache.get(cache_key("new")) is not None
    assert [cache.get(k) for k in keys[1:]] == [None, None, None]


def test_total_is_counted_from_disk_by_a_new_instance(tmp_path: Path) -> None:
    DerivativeCache(tmp_path, 10_000).put(cache_key("a"), b"x" * 300)
    cache = DerivativeCache(tmp_path, 10_000)
    assert cache.total_bytes() == 300
    cache.clear()
    assert cache.total_bytes() == 0 and cache.get(cache_key("a")) is None


def test_items_too_large_or_caching_off_are_not_kept(tmp_path: Path) -> None:
    cache = DerivativeCache(tmp_path, 1000)
    cache.put(cache_key("big"), b"x" * 300)  # over a quarter of the bound
    assert cache.get(cache_key("big")) is None
    off = DerivativeCache(tmp_path / "off", 0)
    off.put(cache_key("a"), b"x")
    assert off.get(cache_key("a")) is None


def test_files_deleted_behind_its_back(tmp_path: Path) -> None:
    cache = DerivativeCache(tmp_path, 1000)
    key = cache_key("a")
    cache.put(key, b"x" * 100)
    cache.path(key).unlink()
    assert cache.get(key) is None
    cache.evict()
    assert cache.total_bytes() == 0
