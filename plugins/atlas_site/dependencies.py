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
import json
from collections.abc import Iterable
from pathlib import Path

from atlas_records.records import bundle_files

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
                digest.update(_summary(record))
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
        # record.digest covers the facts, the texts and the names of the other files; their bytes are added.
        digest = hashlib.sha256(f"{record.type}\0{record.slug}\0{record.digest}\0".encode())
        for name, path in bundle_files(record.folder):
            if not (record.digest and name.startswith("index.")):
                digest.update(name.encode() + b"\0" + path.read_bytes())
        return digest.digest()


def _summary(record) -> bytes:
    fields = {lang: text.fields for lang, text in sorted(record.texts.items())}
    text = json.dumps([record.slug, record.facts, fields], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
