"""Digests of what pages show, so a page's key is known before anything of it is built.

A page names what it shows with tokens (PageSpec.depends):
    ("record", type, slug)   every file of that record's bundle: facts, texts in every language, photos;
    ("summaries", type)      every record of that type as lists show it: facts and front matter, not the bodies,
                             plus which records exist (adding or removing one changes it);
    ("file", path)           the bytes of a file outside the records (an npm package's data...).
A page that names nothing depends on every record. Digests are of bytes and parsed values, never file times.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from atlas_records.records import bundle_files, summary_digest

EVERYTHING = ("everything",)


class Dependencies:
    """Per-build digests of the atlas's records, computed once each."""

    def __init__(self, atlas):
        self.atlas = atlas
        self._cache: dict[tuple, bytes] = {}

    def digests(self, tokens: Iterable[tuple] | None) -> list[bytes]:
        tokens = [EVERYTHING] if tokens is None else tokens
        return [self.digest(tuple(token)) for token in tokens]

    def digest(self, token: tuple) -> bytes:
        found = self._cache.get(token)
        if found is None:
            found = self._cache[token] = self._compute(token)
        return found

    def _compute(self, token: tuple) -> bytes:
        kind = token[0]
        if kind == "record":
            _, record_type, slug = token
            record = self.atlas.records.get(record_type, {}).get(slug)
            return b"missing:" + f"{record_type}/{slug}".encode() if record is None else self._bundle(record)
        if kind == "summaries":
            digest = hashlib.sha256(f"summaries\0{token[1]}\0".encode())
            for record in sorted(self.atlas.of_type(token[1]), key=lambda r: r.slug):
                digest.update(record.summary or summary_digest(record))
            return digest.digest()
        if kind == "file":
            path = Path(token[1])
            return hashlib.sha256(path.read_bytes() if path.is_file() else b"missing").digest()
        if kind == "everything":
            digest = hashlib.sha256(b"everything\0")
            for record_type in sorted(self.atlas.records):
                digest.update(self.digest(("summaries", record_type)))
                for slug in sorted(self.atlas.records[record_type]):
                    digest.update(self.digest(("record", record_type, slug)))
            return digest.digest()
        raise ValueError(f"unknown dependency {token!r}")

    @staticmethod
    def _bundle(record) -> bytes:
        # record.digest covers the facts, the texts and the names of the other files (record.other_files, the
        # same names, since the digest is the bundle cache's key); their bytes are added.
        digest = hashlib.sha256(f"{record.type}\0{record.slug}\0{record.digest}\0".encode())
        if record.digest:
            files = [(name, record.folder / name) for name in record.other_files]
        else:
            files = bundle_files(record.folder)
        for name, path in files:
            digest.update(name.encode() + b"\0" + path.read_bytes())
        return digest.digest()
