"""Reuse the pages of the previous build whose inputs did not change (an incremental rebuild).

Every page gets a key: a hash of its whole template context (plain data, serialised deterministically), of its
template name, and of everything else that decides its bytes: every template, the gettext catalogues, the
plugins' code and the Pelican settings. Never file times. When the previous build wrote the same path with the
same key, its file is hard-linked (or copied) into the new build instead of being rendered again.

tasks.build_site names the previous output (ATLAS_PREVIOUS_OUTPUT) and where to write this build's keys
(ATLAS_RENDER_MANIFEST); it moves the keys to the output's name only once the new output is in place, so keys
and files always belong to the same build. Without these variables every page is rendered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

PLUGINS_DIR = Path(__file__).resolve().parent.parent
PREVIOUS_ENV = "ATLAS_PREVIOUS_OUTPUT"
MANIFEST_ENV = "ATLAS_RENDER_MANIFEST"
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class Uncacheable(TypeError):
    """A context value that cannot be serialised deterministically: the page is always rendered."""


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


def _stable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    lang = getattr(value, "lang", None)
    if type(value).__name__ == "Formatter" and isinstance(lang, str):
        return f"Formatter({lang})"  # its output depends only on the language and the catalogues
    raise Uncacheable(type(value).__name__)


def _settings_text(settings: dict) -> str:
    def default(value):
        try:
            return _stable(value)
        except Uncacheable:
            return _ADDRESS.sub("", repr(value))

    kept = {k: v for k, v in settings.items() if k not in ("OUTPUT_PATH",)}
    return json.dumps(kept, sort_keys=True, default=default, ensure_ascii=False)


class RenderCache:
    """Keys of this build's pages, and the previous build's files to reuse."""

    def __init__(self, site, enabled: bool | None = None):
        previous = os.environ.get(PREVIOUS_ENV)
        self.manifest_out = os.environ.get(MANIFEST_ENV)
        self.previous = Path(previous) if previous else None
        self.keys: dict[str, str] = {}
        self.old: dict[str, str] = {}
        self.reused = 0
        self.rendered = 0
        digest = hashlib.sha256(b"atlas-render-1\0")
        _tree_digest(digest, Path(site.theme) / "templates", ("*",))
        _tree_digest(digest, Path(site.theme) / "translations", ("*.po",))
        _tree_digest(digest, PLUGINS_DIR, ("*.py", "*.json"))
        digest.update(_settings_text(site.settings).encode())
        digest.update(json.dumps(site.config, sort_keys=True, default=str).encode())
        self.salt = digest.digest()
        if self.previous is not None and self.previous.is_dir():
            try:
                old = json.loads(manifest_path(self.previous).read_text(encoding="utf-8"))
                if isinstance(old, dict) and isinstance(old.get("pages"), dict):
                    self.old = old["pages"]
            except (OSError, ValueError):
                self.old = {}

    def key(self, template: str, context: dict) -> str | None:
        try:
            text = json.dumps(context, sort_keys=True, default=_stable, ensure_ascii=False, separators=(",", ":"))
        except (Uncacheable, TypeError, ValueError):
            return None
        digest = hashlib.sha256(self.salt)
        digest.update(template.encode() + b"\0" + text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def reuse(self, relative: str, key: str | None, target: Path) -> bool:
        """Put the previous build's file at target when it was made from the same key; True when done."""
        if key is None:
            return False
        self.keys[relative] = key
        if self.previous is None or self.old.get(relative) != key:
            return False
        source = self.previous / relative
        try:
            os.link(source, target)
        except FileNotFoundError:
            return False
        except OSError:
            try:
                shutil.copyfile(source, target)
            except OSError:
                return False
        self.reused += 1
        return True

    def save(self) -> None:
        if not self.manifest_out:
            return
        path = Path(self.manifest_out)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"pages": self.keys}, sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)
