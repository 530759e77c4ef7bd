"""Load every record of an atlas and check it: the one entry point for build and `invoke check`."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from .bundle_cache import BundleCache
from .country_outlines import CountryOutlines
from .records import Record, bundle_folders, read_bundle, summary_digest
from .schemas import RECORD_TYPES
from .strict_yaml import Problem
from .validation import (
    copied_record_problems,
    dated_in_the_future_problems,
    record_problems,
    reference_problems,
)


@dataclass
class Atlas:
    """All records of one build, with every problem found while reading them."""

    root: Path
    languages: list[str]
    default_language: str
    records: dict[str, dict[str, Record]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    def report(self, stream) -> int:
        """Print every problem (path:line: field: message), as GitHub annotations too when run by GitHub
        Actions, then a count; return the number of errors. Used by `invoke check` and by the build."""
        annotate = os.environ.get("GITHUB_ACTIONS") == "true"
        for problem in self.problems:
            print(problem, file=stream)
            if annotate:
                level = "error" if problem.severity == "error" else "warning"
                line = f",line={problem.line}" if problem.line else ""
                print(f"::{level} file={problem.path}{line}::{problem.field}: {problem.message}", file=stream)
        counts = f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)"
        records = sum(len(v) for v in self.records.values())
        print(f"Checked {records} records: {counts}.", file=stream)
        return len(self.errors)

    def of_type(self, record_type: str) -> list[Record]:
        return list(self.records.get(record_type, {}).values())

    def relative(self, path: Path) -> str:
        try:
            return str(Path(path).relative_to(self.root))
        except ValueError:
            return str(path)


def load_atlas(
    root: Path,
    languages: list[str],
    default_language: str,
    cache_dir: Path | None = None,
    keys: dict | None = None,
    outlines: Path | None = None,
    needs_places: bool = False,
) -> Atlas:
    """Read and check every record under root; problems are collected, never raised.

    cache_dir: where bundles already read and checked are kept (see bundle_cache); None reads everything.
    keys: their keys in that cache by bundle path, when they were made ahead (read_ahead.py).
    outlines: countries' outlines (world-atlas TopoJSON) to check that places lie in their country; None: not
    checked.
    needs_places: an atlas without a place is an error (the site's; a test's atlas may hold events only)."""
    root = Path(root).resolve()
    atlas = Atlas(root, list(languages), default_language)
    # Not kept on the atlas: the decoded outlines weigh about 27 MB, which a build would carry to the end.
    countries = CountryOutlines(outlines, cache_dir) if outlines else None
    extra = countries.digest if countries else b""
    cache = BundleCache(cache_dir, atlas.languages, default_language, given=keys, salt=extra)
    for record_type, (folder, _) in RECORD_TYPES.items():
        atlas.records[record_type] = {}
        base = root / folder
        if not base.is_dir():
            continue
        for bundle in bundle_folders(base):
            key = cache.key(record_type, bundle)
            found = cache.get(key)
            if found is None:
                found = _read_and_check(record_type, bundle, atlas, countries)
                cache.put(key, found)
            record, problems = found
            atlas.problems += problems
            if record is not None:
                record.digest = key
                atlas.records[record_type][record.slug] = record
    cache.save()
    if needs_places:
        atlas.problems += no_place_problems(atlas)
    atlas.problems += reference_problems(atlas.records, atlas.relative)
    atlas.problems += copied_record_problems(atlas.records, atlas.relative)
    today = dt.datetime.now(dt.UTC).date()
    atlas.problems += dated_in_the_future_problems(atlas.records, atlas.relative, today)
    atlas.problems.sort(key=lambda p: (p.severity != "error", p.path, p.line or 0, p.field))
    return atlas


def no_place_problems(atlas: Atlas) -> list[Problem]:
    """An atlas without a place is a mistake (a wrong root, a centres/ folder moved away): its site would build,
    empty, and be published. Not said when the places there could not be read: their errors say why."""
    folder = RECORD_TYPES["centre"][0]
    if atlas.records.get("centre") or any(p.path.startswith(f"{folder}/") for p in atlas.problems):
        return []
    message = f"no place in the atlas: {folder}/ has no <slug>/index.yaml; is {atlas.root} the atlas's folder?"
    return [Problem(f"{folder}/", None, "(atlas)", message)]


def _read_and_check(
    record_type: str, bundle: Path, atlas: Atlas, outlines: CountryOutlines | None
) -> tuple[Record | None, list[Problem]]:
    record, problems = read_bundle(record_type, bundle, atlas.root)
    if record is not None:
        problems = problems + record_problems(record, atlas.languages, atlas.default_language, atlas.relative, outlines)
        record.summary = summary_digest(record)
    return record, problems
