"""The strict YAML loader: lines of values, duplicate keys, YAML 1.1 surprises, never an exception."""

from __future__ import annotations

import pytest
from atlas_records.strict_yaml import Problem, load

FACTS = """\
# a comment on line 1
kind: ccr
coordinates:
  lat: 47.5
  lon: 2.25
disciplines:
  - music
  - dance
membership: {since: 1975}
"""


def loaded(text: str, offset: int = 0):
    document, problems = load(text, "centres/x/index.yaml", line_offset=offset)
    return document, problems


def test_every_key_path_keeps_the_line_it_starts_on():
    document, problems = loaded(FACTS)
    assert problems == []
    assert document.line_of(("kind",)) == 2
    assert document.line_of(("coordinates",)) == 3
    assert document.line_of(("coordinates", "lat")) == 4
    assert document.line_of(("coordinates", "lon")) == 5
    assert document.line_of(("disciplines", 0)) == 7
    assert document.line_of(("disciplines", 1)) == 8
    assert document.line_of(("membership", "since")) == 9


def test_line_of_a_missing_path_is_the_line_of_its_nearest_parent():
    document, _ = loaded(FACTS)
    assert document.line_of(("coordinates", "precision")) == 3
    assert document.line_of(("disciplines", 5)) == 6


def test_line_offset_counts_lines_from_the_top_of_the_text_file():
    # Front matter starts after the opening '---' line of index.<lang>.md.
    document, _ = loaded("name: Abbaye\nsummary: Résumé\n", offset=1)
    assert document.line_of(("summary",)) == 3


def test_values_are_plain_python_values():
    document, problems = loaded(FACTS)
    assert document.data == {
        "kind": "ccr",
        "coordinates": {"lat": 47.5, "lon": 2.25},
        "disciplines": ["music", "dance"],
        "membership": {"since": 1975},
    }
    assert problems == []


def test_duplicated_key_is_reported_on_its_second_line_and_the_first_value_kept():
    document, problems = loaded("town: Exempleville\nkind: ccr\ntown: Autreville\n")
    assert document.data["town"] == "Exempleville"
    assert [(p.path, p.line, p.field) for p in problems] == [("centres/x/index.yaml", 3, "town")]
    assert "first given on line 1" in problems[0].message


def test_duplicated_nested_key_names_its_full_path():
    _, problems = loaded("coordinates:\n  lat: 1\n  lon: 2\n  lat: 3\n")
    assert [(p.line, p.field) for p in problems] == [(4, "coordinates.lat")]


@pytest.mark.parametrize(
    "word",
    [
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "n",
        "N",
        "no",
        "No",
        "NO",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
        "True",
        "TRUE",
        "False",
        "FALSE",
    ],
)
def test_yaml_1_1_boolean_words_are_reported_and_kept_as_written(word):
    document, problems = loaded(f"kind: ccr\ncountry: {word}\n")
    assert document.data["country"] == word
    assert [(p.line, p.field, p.severity) for p in problems] == [(2, "country", "error")]
    assert f'"{word}"' in problems[0].message


@pytest.mark.parametrize("quoted", ['"NO"', "'NO'", "!!str NO"])
def test_quoted_no_is_accepted_as_text(quoted):
    document, problems = loaded(f"country: {quoted}\n")
    assert problems == []
    assert document.data == {"country": "NO"}


def test_block_scalar_no_is_text():
    document, problems = loaded("summary: |\n  NO\n")
    assert problems == []
    assert document.data["summary"] == "NO\n"


def test_lower_case_true_and_false_are_booleans():
    document, problems = loaded("a: true\nb: false\n")
    assert problems == []
    assert document.data == {"a": True, "b": False}


@pytest.mark.parametrize(
    ("text", "value"), [("2024-01-05", "2024-01-05"), ("0755", "0755"), ("12:30", "12:30"), ("1_000", "1_000")]
)
def test_values_yaml_1_1_would_convert_stay_text(text, value):
    document, problems = loaded(f"a: {text}\n")
    assert problems == []
    assert document.data["a"] == value
    assert isinstance(document.data["a"], str)


@pytest.mark.parametrize(
    ("text", "value"), [("42", 42), ("-7", -7), ("2.5", 2.5), (".5", 0.5), ("~", None), ("null", None), ("", None)]
)
def test_numbers_and_nulls_are_read_as_such(text, value):
    document, _ = loaded(f"a: {text}\n")
    assert document.data["a"] == value
    assert type(document.data["a"]) is type(value)


def test_invalid_yaml_is_reported_with_its_line_not_raised():
    document, problems = loaded("kind: ccr\ntown: Exempleville: centre\n", offset=1)
    assert document is None
    assert len(problems) == 1
    assert problems[0].line == 3
    assert problems[0].message.startswith("not valid YAML: mapping values are not allowed")


def test_unclosed_list_is_reported_not_raised():
    document, problems = loaded("disciplines: [music, dance\n")
    assert document is None
    assert problems[0].message.startswith("not valid YAML")


def test_merge_keys_are_rejected():
    _, problems = loaded("base: &b {lat: 1}\ncoordinates:\n  <<: *b\n")
    assert [(p.line, p.field) for p in problems] == [(3, "coordinates.<<")]


def test_a_key_that_is_not_plain_text_is_rejected():
    _, problems = loaded("? [a, b]\n: 1\n")
    assert [p.message for p in problems] == ["a key must be plain text"]


def test_empty_document_is_an_empty_mapping():
    document, problems = loaded("# only a comment\n")
    assert (document.data, problems) == ({}, [])


def test_problem_prints_as_path_line_field_message():
    assert (
        str(Problem("centres/x/index.yaml", 4, "coordinates.lat", "too large"))
        == "centres/x/index.yaml:4: coordinates.lat: too large"
    )
    assert (
        str(Problem("centres/x", None, "index.ar.md", "no translation yet", "warning"))
        == "centres/x: index.ar.md: warning: no translation yet"
    )
    assert (
        str(Problem("centres/x/index.de.md", None, "", "not published"))
        == "centres/x/index.de.md: (file): not published"
    )
