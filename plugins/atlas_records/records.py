"""The content model: record bundles read from disk.

A record is a folder: language-neutral facts in ``index.yaml`` and one
``index.<lang>.md`` per language (front matter for short translated fields,
Markdown body for the description).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .strict_yaml import Document, Problem, load

TEXT_FILE = re.compile(r"^index\.(?P<lang>[A-Za-z_-]+)\.md$")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)^---[ \t]*\n?", re.S | re.M)


@dataclass
class Text:
    """One language of a record: the front matter fields and the Markdown body."""

    lang: str
    path: Path
    fields: dict
    body: str
    doc: Document
    body_line: int | None = None  # line number of the body's first line in the file

    @property
    def has_body(self) -> bool:
        return bool(self.body.strip())


@dataclass
class Record:
    """One bundle of a given record type (centre, programme, event, page, country)."""

    type: str
    slug: str
    folder: Path
    facts: dict
    doc: Document
    texts: dict[str, Text] = field(default_factory=dict)
    # Digest of the facts' and texts' bytes and of the bundle's file names (set by load_atlas).
    digest: str = ""
    # Set when the bundle is read, and kept with it in the bundle cache (whose key covers what they come from):
    # the digest of what lists show of it (facts and the texts' front matter, not their bodies), and the paths
    # inside the bundle of its files that are not keyed by their bytes (photos), whose bytes pages depend on.
    summary: bytes = b""
    other_files: list[str] = field(default_factory=list)

    @property
    def facts_path(self) -> Path:
        return self.folder / "index.yaml"

    def __getitem__(self, key):
        return self.facts[key]

    def get(self, key, default=None):
        return self.facts.get(key, default)


def read_editor_file(path: Path, source: str) -> tuple[str | None, list[Problem]]:
    """An editor's file as text, or the problem: saved in another encoding than UTF-8 (a Windows editor's
    Latin-1...), at the line of its first byte that is not UTF-8. A leading byte order mark is dropped."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        return None, [Problem(source, None, "", "is a folder: the record's facts and texts are files")]
    except OSError as error:
        return None, [Problem(source, None, "", f"cannot be read ({error.strerror})")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = f"byte 0x{data[error.start]:02x} is not UTF-8: save the file as UTF-8 (Unicode)"
        return None, [Problem(source, line, "", message)]


def read_text_file(path: Path, lang: str, source: str) -> tuple[Text | None, list[Problem]]:
    """Split an index.<lang>.md file into its front matter and body."""
    raw, problems = read_editor_file(path, source)
    if raw is None:
        return None, problems
    match = FRONT_MATTER.match(raw)
    if not match:
        return None, [Problem(source, 1, "", "the file must start with front matter between two '---' lines")]
    doc, problems = load(match.group("yaml"), source, line_offset=1)
    if doc is None:
        return None, problems
    fields = doc.data if isinstance(doc.data, dict) else {}
    if not isinstance(doc.data, dict):
        problems.append(Problem(source, 2, "", "the front matter must be a set of 'field: value' lines"))
    body_line = raw[: match.end()].count("\n") + 1
    return Text(lang, path, fields, raw[match.end() :], doc, body_line), problems


def read_bundle(record_type: str, folder: Path, relative_to: Path) -> tuple[Record | None, list[Problem]]:
    """Read one record folder, reporting every problem instead of stopping at the first: the texts are read
    even when the facts cannot be, so a run reports the problems of both."""
    facts_file = folder / "index.yaml"
    rel = _relative(facts_file, relative_to)
    if not facts_file.is_file():
        return None, [Problem(_relative(folder, relative_to), None, "", "missing index.yaml")]
    facts, problems = read_editor_file(facts_file, rel)
    doc = None
    if facts is not None:
        doc, problems = load(facts, rel)
    if doc is not None and not isinstance(doc.data, dict):
        problems.append(Problem(rel, 1, "", "index.yaml must be a set of 'field: value' lines"))
        doc = None
    texts = {}
    for path in sorted(folder.iterdir()):
        match = TEXT_FILE.match(path.name)
        if not match:
            continue
        text, found = read_text_file(path, match.group("lang"), _relative(path, relative_to))
        problems += found
        if text is not None:
            texts[text.lang] = text
    if doc is None:
        return None, problems
    record = Record(record_type, folder.name, folder, doc.data, doc)
    record.other_files = [name for name, _ in bundle_files(folder) if not keyed_by_bytes(name)]
    record.texts.update(texts)
    return record, problems


def keyed_by_bytes(name: str) -> bool:
    """Whether a bundle's file (its path inside the bundle) keys the bundle by its bytes, not only its name: the
    texts and facts, and the photos, which the checks open (validation.py)."""
    return name.startswith(("index.", "photos/"))


def summary_digest(record: Record) -> bytes:
    """Digest of what lists show of a record: its facts and its texts' front matter, not their bodies."""
    fields = {lang: text.fields for lang, text in sorted(record.texts.items())}
    text = json.dumps([record.slug, record.facts, fields], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def countries_with_a_page(records: dict[str, dict[str, Record]]) -> set[str]:
    """The country codes (upper case) the site gives a page: those of current places and of programmes, and
    those with an introduction."""
    # `invoke check` also reads records in error: a code that is not text (a list, a mapping) is left out.
    codes = [r.get("country") for r in records.get("centre", {}).values() if r.get("kind") != "former-member"]
    for programme in records.get("programme", {}).values():
        listed = programme.get("countries")
        codes += listed if isinstance(listed, list) else []
    codes += [slug.upper() for slug in records.get("country", {})]
    return {code for code in codes if isinstance(code, str)}


def bundle_folders(base: Path) -> list[Path]:
    """The bundles of one record type under base (centres/, ...): its folders, sorted, hidden ones left out."""
    return sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))


def bundle_files(folder: Path, prefix: str = "") -> list[tuple[str, Path]]:
    """Every file of a record's folder, with its path inside it, sorted (os.scandir: a build lists thousands)."""
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            name = f"{prefix}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                found += bundle_files(Path(entry.path), f"{name}/")
            elif entry.is_file():
                found.append((name, Path(entry.path)))
    return sorted(found)


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
