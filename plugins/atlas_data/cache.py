"""Bytes kept between builds by key: the places' calendars, one per place and language, whose key (what
decides their bytes, AtlasSite.file_key) changes only with the place and its events. A build from an empty
folder then writes them without making them again, like the share cards."""

from __future__ import annotations

import os
import pickle
from pathlib import Path


class KeptBytes:
    """key -> bytes, read from path; save() keeps the entries this build used, and only those."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.used: dict[str, bytes] = {}
        try:
            with self.path.open("rb") as stream:
                self.stored: dict[str, bytes] = pickle.load(stream)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            self.stored = {}

    def get(self, key: str) -> bytes | None:
        data = self.stored.get(key)
        if data is not None:
            self.used[key] = data
        return data

    def put(self, key: str, data: bytes) -> bytes:
        self.used[key] = data
        return data

    def save(self) -> None:
        if self.used == self.stored:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            with temporary.open("wb") as stream:
                pickle.dump(self.used, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower
