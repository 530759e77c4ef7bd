"""Checks of records against their schema and against each other.

Every check returns problems rather than raising, so one run reports them all.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import warnings
from pathlib import Path

from babel import Locale
from PIL import Image

from .country_outlines import TOLERANCE_KM, CountryOutlines
from .records import Record, countries_with_a_page
from .schemas import RECORD_TYPES, TEXT_SCHEMA, closest, validator
from .strict_yaml import Document, Problem
from .text_markup import ATLAS_SCHEME, lines_outside_code, link_addresses, markup_problems

_COUNTRY_CODES = {code for code in Locale("en").territories if re.fullmatch(r"[A-Z]{2}", code)}
_CURRENCY_CODES = set(Locale("en").currencies)
_PARTIAL_DATE = re.compile(r"^--(\d{2})-(\d{2})$")
_EVENT_DATE = re.compile(r"^(\d{4}|-)-\d{2}-\d{2}$")  # the schema's pattern for an event's start and end
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def schema_problems(document: Document, schema_name: str, source: str) -> list[Problem]:
    """Every way the document breaks its schema, each with its line and field."""
    problems = []
    for error in validator(schema_name).iter_errors(document.data):
        path = tuple(error.absolute_path)
        field = ".".join(str(p) for p in path)
        if error.validator == "additionalProperties":
            known = error.schema.get("properties", {})
            extra = [k for k in error.instance if k not in known]
            for key in extra:
                hint = closest(key, known)
                suggestion = f"; did you mean '{hint}'?" if hint else f"; known fields: {', '.join(known)}"
                name = ".".join(str(p) for p in path + (key,))
                problems.append(Problem(source, document.line_of(path + (key,)), name, f"unknown field{suggestion}"))
            continue
        if error.validator == "required" or (error.validator == "if" and error.validator_value):
            for missing in _missing_properties(error):
                name = ".".join(str(p) for p in path + (missing,))
                problems.append(Problem(source, document.line_of(path), name, "is required"))
            continue
        problems.append(Problem(source, document.line_of(path), field, _message(error)))
    return problems


def _missing_properties(error) -> list[str]:
    """Names of the required fields an error is about (also for 'required' inside if/then)."""
    found = [e for e in [error, *error.context] if e.validator == "required"]
    names = [m.group(1) for e in found if (m := re.match(r"'(.+)' is a required property", e.message))]
    return names or [""]


# The schemas' pattern for text that must say something: an empty or blank value ('   ') is refused.
BLANK_PATTERN = "\\S"


def _message(error) -> str:
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    if error.validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        hint = closest(str(error.instance), [str(v) for v in error.validator_value])
        suggestion = f"; did you mean '{hint}'?" if hint else ""
        return f"'{error.instance}' is not one of: {allowed}{suggestion}"
    if error.validator == "format" and error.validator_value == "date":
        return f"'{error.instance}' is not a date written YYYY-MM-DD"
    if error.validator == "pattern" and error.validator_value == BLANK_PATTERN:
        return "is blank: write the text, or delete the field if it is optional"
    if error.validator == "pattern" and str(error.validator_value).startswith("^https?"):
        return f"'{error.instance}' is not a web address starting with http:// or https://"
    if error.validator == "pattern" and error.validator_value in _PATTERN_MESSAGES:
        return _PATTERN_MESSAGES[error.validator_value](error.instance)
    if error.validator == "oneOf":
        return f"{error.instance!r} must be one year, or a list of two years when sources disagree"
    if error.validator == "if":
        return "is required"
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, str) else " or ".join(error.validator_value)
        found = f"expected {_TYPE_NAMES.get(wanted, wanted)}, found {_describe(error.instance)}"
        if wanted == "array" and isinstance(error.instance, str | int) and not isinstance(error.instance, bool):
            return f"{found}: write [{error.instance}]"
        return found
    return error.message


def slug_message(value: str) -> str:
    hint = _as_slug(value)
    suggestion = f"; did you mean '{hint}'?" if hint and hint != value else ""
    return f"'{value}' is not a slug: lower-case letters and digits, words joined by '-'{suggestion}"


def _as_slug(text: str) -> str:
    """text as a slug: 'Abbaye de Fontevraud' -> 'abbaye-de-fontevraud'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _code_message(what: str, letters: int, standard: str, known: set[str]):
    def message(value: str) -> str:
        suggestion = f"; did you mean '{value.upper()}'?" if value.upper() in known else ""
        return f"'{value}' is not a {what} code: {_NUMBER_WORDS[letters]} capital letters ({standard}){suggestion}"

    return message


_NUMBER_WORDS = {2: "two", 3: "three"}


def _photo_file_message(value: str) -> str:
    name = value.rsplit("/", 1)[-1]
    suggestion = f"; did you mean 'photos/{name}'?" if re.fullmatch(_PHOTO_NAME, name) else ""
    return (
        f"'{value}' is not a photo under photos/: a name of letters, digits, '.', '_' or '-' (no spaces or "
        f"accents), ending in .jpg, .jpeg, .png or .webp{suggestion}"
    )


_PHOTO_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]*\.(jpe?g|JPE?G|png|PNG|webp|WEBP)"
# Plain words for the schemas' patterns; a pattern not named here keeps jsonschema's message.
_PATTERN_MESSAGES = {
    SLUG.pattern: slug_message,
    "^[A-Z]{2}$": _code_message("country", 2, "ISO 3166-1 alpha-2", _COUNTRY_CODES),
    "^[A-Z]{3}$": _code_message("currency", 3, "ISO 4217", _CURRENCY_CODES),
    _EVENT_DATE.pattern: lambda value: (
        f"'{value}' is not a date written YYYY-MM-DD, or --MM-DD when the year is unknown"
    ),
    f"^photos/{_PHOTO_NAME}$": _photo_file_message,
}

_TYPE_NAMES = {
    "object": "a group of 'field: value' lines",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


def _describe(value) -> str:
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, dict):
        return "a group of fields"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def record_problems(
    record: Record, languages: list[str], default_language: str, rel, outlines: CountryOutlines | None = None
) -> list[Problem]:
    """Problems inside one record: its facts, its folder name and its text files; with outlines, whether its
    coordinates fall in its country."""
    source = rel(record.facts_path)
    problems = []
    if not SLUG.match(record.slug):
        problems.append(
            Problem(source, None, "", f"folder name '{record.slug}' must be lower case words joined by '-'")
        )
    _, schema_name = RECORD_TYPES[record.type]
    placeholders = placeholder_problems(record.doc, source)
    found = schema_problems(record.doc, schema_name, source) + _type_specific_problems(record, source)
    if outlines is not None:
        found += _coordinates_problems(record, source, outlines)
    problems += placeholders + _not_about_placeholders(found, placeholders)
    for lang, text in sorted(record.texts.items()):
        text_source = rel(text.path)
        if lang not in languages:
            problems.append(
                Problem(
                    text_source, None, "", f"language '{lang}' is not published (published: {', '.join(languages)})"
                )
            )
            continue
        placeholders = placeholder_problems(text.doc, text_source)
        problems += placeholders + _not_about_placeholders(
            schema_problems(text.doc, TEXT_SCHEMA, text_source), placeholders
        )
        for number, line in enumerate(text.body.splitlines(), start=text_body_line(text)):
            if line.strip().startswith(PLACEHOLDER):
                problems.append(Problem(text_source, number, "(description)", _PLACEHOLDER_MESSAGE))
        for number, message, severity in markup_problems(text.body, text_body_line(text)):
            problems.append(Problem(text_source, number, "(description)", message, severity))
    # A text file that is there but could not be read has its own problem above; "missing" would mislead.
    unread = {lang for lang in languages if lang not in record.texts and (record.folder / f"index.{lang}.md").exists()}
    if default_language not in record.texts and default_language not in unread:
        problems.append(
            Problem(
                source,
                None,
                f"index.{default_language}.md",
                "missing: every record needs its text in the default language",
            )
        )
    for lang in languages:
        if lang not in record.texts and lang not in unread:
            problems.append(
                Problem(
                    rel(record.folder),
                    None,
                    f"index.{lang}.md",
                    "no translation yet; the default language is shown instead",
                    "warning",
                )
            )
    return problems


# What `invoke new-centre` (new-programme, new-event) writes where the editor has to fill in a value.
PLACEHOLDER = "TODO"
_PLACEHOLDER_MESSAGE = (
    f"placeholder {PLACEHOLDER} of a new record: write the real value, or delete the line if the field is optional"
)


def placeholder_problems(document: Document, source: str) -> list[Problem]:
    """Every value still holding the TODO placeholder of a new record's template."""
    problems = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, path + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, path + (i,))
        elif isinstance(value, str) and value.strip().startswith(PLACEHOLDER):
            problems.append(Problem(source, document.line_of(path), ".".join(map(str, path)), _PLACEHOLDER_MESSAGE))

    walk(document.data, ())
    return problems


def _not_about_placeholders(problems: list[Problem], placeholders: list[Problem]) -> list[Problem]:
    """Drop the other complaints about a value that is still a placeholder: one clear message is enough."""
    if not placeholders:
        return problems
    fields = {p.field for p in placeholders}

    def related(name: str) -> bool:
        return bool(name) and any(name == f or f.startswith(f"{name}.") or name.startswith(f"{f}.") for f in fields)

    return [p for p in problems if not related(p.field)]


def text_body_line(text) -> int:
    """Line number of the first line of a text file's body (after the front matter)."""
    if getattr(text, "body_line", None) is not None:
        return text.body_line
    raw = text.path.read_text(encoding="utf-8")
    return raw[: len(raw) - len(text.body)].count("\n") + 1


def _type_specific_problems(record: Record, source: str) -> list[Problem]:
    facts, doc = record.facts, record.doc
    problems = []

    def add(path, message):
        problems.append(Problem(source, doc.line_of(path), ".".join(str(p) for p in path), message))

    country = facts.get("country")
    if isinstance(country, str) and len(country) == 2 and country.isupper() and country not in _COUNTRY_CODES:
        add(("country",), f"'{country}' is not an ISO 3166-1 alpha-2 country code")
    for i, code in enumerate(_listed(facts.get("countries"))):
        if isinstance(code, str) and re.fullmatch("[A-Z]{2}", code) and code not in _COUNTRY_CODES:
            add(("countries", i), f"'{code}' is not an ISO 3166-1 alpha-2 country code")
    if record.type == "country" and record.slug.upper() not in _COUNTRY_CODES:
        problems.append(
            Problem(source, None, "", f"folder '{record.slug}' is not a lower-case ISO 3166-1 alpha-2 code")
        )

    membership = facts.get("membership")
    if isinstance(membership, dict):
        since, until = membership.get("since"), membership.get("until")
        first = min(since) if isinstance(since, list) and since and all(isinstance(y, int) for y in since) else since
        if isinstance(first, int) and isinstance(until, int) and until < first:
            add(("membership", "until"), f"{until} is before the membership year {first}")
        if facts.get("kind") == "former-member" and until is None and membership.get("status_confirmed") is not False:
            add(("membership",), "a former member needs 'until' or 'status_confirmed: false'")

    period = (facts.get("heritage") or {}).get("period") if isinstance(facts.get("heritage"), dict) else None
    if isinstance(period, dict):
        keys = set(period)
        if not (keys == {"year"} or keys == {"century"} or keys <= {"from", "to"} and "from" in keys):
            add(("heritage", "period"), "give one of: year, century, or from (with an optional to)")

    duration = facts.get("duration")
    if (
        isinstance(duration, dict)
        and _numbers(duration.get("min_months"), duration.get("max_months"))
        and duration["min_months"] > duration["max_months"]
    ):
        add(("duration", "min_months"), "is larger than max_months")
    for i, call in enumerate(_listed(facts.get("calls"))):
        if (
            isinstance(call, dict)
            and _dates(call.get("opens"), call.get("deadline"))
            and call["opens"] > call["deadline"]
        ):
            add(("calls", i, "opens"), f"{call['opens']} is after the deadline {call['deadline']}")

    listed_at = {}  # file -> its first index under photos:
    for i, photo in enumerate(_listed(facts.get("photos"))):
        file = photo.get("file") if isinstance(photo, dict) else None
        if not (isinstance(file, str) and re.fullmatch(r"photos/[^/]+", file)):
            continue
        if file in listed_at:
            # The page would show the same photo twice, each with its own alt text and credit.
            add(("photos", i, "file"), f"'{file}' is already listed (photos.{listed_at[file]}): list it once")
            continue
        listed_at[file] = i
        problem = (
            _photo_file_problem(record.folder / file)
            if (record.folder / file).is_file()
            else f"no file '{file}' in the record's folder"
        )
        if problem:
            add(("photos", i, "file"), problem)

    if record.type == "event":
        _event_date_problems(facts, add)
    return problems


# What the build can make its copies from (atlas_images), told by the file's bytes, not its name.
_PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
_PHOTO_FORMATS_SAID = "JPEG, PNG or WebP"


def _coordinates_problems(record: Record, source: str, outlines: CountryOutlines) -> list[Problem]:
    """The coordinates, when they fall far outside the record's country, with what may have gone wrong."""
    coordinates, code = record.facts.get("coordinates"), record.facts.get("country")
    lat, lon = (coordinates.get("lat"), coordinates.get("lon")) if isinstance(coordinates, dict) else (None, None)
    # A value the schema refuses (not a number, out of range, not a country code) is reported by it alone.
    if not (_numbers(lat, lon) and -90 <= lat <= 90 and -180 <= lon <= 180 and _country_code(code)):
        return []
    if not outlines.has(code):
        return []
    away = outlines.distance_km(lat, lon, code)
    if away <= TOLERANCE_KM:
        return []
    country = _COUNTRY_NAMES.get(code, code)
    message = f"lat {lat}, lon {lon} is about {away:,.0f} km outside {country} ({code}), the place's country"
    if -90 <= lon <= 90 and outlines.distance_km(lon, lat, code) == 0:
        message += f"; lat {lon}, lon {lat} would be in it: are lat and lon swapped?"
    elif outlines.distance_km(lat, -lon, code) == 0:
        message += f"; lon {-lon} would be in it: is the sign of lon wrong (west of Greenwich is negative)?"
    elif outlines.distance_km(-lat, lon, code) == 0:
        message += f"; lat {-lat} would be in it: is the sign of lat wrong (south of the equator is negative)?"
    else:
        found = outlines.countries_at(lat, lon)
        message += (
            f"; the point is in {_COUNTRY_NAMES.get(found[0], found[0])}"
            if found
            else "; no country's outline holds it (at sea?)"
        )
    return [Problem(source, record.doc.line_of(("coordinates",)), "coordinates", message)]


_COUNTRY_NAMES = Locale("en").territories


def _photo_file_problem(path: Path) -> str | None:
    """Why the build could not make copies of this photo (not an image, another format, damaged, too large to
    open), or None. The photo is decoded whole: a cut-off file opens, and fails only when its pixels are read.
    Its bytes key the record's checks (records.keyed_by_bytes), so this runs again only when it changes."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns from 89 million pixels, and refuses from twice that; the build would hold
            # hundreds of megabytes for one such photo.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.format not in _PHOTO_FORMATS:
                    return f"'{path.name}' is a {image.format} image; give a {_PHOTO_FORMATS_SAID} file"
                image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        return f"'{path.name}' has too many pixels to open (over {Image.MAX_IMAGE_PIXELS:,}); give a smaller copy"
    except Image.UnidentifiedImageError:
        return f"'{path.name}' is not an image the build can read ({_PHOTO_FORMATS_SAID})"
    except (OSError, SyntaxError, ValueError) as error:
        return f"'{path.name}' is damaged and cannot be read ({error})"
    return None


def _event_date_problems(facts, add) -> None:
    start, end, years = facts.get("start"), facts.get("end"), facts.get("possible_years")
    partial = [isinstance(v, str) and v.startswith("--") for v in (start, end) if v is not None]
    for key in ("start", "end"):
        value = facts.get(key)
        # A value not shaped like a date is the schema's to report.
        if isinstance(value, str) and _EVENT_DATE.match(value) and not _valid_event_date(value):
            add((key,), f"'{value}' is not a real date (YYYY-MM-DD, or --MM-DD when the year is unknown)")
    if any(partial) and not all(partial):
        add(("end",), "start and end must both have a year, or both be written --MM-DD")
    elif partial and partial[0] and not years:
        add(("possible_years",), "is required when the dates are written --MM-DD")
    elif partial and not partial[0] and years:
        add(("possible_years",), "only goes with dates written --MM-DD")
    comparable = (
        isinstance(start, str)
        and isinstance(end, str)
        and _valid_event_date(start)
        and _valid_event_date(end)
        # Compared only when both have a year or both lack one: '--06-17' < '2023-06-15' means nothing.
        and start.startswith("--") == end.startswith("--")
    )
    if comparable and end < start:
        add(("end",), f"{end} is before the start {start}")


def _valid_event_date(value: str) -> bool:
    partial = _PARTIAL_DATE.match(value)
    try:
        if partial:
            dt.date(2000, int(partial.group(1)), int(partial.group(2)))  # 2000 is a leap year
        else:
            dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _listed(value) -> list:
    """value when it is a list, else no items: a single value written without brackets (`programmes: x`) is
    reported once by the schema, not once more per character or with a traceback."""
    return value if isinstance(value, list) else []


def _country_code(value) -> bool:
    return isinstance(value, str) and value in _COUNTRY_CODES


def _numbers(*values) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def _dates(*values) -> bool:
    return all(isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in values)


# The folders every language of the site has for its own pages (/<lang>/<section>/). An editorial page lives at
# /<lang>/<slug>/: a slug or alias among these would take the address of one of them. Kept complete by
# tests/test_validation.py, against a build of the sample site.
SITE_SECTIONS = frozenset(
    {
        "calendar",
        "centres",
        "countries",
        "data",
        "disciplines",
        "embed",
        "events",
        "feeds",
        "kinds",
        "programmes",
        "search",
        "statistics",
    }
)


def reference_problems(records: dict[str, dict[str, Record]], rel) -> list[Problem]:
    """References between records, slugs or aliases that collide, editorial pages at a section's address, and
    links in the texts to pages the atlas does not have."""
    problems = _page_address_problems(records.get("page", {}), rel) + _text_link_problems(records, rel)
    for by_slug in records.values():
        for record in by_slug.values():
            for path, slug, target_type in _references(record):
                if (
                    isinstance(slug, str)
                    and SLUG.match(slug)  # one that is not a slug is the schema's to report
                    and slug not in records[target_type]
                ):
                    owner = _alias_owner(slug, records[target_type])
                    hint = closest(slug, records[target_type])
                    suggestion = f"; did you mean '{hint}'?" if hint else ""
                    message = (
                        f"'{slug}' is an old slug of the {target_type} '{owner}': write '{owner}'"
                        if owner
                        else f"no {target_type} '{slug}' in the atlas{suggestion}"
                    )
                    field = ".".join(map(str, path))
                    problems.append(Problem(rel(record.facts_path), record.doc.line_of(path), field, message))
        problems += _alias_problems(by_slug, rel)
    return problems


def copied_record_problems(records: dict[str, dict[str, Record]], rel) -> list[Problem]:
    """Warnings for a record named like another of its type in the same language, or a site placed at the very
    point of another: most often a folder copied to start a new record, and not yet told apart."""
    problems = []
    for by_slug in records.values():  # in folder order (records.bundle_folders): the later one is told
        named: dict[tuple[str, str], Record] = {}
        for record in by_slug.values():
            for lang, text in sorted(record.texts.items()):
                name = text.fields.get("name")
                if not isinstance(name, str) or not name.strip():
                    continue
                first = named.setdefault((lang, " ".join(name.casefold().split())), record)
                if first is not record:
                    message = f"'{name}' is also the name of {rel(first.folder)}: was one copied from the other?"
                    problems.append(Problem(rel(text.path), text.doc.line_of(("name",)), "name", message, "warning"))
    placed: dict[tuple, Record] = {}
    for record in records.get("centre", {}).values():
        coordinates = record.facts.get("coordinates")
        if not (isinstance(coordinates, dict) and coordinates.get("precision") == "site"):
            continue  # two places known only to their town may share its point
        point = (coordinates.get("lat"), coordinates.get("lon"))
        if not _numbers(*point):
            continue  # the schema reports it
        first = placed.setdefault(point, record)
        if first is not record:
            message = f"the very point of {rel(first.folder)}: was one copied from the other?"
            problems.append(
                Problem(rel(record.facts_path), record.doc.line_of(("coordinates",)), "coordinates", message, "warning")
            )
    return problems


def dated_in_the_future_problems(records: dict[str, dict[str, Record]], rel, today: dt.date) -> list[Problem]:
    """Facts dated after today that can only be past (a mistyped year: 2062 for 2026, 2052 for 2025): the site
    would publish them. last_verified may be a day ahead of today in UTC, for editors east of Greenwich. Not kept
    with a record's own checks (bundle_cache.py): the answer changes with the day, not with the record."""
    latest = today + dt.timedelta(days=1)
    problems = []
    for by_slug in records.values():
        for record in by_slug.values():
            source = rel(record.facts_path)
            value = record.get("last_verified")
            try:
                checked = dt.date.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                checked = None  # not a date: the schema says so
            if checked is not None and checked > latest:
                message = f"{value} is after today ({today}): the sources cannot have been checked on a day to come"
                problems.append(Problem(source, record.doc.line_of(("last_verified",)), "last_verified", message))
            for path, year, what in _past_years(record):
                if _numbers(year) and year > today.year:
                    field = ".".join(str(part) for part in path)
                    message = f"{year} is after this year ({today.year}): {what} cannot be in a year still to come"
                    problems.append(Problem(source, record.doc.line_of(path), field, message))
    return problems


def _past_years(record: Record):
    """(path, year, what it dates) of each year a record gives that can only be past. The years of calls
    (for_year) and events may be to come."""
    facts = record.facts
    membership = facts.get("membership") if isinstance(facts.get("membership"), dict) else {}
    since = membership.get("since")
    if isinstance(since, list):  # two years, when sources disagree
        for i, year in enumerate(since):
            yield ("membership", "since", i), year, "joining the network"
    else:
        yield ("membership", "since"), since, "joining the network"
    yield ("membership", "until"), membership.get("until"), "leaving the network"
    if record.type == "programme":
        yield ("since",), facts.get("since"), "the programme's start"
        yield ("until",), facts.get("until"), "the programme's end"
    for i, figure in enumerate(_listed(facts.get("figures"))):
        if isinstance(figure, dict):
            yield ("figures", i, "year"), figure.get("year"), "a published figure"
    heritage = facts.get("heritage") if isinstance(facts.get("heritage"), dict) else {}
    period = heritage.get("period") if isinstance(heritage.get("period"), dict) else {}
    for key in ("year", "from", "to"):
        yield ("heritage", "period", key), period.get(key), "building or founding"
    for i, protection in enumerate(_listed(heritage.get("protection"))):
        if isinstance(protection, dict):
            yield ("heritage", "protection", i, "year"), protection.get("year"), "a protection"


# The sections whose own page a text may link (atlas:<section>): those with an index page in every language
# (embeds, feeds and kinds have only pages of their own below it).
LINKED_SECTIONS = SITE_SECTIONS - {"embed", "feeds", "kinds"}
_RECORD_SECTIONS = {"centres": "centre", "programmes": "programme", "events": "event"}


def _text_link_problems(records: dict[str, dict[str, Record]], rel) -> list[Problem]:
    countries = countries_with_a_page(records)
    problems = []
    for by_slug in records.values():
        for record in by_slug.values():
            for _, text in sorted(record.texts.items()):
                if ATLAS_SCHEME not in text.body:  # the texts of a large atlas are read on every build
                    continue
                for number, line in lines_outside_code(text.body, text_body_line(text)):
                    for address in link_addresses(line):
                        if address.startswith(ATLAS_SCHEME):
                            target = address.removeprefix(ATLAS_SCHEME).split("#")[0]
                            message = _link_target_problem(target, records, countries)
                            if message:
                                problems.append(Problem(rel(text.path), number, "(description)", message))
    return problems


def _alias_owner(slug: str, candidates: dict[str, Record]) -> str | None:
    """The record that lists slug among its old slugs (aliases), if one does."""
    return next((r.slug for r in candidates.values() if slug in _listed(r.get("aliases"))), None)


def _link_target_problem(target: str, records: dict[str, dict[str, Record]], countries: set) -> str | None:
    """Why atlas:<target> links no page of the atlas (None when it does)."""
    parts = [part for part in target.split("/") if part]
    if len(parts) == 1 and (parts[0] in LINKED_SECTIONS or parts[0] in records.get("page", {})):
        return None
    if len(parts) == 2 and parts[0] in _RECORD_SECTIONS:
        candidates = records.get(_RECORD_SECTIONS[parts[0]], {})
        if parts[1] in candidates:
            return None
        owner = _alias_owner(parts[1], candidates)
        if owner:
            return f"link atlas:{target}: '{parts[1]}' is an old address; link atlas:{parts[0]}/{owner}"
        hint = closest(parts[1], candidates)
        suggestion = f"; did you mean atlas:{parts[0]}/{hint}?" if hint else ""
        return f"link atlas:{target}: no {_RECORD_SECTIONS[parts[0]]} '{parts[1]}' in the atlas{suggestion}"
    if len(parts) == 2 and parts[0] == "countries" and parts[1].upper() in countries and parts[1].islower():
        return None
    pages = ", ".join(sorted(records.get("page", {})))
    return (
        f"link atlas:{target}: no such page; link atlas:centres/<slug>, atlas:programmes/<slug>, "
        f"atlas:events/<slug>, atlas:countries/<code>, a section ({', '.join(sorted(LINKED_SECTIONS))}) "
        f"or an editorial page ({pages})"
    )


def _references(record: Record):
    """Every (path, slug, record type) that a record points at."""
    for key, target_type in (("programmes", "programme"), ("places", "centre")):
        for i, slug in enumerate(_listed(record.get(key))):
            yield (key, i), slug, target_type
    for i, call in enumerate(_listed(record.get("calls"))):
        joint = call.get("joint_with") if isinstance(call, dict) else None
        for j, slug in enumerate(_listed(joint)):
            yield ("calls", i, "joint_with", j), slug, "programme"


def _page_address_problems(pages: dict[str, Record], rel) -> list[Problem]:
    problems = []
    for record in pages.values():
        source = rel(record.facts_path)
        if record.slug in SITE_SECTIONS:
            message = f"'{record.slug}' is the address of the site's own {record.slug} pages: rename the page's folder"
            problems.append(Problem(source, None, "slug", message))
        for i, alias in enumerate(_listed(record.get("aliases"))):
            if isinstance(alias, str) and alias in SITE_SECTIONS:
                message = f"'{alias}' is the address of the site's own {alias} pages"
                problems.append(Problem(source, record.doc.line_of(("aliases", i)), f"aliases.{i}", message))
    return problems


def _alias_problems(by_slug: dict[str, Record], rel) -> list[Problem]:
    problems, owners = [], {}
    for record in by_slug.values():
        for i, alias in enumerate(_listed(record.get("aliases"))):
            if not isinstance(alias, str):
                continue
            source = rel(record.facts_path)
            line = record.doc.line_of(("aliases", i))
            if alias in by_slug:
                problems.append(
                    Problem(source, line, f"aliases.{i}", f"'{alias}' is the slug of another {record.type}")
                )
            elif alias in owners:
                problems.append(
                    Problem(source, line, f"aliases.{i}", f"'{alias}' is already an alias of '{owners[alias]}'")
                )
            else:
                owners[alias] = record.slug
    return problems
