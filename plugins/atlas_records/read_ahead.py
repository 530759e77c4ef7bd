"""Keying a build's records ahead, in the process that starts the build, while Pelican's process starts.

The build keys its bundle cache on the bytes of every record (bundle_cache.py): 10,000 small files at N = 2,000
places, read and hashed one after the other on one core. From a cold disk that took up to 2 s, and from the page
cache still 0.15 s of a one-record rebuild, while the starting process only waited with the other core idle.
That process makes the keys instead, in a thread, and hands them to the build through a pipe (tasks.build_site);
the build waits for them when it loads the atlas, and makes any key missing from them itself. It also reads the
bundle cache's file, so that the build finds it in the page cache.

One thread, and more only when the files come from the disk: from the page cache, four threads took twice the
time of one and three times its CPU time, taking turns on the interpreter's lock (some 500,000 futex calls in
a build of 2,000 places, beside Pelican's process starting on the other core); from a cold disk, they took
0.9 s instead of 1.5, several reads being in flight at once.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import threading
import time
from collections import deque
from pathlib import Path

from .bundle_cache import CACHE_NAME, bundle_key
from .records import bundle_folders
from .schemas import RECORD_TYPES

THREADS = 4  # reads in flight at once from the disk: a virtual disk answers several sooner than one after another
BATCH = 64  # records keyed between two looks at the time they took
SLOW = 0.0004  # seconds a record, more than twice what one takes from the page cache: its files came from the disk
CHUNK = 1 << 20


class KeysAhead:
    """The keys of the records under root, made in daemon threads, and the bundle cache's file read."""

    def __init__(self, root: Path, cache_dir: Path | None):
        self.waiting = deque(record_bundles(Path(root).resolve()))
        self.keys: dict[str, str] = {}
        self.threads = [threading.Thread(target=self._key_all, name="keys-ahead", daemon=True)]
        if cache_dir:
            cache = Path(cache_dir) / CACHE_NAME
            self.threads.append(threading.Thread(target=_read, args=(cache,), name="cache-ahead", daemon=True))
        for thread in self.threads:
            thread.start()

    def _key_all(self) -> None:
        """Key the records, with helper threads once a batch of them took long enough to have been read from
        the disk."""
        helpers: list[threading.Thread] = []
        while not helpers:
            started = time.perf_counter()
            keyed = sum(1 for _ in range(BATCH) if self._key_next())
            if keyed < BATCH:
                break
            if time.perf_counter() - started > BATCH * SLOW:
                helpers = [
                    threading.Thread(target=self._key_rest, name=f"keys-ahead-{n}", daemon=True)
                    for n in range(1, THREADS)
                ]
                for helper in helpers:
                    helper.start()
        self._key_rest()
        for helper in helpers:
            helper.join()

    def _key_rest(self) -> None:
        while self._key_next():
            pass

    def _key_next(self) -> bool:
        """Key the next record waiting, if any is left (deque.popleft: each is taken by one thread)."""
        try:
            record_type, bundle = self.waiting.popleft()
        except IndexError:
            return False
        # A file that went away or cannot be read: the build itself will say so.
        with contextlib.suppress(OSError):
            self.keys[str(bundle)] = bundle_key(record_type, bundle)
        return True

    def send(self, fd: int) -> threading.Thread:
        """Write the keys to the pipe fd once they are made, from a daemon thread (the build reads them when it
        gets there; a build that stopped before never does), then close it."""

        def send_when_made() -> None:
            try:
                for thread in self.threads:
                    thread.join()
                with os.fdopen(fd, "wb") as pipe:
                    pipe.write(marshal.dumps(self.keys))
            except OSError:
                pass  # the build ended without reading them

        sender = threading.Thread(target=send_when_made, name="keys-sender", daemon=True)
        sender.start()
        return sender


def record_bundles(root: Path) -> list[tuple[str, Path]]:
    """The records' folders with their type, in the order the build reads them (atlas.load_atlas)."""
    found = []
    for record_type, (folder, _) in RECORD_TYPES.items():
        try:
            found += [(record_type, bundle) for bundle in bundle_folders(root / folder)]
        except OSError:
            continue
    return found


def keys_sent(fd: int) -> dict[str, str]:
    """The keys KeysAhead.send wrote to the pipe fd (waiting for them), or {} when none came."""
    try:
        with os.fdopen(fd, "rb") as pipe:
            keys = marshal.loads(pipe.read())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return keys if isinstance(keys, dict) else {}


def _read(path: Path) -> None:
    buffer = bytearray(CHUNK)
    try:
        with open(path, "rb", buffering=0) as stream:
            while stream.readinto(buffer) == CHUNK:
                pass
    except OSError:
        pass
