"""The persistent SQLite cache shared by every network rule."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from listlint.config import Settings
from listlint.net.cache import CACHE_FILE, WRITE_BATCH, Cache, cache_for
from listlint.services import Services


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_put_then_get_round_trips_a_dict(tmp_path: Path) -> None:
    cache = Cache.open(tmp_path)
    try:
        cache.put("link", "https://example.org/", {"status": 200, "final": None}, ttl_seconds=60)
        assert cache.get("link", "https://example.org/") == {"status": 200, "final": None}
        assert cache.get("link", "https://example.org/other") is None
        assert cache.get("arxiv", "https://example.org/") is None  # namespaces are separate
    finally:
        cache.close()


def test_values_persist_across_opens(tmp_path: Path) -> None:
    first = Cache.open(tmp_path)
    first.put("ns", "k", {"v": [1, 2]}, ttl_seconds=3600)
    first.close()
    second = Cache.open(tmp_path)
    try:
        assert second.get("ns", "k") == {"v": [1, 2]}
        assert (tmp_path / CACHE_FILE).is_file()
    finally:
        second.close()


def test_entries_expire(tmp_path: Path) -> None:
    clock = Clock()
    cache = Cache.open(tmp_path, clock=clock)
    try:
        cache.put("ns", "k", {"v": 1}, ttl_seconds=10)
        clock.now += 9
        assert cache.get("ns", "k") == {"v": 1}
        clock.now += 2
        assert cache.get("ns", "k") is None
    finally:
        cache.close()


def test_zero_ttl_stores_nothing_and_put_overwrites(tmp_path: Path) -> None:
    cache = Cache.open(tmp_path)
    try:
        cache.put("ns", "k", {"v": 1}, ttl_seconds=0)
        assert cache.get("ns", "k") is None
        cache.put("ns", "k", {"v": 1}, ttl_seconds=60)
        cache.put("ns", "k", {"v": 2}, ttl_seconds=60)
        assert cache.get("ns", "k") == {"v": 2}
    finally:
        cache.close()


def test_uses_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    cache = Cache.open(tmp_path)
    try:
        assert cache.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cache.connection.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    finally:
        cache.close()


@pytest.mark.parametrize(
    "garbage",
    [b"this is not a database at all" * 100, b"\x00" * 4096, b"SQLite format 3\x00" + b"\xff" * 5000],
)
def test_a_corrupt_file_is_rebuilt_with_a_warning(tmp_path: Path, garbage: bytes) -> None:
    (tmp_path / CACHE_FILE).write_bytes(garbage)
    notes: list[str] = []
    cache = Cache.open(tmp_path, notes=notes)
    try:
        cache.put("ns", "k", {"v": 1}, ttl_seconds=60)
        assert cache.get("ns", "k") == {"v": 1}
    finally:
        cache.close()
    assert len(notes) == 1 and "corrupt" in notes[0] and "rebuilt" in notes[0]
    with sqlite3.connect(tmp_path / CACHE_FILE) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()


def test_an_unusable_directory_degrades_to_memory_with_a_note(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    notes: list[str] = []
    cache = Cache.open(blocker / "sub", notes=notes)
    try:
        cache.put("ns", "k", {"v": 1}, ttl_seconds=60)
        assert cache.get("ns", "k") == {"v": 1}
    finally:
        cache.close()
    assert notes and "cache" in notes[0]


def test_a_value_that_is_not_json_is_ignored_not_fatal(tmp_path: Path) -> None:
    cache = Cache.open(tmp_path)
    try:
        cache.connection.execute("INSERT INTO entries VALUES ('ns', 'k', 'not json{', 9e18)")
        assert cache.get("ns", "k") is None
    finally:
        cache.close()


def test_close_is_idempotent_and_use_after_close_is_harmless(tmp_path: Path) -> None:
    cache = Cache.open(tmp_path)
    cache.close()
    cache.close()
    assert cache.get("ns", "k") is None
    cache.put("ns", "k", {"v": 1}, ttl_seconds=60)  # silently ignored


def write_many(directory: str, worker: int, count: int) -> None:
    cache = Cache.open(Path(directory))
    try:
        for index in range(count):
            cache.put("ns", f"{worker}-{index}", {"worker": worker, "index": index}, ttl_seconds=600)
    finally:
        cache.close()


def test_two_processes_write_at_once_without_corruption(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=write_many, args=(str(tmp_path), n, 150)) for n in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    cache = Cache.open(tmp_path)
    try:
        for worker_id in range(2):
            for index in range(150):
                assert cache.get("ns", f"{worker_id}-{index}") == {"worker": worker_id, "index": index}
        assert cache.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        cache.close()


def test_cache_for_shares_one_cache_and_honours_settings(tmp_path: Path) -> None:
    services = Services(Settings().with_values(cache_dir=str(tmp_path)))
    first = cache_for(services)
    assert first is not None and first is cache_for(services)
    assert first.path == tmp_path / CACHE_FILE
    first.close()

    off = Services(Settings().with_values(cache=False, cache_dir=str(tmp_path)))
    assert cache_for(off) is None


def test_cache_for_closes_the_cache_with_the_services(tmp_path: Path) -> None:
    import asyncio

    services = Services(Settings().with_values(cache_dir=str(tmp_path)))
    cache = cache_for(services)
    assert cache is not None
    asyncio.run(services.aclose())
    assert cache.closed


def test_writes_are_batched_readable_at_once_and_committed_on_close(tmp_path: Path) -> None:
    cache = Cache.open(tmp_path)
    try:
        cache.put("link", "https://example.org/a", {"kind": "ok"}, ttl_seconds=60)
        assert cache.get("link", "https://example.org/a") == {"kind": "ok"}  # before any commit
        other = Cache.open(tmp_path)
        assert other.get("link", "https://example.org/a") is None  # not committed yet
        for n in range(WRITE_BATCH):
            cache.put("link", f"https://example.org/{n}", {"kind": "ok"}, ttl_seconds=60)
        assert other.get("link", "https://example.org/0") == {"kind": "ok"}  # a full batch is committed
        other.close()
        cache.put("link", "https://example.org/last", {"kind": "dead"}, ttl_seconds=60)
    finally:
        cache.close()
    again = Cache.open(tmp_path)
    try:
        assert again.get("link", "https://example.org/last") == {"kind": "dead"}
    finally:
        again.close()
