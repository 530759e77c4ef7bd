"""Reuse the pages of the previous build whose inputs did not change (an incremental rebuild).

Every page gets a key before anything of it is built: a hash of its path and template, of the digests of the
records it shows (its PageSpec's `depends`, see dependencies.py), and of everything else that decides its bytes:
every template, the gettext catalogues, the plugins' code, the Pelican and atlas settings and the build's date.
Never file times. When the previous build wrote the same path with the same key, its file, and the files it
brought with it (share card, photos: see AtlasSite.attach), stay in the new build instead of being rendered again.

tasks.build_site names the previous output (ATLAS_PREVIOUS_OUTPUT) and where to write this build's keys
(ATLAS_RENDER_MANIFEST); while Pelican starts, it hard-links every file the previous build recorded into the new
folder (prelink) and lists them in ATLAS_PRELINKED. The build renders over the files whose key changed (unlinking
first: never writing through a link into the previous output) and removes those of pages that are gone. The keys
take the output's name only once the new output is in place, so keys and files always belong to the same build.
Without these variables every page is rendered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import time
from pathlib import Path

PLUGINS_DIR = Path(__file__).resolve().parent.parent
PREVIOUS_ENV = "ATLAS_PREVIOUS_OUTPUT"
MANIFEST_ENV = "ATLAS_RENDER_MANIFEST"
PRELINKED_ENV = "ATLAS_PRELINKED"
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def manifest_path(output: Path) -> Path:
    """Where the keys of the build in output are kept: in the build cache ($ATLAS_CACHE, else .cache/ in the
    project), named after the output folder; never in or beside the site."""
    cache = Path(os.environ.get("ATLAS_CACHE") or PLUGINS_DIR.parent / ".cache")
    name = hashlib.sha256(str(Path(output).resolve()).encode()).hexdigest()[:32]
    return cache / "atlas-render" / f"{name}.json"


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

    kept = {k: v for k, v in settings.items() if k not in ("OUTPUT_PATH", "DELETE_OUTPUT_DIRECTORY")}
    return json.dumps(kept, sort_keys=True, default=default, ensure_ascii=False)


class RenderCache:
    """Keys of this build's pages, and which of the previous build's files are already in place."""

    def __init__(self, site):
        previous = os.environ.get(PREVIOUS_ENV)
        self.manifest_out = os.environ.get(MANIFEST_ENV)
        self.prelinked_marker = os.environ.get(PRELINKED_ENV)
        self.previous = Path(previous) if previous else None
        self.pages: dict[str, list] = {}
        self.old: dict[str, list] = {}
        self.prelinked: set[str] = set()
        self.extra: dict[str, object] = {}  # other keys of this build (the search's), kept with the pages'
        self.made_dirs: set[Path] = set()
        digest = hashlib.sha256(b"atlas-render-3\0")
        _tree_digest(digest, Path(site.theme) / "templates", ("*",))
        _tree_digest(digest, Path(site.theme) / "translations", ("*.po",))
        _tree_digest(digest, PLUGINS_DIR, ("*.py", "*.json"))
        digest.update(_settings_text(site.settings).encode())
        digest.update(json.dumps(site.config, sort_keys=True, default=str).encode())
        digest.update(site.today.isoformat().encode())  # what is past or upcoming changes with the date
        self.salt = digest.digest()
        if self.previous is not None and self.previous.is_dir():
            self.old = read_manifest(self.previous)

    def key(self, relative: str, template: str, digests: list[bytes]) -> str:
        digest = hashlib.sha256(self.salt)
        digest.update(f"{relative}\0{template}\0".encode())
        for part in digests:
            digest.update(part)
        return digest.hexdigest()

    def wait_prelinked(self, timeout: float = 600) -> None:
        """Wait for prelink (run beside the build by tasks.build_site) to list what it put in place."""
        if not self.prelinked_marker or not self.old:
            return
        marker, deadline = Path(self.prelinked_marker), time.monotonic() + timeout
        while not marker.is_file() and time.monotonic() < deadline:
            time.sleep(0.005)
        try:
            self.prelinked = set(json.loads(marker.read_text(encoding="utf-8"))["linked"])
        except (OSError, ValueError, KeyError):
            self.prelinked = set()  # nothing is taken as reused: every page is rendered

    def can_reuse(self, relative: str, key: str) -> bool:
        """True when the previous build wrote relative with the same key and it is in place, with its files."""
        old = self.old.get(relative)
        return bool(old) and old[0] == key and relative in self.prelinked and self.prelinked.issuperset(old[1])

    def reuse(self, relative: str, key: str) -> bool:
        """Keep the previous build's file (already in place) when it had the same key."""
        if not self.can_reuse(relative, key):
            return False
        self.pages[relative] = self.old[relative]
        return True

    def make_folder(self, folder: Path) -> None:
        """mkdir -p once per folder and build: a build puts some 40,000 files into new folders."""
        if folder not in self.made_dirs:
            folder.mkdir(parents=True, exist_ok=True)
            self.made_dirs.add(folder)

    def record(self, relative: str, key: str, attachments: list[str], content: bytes | None = None) -> None:
        """Remember a file written by this build: its key, the files it brought and (for pages) a digest of
        its bytes, which tells the search whether a language's pages changed without reading them again."""
        written = hashlib.sha256(content).hexdigest() if content is not None else ""
        self.pages[relative] = [key, sorted(set(attachments)), written]

    def content_digest(self, relative: str) -> str | None:
        """sha256 of a page's bytes, when this build wrote or reused it."""
        entry = self.pages.get(relative)
        return entry[2] if entry and entry[2] else None

    def remove_gone_pages(self, output: Path, pages: set[str]) -> None:
        """Before any language is indexed: remove the previous build's pages that this build does not have."""
        self._remove(output, {n for n in self.prelinked - pages if n.endswith("index.html") and n in self.old})

    def remove_stale(self, output: Path) -> None:
        """Remove what was put in place from the previous build but belongs to no file of this one (a deleted
        place's card...), unless this build wrote that path again (then it is another file)."""
        kept = set(self.pages)
        for _, attachments, *_ in self.pages.values():
            kept.update(attachments)
        self._remove(output, self.prelinked - kept)

    def _remove(self, output: Path, names: set[str]) -> None:
        for name in sorted(names, reverse=True):
            target = output / name
            try:
                if target.samefile(self.previous / name):
                    target.unlink()
            except OSError:
                continue
            for folder in target.parents:
                if folder == output or any(folder.iterdir()):
                    break
                folder.rmdir()

    def save(self) -> None:
        if not self.manifest_out:
            return
        path = Path(self.manifest_out)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(
            json.dumps({**self.extra, "version": 3, "pages": self.pages}, sort_keys=True), encoding="utf-8"
        )
        os.replace(temporary, path)


def read_manifest(output: Path) -> dict[str, list]:
    """The keys of the build in output: path -> [key, files it brought, digest of its bytes]."""
    try:
        old = json.loads(manifest_path(output).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if isinstance(old, dict) and old.get("version") == 3 and isinstance(old.get("pages"), dict):
        return old["pages"]
    return {}


def prelink(previous: Path, output: Path, marker: Path) -> None:
    """Hard-link every file the previous build recorded into output, then list what was linked in marker.

    tasks.build_site runs it on a thread while Pelican starts and loads the records: a rebuild is mostly
    folders made and files linked, and those system calls overlap the build's own start. The build keeps a
    file only when its key did not change (RenderCache.can_reuse), replaces the others and removes the stale."""
    linked: list[str] = []
    try:
        made: set[Path] = set()
        seen: set[str] = set()
        for relative, entry in read_manifest(previous).items():
            for name in (relative, *entry[1]):
                if name in seen:
                    continue
                seen.add(name)
                target = output / name
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                try:
                    link_or_copy(previous / name, target)
                    linked.append(name)
                except OSError:
                    continue
    finally:
        marker.parent.mkdir(parents=True, exist_ok=True)
        temporary = marker.with_name(f"{marker.name}.tmp")
        temporary.write_text(json.dumps({"linked": linked}), encoding="utf-8")
        os.replace(temporary, marker)


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
