"""The JSON Schemas of the record types, read once per process from schemas/."""

from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMA_DIR = Path(__file__).parent / "schemas"

# record type -> (folder under the atlas root, schema file)
RECORD_TYPES = {
    "centre": ("centres", "centre.schema.json"),
    "programme": ("programmes", "programme.schema.json"),
    "event": ("content/events", "event.schema.json"),
    "page": ("content/pages", "page.schema.json"),
    "country": ("content/countries", "country.schema.json"),
}
TEXT_SCHEMA = "text.schema.json"


@cache
def schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


def enum_of(schema_name: str, *path: str) -> list[str]:
    """The controlled vocabulary at a path of properties, e.g. enum_of('centre.schema.json', 'kind')."""
    node = schema(schema_name)
    for key in path:
        node = node["properties"][key] if key != "items" else node["items"]
    return list(node["enum"])


def closest(word: str, known) -> str | None:
    matches = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return matches[0] if matches else None
