"""Interface translations (gettext catalogues managed with Babel) and locale-aware formatting."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache
from io import BytesIO
from pathlib import Path

import babel
from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations
from markupsafe import Markup

from .kept_by_key import write_cache_file


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def plural_samples(lang: str) -> list[tuple[str, int]]:
    """One number for each CLDR plural category of the language (what Intl.PluralRules returns): a script
    picks the form of a translated count by category, and the catalogue's form for that number is it."""
    locale, samples = Locale.parse(lang), {}
    for number in [*range(0, 200), 1000000]:
        samples.setdefault(locale.plural_form(number), number)
    return sorted(samples.items())


def load_translations(catalogue_dir: Path, lang: str, cache_dir: Path | None = None) -> NullTranslations:
    """Compile the language's .po file, so a stale .mo can never be shown. With a cache folder, the compiled
    catalogue is kept there by a hash of the .po file's bytes and Babel's version: parsing the four .po files
    took a tenth of a one-record rebuild."""
    po_path = catalogue_dir / lang / "LC_MESSAGES" / "messages.po"
    try:
        po = po_path.read_bytes()
    except FileNotFoundError:
        return NullTranslations()
    compiled = None
    if cache_dir is not None:
        key = hashlib.sha256(f"{babel.__version__}\0{lang}\0".encode() + po).hexdigest()[:32]
        compiled = Path(cache_dir) / f"{lang}-{key}.mo"
        try:
            return Translations(fp=BytesIO(compiled.read_bytes()))
        except OSError:
            pass
    buffer = BytesIO()
    write_mo(buffer, read_po(BytesIO(po), locale=lang))
    if compiled is not None:
        write_cache_file(compiled, buffer.getvalue())
        for old in compiled.parent.glob(f"{lang}-*.mo"):  # of an earlier catalogue
            if old != compiled:
                old.unlink(missing_ok=True)
    buffer.seek(0)
    return Translations(fp=buffer)


_ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out += letters
            number -= value
    return out


def english_ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


@cache
def _language_name(code: str) -> str:
    return Locale.parse(code).get_display_name(code) or code


# Types of the message variables whose formatted messages are remembered: values equal as keys, shown alike.
_REMEMBERED_VALUES = (str, Markup, int)


class Formatter:
    """Dates, numbers and names in one language, through Babel and the catalogue."""

    def __init__(self, lang: str, translations: NullTranslations):
        self.lang = lang
        self.locale = Locale.parse(lang)
        self.translations = translations
        self._translated: dict[str, Markup] = {}
        self._formatted: dict[tuple, Markup] = {}
        self._dates: dict[tuple, str] = {}

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def template_gettext(self, message: str, **variables) -> Markup:
        """The templates' `_()` and `{% trans %}`: what Jinja's newstyle gettext gives with autoescaping (the
        translation as markup, always %-formatted with the escaped variables), remembered per message: a large
        build looks up the same few hundred messages hundreds of thousands of times."""
        if not variables:
            translated = self._translated.get(message)
            if translated is None:
                translated = self._translated[message] = self._formatted_message(message, {})
            return translated
        if not all(type(value) in _REMEMBERED_VALUES for value in variables.values()):
            return self._formatted_message(message, variables)
        # Also remembered: the same few values come back on page after page (the build's date, a precision, a
        # year), and Markup's % escapes each in Python. The values' types are in the key: a str is escaped, the
        # same text as Markup is not.
        key = (message, *((name, type(value), value) for name, value in variables.items()))
        formatted = self._formatted.get(key)
        if formatted is None:
            formatted = self._formatted[key] = self._formatted_message(message, variables)
        return formatted

    def _formatted_message(self, message: str, variables: dict) -> Markup:
        return Markup(self.translations.gettext(message)) % variables

    def date(self, value: str | dt.date, format: str = "long") -> str:
        """Remembered: every page shows the build's date (Babel takes 5 to 20 µs a date, 0.2 s for a large build)."""
        key = (value, format)
        if key not in self._dates:
            day = dt.date.fromisoformat(value) if isinstance(value, str) else value
            self._dates[key] = format_date(day, format, locale=self.locale)
        return self._dates[key]

    def date_range(self, start: dt.date, end: dt.date | None) -> str:
        if end is None or end == start:
            return self.date(start)
        return format_interval(start, end, "yMMMd", locale=self.locale)

    def month_day_range(self, start: tuple[int, int], end: tuple[int, int] | None) -> str:
        """A range of days whose year the sources leave open."""
        first = dt.date(2000, *start)
        if end is None or end == start:
            return format_skeleton("MMMMd", first, locale=self.locale)
        return format_interval(first, dt.date(2000, *end), "MMMd", locale=self.locale)

    def number(self, value) -> str:
        return format_decimal(value, locale=self.locale)

    def money(self, amount, currency: str) -> str:
        return format_currency(amount, currency, locale=self.locale, format_type="standard")

    def year(self, value: int) -> str:
        return format_decimal(value, format="0", locale=self.locale)

    def years(self, value) -> str:
        """One year, or both when sources disagree."""
        if isinstance(value, list):
            return self.gettext("%(first)s or %(second)s (sources disagree)") % {
                "first": self.year(value[0]),
                "second": self.year(value[1]),
            }
        return self.year(value)

    def century(self, number: int) -> str:
        # Brace format on purpose: a translation may use {ordinal} ("12th"), {roman} ("XII") or {number}
        # ("12"); Babel's python-format check would reject %(roman)s where the msgid only has %(ordinal)s.
        return self.gettext("{ordinal} century").format(
            ordinal=english_ordinal(number), roman=roman(number), number=self.number(number)
        )

    def country(self, code: str) -> str:
        return self.locale.territories.get(code, code)

    def language_name(self, code: str) -> str:
        return _language_name(code)
