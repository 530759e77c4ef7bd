"""What a plugin makes, kept between builds by key (what decides it), in one file: the data plugin's open-data
downloads and place calendars, the print plugin's QR codes. A build from an empty folder then writes them
without making them again, and reads one file for thousands of them."""

from __future__ import annotations

import os
import pickle
from pathlib import Path


def write_cache_file(path: Path, data: bytes) -> None:
    """Write a file of the build cache whole or not at all (a temporary file renamed over it), quietly: a cache
    that cannot be written only makes the next build slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        pass


class KeptByKey:
    """key -> value (picklable), read from path; save() keeps the entries this build used (and, if asked, the
    others)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.used: dict[str, object] = {}
        try:
            with self.path.open("rb") as stream:
                self.stored: dict[str, object] = pickle.load(stream)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            self.stored = {}

    def get(self, key: str):
        data = self.stored.get(key)
        if data is not None:
            self.used[key] = data
        return data

    def put(self, key: str, data):
        self.used[key] = data
        return data

    def save(self, keep_unused: bool = False) -> None:
        """Keep the entries this build used; keep_unused: the others too (a rebuild that used only a few)."""
        kept = {**self.stored, **self.used} if keep_unused else self.used
        if kept != self.stored:
            write_cache_file(self.path, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
