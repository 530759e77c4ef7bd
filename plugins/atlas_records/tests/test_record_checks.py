"""Checks of atlas_records beyond the schema: event dates, membership years, country codes, folder names."""

from __future__ import annotations

from pathlib import Path

import pytest
from atlas_records import load_atlas

LANGS = ["fr", "en"]
TEXT = "---\nname: Lieu fictif\nsummary: Un lieu inventé pour un test.\n---\nCorps.\n"
PLACE = """\
kind: {kind}
country: {country}
town: Villefictive
coordinates: {{lat: 45.0, lon: 4.0, precision: town, basis: memory}}
heritage: {{building: abbey}}
disciplines: [music]
membership: {membership}
sources: [https://example.org/]
last_verified: 2024-01-01
"""
EVENT = "kind: seminar\n{dates}\nsources: [https://example.org/]\nlast_verified: 2024-01-01\n"


def write_record(root: Path, folder: str, facts: str) -> Path:
    path = root / folder
    path.mkdir(parents=True)
    (path / "index.yaml").write_text(facts, encoding="utf-8")
    for lang in LANGS:
        (path / f"index.{lang}.md").write_text(TEXT, encoding="utf-8")
    return path


def problems(root: Path, outlines: Path | None = None) -> list[str]:
    return [str(p) for p in load_atlas(root, LANGS, "fr", outlines=outlines).problems]


def place(kind="ccr", country="FR", membership="{since: 1990}") -> str:
    return PLACE.format(kind=kind, country=country, membership=membership)


OUTLINES = Path(__file__).resolve().parents[3] / "node_modules" / "world-atlas" / "countries-50m.json"


def placed_at(country: str, lat: float, lon: float) -> str:
    return place(country=country).replace("{lat: 45.0, lon: 4.0,", f"{{lat: {lat}, lon: {lon},")


@pytest.mark.parametrize(
    ("country", "lat", "lon", "hint"),
    [
        ("FR", 2.5678, 47.1234, "lat 47.1234, lon 2.5678 would be in it: are lat and lon swapped?"),
        ("BE", 50.4321, -4.8765, "lon 4.8765 would be in it: is the sign of lon wrong"),
        ("AU", 37.8024, 145.004, "lat -37.8024 would be in it: is the sign of lat wrong"),
        ("FR", 50.85, 4.35, "the point is in Belgium"),  # Brussels
        ("LU", 43.0, -20.0, "no country's outline holds it (at sea?)"),
    ],
    ids=["swapped", "sign-of-lon", "sign-of-lat", "another-country", "at-sea"],
)
def test_a_place_far_outside_its_country_is_rejected_with_what_went_wrong(tmp_path, country, lat, lon, hint):
    write_record(tmp_path, "centres/lieu-fictif", placed_at(country, lat, lon))
    [problem] = problems(tmp_path, OUTLINES)
    assert problem.startswith(f"centres/lieu-fictif/index.yaml:4: coordinates: lat {lat}, lon {lon} is ")
    assert "km outside " in problem and hint in problem, problem


@pytest.mark.parametrize(
    ("country", "lat", "lon"),
    [
        ("FR", 47.033, 5.778),  # Arc-et-Senans
        ("FR", -21.115, 55.536),  # La Réunion, an overseas department
        ("CA", 47.57, -70.2),  # Saint-Irénée, on the St. Lawrence: just off the 1:50m coast
        ("MC", 43.7384, 7.4246),  # Monaco: a country smaller than the outline's detail
        ("XK", 10.0, 10.0),  # Kosovo: not in the outlines, so not checked
    ],
    ids=["inland", "overseas", "by-the-water", "tiny-country", "country-without-outline"],
)
def test_a_place_in_or_near_its_country_is_accepted(tmp_path, country, lat, lon):
    write_record(tmp_path, "centres/lieu-fictif", placed_at(country, lat, lon))
    assert problems(tmp_path, OUTLINES) == []


def test_a_valid_place_has_no_problem(tmp_path):
    write_record(tmp_path, "centres/lieu-fictif", place())
    assert problems(tmp_path) == []


def test_centre_without_coordinates_is_rejected(tmp_path):
    facts = "\n".join(line for line in place().splitlines() if not line.startswith("coordinates")) + "\n"
    write_record(tmp_path, "centres/lieu-fictif", facts)
    assert problems(tmp_path) == ["centres/lieu-fictif/index.yaml:1: coordinates: is required"]


def test_former_member_without_coordinates_is_accepted(tmp_path):
    facts = (
        "\n".join(
            line
            for line in place("former-member", membership="{since: 1990, until: 2000}").splitlines()
            if not line.startswith("coordinates")
        )
        + "\n"
    )
    write_record(tmp_path, "centres/lieu-fictif", facts)
    assert problems(tmp_path) == []


def test_former_member_without_end_year_is_rejected(tmp_path):
    write_record(tmp_path, "centres/lieu-fictif", place("former-member"))
    assert problems(tmp_path) == [
        "centres/lieu-fictif/index.yaml:7: membership: a former member needs 'until' or 'status_confirmed: false'"
    ]


def test_membership_ending_before_it_began_is_rejected(tmp_path):
    write_record(tmp_path, "centres/lieu-fictif", place(membership="{since: [1990, 1992], until: 1985}"))
    assert problems(tmp_path) == [
        "centres/lieu-fictif/index.yaml:7: membership.until: 1985 is before the membership year 1990"
    ]


def test_unknown_country_code_is_rejected(tmp_path):
    write_record(tmp_path, "centres/lieu-fictif", place(country="XZ"))
    assert problems(tmp_path) == [
        "centres/lieu-fictif/index.yaml:2: country: 'XZ' is not an ISO 3166-1 alpha-2 country code"
    ]


def test_country_code_in_lower_case_suggests_the_code_in_capitals(tmp_path):
    write_record(tmp_path, "centres/lieu-fictif", place(country="fr"))
    assert problems(tmp_path) == [
        "centres/lieu-fictif/index.yaml:2: country: 'fr' is not a country code: two capital letters "
        "(ISO 3166-1 alpha-2); did you mean 'FR'?"
    ]


def test_reference_in_capitals_gets_one_message_with_its_slug(tmp_path):
    write_record(tmp_path, "centres/lieu-fictif", place() + "programmes: [Programme-Fictif]\n")
    assert problems(tmp_path) == [
        "centres/lieu-fictif/index.yaml:10: programmes.0: 'Programme-Fictif' is not a slug: lower-case letters "
        "and digits, words joined by '-'; did you mean 'programme-fictif'?"
    ]


def test_photo_outside_the_photos_folder_names_where_it_goes(tmp_path):
    photo = "photos:\n  - {file: cloître.jpg, alt: {fr: Vue, en: View}, credit: Équipe, licence: CC BY 4.0}\n"
    write_record(tmp_path, "centres/lieu-fictif", place() + photo)
    [problem] = problems(tmp_path)
    assert problem.startswith("centres/lieu-fictif/index.yaml:11: photos.0.file: 'cloître.jpg' is not a photo under")
    assert "(no spaces or accents)" in problem and "did you mean" not in problem


def test_every_pattern_of_the_schemas_is_explained_in_plain_words():
    """A value that breaks a pattern is told what to write, not shown a regular expression."""
    import json

    from atlas_records import validation

    schemas = Path(validation.__file__).parent / "schemas"
    patterns = set()

    def collect(node):
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                patterns.add(node["pattern"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    for schema in schemas.glob("*.schema.json"):
        collect(json.loads(schema.read_text(encoding="utf-8")))
    explained = set(validation._PATTERN_MESSAGES) | {validation.BLANK_PATTERN, "^https?://"}
    assert patterns - explained == set()


def test_folder_name_that_is_not_a_slug_is_rejected(tmp_path):
    write_record(tmp_path, "centres/Lieu_Fictif", place())
    assert problems(tmp_path) == [
        "centres/Lieu_Fictif/index.yaml: (file): folder name 'Lieu_Fictif' must be lower case words joined by '-'"
    ]


def test_enum_value_suggests_the_closest_allowed_value(tmp_path):
    write_record(tmp_path, "centres/lieu-fictif", place(kind="assoicate"))
    [problem] = problems(tmp_path)
    assert problem.startswith("centres/lieu-fictif/index.yaml:1: kind: 'assoicate' is not one of:")
    assert problem.endswith("did you mean 'associate'?")


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ("start: 2023-06-15\nend: 2023-06-17", None),
        ("start: --06-15\nend: --06-17\npossible_years: [2011, 2012]", None),
        ("start: 2023-02-30", "2: start: '2023-02-30' is not a real date"),
        ("start: 2023/06/15", "2: start: '2023/06/15' is not a date written YYYY-MM-DD, or --MM-DD"),
        ("start: 2023-06-17\nend: 2023-06-15", "3: end: 2023-06-15 is before the start 2023-06-17"),
        ("start: --06-15", "1: possible_years: is required when the dates are written --MM-DD"),
        ("start: 2023-06-15\npossible_years: [2023]", "3: possible_years: only goes with dates written --MM-DD"),
        (
            "start: 2023-06-15\nend: --06-17\npossible_years: [2023]",
            "3: end: start and end must both have a year, or both be written --MM-DD",
        ),
    ],
    ids=[
        "full-dates",
        "year-unknown",
        "impossible-day",
        "slashes",
        "end-before-start",
        "no-possible-years",
        "possible-years-with-full-date",
        "mixed-dates",
    ],
)
def test_event_dates(tmp_path, dates, expected):
    write_record(tmp_path, "content/events/seminaire-fictif", EVENT.format(dates=dates))
    found = problems(tmp_path)
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1, found
        assert found[0].startswith(f"content/events/seminaire-fictif/index.yaml:{expected}"), found


def test_missing_index_yaml_is_reported_on_the_folder(tmp_path):
    (tmp_path / "programmes" / "programme-vide").mkdir(parents=True)
    assert problems(tmp_path) == ["programmes/programme-vide: (file): missing index.yaml"]


def test_text_file_without_front_matter_is_rejected(tmp_path):
    folder = write_record(tmp_path, "centres/lieu-fictif", place())
    (folder / "index.en.md").write_text("Just a body.\n", encoding="utf-8")
    assert (
        "centres/lieu-fictif/index.en.md:1: (file): the file must start with front matter between two '---' lines"
        in problems(tmp_path)
    )


def test_a_folder_copied_to_start_a_new_place_is_pointed_out(tmp_path):
    """The copy kept the first place's English name and exact point: a warning for each, on the copy's lines;
    the French name, changed, is not mentioned."""
    facts = place().replace("precision: town", "precision: site")
    write_record(tmp_path, "centres/lieu-fictif", facts)
    copy = write_record(tmp_path, "centres/lieu-fictif-bis", facts)
    (copy / "index.fr.md").write_text(TEXT.replace("Lieu fictif", "Autre lieu fictif"), encoding="utf-8")

    found = problems(tmp_path)

    assert found == [
        "centres/lieu-fictif-bis/index.en.md:2: name: warning: 'Lieu fictif' is also the name of "
        "centres/lieu-fictif: was one copied from the other?",
        "centres/lieu-fictif-bis/index.yaml:4: coordinates: warning: the very point of centres/lieu-fictif: was one "
        "copied from the other?",
    ]


def test_two_places_known_only_to_the_same_town_may_share_its_point(tmp_path):
    write_record(tmp_path, "centres/lieu-fictif", place())
    other = write_record(tmp_path, "centres/autre-lieu", place())
    for lang in LANGS:
        (other / f"index.{lang}.md").write_text(TEXT.replace("Lieu fictif", "Autre lieu"), encoding="utf-8")
    assert problems(tmp_path) == []
