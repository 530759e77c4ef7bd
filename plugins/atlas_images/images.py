"""Responsive, metadata-free copies of the places' photos, cached by content."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from atlas_site.cache_pruning import mark_used, prune_unused
from atlas_site.extensions import plugin_enabled
from atlas_site.render_cache import link_or_copy
from atlas_site.site import build_cache_dir
from PIL import Image, ImageOps

from .settings import images_settings

WIDTHS = (480, 960, 1600)
# (file extension, Pillow format, MIME type, encoder options); nothing here writes EXIF, XMP or ICC data.
FORMATS = (
    ("webp", "WEBP", "image/webp", {"quality": 80, "method": 4}),
    ("jpg", "JPEG", "image/jpeg", {"quality": 82, "optimize": True, "progressive": True}),
)
SIZES = "(min-width: 52rem) 48rem, 100vw"
VERSION = "1"  # change when the encoding changes, so cached copies are made again
MEDIA = "media"


def enabled(settings: dict) -> bool:
    return plugin_enabled(settings, "atlas_images")


def photo_key(data: bytes) -> str:
    """Hash of an original and of everything that decides its copies."""
    recipe = json.dumps([VERSION, WIDTHS, [f[:2] + (sorted(f[3].items()),) for f in FORMATS]]).encode()
    return hashlib.sha256(recipe + b"\0" + data).hexdigest()


def clean(image: Image.Image) -> Image.Image:
    """Upright RGB pixels with no metadata attached (EXIF, GPS, XMP, ICC, comments)."""
    upright = ImageOps.exif_transpose(image)
    if upright.mode != "RGB":
        if "A" in upright.getbands() or upright.mode == "P":
            upright = upright.convert("RGBA")
            background = Image.new("RGB", upright.size, (255, 255, 255))
            background.paste(upright, mask=upright.getchannel("A"))
            upright = background
        else:
            upright = upright.convert("RGB")
    pixels = Image.new("RGB", upright.size)
    pixels.paste(upright)  # a new image: nothing of the original's info travels with the pixels
    return pixels


def publish_photo(source: Path, cache: Path) -> dict:
    """Make (or reuse) the copies of one original; return {'key', 'variants': [{width, height, ext, mime, path}]}."""
    data = Path(source).read_bytes()
    key = photo_key(data)
    folder = Path(cache) / key[:2] / key
    manifest = folder / "variants.json"
    if manifest.is_file():
        variants = json.loads(manifest.read_text(encoding="utf-8"))
        if all((folder / v["file"]).is_file() for v in variants):
            mark_used(folder, folder.stat().st_mtime)
            return {"key": key, "folder": folder, "variants": variants}
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".making-", dir=folder.parent))
    with Image.open(source) as original:
        image = clean(original)
    width, height = image.size
    variants = []
    for target in sorted({min(w, width) for w in WIDTHS}):
        size = (target, max(1, round(height * target / width)))
        resized = image if size == image.size else image.resize(size, Image.Resampling.LANCZOS)
        resized.info = {}
        for ext, fmt, mime, options in FORMATS:
            name = f"{target}.{ext}"
            resized.save(work / name, fmt, **options)
            variants.append({"width": size[0], "height": size[1], "ext": ext, "mime": mime, "file": name})
    (work / "variants.json").write_text(json.dumps(variants), encoding="utf-8")
    if folder.exists():  # an incomplete earlier attempt
        shutil.rmtree(folder, ignore_errors=True)
    try:
        os.replace(work, folder)
    except OSError:  # another build made it meanwhile
        shutil.rmtree(work, ignore_errors=True)
    return {"key": key, "folder": folder, "variants": variants}


class ImageBuild:
    """The photos of one build: made once per record, shown in every language, copied once into the site."""

    def __init__(self, site):
        self.site = site
        self.cache = images_settings(site.settings)["cache"] or build_cache_dir(site.theme) / "atlas-images"
        self._made: dict[str, list[dict]] = {}
        self.files: dict[str, Path] = {}  # path under the output folder -> cached copy

    def worker_state(self) -> dict:
        return {"files": self.files, "made": self._made}

    def merge_worker_state(self, state: dict) -> None:
        self.files.update(state["files"])
        self._made.update(state["made"])

    def record_photos(self, record) -> list[dict]:
        if record.slug not in self._made:
            made = []
            for photo in record.get("photos") or []:
                result = publish_photo(record.folder / photo["file"], self.cache)
                stem = Path(photo["file"]).stem.lower()
                variants = []
                for v in result["variants"]:
                    relative = f"{MEDIA}/centres/{record.slug}/{stem}-{result['key'][:12]}-{v['width']}.{v['ext']}"
                    self.files[relative] = result["folder"] / v["file"]
                    variants.append({**v, "url": f"{self.site.siteurl}/{relative}", "relative": relative})
                made.append({"photo": photo, "variants": variants})
            self._made[record.slug] = made
        return self._made[record.slug]

    def page_context(self, views, parts, context) -> None:
        if len(parts) != 2 or parts[0] != "centres":
            return
        record = self.site.atlas.records["centre"].get(parts[1])
        if record is None or not record.get("photos"):
            return
        photos = self.record_photos(record)
        for made in photos:
            for variant in made["variants"]:
                self.site.attach(variant["relative"])
        context["atlas_images"] = {"photos": [self.view(views, made) for made in photos]}

    def view(self, views, made: dict) -> dict:
        photo, variants = made["photo"], made["variants"]
        alt_lang = next((code for code in self.site.chain(views.lang) if code in photo["alt"]), "fr")
        by_ext = {ext: [v for v in variants if v["ext"] == ext] for ext, *_ in FORMATS}
        jpegs = by_ext["jpg"]
        fallback = next((v for v in jpegs if v["width"] >= 960), jpegs[-1])
        return {
            "alt": photo["alt"][alt_lang],
            "alt_lang": alt_lang,
            "credit": photo["credit"],
            "licence": photo["licence"],
            "source": photo.get("source"),
            "sources": [
                {"type": mime, "srcset": ", ".join(f"{v['url']} {v['width']}w" for v in by_ext[ext])}
                for ext, _, mime, _ in FORMATS
                if ext != "jpg"
            ],
            "srcset": ", ".join(f"{v['url']} {v['width']}w" for v in jpegs),
            "src": fallback["url"],
            "width": fallback["width"],
            "height": fallback["height"],
            "sizes": SIZES,
        }

    def write(self, output: Path, views_by_lang: dict | None = None) -> list[str]:
        written = publish_cached(self.files, output)
        prune_unused(self.cache)
        return written


def publish_cached(files: dict[str, Path], output: Path) -> list[str]:
    """Put cached files (relative path in the site -> cached file) into the site; return the relative paths."""
    for relative, cached in sorted(files.items()):
        target = Path(output) / relative
        try:
            link_or_copy(cached, target)
        except FileNotFoundError:
            # Its folder is not made yet. Most are (a card goes beside its page): asking first cost a failed
            # mkdir and a stat for each of 8,000 cards.
            target.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(cached, target)
    return sorted(files)
