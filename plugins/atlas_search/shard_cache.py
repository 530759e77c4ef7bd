"""Pagefind bundles of earlier builds, kept in the build cache by the digest of the pages they index.

A shard's bundle depends only on its pages' index documents (documents.py), their order and Pagefind's
version: the digest LanguageRuns makes of them (the same one that lets a rebuild keep the previous output's
bundle). A build whose shard has a bundle here links its files into the site instead of running Pagefind, like
the photos and share cards made by earlier builds. Pagefind is 40 % of the CPU time of a full build of 8,000
places, and a build after a few records changed (CI, with its caches kept between runs) indexes only the shards
those records are in.

Entries live in <cache>/atlas-search/<lang>/<shard>/<digest>/, complete or absent: a bundle is linked into a
hidden folder that is then renamed. A shard keeps its KEPT most recently used bundles (several sites, such as the
shipped content and the tests' sample site, may share one cache), and the others are deleted, with the hidden
folders of builds stopped while they stored a bundle (older than STALE).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

from atlas_site.overlay import files_under
from atlas_site.render_cache import link_or_copy

KEPT = 3
STALE = 3600  # seconds: a hidden folder this old is no build's bundle being stored (that takes a second or two)


class ShardCache:
    """The cache's folder of Pagefind bundles; one per build."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _slot(self, bundle: str) -> Path:
        return self.folder.joinpath(*bundle.split("/")[1:])  # pagefind/<lang>/<shard>

    def find(self, bundle: str, digest: str) -> Path | None:
        """The kept bundle of these pages, marked as just used; None when there is none."""
        entry = self._slot(bundle) / digest
        try:
            os.utime(entry)
        except OSError:
            return None
        return entry

    def link_into(self, entry: Path, target: Path, make_folder) -> None:
        """Link every file of a kept bundle into target (a folder of this build's site)."""
        for relative in files_under(entry):
            into = target / relative
            make_folder(into.parent)
            link_or_copy(entry / relative, into)

    def store(self, bundle: str, digest: str, built: Path) -> None:
        """Keep a bundle Pagefind just made (finished: nothing writes its files afterwards), and forget the shard's
        least recently used ones beyond KEPT."""
        slot = self._slot(bundle)
        entry = slot / digest
        if entry.is_dir():
            return
        hidden = slot / f".{digest}.{os.getpid()}.{threading.get_ident()}"
        try:
            self.link_into(built, hidden, lambda folder: folder.mkdir(parents=True, exist_ok=True))
            os.rename(hidden, entry)
        except OSError:  # another build stored it meanwhile, or the cache cannot be written: nothing is lost
            shutil.rmtree(hidden, ignore_errors=True)
            return
        self._forget_old(slot)

    def _forget_old(self, slot: Path) -> None:
        entries, left = [], []
        for path in slot.iterdir():
            try:
                used = path.stat().st_mtime_ns
            except OSError:
                continue
            if not path.name.startswith("."):
                entries.append((used, path))
            elif used < time.time_ns() - STALE * 10**9:
                left.append(path)
        for _, path in sorted(entries, reverse=True)[KEPT:]:
            shutil.rmtree(path, ignore_errors=True)
        for path in left:
            shutil.rmtree(path, ignore_errors=True)
