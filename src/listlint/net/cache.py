"""A persistent cache of network results in one SQLite file.

Every network rule shares one :class:`Cache` per run (:func:`cache_for`).
Values are JSON objects under a ``(namespace, key)`` pair with an expiry time,
so the link engine and the arXiv client keep their entries apart.

Safety:

- WAL journal and a busy timeout, so two listlint processes (a pre-commit hook
  and a CI job on one runner) can read and write at once without corrupting it.
- Writes are batched (one transaction per ``WRITE_BATCH`` entries, and at
  :meth:`Cache.close`): a commit per link cost more CPU than parsing the list.
- A file that is not a valid SQLite database is moved aside and rebuilt, with
  a warning in the end-of-run notes; a cache that cannot be opened at all
  degrades to an in-memory one.  The cache never stops a run.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["Cache", "cache_for", "default_cache_dir", "CACHE_FILE"]

CACHE_FILE = "cache.sqlite3"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 10_000
# Entries written per transaction; the rest wait for the next batch or close().
WRITE_BATCH = 128

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    namespace TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    expires REAL NOT NULL,
    PRIMARY KEY (namespace, key)
) WITHOUT ROWID;
"""


def default_cache_dir() -> Path:
    """The user cache directory of listlint (platformdirs)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("listlint", appauthor=False))


class Cache:
    """A key-value store of JSON objects with expiry.  Use :meth:`open`."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path | None,
        *,
        notes: list[str],
        clock: Callable[[], float],
    ) -> None:
        self.connection = connection
        # The database file, or None for an in-memory fallback.
        self.path = path
        self.notes = notes
        self.clock = clock
        self.closed = False
        self._failed = False
        # Written but not yet committed: (namespace, key) -> (JSON text, expiry).
        self._pending: dict[tuple[str, str], tuple[str, float]] = {}

    @classmethod
    def open(
        cls,
        directory: str | Path | None = None,
        *,
        notes: list[str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> Cache:
        """Open (or create) the cache in ``directory`` (default: the user cache dir).

        Warnings (a corrupt file rebuilt, an unusable directory) are appended
        to ``notes``; the cache is still usable afterwards.
        """
        notes = notes if notes is not None else []
        folder = Path(directory) if directory is not None else default_cache_dir()
        path = folder / CACHE_FILE
        try:
            folder.mkdir(parents=True, exist_ok=True)
            refuse_symlinks(path)
            try:
                connection = connect(path)
            except sqlite3.DatabaseError as exc:
                if not is_corrupt(exc):
                    raise
                connection = rebuild(path, exc, notes)
        except (OSError, sqlite3.Error) as exc:
            notes.append(f"cache: cannot use {path} ({exc}); results are kept in memory only")
            return cls(connect(None), None, notes=notes, clock=clock)
        cache = cls(connection, path, notes=notes, clock=clock)
        cache.purge_expired()
        return cache

    def get(self, namespace: str, key: str) -> dict[str, Any] | None:
        """The stored object, or None when absent, expired or unreadable."""
        if self.closed or self._failed:
            return None
        row = self._pending.get((namespace, key))
        if row is None:
            try:
                row = self.connection.execute(
                    "SELECT value, expires FROM entries WHERE namespace = ? AND key = ?",
                    (namespace, key),
                ).fetchone()
            except sqlite3.Error as exc:
                self.fail(exc)
                return None
        if row is None or row[1] <= self.clock():
            return None
        try:
            value = json.loads(row[0])
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def put(self, namespace: str, key: str, value: dict[str, Any], ttl_seconds: float) -> None:
        """Store ``value`` for ``ttl_seconds`` (nothing is stored for ttl <= 0)."""
        if self.closed or self._failed or ttl_seconds <= 0:
            return
        text = json.dumps(value, separators=(",", ":"), sort_keys=True)
        self._pending[(namespace, key)] = (text, self.clock() + ttl_seconds)
        if len(self._pending) >= WRITE_BATCH:
            self.flush()

    def flush(self) -> None:
        """Commit the batched writes."""
        pending, self._pending = self._pending, {}
        if not pending or self.closed or self._failed:
            return
        try:
            with self.connection:
                self.connection.executemany(
                    "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)",
                    [
                        (namespace, key, text, expires)
                        for (namespace, key), (text, expires) in pending.items()
                    ],
                )
        except sqlite3.Error as exc:
            self.fail(exc)

    def purge_expired(self) -> None:
        try:
            with self.connection:
                self.connection.execute("DELETE FROM entries WHERE expires <= ?", (self.clock(),))
        except sqlite3.Error as exc:
            self.fail(exc)

    def close(self) -> None:
        if self.closed:
            return
        self.flush()
        self.closed = True
        with contextlib.suppress(sqlite3.Error):
            self.connection.close()

    def fail(self, exc: sqlite3.Error) -> None:
        """Stop using the cache for this run after an error; say so once."""
        if not self._failed:
            self._failed = True
            self.notes.append(f"cache: disabled for this run after an error in {self.path} ({exc})")


def refuse_symlinks(path: Path) -> None:
    """OSError if the database or its journal files are anything but regular files.

    A symlinked cache could point at another program's SQLite database, and
    our tables would be added to it; such a cache is never followed.
    """
    for candidate in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        try:
            info = candidate.lstat()
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(info.st_mode):
            kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
            raise OSError(f"{candidate.name} is {kind}; not followed")


def connect(path: Path | None) -> sqlite3.Connection:
    """Open ``path`` (None: memory), set WAL and the schema, and verify it."""
    connection = sqlite3.connect(
        str(path) if path is not None else ":memory:",
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None if path is None else "DEFERRED",
        check_same_thread=False,
    )
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if path is not None:
            connection.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL is safe against corruption; only the last
            # commits may be lost on power failure, which a cache tolerates.
            connection.execute("PRAGMA synchronous = NORMAL")
        with connection:
            connection.executescript(SCHEMA)
        row = connection.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
        if row is None:
            with connection:
                connection.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        elif row[0] != str(SCHEMA_VERSION):
            with connection:
                connection.execute("DELETE FROM entries")
                connection.execute("UPDATE meta SET value = ? WHERE name = 'schema'", (str(SCHEMA_VERSION),))
        check = connection.execute("PRAGMA quick_check").fetchone()
        if check is None or check[0] != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {check[0] if check else '?'}")
    except BaseException:
        connection.close()
        raise
    return connection


def is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    """A damaged file, as opposed to a locked or unwritable one."""
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        return "malformed" in text or "not a database" in text or "integrity" in text
    return True


def rebuild(path: Path, exc: sqlite3.DatabaseError, notes: list[str]) -> sqlite3.Connection:
    """Move a corrupt database aside and start a fresh one."""
    notes.append(f"cache: {path} was corrupt ({exc}); it was rebuilt empty")
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return connect(path)


def cache_for(services: Any) -> Cache | None:
    """The run's shared cache (None with ``--no-cache``); closed with the services.

    Settings: ``cache`` (false turns it off) and ``cache-dir``.
    """

    def make() -> Cache | None:
        settings = services.settings
        if settings is not None and not settings.get("cache"):
            return None
        directory = settings.get("cache-dir") if settings is not None else ""
        folder: Path | None = None
        if directory:
            folder = Path(directory).expanduser()
            if not folder.is_absolute() and settings is not None and settings.config_path:
                folder = settings.root / folder
        cache = Cache.open(folder, notes=services.stats.setdefault("notes", []))
        services.on_close(cache.close)
        return cache

    return services.get("net.cache", make)  # type: ignore[no-any-return]
