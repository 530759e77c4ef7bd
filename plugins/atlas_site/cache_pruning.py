"""Files made once and kept by key (share cards, photo sizes), deleted when no build has used them for a while.

Such a cache only grows: every edited name draws four new cards, a new card design draws them all again, and CI
keeps the whole cache from one run to the next. An entry's modification time says when a build last used it:
`mark_used` sets it when it is over a day old (so a build marks each entry once a day at most, not on every
use), and `prune_unused`, at most once a day, deletes the entries no build used for KEPT_DAYS. Several sites
may share a cache (the shipped content and the tests' sample site): an entry is kept while any of them uses it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

KEPT_DAYS = 14
DAY = 86400
PRUNED = ".pruned"  # its modification time: when the folder was last pruned


def mark_used(path: Path, modified: float) -> None:
    """Note that this build uses the entry at path (modified: its modification time, from a stat already made)."""
    if modified < time.time() - DAY:
        with contextlib.suppress(OSError):  # a cache that cannot be written is only slower
            os.utime(path)


def prune_unused(folder: Path, days: int = KEPT_DAYS) -> list[Path]:
    """Delete the entries of folder (<folder>/<two characters>/<entry>, files or folders) that no build used for
    days, unless the folder was pruned less than a day ago; return what was deleted."""
    folder = Path(folder)
    now = time.time()
    marker = folder / PRUNED
    try:
        if marker.stat().st_mtime > now - DAY:
            return []
    except FileNotFoundError:
        pass
    except OSError:
        return []
    limit = now - days * DAY
    deleted = []
    for group in _entries(folder):
        if not group.is_dir(follow_symlinks=False) or len(group.name) != 2:
            continue
        for entry in _entries(Path(group.path)):
            try:
                if entry.stat(follow_symlinks=False).st_mtime >= limit:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
            except OSError:
                continue
            deleted.append(Path(entry.path))
    with contextlib.suppress(OSError):
        marker.touch()
    return deleted


def _entries(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError:
        return []
