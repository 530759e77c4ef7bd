"""`invoke new-centre` / `new-programme` / `new-event`: a complete new record from its schema.

Every field of the schema is written with the placeholder TODO (which `invoke check` rejects with a
clear message until it is replaced), with the schema's description and allowed values as comments.
"""

from __future__ import annotations

from pathlib import Path

from atlas_records.records import read_editor_file
from atlas_records.schemas import RECORD_TYPES, TEXT_SCHEMA, schema
from atlas_records.strict_yaml import load
from atlas_records.validation import PLACEHOLDER, SLUG, slug_message

SCHEMA_COMMENT = "# yaml-language-server: $schema="
# Text fields (index.<lang>.md front matter) that belong to one record type only.
TEXT_FIELDS = {
    "centre": ["name", "summary"],
    "programme": ["name", "summary", "eligibility", "funders"],
    "event": ["name", "summary", "place"],
}
TEXT_HINTS = {
    "fr": "Description en français (Markdown) : remplacez cette ligne.",
    "en": "Description in English (Markdown): replace this line, or delete this file until it is translated.",
    "ar": "Description in Arabic (Markdown): replace this line, or delete this file until it is translated.",
    "zh": "Description in Chinese (Markdown): replace this line, or delete this file until it is translated.",
}


class ScaffoldError(Exception):
    """The new record cannot be written; the message says why."""


def schema_comment(record_type: str) -> str:
    """The first line of every index.yaml: points editors' YAML tooling at the record type's schema."""
    depth = len(Path(RECORD_TYPES[record_type][0]).parts) + 1
    return f"{SCHEMA_COMMENT}{'../' * depth}plugins/atlas_records/schemas/{RECORD_TYPES[record_type][1]}"


def _comment(prop: dict, required: bool) -> str:
    parts = []
    if prop.get("description"):
        parts.append(prop["description"])
    values = prop.get("enum") or (prop.get("items") or {}).get("enum")
    if values:
        parts.append("One of: " + ", ".join(str(v) for v in values) + ".")
    if prop.get("format") == "date" or (prop.get("items") or {}).get("format") == "date":
        parts.append("YYYY-MM-DD.")
    if required:
        parts.append("Required.")
    else:
        what = "block" if prop.get("type") == "object" or _is_object(prop.get("items") or {}) else "line"
        parts.append(f"Optional: delete the {what} when no source gives it.")
    return " ".join(parts)


def _is_object(prop: dict) -> bool:
    return prop.get("type") == "object" and "properties" in prop


def _lines(properties: dict, required: set, indent: str, first_prefix: str | None = None) -> list[str]:
    lines = []
    for index, (key, prop) in enumerate(properties.items()):
        prefix = first_prefix if (first_prefix is not None and index == 0) else indent
        lines.append(f"{indent}# {_comment(prop, key in required)}")
        items = prop.get("items") or {}
        if _is_object(prop):
            sub = prop["properties"]
            if prop.get("minProperties") and not prop.get("required"):
                # One of several alternatives (e.g. period: year, century, or from/to): write the first.
                first = next(iter(sub))
                others = ", ".join(k for k in sub if k != first)
                lines.append(f"{prefix}{key}:")
                lines.append(f"{indent}  # Or instead: {others}.")
                lines += _lines({first: sub[first]}, {first}, indent + "  ")
            else:
                lines.append(f"{prefix}{key}:")
                lines += _lines(sub, set(prop.get("required", [])), indent + "  ")
        elif prop.get("type") == "array" and _is_object(items):
            lines.append(f"{prefix}{key}:")
            lines += _lines(items["properties"], set(items.get("required", [])), indent + "    ", indent + "  - ")
        elif prop.get("type") == "array":
            lines.append(f"{prefix}{key}: [{PLACEHOLDER}]")
        else:
            lines.append(f"{prefix}{key}: {PLACEHOLDER}")
    return lines


def facts_yaml(record_type: str) -> str:
    spec = schema(RECORD_TYPES[record_type][1])
    header = [
        schema_comment(record_type),
        f"# New {record_type}: replace every {PLACEHOLDER}, then run `invoke check` (see CONTRIBUTING.md).",
        f"# {spec['description']}",
    ]
    return "\n".join(header + _lines(spec["properties"], set(spec.get("required", [])), "")) + "\n"


def text_markdown(record_type: str, lang: str) -> str:
    properties = schema(TEXT_SCHEMA)["properties"]
    required = set(schema(TEXT_SCHEMA).get("required", []))
    front = _lines({k: properties[k] for k in TEXT_FIELDS[record_type]}, required, "")
    hint = TEXT_HINTS.get(lang, f"Description in '{lang}' (Markdown): replace this line.")
    return "---\n" + "\n".join(front) + f"\n---\n{PLACEHOLDER}: {hint}\n"


def new_record(record_type: str, slug: str, root: Path, languages: list[str]) -> list[Path]:
    """Write centres/<slug>/ (or programmes/, content/events/) from the templates; never overwrite anything."""
    root = Path(root).resolve()
    if record_type not in TEXT_FIELDS:
        raise ScaffoldError(f"no template for '{record_type}' records (known: {', '.join(TEXT_FIELDS)})")
    if not SLUG.match(slug):
        raise ScaffoldError(slug_message(slug))
    base = root / RECORD_TYPES[record_type][0]
    folder = base / slug
    if folder.exists():
        raise ScaffoldError(f"{folder.relative_to(root)} already exists: nothing was written")
    for other in sorted(base.glob("*/index.yaml")) if base.is_dir() else []:
        text, _ = read_editor_file(other, str(other))
        doc, _ = load(text, str(other)) if text is not None else (None, [])  # not UTF-8: `invoke check` says where
        if doc and isinstance(doc.data, dict) and slug in (doc.data.get("aliases") or []):
            raise ScaffoldError(
                f"'{slug}' is an old slug (alias) of {other.parent.relative_to(root)}: "
                "its URL redirects there and cannot be reused"
            )
    folder.mkdir(parents=True)
    written = [folder / "index.yaml"]
    written[0].write_text(facts_yaml(record_type), encoding="utf-8")
    for lang in languages:
        path = folder / f"index.{lang}.md"
        path.write_text(text_markdown(record_type, lang), encoding="utf-8")
        written.append(path)
    return written
