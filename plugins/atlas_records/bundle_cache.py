"""Bundles read and checked by an earlier build, reused while their files are byte for byte the same.

Reading and checking every bundle (strict YAML with line numbers, JSON Schema) is most of the time of
`invoke check` and of loading the atlas for a build; a rebuild after editing one record should only pay for that
record. Each bundle is keyed on the bytes of its facts and texts, the names of its other files (photos), the
published languages and this package's code and schemas, never on file times. Checks across records
(references) are always run again.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
from pathlib import Path

from .records import bundle_files, keyed_by_bytes

PACKAGE = Path(__file__).resolve().parent
CACHE_NAME = "atlas-bundles.pickle"


def _code_digest() -> bytes:
    digest = hashlib.sha256(b"atlas-bundles-1\0")
    for path in sorted([*PACKAGE.glob("*.py"), *(PACKAGE / "schemas").glob("*.json")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


@contextlib.contextmanager
def _collector_paused():
    """Unpickling thousands of records makes millions of objects: meanwhile the cyclic collector would run
    hundreds of times over everything loaded so far, for no garbage (0.28 s of a 0.10 s load, alone)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def bundle_key(record_type: str, bundle: Path) -> str:
    """A bundle's key: its texts, facts and photos by their bytes (records.keyed_by_bytes), its other files by
    name (the checks only look for them)."""
    digest = hashlib.sha256(f"{record_type}\0{bundle}\0".encode())
    for name, path in bundle_files(bundle):
        digest.update(name.encode() + b"\0")
        if keyed_by_bytes(name):
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


class BundleCache:
    """One load's view of the cache: what the previous load left, and what this load read."""

    def __init__(
        self,
        folder: Path | None,
        languages: list[str],
        default_language: str,
        given: dict | None = None,
        salt: bytes = b"",
    ):
        """given: the keys of the bundles by their path, made by the process that started the build; salt: what
        else the checks depend on (the countries' outlines)."""
        self.path = Path(folder) / CACHE_NAME if folder else None
        self.given = given or {}
        self.salt = _code_digest() + repr((list(languages), default_language)).encode() + salt
        self.old: dict[str, object] = {}
        self.new: dict[str, object] = {}
        self.misses = 0
        if self.path is not None and self.path.is_file():
            try:
                with self.path.open("rb") as stream, _collector_paused():
                    cached = pickle.load(stream)
                if isinstance(cached, dict) and cached.get("salt") == self.salt:
                    self.old = cached["bundles"]
            except Exception:  # noqa: BLE001 -- a damaged or outdated cache is only a slower load
                self.old = {}

    def key(self, record_type: str, bundle: Path) -> str:
        """The bundle's key: the one the process that started the build made (read_ahead.py), else made here."""
        return self.given.get(str(bundle)) or bundle_key(record_type, bundle)

    def get(self, key: str):
        found = self.old.get(key)
        if found is not None:
            self.new[key] = found
        return found

    def put(self, key: str, value) -> None:
        self.misses += 1
        self.new[key] = value

    def save(self) -> None:
        """Keep only this load's bundles; written only when more than one bundle in a hundred (at least one)
        was read afresh or went unused. Rewriting the whole file took 0.2 s of a one-record rebuild at 2,000
        places; those few bundles are read again in milliseconds, until enough of them make it worth it."""
        unused = len(self.old) - (len(self.new) - self.misses)  # an edited bundle's old entry is one of them
        if self.path is None or max(self.misses, unused) <= len(self.new) // 100:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            with temporary.open("wb") as stream:
                pickle.dump({"salt": self.salt, "bundles": self.new}, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)
        except OSError:
            temporary.unlink(missing_ok=True)
