"""atlas_site: the ATLAS settings namespace and the locale-aware formatter."""

from __future__ import annotations

import pytest
from atlas_site.i18n import Formatter, english_ordinal, roman
from atlas_site.settings import SettingsError, atlas_settings
from babel.support import NullTranslations


def settings(tmp_path, **atlas):
    (tmp_path / "content").mkdir(exist_ok=True)
    return {"PATH": str(tmp_path / "content"), "ATLAS": atlas}


def test_defaults_take_the_parent_of_path_as_root(tmp_path):
    config = atlas_settings(settings(tmp_path))
    assert config["root"] == tmp_path.resolve()
    assert config["languages"] == ["fr", "en", "ar", "zh"]


@pytest.mark.parametrize(
    ("atlas", "named"),
    [
        ({"langauges": ["fr"]}, "ATLAS['langauges'] is not a setting"),
        ({"languages": []}, "ATLAS['languages']"),
        ({"default_language": "de"}, "ATLAS['default_language'] 'de'"),
        ({"fallbacks": {"ar": ["de"]}}, "ATLAS['fallbacks']['ar'] names 'de'"),
        ({"root": "/nonexistent/atlas"}, "ATLAS['root']"),
        # Each of these met a traceback later in the build.
        ({"languages": -1}, "ATLAS['languages']"),
        ({"rtl_languages": "ar"}, "ATLAS['rtl_languages']"),
        ({"fallbacks": ["fr"]}, "ATLAS['fallbacks']"),
        ({"fallbacks": {"ar": "fr"}}, "ATLAS['fallbacks']['ar'] must be a list"),
        ({"root": -1}, "ATLAS['root']"),
        ({"history_page": ["history"]}, "ATLAS['history_page']"),
        ({"render_processes": True}, "ATLAS['render_processes']"),
    ],
)
def test_wrong_setting_is_named(tmp_path, atlas, named):
    with pytest.raises(SettingsError, match=named.replace("[", r"\[").replace("]", r"\]")):
        atlas_settings(settings(tmp_path, **atlas))


@pytest.mark.parametrize(
    ("number", "expected"), [(1, "I"), (4, "IV"), (9, "IX"), (12, "XII"), (14, "XIV"), (19, "XIX"), (21, "XXI")]
)
def test_roman_numerals(number, expected):
    assert roman(number) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (112, "112th"),
    ],
)
def test_english_ordinals(number, expected):
    assert english_ordinal(number) == expected


@pytest.mark.parametrize("lang", ["fr", "en", "ar", "zh"])
def test_years_are_written_without_grouping_separators(lang):
    # 1 975 (French grouping) or 1,975 would be wrong for a year.
    text = Formatter(lang, NullTranslations()).year(1975)
    assert sum(c.isdigit() for c in text) == 4
    assert not any(c in text for c in ", .\u00a0\u202f\u066c"), repr(text)


def test_disputed_years_name_both_years():
    text = Formatter("en", NullTranslations()).years([2001, 2003])
    assert "2001" in text and "2003" in text


def test_country_names_follow_the_language():
    assert Formatter("fr", NullTranslations()).country("BE") == "Belgique"
    assert Formatter("en", NullTranslations()).country("BE") == "Belgium"
