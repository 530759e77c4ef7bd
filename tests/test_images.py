"""Photos of a place (atlas_images): responsive WebP/JPEG copies, upright, with no EXIF or GPS left anywhere.

No licensed photo ships with the atlas: the fixture photo is drawn here with Pillow, with an EXIF orientation
and GPS position, and added to a copy of the sample site.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import ExifTags, Image
from support import LANGUAGES, check_output, copy_sample_site, insert_after, line_number, soup_of

ABBEY = "abbaye-d-exemple"
STORED = (1800, 1200)  # pixels as stored; EXIF orientation 6 shows them turned a quarter: 1200 wide, 1800 high
PHOTO_YAML = """photos:
  - file: photos/cloitre.jpg
    alt:
      fr: Le cloître vu depuis le jardin
      en: The cloister seen from the garden
      ar: الدير من الحديقة
    credit: Équipe de test
    licence: CC BY-SA 4.0
    source: https://example.org/photos/cloitre"""


def make_photo(path: Path) -> None:
    image = Image.new("RGB", STORED, (30, 90, 160))
    image.paste((200, 40, 40), (0, 0, STORED[0] // 2, STORED[1]))  # left half red (the top once upright)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "TestCam"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (47.0, 7.0, 24.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (2.0, 34.0, 4.0),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", exif=exif.tobytes(), quality=90)
    with Image.open(path) as saved:  # the fixture really carries what must be removed
        assert saved.getexif()[ExifTags.Base.Orientation] == 6
        assert saved.getexif().get_ifd(ExifTags.IFD.GPSInfo)


def with_cloister_photo(root: Path) -> Path:
    """Add the fixture photo to the sample abbey of root, described by PHOTO_YAML; return the photo's path."""
    photo = root / "centres" / ABBEY / "photos" / "cloitre.jpg"
    make_photo(photo)
    facts = root / "centres" / ABBEY / "index.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + PHOTO_YAML + "\n", encoding="utf-8")
    return photo


@pytest.fixture(scope="module")
def photo_site(tmp_path_factory):
    root = copy_sample_site(tmp_path_factory.mktemp("photos") / "site")
    with_cloister_photo(root)
    return root


@pytest.fixture(scope="module")
def photo_build(photo_site):
    import tasks

    output = photo_site.parent / "output"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ATLAS_CACHE", str(photo_site.parent / "cache"))
        assert tasks.build_site(output=output, root=photo_site) == 0
    return output


def published_images(build: Path) -> list[Path]:
    return sorted(p for p in build.rglob("*") if p.suffix.lower() in {".jpg", ".jpeg", ".webp", ".png"})


def test_copies_have_no_exif_gps_or_xmp_and_the_original_is_not_published(photo_site, photo_build):
    original = (photo_site / "centres" / ABBEY / "photos" / "cloitre.jpg").read_bytes()
    photos = [p for p in published_images(photo_build) if "/media/" in p.as_posix()]
    assert {p.suffix for p in photos} == {".jpg", ".webp"}
    for path in published_images(photo_build):
        data = path.read_bytes()
        assert data != original, f"{path} is the original"
        assert b"Exif" not in data and b"TestCam" not in data and b"http://ns.adobe.com/xap" not in data, path
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert "exif" not in image.info and "icc_profile" not in image.info and "xmp" not in image.info, path
    assert not list(photo_build.rglob("cloitre.jpg"))


def test_copies_are_upright_and_at_each_width(photo_build):
    photos = [p for p in published_images(photo_build) if "/media/centres/" in p.as_posix()]
    sizes = set()
    for path in photos:
        with Image.open(path) as image:
            sizes.add((path.suffix, image.size))
            assert image.height > image.width, f"{path} was not turned upright"
            top = image.convert("RGB").getpixel((image.width // 2, 5))
            assert top[0] > 150 and top[2] < 100, f"{path}: the red half should be on top, found {top}"
    upright_width, upright_height = STORED[1], STORED[0]
    widths = [480, 960, upright_width]  # 1600 is wider than the original: capped at its width
    expected = {(ext, (w, round(upright_height * w / upright_width))) for ext in (".jpg", ".webp") for w in widths}
    assert sizes == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_place_page_has_a_picture_with_srcset_sizes_dimensions_alt_and_credit(photo_build, lang):
    soup = soup_of(photo_build, f"/{lang}/centres/{ABBEY}/")
    picture = soup.select_one("figure.place-photo picture")
    source = picture.select_one("source[type='image/webp']")
    img = picture.select_one("img")
    assert source["srcset"].count("w,") == 2 and img["srcset"].count("w,") == 2
    assert source["sizes"] == img["sizes"]
    assert (img["width"], img["height"]) == ("960", "1440")
    for url in [img["src"]] + [part.split()[0] for part in img["srcset"].split(",") + source["srcset"].split(",")]:
        assert (photo_build / url.lstrip("/")).is_file(), url
    expected_alt = {
        "fr": "Le cloître vu depuis le jardin",
        "en": "The cloister seen from the garden",
        "ar": "الدير من الحديقة",
        "zh": "The cloister seen from the garden",
    }
    if lang == "zh":  # no Chinese alt text: the page's fallback chain (en, then fr)
        assert img["lang"] == "en"
    else:
        assert not img.has_attr("lang")
    assert img["alt"] == expected_alt[lang]
    caption = soup.select_one("figure.place-photo figcaption").get_text(" ", strip=True)
    assert "Équipe de test" in caption and "CC BY-SA 4.0" in caption


def test_a_rebuild_reuses_the_cached_copies(photo_site, photo_build, tmp_path, monkeypatch):
    import tasks

    monkeypatch.setenv("ATLAS_CACHE", str(photo_site.parent / "cache"))
    cache = photo_site.parent / "cache" / "atlas-images"
    made = {p: p.stat().st_mtime_ns for p in cache.rglob("*.webp")}
    assert made
    assert tasks.build_site(output=tmp_path / "again", root=photo_site) == 0
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*.webp")} == made


def test_photo_needs_alt_credit_licence_and_an_existing_file(tmp_path):
    root = copy_sample_site(tmp_path / "site")
    facts = root / "centres" / ABBEY / "index.yaml"
    line = insert_after(
        facts, "last_verified: 2024-03-15", "photos:\n  - file: photos/missing.jpg\n    alt: {en: An abbey}"
    )
    errors, lines = check_output(root)
    assert errors >= 3
    text = "\n".join(lines)
    for field in ("photos.0.credit", "photos.0.licence", "photos.0.alt.fr"):
        assert f": {field}: is required" in text, (field, text)
    assert "photos.0.file: no file 'photos/missing.jpg' in the record's folder" in text
    assert f"index.yaml:{line + 1}: photos.0.file" in text


def photo_entries(files: list[str]) -> str:
    """photos: entries for these files, complete but for what the file holds."""
    entries = "".join(
        f"  - file: photos/{name}\n    alt: {{fr: Vue, en: View, ar: منظر, zh: 景色}}\n"
        "    credit: Équipe de test\n    licence: CC BY 4.0\n"
        for name in files
    )
    return "photos:\n" + entries


def cut_jpeg(path: Path) -> None:
    """A JPEG cut off half-way (an interrupted copy): its header opens, its pixels cannot be read."""
    whole = path.with_suffix(".whole.jpg")
    Image.effect_noise((900, 600), 40).convert("RGB").save(whole, "JPEG", quality=90)
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    whole.unlink()


def test_a_photo_the_build_cannot_read_is_rejected_at_its_line(tmp_path, monkeypatch, capsys):
    """Not an image, another format under a .jpg name, a cut-off JPEG, too many pixels: each named at its line in
    one run, the good photo beside them not; the build stops with no traceback and leaves the previous output as
    it was."""
    import tasks

    root = copy_sample_site(tmp_path / "site")
    photos = root / "centres" / ABBEY / "photos"
    make_photo(photos / "good.jpg")
    (photos / "notes.jpg").write_text("not a photo\n", encoding="utf-8")
    Image.new("RGB", (900, 600), (30, 90, 160)).save(photos / "scan.jpg", "GIF")
    cut_jpeg(photos / "cut.jpg")
    Image.new("1", (10_000, 9_000)).save(photos / "poster.png")  # 90 million pixels in 11 KB
    facts = root / "centres" / ABBEY / "index.yaml"
    files = ["good.jpg", "notes.jpg", "scan.jpg", "cut.jpg", "poster.png"]
    facts.write_text(facts.read_text(encoding="utf-8") + photo_entries(files), encoding="utf-8")
    line_of = {name: line_number(facts, f"- file: photos/{name}") for name in files}
    monkeypatch.setenv("ATLAS_CACHE", str(tmp_path / "cache"))

    errors, lines = check_output(root)

    path = f"centres/{ABBEY}/index.yaml"
    expected = {
        f"{path}:{line_of['notes.jpg']}: photos.1.file: 'notes.jpg' is not an image the build can read",
        f"{path}:{line_of['scan.jpg']}: photos.2.file: 'scan.jpg' is a GIF image; give a JPEG, PNG or WebP",
        f"{path}:{line_of['cut.jpg']}: photos.3.file: 'cut.jpg' is damaged and cannot be read",
        f"{path}:{line_of['poster.png']}: photos.4.file: 'poster.png' has too many pixels to open",
    }
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)
    assert errors == 4 and not any("photos.0" in line for line in lines), lines

    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("previous build", encoding="utf-8")
    capsys.readouterr()
    assert tasks.build_site(output=output, root=root) != 0
    said = capsys.readouterr()
    assert "Traceback" not in said.err + said.out and "'cut.jpg' is damaged" in said.err
    assert [p.name for p in output.iterdir()] == ["index.html"]
    assert (output / "index.html").read_text(encoding="utf-8") == "previous build"


def test_a_photo_listed_twice_is_rejected_at_its_second_entry(tmp_path):
    root = copy_sample_site(tmp_path / "site")
    make_photo(root / "centres" / ABBEY / "photos" / "good.jpg")
    facts = root / "centres" / ABBEY / "index.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + photo_entries(["good.jpg", "good.jpg"]), encoding="utf-8")
    second = [n for n, line in enumerate(facts.read_text().splitlines(), 1) if "- file: photos/good.jpg" in line][1]

    errors, lines = check_output(root)

    assert errors == 1, lines
    assert f"centres/{ABBEY}/index.yaml:{second}: photos.1.file: 'photos/good.jpg' is already listed (photos.0)" in (
        "\n".join(lines)
    )


def test_a_photo_damaged_after_a_clean_check_is_caught_by_the_next_check(tmp_path, monkeypatch):
    """The checks of a record are kept between runs, keyed on its photos' bytes: a photo overwritten under the
    same name by a cut-off copy is checked again, not taken from the earlier run."""
    root = copy_sample_site(tmp_path / "site")
    photo = with_cloister_photo(root)
    monkeypatch.setenv("ATLAS_CACHE", str(tmp_path / "cache"))
    assert check_output(root)[0] == 0
    assert list((tmp_path / "cache").rglob("*.pickle")), "the first check kept its results"

    cut_jpeg(photo)
    errors, lines = check_output(root)

    assert errors == 1, lines
    assert any("photos.0.file: 'cloitre.jpg' is damaged" in line for line in lines), lines


def test_a_photo_replaced_under_the_same_name_is_published_anew_by_a_rebuild(tmp_path, monkeypatch):
    """The page's key covers the photo's bytes, not only its name (a rebuild keeps what did not change)."""
    import tasks

    root = copy_sample_site(tmp_path / "site")
    photo = with_cloister_photo(root)
    monkeypatch.setenv("ATLAS_CACHE", str(tmp_path / "cache"))
    output = tmp_path / "output"
    assert tasks.build_site(output=output, root=root) == 0
    before = {p.relative_to(output): p.read_bytes() for p in published_images(output) if "media" in p.parts}

    Image.new("RGB", (800, 600), (20, 160, 60)).save(photo, "JPEG", quality=90)
    assert tasks.build_site(output=output, root=root) == 0

    after = {p.relative_to(output): p.read_bytes() for p in published_images(output) if "media" in p.parts}
    assert before and after and not set(before.items()) & set(after.items())
    for lang in LANGUAGES:
        sources = {img["src"] for img in soup_of(output, f"/{lang}/centres/{ABBEY}/").select("figure.place-photo img")}
        assert sources and all((output / src.lstrip("/")).exists() for src in sources)


def test_cards_and_photos_no_build_used_for_two_weeks_leave_the_cache(tmp_path, monkeypatch):
    import os
    import time

    import tasks

    monkeypatch.setenv("ATLAS_CACHE", str(tmp_path / "cache"))
    root = copy_sample_site(tmp_path / "site")
    with_cloister_photo(root)
    assert tasks.build_site(output=tmp_path / "one", root=root) == 0
    caches = [tmp_path / "cache" / name for name in ("atlas-cards", "atlas-images")]
    month_ago = time.time() - 30 * 86400
    used = {}
    for cache in caches:
        used[cache] = sorted(p for p in cache.glob("??/*") if not p.name.startswith("."))
        assert used[cache], f"the sample site put nothing in {cache.name}"
        for path in [*used[cache], *cache.glob(".pruned")]:  # the first build used them, and pruned, a month ago
            os.utime(path, (month_ago, month_ago))
    forgotten = [
        tmp_path / "cache" / "atlas-cards" / "ff" / "f0.png",
        tmp_path / "cache" / "atlas-images" / "ff" / "f0",
    ]
    forgotten[0].parent.mkdir(exist_ok=True)
    forgotten[0].write_bytes(b"a card of a place renamed long ago")
    forgotten[1].mkdir(parents=True)
    for path in forgotten:
        os.utime(path, (month_ago, month_ago))

    assert tasks.build_site(output=tmp_path / "two", root=root) == 0

    assert [path for path in forgotten if path.exists()] == []
    for cache in caches:
        assert all(path.stat().st_mtime > time.time() - 3600 for path in used[cache]), "used: marked, kept"
    with Image.open(tmp_path / "two" / "fr" / "centres" / ABBEY / "card.png") as card:
        assert card.size == (1200, 630)
