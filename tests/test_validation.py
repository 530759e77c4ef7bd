"""Bad input: each case copies the sample site, breaks one file and expects one precise report.

For every case, `invoke check` (tasks.run_check) prints `path:line: field: message`, a build into a
folder holding a previous build fails and leaves that folder byte-identical, and Pelican itself exits
non-zero with the list of problems and no traceback.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import (
    LANGUAGES,
    ROOT,
    SAMPLE_SITE,
    check_output,
    copy_sample_site,
    insert_after,
    line_number,
    replace_line,
    tree_digest,
)

import tasks


@dataclass
class Expected:
    path: str  # relative to the atlas root
    line: int | None
    field: str
    message: str  # a fragment of the message

    @property
    def prefix(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field or '(file)'}: "

    def found_in(self, lines: list[str]) -> bool:
        return any(line.startswith(self.prefix) and self.message in line for line in lines)


ABBEY = "centres/abbaye-d-exemple"


def unknown_field_suggests_the_closest_known_field(root: Path) -> Expected:
    line = replace_line(root / ABBEY / "index.yaml", "country: FR", "contry: FR")
    return Expected(f"{ABBEY}/index.yaml", line, "contry", "unknown field; did you mean 'country'?")


def duplicated_key_names_the_first_line(root: Path) -> Expected:
    path = root / "centres/prieure-imaginaire/index.yaml"
    first = line_number(path, "town: Villefictive")
    line = insert_after(path, "town: Villefictive", "town: Autreville")
    return Expected(
        "centres/prieure-imaginaire/index.yaml", line, "town", f"duplicated key (first given on line {first})"
    )


def bare_no_country_code_is_rejected(root: Path) -> Expected:
    line = replace_line(root / "centres/chateau-de-nullepart/index.yaml", "country: BE", "country: NO")
    return Expected("centres/chateau-de-nullepart/index.yaml", line, "country", "'NO' is read as true/false")


def bare_yes_boolean_is_rejected(root: Path) -> Expected:
    line = replace_line(root / ABBEY / "index.yaml", "founding_member: false", "founding_member: yes")
    return Expected(f"{ABBEY}/index.yaml", line, "membership.founding_member", "'yes' is read as true/false")


def date_with_month_13_is_rejected(root: Path) -> Expected:
    path = root / "programmes/programme-fictif/index.yaml"
    line = replace_line(path, "last_verified: 2024-02-10", "last_verified: 2024-13-01")
    return Expected(
        "programmes/programme-fictif/index.yaml", line, "last_verified", "'2024-13-01' is not a date written YYYY-MM-DD"
    )


def date_written_day_first_is_rejected(root: Path) -> Expected:
    path = root / "content/events/rencontres-exemple-2023/index.yaml"
    line = replace_line(path, "last_verified: 2024-03-01", "last_verified: 26/11/2026")
    return Expected(
        "content/events/rencontres-exemple-2023/index.yaml",
        line,
        "last_verified",
        "'26/11/2026' is not a date written YYYY-MM-DD",
    )


def latitude_out_of_range_is_rejected(root: Path) -> Expected:
    line = replace_line(root / ABBEY / "index.yaml", "lat: 47.1234", "lat: 95")
    return Expected(f"{ABBEY}/index.yaml", line, "coordinates.lat", "95")


def alias_equal_to_another_slug_is_rejected(root: Path) -> Expected:
    path = root / "centres/chateau-de-nullepart/index.yaml"
    line = replace_line(path, "aliases: [old-slug]", "aliases: [old-slug, prieure-imaginaire]")
    return Expected(
        "centres/chateau-de-nullepart/index.yaml",
        line,
        "aliases.1",
        "'prieure-imaginaire' is the slug of another centre",
    )


def alias_claimed_by_two_places_is_rejected(root: Path) -> Expected:
    path = root / "centres/saline-fictive/index.yaml"
    line = insert_after(path, "town: Selfictif", "aliases: [old-slug]")
    return Expected(
        "centres/saline-fictive/index.yaml",
        line,
        "aliases.0",
        "'old-slug' is already an alias of 'chateau-de-nullepart'",
    )


def text_in_an_unpublished_language_is_rejected(root: Path) -> Expected:
    shutil.copy(root / ABBEY / "index.fr.md", root / ABBEY / "index.de.md")
    # A problem with the whole file: reported on the file, without a line.
    return Expected(f"{ABBEY}/index.de.md", None, "", "language 'de' is not published")


def reference_to_a_missing_programme_names_it(root: Path) -> Expected:
    path = root / ABBEY / "index.yaml"
    line = replace_line(path, "programmes: [programme-fictif]", "programmes: [programme-fictif, programme-disparu]")
    return Expected(f"{ABBEY}/index.yaml", line, "programmes.1", "no programme 'programme-disparu' in the atlas")


def missing_default_language_text_is_rejected(root: Path) -> Expected:
    (root / "centres/saline-fictive/index.fr.md").unlink()
    # The file does not exist, so there is no line to point at: reported on index.yaml, field = the file.
    return Expected("centres/saline-fictive/index.yaml", None, "index.fr.md", "missing")


def invalid_yaml_syntax_gives_its_line(root: Path) -> Expected:
    path = root / "content/pages/network/index.yaml"
    line = replace_line(path, "order: 1", "order: 1: first")
    return Expected("content/pages/network/index.yaml", line, "", "not valid YAML: mapping values are not allowed")


def invalid_front_matter_gives_its_line_in_the_text_file(root: Path) -> Expected:
    path = root / "centres/chateau-de-nullepart/index.en.md"
    line = replace_line(path, "name: Nowhere Castle", "name: Nowhere: Castle")
    assert line == 2  # line 1 is '---': the line number counts from the top of the file
    return Expected("centres/chateau-de-nullepart/index.en.md", line, "", "not valid YAML")


def page_at_the_address_of_a_section_is_rejected(root: Path) -> Expected:
    shutil.copytree(root / "content/pages/history", root / "content/pages/search")
    # The slug is the folder's name: no line to point at.
    return Expected("content/pages/search/index.yaml", None, "slug", "'search' is the address of the site's own")


def page_alias_that_is_not_text_is_rejected(root: Path) -> Expected:
    path = root / "content/pages/history/index.yaml"
    line = insert_after(path, "last_verified: 2024-01-06", "aliases: [{old: page}]")
    return Expected("content/pages/history/index.yaml", line, "aliases.0", "expected text, found a group of fields")


def link_to_a_missing_place_in_a_text_gives_its_line_and_the_closest_slug(root: Path) -> Expected:
    path = root / ABBEY / "index.en.md"
    line = insert_after(
        path, "It hosts music and literature residencies.", "See [its host](atlas:centres/abbaye-d-exempel)."
    )
    message = (
        "link atlas:centres/abbaye-d-exempel: no centre 'abbaye-d-exempel' in the atlas; "
        "did you mean atlas:centres/abbaye-d-exemple?"
    )
    return Expected(f"{ABBEY}/index.en.md", line, "(description)", message)


def link_to_an_old_address_names_the_current_one(root: Path) -> Expected:
    path = root / ABBEY / "index.fr.md"
    anchor = "Elle accueille des résidences de musique et de littérature."
    line = insert_after(path, anchor, "Voir [le château][c].\n\n[c]: atlas:centres/old-slug")
    message = "link atlas:centres/old-slug: 'old-slug' is an old address; link atlas:centres/chateau-de-nullepart"
    return Expected(f"{ABBEY}/index.fr.md", line + 2, "(description)", message)  # the [c]: line


def first_line_not_in_ascii(path: Path) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if not line.isascii())


def text_saved_in_latin_1_gives_the_line_of_its_first_accent(root: Path) -> Expected:
    path = root / "content/countries/ma/index.fr.md"
    line = first_line_not_in_ascii(path)
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    # Only this problem: the text is there, so "missing: every record needs its text in the default language"
    # would mislead (test_an_unreadable_text_is_not_also_called_missing).
    return Expected("content/countries/ma/index.fr.md", line, "", "byte 0xe9 is not UTF-8: save the file as UTF-8")


def facts_saved_in_windows_1252_give_the_line_of_its_first_accent(root: Path) -> Expected:
    path = root / "content/countries/ma/index.yaml"
    line = insert_after(path, "last_verified: 2024-04-04", "# Vérifié le 4 avril 2024")
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    return Expected("content/countries/ma/index.yaml", line, "", "byte 0xe9 is not UTF-8")


def sources_checked_on_a_day_still_to_come_are_rejected(root: Path) -> Expected:
    path = root / "content/pages/history/index.yaml"
    to_come = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=400)).isoformat()  # a mistyped year
    line = replace_line(path, "last_verified: 2024-01-06", f"last_verified: {to_come}")
    return Expected("content/pages/history/index.yaml", line, "last_verified", f"{to_come} is after today")


def membership_year_still_to_come_is_rejected(root: Path) -> Expected:
    to_come = dt.datetime.now(dt.UTC).year + 30  # 2056 for 2026: within the schema's range, so only this check
    line = replace_line(root / ABBEY / "index.yaml", "since: 1975", f"since: {to_come}")
    return Expected(f"{ABBEY}/index.yaml", line, "membership.since", f"{to_come} is after this year")


def level_1_heading_in_a_text_is_rejected(root: Path) -> Expected:
    path = root / "programmes/programme-fictif/index.fr.md"
    line = insert_after(path, "Programme de résidences inventé pour les tests.", "\n# Conditions")
    # The sanitiser keeps h2 to h6 only: "Conditions" would have stood as a loose line.
    return Expected("programmes/programme-fictif/index.fr.md", line + 1, "(description)", "a level-1 heading")


def image_in_a_text_is_rejected(root: Path) -> Expected:
    path = root / "content/events/rencontres-exemple-2023/index.en.md"
    line = insert_after(path, "Fictional network meeting at Example Abbey.", "\n![The cloister](cloister.jpg)")
    return Expected(
        "content/events/rencontres-exemple-2023/index.en.md", line + 1, "(description)", "put the photo under photos/"
    )


def embedded_video_in_a_text_is_rejected(root: Path) -> Expected:
    path = root / "centres/saline-fictive/index.en.md"
    embed = '<iframe src="https://video.example.org/embed/1" title="Visit"></iframe>'
    line = insert_after(path, "The Fictional Saltworks left the network in 1999.", f"\n{embed}")
    return Expected(
        "centres/saline-fictive/index.en.md", line + 1, "(description)", "<iframe> is removed from published texts"
    )


def reference_to_an_old_slug_names_the_current_one(root: Path) -> Expected:
    path = root / "content/events/rencontres-exemple-2023/index.yaml"
    line = replace_line(path, "places: [abbaye-d-exemple]", "places: [old-slug]")  # chateau-de-nullepart's
    message = "'old-slug' is an old slug of the centre 'chateau-de-nullepart': write 'chateau-de-nullepart'"
    return Expected("content/events/rencontres-exemple-2023/index.yaml", line, "places.0", message)


def blank_summary_is_rejected(root: Path) -> Expected:
    path = root / "content/events/rencontres-exemple-2023/index.fr.md"
    line = replace_line(path, "summary: Rencontres fictives du réseau à l'Abbaye d'Exemple.", 'summary: "   "')
    return Expected("content/events/rencontres-exemple-2023/index.fr.md", line, "summary", "is blank")


def web_address_without_https_is_rejected(root: Path) -> Expected:
    path = root / "centres/prieure-imaginaire/index.fr.md"
    known = "Le Prieuré imaginaire est un lieu inventé dont seule la commune est connue."
    line = insert_after(path, known, "\nVoir [son site](www.example.org).")
    # Published as a path inside the atlas: /fr/centres/prieure-imaginaire/www.example.org, a missing page.
    return Expected(
        "centres/prieure-imaginaire/index.fr.md", line + 1, "(description)", "write https://www.example.org"
    )


def longitude_with_a_lost_sign_is_rejected(root: Path) -> Expected:
    path = root / "centres/prieure-imaginaire/index.yaml"
    line = line_number(path, "coordinates:")
    replace_line(path, "lon: 4.89", "lon: -4.89")  # in the Atlantic, west of Brittany
    return Expected("centres/prieure-imaginaire/index.yaml", line, "coordinates", "is the sign of lon wrong")


def single_discipline_written_without_brackets_is_rejected(root: Path) -> Expected:
    line = replace_line(root / ABBEY / "index.yaml", "disciplines: [music, literature]", "disciplines: music")
    return Expected(f"{ABBEY}/index.yaml", line, "disciplines", "a list, found 'music'")


CASES = [
    unknown_field_suggests_the_closest_known_field,
    duplicated_key_names_the_first_line,
    bare_no_country_code_is_rejected,
    bare_yes_boolean_is_rejected,
    date_with_month_13_is_rejected,
    date_written_day_first_is_rejected,
    latitude_out_of_range_is_rejected,
    alias_equal_to_another_slug_is_rejected,
    alias_claimed_by_two_places_is_rejected,
    text_in_an_unpublished_language_is_rejected,
    reference_to_a_missing_programme_names_it,
    missing_default_language_text_is_rejected,
    invalid_yaml_syntax_gives_its_line,
    invalid_front_matter_gives_its_line_in_the_text_file,
    page_at_the_address_of_a_section_is_rejected,
    page_alias_that_is_not_text_is_rejected,
    link_to_a_missing_place_in_a_text_gives_its_line_and_the_closest_slug,
    link_to_an_old_address_names_the_current_one,
    text_saved_in_latin_1_gives_the_line_of_its_first_accent,
    facts_saved_in_windows_1252_give_the_line_of_its_first_accent,
    sources_checked_on_a_day_still_to_come_are_rejected,
    membership_year_still_to_come_is_rejected,
    level_1_heading_in_a_text_is_rejected,
    image_in_a_text_is_rejected,
    embedded_video_in_a_text_is_rejected,
    reference_to_an_old_slug_names_the_current_one,
    blank_summary_is_rejected,
    web_address_without_https_is_rejected,
    longitude_with_a_lost_sign_is_rejected,
    single_discipline_written_without_brackets_is_rejected,
]


@pytest.fixture(params=CASES, ids=lambda case: case.__name__)
def broken_site(request, tmp_path) -> tuple[Path, Expected]:
    root = copy_sample_site(tmp_path / "site")
    return root, request.param(root)


@pytest.fixture
def previous_build(sample_build, tmp_path) -> Path:
    """An output folder holding a complete earlier build."""
    output = tmp_path / "public" / "output"
    shutil.copytree(sample_build, output)
    return output


def test_every_section_of_the_site_is_refused_as_a_page_address(sample_build):
    from atlas_records.validation import SITE_SECTIONS

    pages = {path.name for path in (SAMPLE_SITE / "content" / "pages").iterdir()}
    for lang in LANGUAGES:
        sections = {path.name for path in (sample_build / lang).iterdir() if path.is_dir()} - pages
        assert sections <= SITE_SECTIONS, sections - SITE_SECTIONS


def test_every_section_a_text_may_link_has_its_own_page(sample_build):
    from atlas_records.validation import LINKED_SECTIONS

    for lang in LANGUAGES:
        assert [s for s in sorted(LINKED_SECTIONS) if not (sample_build / lang / s / "index.html").is_file()] == []


def test_a_link_shown_as_code_is_not_checked(tmp_path):
    root = copy_sample_site(tmp_path / "site")
    text = root / ABBEY / "index.en.md"
    shown = (
        "\nLink a place with `[its name](atlas:centres/its-folder)`:\n\n```\n[a](atlas:nowhere)\n```\n"
        "\nOr, in an indented block:\n\n    [b](atlas:nowhere)\n"
    )
    text.write_text(text.read_text(encoding="utf-8") + shown, encoding="utf-8")
    errors, lines = check_output(root)
    assert errors == 0, lines
    text.write_text(text.read_text(encoding="utf-8") + "\nSee [it](atlas:nowhere).\n", encoding="utf-8")
    assert check_output(root)[0] == 1  # the same link outside code is


def test_unbroken_sample_site_passes_check_without_errors():
    errors, lines = check_output(SAMPLE_SITE)
    assert errors == 0, "\n".join(lines)


def test_check_reports_path_line_and_field(broken_site):
    root, expected = broken_site
    errors, lines = check_output(root)
    assert errors >= 1
    assert expected.found_in(lines), (
        f"expected a line starting {expected.prefix!r} with {expected.message!r}:\n" + "\n".join(lines)
    )


def test_build_fails_and_leaves_the_previous_output_byte_identical(broken_site, previous_build, capsys):
    root, expected = broken_site
    before = tree_digest(previous_build)
    assert tasks.build_site(output=previous_build, root=root) != 0
    assert tree_digest(previous_build) == before
    assert sorted(p.name for p in previous_build.parent.iterdir()) == ["output"], "staging folder left behind"
    assert expected.prefix in capsys.readouterr().err


def test_pelican_exits_non_zero_without_traceback(broken_site, previous_build):
    root, expected = broken_site
    before = tree_digest(previous_build)
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(root / "content"), "-s", "pelicanconf.py", "-o", str(previous_build)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert expected.found_in(result.stderr.splitlines()), result.stderr
    assert tree_digest(previous_build) == before


def test_every_mistake_in_one_copy_is_reported_in_one_run(tmp_path):
    root = copy_sample_site(tmp_path / "site")
    expected = [case(root) for case in CASES]
    assert len({(e.path, e.line) for e in expected}) == len(expected), "two cases broke the same line"
    errors, lines = check_output(root)
    missing = [e.prefix + e.message for e in expected if not e.found_in(lines)]
    assert not missing, "not reported:\n" + "\n".join(missing) + "\n\nreported:\n" + "\n".join(lines)
    assert errors >= len(expected)


def test_a_single_value_written_without_brackets_is_one_error_that_says_how_to_write_it(tmp_path):
    # It was also read as a list of its letters: "no programme 'p' in the atlas", once per letter.
    root = copy_sample_site(tmp_path / "site")
    line = replace_line(root / ABBEY / "index.yaml", "programmes: [programme-fictif]", "programmes: programme-fictif")
    errors, lines = check_output(root)
    expected = (
        f"{ABBEY}/index.yaml:{line}: programmes: expected a list, found 'programme-fictif': write [programme-fictif]"
    )
    assert errors == 1 and expected in lines, lines


# Values of a type the schema refuses, which the checks after it met with a traceback (found by mutating the
# sample site's records at random): each is one error, at its field. (file, line replaced, new line, field)
WRONG_SHAPES = [
    ("centres/chateau-de-nullepart/index.yaml", "aliases: [old-slug]", "aliases: 2.5", "aliases"),
    ("centres/saline-fictive/index.yaml", "town: Selfictif", "photos: 3", "photos"),
    ("centres/abbaye-d-exemple/index.yaml", "lat: 47.1234", "lat: {deg: 47}", "coordinates.lat"),
    ("centres/abbaye-d-exemple/index.yaml", "country: FR", "country: {code: FR}", "country"),
    ("centres/abbaye-d-exemple/index.yaml", "country: FR", "country: [FR]", "country"),
]


@pytest.mark.parametrize(("path", "old", "new", "field"), WRONG_SHAPES, ids=[case[2] for case in WRONG_SHAPES])
def test_a_value_of_the_wrong_type_is_one_error_at_its_field(tmp_path, path, old, new, field):
    root = copy_sample_site(tmp_path / "site")
    edit = insert_after if field == "photos" else replace_line  # saline-fictive has no photos: added after its town
    line = edit(root / path, old, new)
    errors, lines = check_output(root)
    errors_found = [line for line in lines if ": warning: " not in line and not line.startswith("Checked ")]
    assert errors == 1 and errors_found[0].startswith(f"{path}:{line}: {field}: "), lines


# Every year that can only be past, set 30 years ahead: (file, line replaced, new line, field).
YEARS_TO_COME = [
    ("centres/chateau-de-nullepart/index.yaml", "since: [2001, 2003]", "since: [2001, {year}]", "membership.since.1"),
    ("centres/saline-fictive/index.yaml", "until: 1999", "until: {year}", "membership.until"),
    ("programmes/programme-fictif/index.yaml", "since: 2010", "since: {year}", "since"),
    (f"{ABBEY}/index.yaml", "year: 1910", "year: {year}", "heritage.protection.0.year"),
    ("centres/chateau-de-nullepart/index.yaml", "to: 1680", "to: {year}", "heritage.period.to"),
]


@pytest.mark.parametrize(("path", "old", "new", "field"), YEARS_TO_COME, ids=[case[3] for case in YEARS_TO_COME])
def test_a_year_still_to_come_is_rejected_where_only_the_past_can_be(tmp_path, path, old, new, field):
    root = copy_sample_site(tmp_path / "site")
    year = dt.datetime.now(dt.UTC).year + 30
    line = replace_line(root / path, old, new.format(year=year))
    errors, lines = check_output(root)
    assert errors == 1 and f"{path}:{line}: {field}: {year} is after this year" in "\n".join(lines), lines


def test_this_year_and_a_call_for_next_year_are_accepted(tmp_path):
    root = copy_sample_site(tmp_path / "site")
    this_year = dt.datetime.now(dt.UTC).year
    replace_line(root / ABBEY / "index.yaml", "since: 1975", f"since: {this_year}")
    insert_after(
        root / "programmes/programme-fictif/index.yaml", "- deadline: 2021-02-28", f"    for_year: {this_year + 1}"
    )
    errors, lines = check_output(root)
    assert errors == 0, lines


def test_an_unreadable_text_is_not_also_called_missing(tmp_path):
    root = copy_sample_site(tmp_path / "site")
    expected = text_saved_in_latin_1_gives_the_line_of_its_first_accent(root)
    errors, lines = check_output(root)
    about_it = [line for line in lines if line.startswith("content/countries/ma")]
    assert errors == 1 and len(about_it) == 1 and expected.found_in(about_it), lines


def test_a_folder_named_like_a_text_is_one_error_not_a_traceback(tmp_path):
    root = copy_sample_site(tmp_path / "site")
    (root / "content/countries/ma/index.ar.md").unlink()
    (root / "content/countries/ma/index.ar.md").mkdir()
    errors, lines = check_output(root)
    about_it = [line for line in lines if line.startswith("content/countries/ma")]
    assert errors == 1 and about_it == [
        "content/countries/ma/index.ar.md: (file): is a folder: the record's facts and texts are files"
    ], lines


def test_a_file_starting_with_a_byte_order_mark_is_read(tmp_path):
    """Some Windows editors start UTF-8 files with a byte order mark: the file is read as if it had none."""
    root = copy_sample_site(tmp_path / "site")
    for name in ("index.yaml", "index.fr.md"):
        path = root / ABBEY / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    errors, lines = check_output(root)
    assert errors == 0, lines


def test_sources_checked_today_in_an_editor_s_time_zone_are_accepted(tmp_path):
    """East of Greenwich the day may be tomorrow in UTC: that day is not refused."""
    root = copy_sample_site(tmp_path / "site")
    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()
    replace_line(root / "content/pages/history/index.yaml", "last_verified: 2024-01-06", f"last_verified: {tomorrow}")
    errors, lines = check_output(root)
    assert errors == 0, lines


CODE_AND_KEPT_MARKUP = """
## A heading the site keeps

A tag the site drops, keeping its words: <u>underlined</u>.

Shown as code: `<script>` and `![not an image](a.jpg)`, a comparison a < b, <https://example.org/>.

```
# not a heading
<iframe src="https://example.org/"></iframe>
```

    ![indented code](b.jpg)
"""


def test_markup_shown_as_code_or_kept_by_the_site_is_not_an_error(tmp_path):
    """Only what the published text would lose is reported: code is shown as written, h2 and autolinks are
    kept; a tag dropped around words that stay is a warning."""
    root = copy_sample_site(tmp_path / "site")
    path = root / "content/pages/history/index.en.md"
    path.write_text(path.read_text(encoding="utf-8") + CODE_AND_KEPT_MARKUP, encoding="utf-8")
    errors, lines = check_output(root)
    about_it = [line for line in lines if line.startswith("content/pages/history/index.en.md")]
    underlined = line_number(path, "A tag the site drops, keeping its words: <u>underlined</u>.")
    assert errors == 0, lines
    assert about_it == [
        f"content/pages/history/index.en.md:{underlined}: (description): warning: <u> is not kept in published "
        "texts (its text is)"
    ]


def test_successful_build_replaces_the_previous_output(previous_build):
    stale = previous_build / "fr" / "centres" / "removed-place" / "index.html"
    stale.parent.mkdir()
    stale.write_text("stale", encoding="utf-8")
    assert tasks.build_site(output=previous_build, root=SAMPLE_SITE) == 0
    assert not stale.exists()
    assert (previous_build / "fr" / "index.html").is_file()
    # The replaced output is deleted in the background, so the build does not wait for it.
    deadline = time.monotonic() + 60
    while sorted(p.name for p in previous_build.parent.iterdir()) != ["output"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sorted(p.name for p in previous_build.parent.iterdir()) == ["output"]
