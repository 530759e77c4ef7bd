"""Reuse the pages of the previous build whose inputs did not change (an incremental rebuild).

Every page gets a key before anything of it is built: a hash of its path and template, of the digests of the
records it shows (its PageSpec's `depends`, see dependencies.py), and of everything else that decides its bytes:
every template, the gettext catalogues, the plugins' code, the Pelican and atlas settings and the build's date.
Never file times. When the previous build wrote the same path with the same key, its file, and the files it
brought with it (share card, photos: see AtlasSite.attach), stay in the new build instead of being rendered again.

tasks.build_site builds into a new, empty staging folder. When the output holds an earlier build whose keys are
known, it names that output (ATLAS_PREVIOUS_OUTPUT) and where to write this build's keys (ATLAS_RENDER_MANIFEST):
a page whose key did not change is then not written at all, only listed as kept. The staging folder holds what
changed, and tasks.build_site lays it over the output (overlay.py), so a rebuild costs what it changed, not the
tens of thousands of files of a large atlas. Without those variables every page is rendered and the staging
folder replaces the output whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import marshal
import os
import re
import shutil
import time
from pathlib import Path

PLUGINS_DIR = Path(__file__).resolve().parent.parent
PREVIOUS_ENV = "ATLAS_PREVIOUS_OUTPUT"
MANIFEST_ENV = "ATLAS_RENDER_MANIFEST"
# The pipe through which tasks.build_site sends the records' keys it made ahead (atlas_records/read_ahead.py).
BUNDLE_KEYS_ENV = "ATLAS_BUNDLE_KEYS_FD"
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
KEYS_KEPT_DAYS = 14


def manifest_path(output: Path) -> Path:
    """Where the keys of the build in output are kept: in the build cache ($ATLAS_CACHE, else .cache/ in the
    project), named after the output folder; never in or beside the site."""
    cache = Path(os.environ.get("ATLAS_CACHE") or PLUGINS_DIR.parent / ".cache")
    name = hashlib.sha256(str(Path(output).resolve()).encode()).hexdigest()[:32]
    return cache / "atlas-render" / f"{name}.keys"


def forget_stale_keys(folder: Path, days: int = KEYS_KEPT_DAYS) -> None:
    """Delete the keys of outputs that no build wrote for days (each test run leaves those of its temporary
    outputs): the next build of such an output builds every page, as for a new one."""
    limit = time.time() - days * 86400
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_file() and entry.stat().st_mtime < limit:
                os.unlink(entry.path)
        except OSError:
            continue


def _tree_digest(digest, folder: Path, patterns: tuple[str, ...]) -> None:
    if not folder.is_dir():
        digest.update(b"-")
        return
    for pattern in patterns:
        for path in sorted(folder.rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")


def _settings_text(settings: dict) -> str:
    def default(value):
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, (set, frozenset)):
            return sorted(value, key=repr)
        return _ADDRESS.sub("", repr(value))

    # ATLAS is digested as the site's config, checked and with its defaults (RenderCache).
    kept = {k: v for k, v in settings.items() if k not in ("OUTPUT_PATH", "DELETE_OUTPUT_DIRECTORY", "ATLAS")}
    return json.dumps(kept, sort_keys=True, default=default, ensure_ascii=False)


class RenderCache:
    """Keys of this build's pages, and which of the previous build's files it keeps."""

    def __init__(self, site):
        previous = os.environ.get(PREVIOUS_ENV)
        self.manifest_out = os.environ.get(MANIFEST_ENV)
        self.previous = Path(previous) if previous else None
        self.pages: dict[str, list] = {}
        self.old: dict[str, list] = {}
        self.kept: set[str] = set()  # files of the previous output that belong to this build unchanged
        self.folders: set[str] = set()  # folders this build writes whole, to replace the previous output's
        self.extra: dict[str, object] = {}  # other keys of this build (the search's), kept with the pages'
        self.old_extra: dict[str, object] = {}  # those of the previous build
        self.made_dirs: set[Path] = set()
        digest = hashlib.sha256(b"atlas-render-5\0")
        _tree_digest(digest, Path(site.theme) / "templates", ("*",))
        _tree_digest(digest, Path(site.theme) / "translations", ("*.po",))
        _tree_digest(digest, PLUGINS_DIR, ("*.py", "*.json"))
        digest.update(_settings_text(site.settings).encode())
        # Not how many processes render: the pages are the same.
        config = {k: v for k, v in site.config.items() if k != "render_processes"}
        digest.update(json.dumps(config, sort_keys=True, default=str).encode())
        digest.update(site.today.isoformat().encode())  # what is past or upcoming changes with the date
        self.salt = digest.digest()
        keys = read_pages_keys(manifest_path(self.previous)) if self.previous is not None else {}
        if keys and self.previous.is_dir():
            self.old = keys["pages"]
            self.old_extra = {k: v for k, v in keys.items() if k != "pages"}
        else:
            self.previous = None

    def key(self, relative: str, template: str, digests: list[bytes]) -> str:
        return self.keys((relative,), template, digests)[0]

    def keys(self, relatives, template: str, digests: list[bytes]) -> list[str]:
        """The keys of files that show the same with the same template: a page in each language."""
        shown = hashlib.sha256(self.salt)
        shown.update(f"{template}\0".encode())
        for part in digests:
            shown.update(part)
        keys = []
        for relative in relatives:
            digest = shown.copy()
            digest.update(relative.encode())
            keys.append(digest.hexdigest())
        return keys

    def can_reuse(self, relative: str, key: str) -> bool:
        """True when the previous build wrote relative with the same key. It and its files are taken to be still
        there: tasks.build_site checks that the previous output holds every file its keys list, while this
        build runs, and builds again from nothing when one is missing."""
        old = self.old.get(relative)
        return old is not None and old[0] == key

    def reuse(self, relative: str, key: str) -> bool:
        """Keep the previous build's file, and the files it brought, when it had the same key."""
        if not self.can_reuse(relative, key):
            return False
        self.pages[relative] = self.old[relative]
        self.keep((relative, *self.old[relative][1]))
        return True

    def keep(self, relatives) -> None:
        """Files (paths in the site) of the previous output that this build has unchanged, without writing them."""
        self.kept.update(relatives)

    def make_folder(self, folder: Path) -> None:
        """mkdir -p once per folder and build: a build puts some 40,000 files into new folders."""
        if folder not in self.made_dirs:
            folder.mkdir(parents=True, exist_ok=True)
            self.made_dirs.add(folder)

    def record(self, relative: str, key: str, attachments: list[str], digest: str = "") -> None:
        """Remember a file written by this build: its key, the files it brought and (for pages) the digest the
        plugins made of it (their page_digest, extensions.py: the search's, of what Pagefind reads of it), which
        tells the search whether a shard's pages changed without reading them again."""
        self.pages[relative] = [key, sorted(set(attachments)), digest]

    def replace_folder(self, relative: str) -> None:
        """A folder (path in the site) that this build writes whole: it replaces the previous output's as one."""
        self.folders.add(relative)

    def worker_state(self) -> dict:
        return {"pages": self.pages, "kept": self.kept, "folders": self.folders}

    def merge_worker_state(self, state: dict) -> None:
        self.pages.update(state["pages"])
        self.kept.update(state["kept"])
        self.folders.update(state["folders"])

    def page_digest(self, relative: str) -> str | None:
        """The digest recorded with a page (see record), when this build wrote or reused it and it has one."""
        entry = self.pages.get(relative)
        return entry[2] if entry and entry[2] else None

    def save(self) -> None:
        if self.manifest_out:
            files = {"kept": sorted(self.kept), "folders": sorted(self.folders)}
            write_keys(Path(self.manifest_out), {**self.extra, "pages": self.pages}, files)


# A keys file holds two marshal values, each after its length: what decides the pages (their keys, the plugins'
# keys), which the next build reads; and the files (kept, folders whole, every file of the output), which
# tasks.build_site reads. Each reader parses its part only: at 2,000 places (31,000 pages, 48,000 files) JSON
# took 0.1 s to read and 0.07 s to write, and a rebuild read and wrote the whole of it twice.
KEYS_HEADER = b"atlas-keys-5\n"
_LENGTH = 8


def write_keys(path: Path, pages: dict | bytes, files: dict) -> None:
    """Write a keys file; pages may be the bytes of another keys file's first part (raw_pages_keys)."""
    first = pages if isinstance(pages, bytes) else marshal.dumps(pages)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as stream:
        stream.write(KEYS_HEADER + len(first).to_bytes(_LENGTH, "big"))
        stream.write(first)
        stream.write(marshal.dumps(files))
    os.replace(temporary, path)


def _parts(path: Path) -> tuple[memoryview, memoryview]:
    """The two parts of a keys file as stored; empty when the file is missing or is not a keys file."""
    try:
        data = memoryview(path.read_bytes())
    except OSError:
        return memoryview(b""), memoryview(b"")
    if data[: len(KEYS_HEADER)] != KEYS_HEADER:
        return memoryview(b""), memoryview(b"")
    start = len(KEYS_HEADER) + _LENGTH
    end = start + int.from_bytes(data[len(KEYS_HEADER) : start], "big")
    return data[start:end], data[end:]


def raw_pages_keys(path: Path) -> bytes:
    """The first part of a keys file as it is stored, or b"" when the file is missing or not a keys file."""
    return bytes(_parts(path)[0])


def read_pages_keys(path: Path) -> dict:
    """What decided the pages of a keys file (its "pages" and the plugins' keys), or {} when nothing usable is."""
    return _loaded(_parts(path)[0], "pages")


def read_file_keys(path: Path) -> dict:
    """The files of a keys file ("files" of an output, "kept" and "folders" of a build), or {}."""
    return _loaded(_parts(path)[1], None)


def _loaded(data: memoryview, required: str | None) -> dict:
    try:
        value = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return {}
    return value if isinstance(value, dict) and (required is None or isinstance(value.get(required), dict)) else {}


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link a finished file into the site (nothing writes through it afterwards), else copy it. A file the
    web server could not read (a cache entry made with a tight umask) is copied, with the default permissions."""
    if os.stat(source).st_mode & 0o044 == 0o044:
        try:
            os.link(source, target)
            return
        except FileExistsError:
            raise
        except OSError:
            pass
    shutil.copyfile(source, target)
