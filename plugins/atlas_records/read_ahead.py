"""Reading a build's inputs ahead, in the process that starts the build, while Pelican's process starts.

From a cold disk, the build's start reads the bundle cache, then the files of every record one after the
other (to key the cache on their bytes) on one core: up to 2 s at N = 2,000 places, 10,000 small files, with
the other core idle. Meanwhile the starting process only waits. It reads them first, in a few threads, so that
the build finds them in the page cache; in a build whose files are already there, this costs a fraction of a
second of the otherwise idle core.
"""

from __future__ import annotations

import threading
from pathlib import Path

from .bundle_cache import CACHE_NAME, keyed_by_bytes
from .records import bundle_files, bundle_folders
from .schemas import RECORD_TYPES

THREADS = 4  # reads in flight at once: a virtual disk answers several sooner than one after another
CHUNK = 1 << 20


def read_ahead(root: Path, cache_dir: Path | None) -> list[threading.Thread]:
    """Start reading the bundle cache and the records under root, in daemon threads; return them. Each thread
    lists its share of the bundles itself: listing them is reading from the disk too."""
    bundles = record_bundles(Path(root))
    jobs = [[bundles[start::THREADS]] for start in range(THREADS)]
    if cache_dir:
        jobs.append([[], Path(cache_dir) / CACHE_NAME])
    threads = [
        threading.Thread(target=_read_all, args=tuple(job), name=f"read-ahead-{number}", daemon=True)
        for number, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    return threads


def record_bundles(root: Path) -> list[Path]:
    """The records' folders, in the order the build reads them (atlas.load_atlas)."""
    found = []
    for folder, _ in RECORD_TYPES.values():
        try:
            found += bundle_folders(root / folder)
        except OSError:
            continue
    return found


def key_files(bundle: Path) -> list[Path]:
    """The files whose bytes key a record in the bundle cache (bundle_cache.BundleCache.key)."""
    return [path for name, path in bundle_files(bundle) if keyed_by_bytes(name)]


def _read_all(bundles: list[Path], *files: Path) -> None:
    buffer = bytearray(CHUNK)
    for path in [*files, *(path for bundle in bundles for path in _listed(bundle))]:
        try:
            with open(path, "rb", buffering=0) as stream:
                while stream.readinto(buffer) == CHUNK:
                    pass
        except OSError:
            continue  # a file that went away or cannot be read: the build itself will say so


def _listed(bundle: Path) -> list[Path]:
    try:
        return key_files(bundle)
    except OSError:
        return []
