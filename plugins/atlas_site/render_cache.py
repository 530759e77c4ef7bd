"""Reuse the pages of the previous build whose inputs did not change (an incremental rebuild).

Every page gets a key before anything of it is built: a hash of its path and template, of the digests of the
records it shows (its PageSpec's `depends`, see dependencies.py), and of everything else that decides its bytes:
every template, the gettext catalogues, the plugins' code, the Pelican and atlas settings and the build's date.
Never file times. When the previous build wrote the same path with the same key, its file, and the files it
brought with it (share card, photos: see AtlasSite.attach), are hard-linked (or copied) into the new build
instead of being rendered again.

tasks.build_site names the previous output (ATLAS_PREVIOUS_OUTPUT) and where to write this build's keys
(ATLAS_RENDER_MANIFEST); it moves the keys to the output's name only once the new output is in place, so keys
and files always belong to the same build. Without these variables every page is rendered.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import threading
from pathlib import Path

PLUGINS_DIR = Path(__file__).resolve().parent.parent
PREVIOUS_ENV = "ATLAS_PREVIOUS_OUTPUT"
MANIFEST_ENV = "ATLAS_RENDER_MANIFEST"
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

    kept = {k: v for k, v in settings.items() if k not in ("OUTPUT_PATH",)}
    return json.dumps(kept, sort_keys=True, default=default, ensure_ascii=False)


class RenderCache:
    """Keys of this build's pages, and the previous build's files to reuse."""

    def __init__(self, site):
        previous = os.environ.get(PREVIOUS_ENV)
        self.manifest_out = os.environ.get(MANIFEST_ENV)
        self.previous = Path(previous) if previous else None
        self.pages: dict[str, list] = {}
        self.old: dict[str, list] = {}
        self.reused = 0
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
            try:
                old = json.loads(manifest_path(self.previous).read_text(encoding="utf-8"))
                if isinstance(old, dict) and old.get("version") == 3 and isinstance(old.get("pages"), dict):
                    self.old = old["pages"]
            except (OSError, ValueError):
                self.old = {}

    def key(self, relative: str, template: str, digests: list[bytes]) -> str:
        digest = hashlib.sha256(self.salt)
        digest.update(f"{relative}\0{template}\0".encode())
        for part in digests:
            digest.update(part)
        return digest.hexdigest()

    def can_reuse(self, relative: str, key: str) -> bool:
        """True when the previous build wrote relative with the same key."""
        old = self.old.get(relative)
        return self.previous is not None and bool(old) and old[0] == key

    def reuse(self, relative: str, key: str, output: Path) -> bool:
        """Put the previous build's page (and the files it brought) in output when it had the same key."""
        return self.can_reuse(relative, key) and self.link_previous(relative, output)

    def link_previous(self, relative: str, output: Path) -> bool:
        """Link the previous build's file and the files it brought into output; False when one is missing."""
        old = self.old[relative]
        try:
            self.make_folder((output / relative).parent)
            link_or_copy(self.previous / relative, output / relative)
            for name in old[1]:
                target = output / name
                self.make_folder(target.parent)
                # Brought by another page too (a photo shown in every language, a map's script): already there.
                with contextlib.suppress(FileExistsError):
                    link_or_copy(self.previous / name, target)
        except OSError:
            return False
        self.pages[relative] = old
        self.reused += 1
        return True

    def make_folder(self, folder: Path) -> None:
        """mkdir -p once per folder and build: a rebuild puts some 40,000 files into new folders."""
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


class Linker(threading.Thread):
    """Links the reused pages of each language, in order, while the main thread renders the changed ones: a
    rebuild is mostly folders made and files linked, system calls that do not hold the interpreter."""

    def __init__(self, cache: RenderCache, output: Path, plan: dict[str, list[str]]):
        super().__init__(name="atlas-linker", daemon=True)
        self.cache, self.output, self.plan = cache, output, plan
        self.done = {lang: threading.Event() for lang in plan}
        self.failed: dict[str, list[str]] = {lang: [] for lang in plan}
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for lang, relatives in self.plan.items():
                for relative in relatives:
                    if not self.cache.link_previous(relative, self.output):
                        self.failed[lang].append(relative)
                self.done[lang].set()
        except BaseException as error:  # noqa: BLE001 -- handed to the main thread by wait()
            self.error = error
        finally:
            for event in self.done.values():
                event.set()

    def wait(self, lang: str) -> list[str]:
        """Once lang's pages are linked: those that could not be (to render instead)."""
        self.done[lang].wait()
        if self.error is not None:
            raise self.error
        return self.failed[lang]


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
