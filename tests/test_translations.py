"""Every interface string is translated, and the catalogues are up to date with the templates and plugins."""

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import tasks

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "theme" / "translations"


def msgids(path: Path) -> set:
    with path.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


def test_catalogue_template_lists_every_string_of_the_templates_and_plugins(tmp_path):
    fresh = tmp_path / "messages.pot"
    tasks.extract_messages(fresh)
    missing = msgids(fresh) - msgids(CATALOGUES / "messages.pot")
    assert not missing, f"run `invoke i18n-update`; strings missing from messages.pot: {sorted(missing)[:10]}"


@pytest.mark.parametrize("lang", ["fr", "ar", "zh"])
def test_every_interface_string_is_translated(lang):
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    expected = msgids(CATALOGUES / "messages.pot")
    translated = {
        m.id for m in catalog if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    assert expected - translated == set()


@pytest.mark.parametrize(
    "source, expected",
    [
        ('{{ _("Places") }}, {% trans %}Places{% endtrans %}', "Lieux, Lieux"),
        ('{% set _ = shadow %}{{ _("Places") }}', "[Places]"),
        (
            '{% macro m(gettext) %}{{ gettext("Places") }}{% endmacro %}{{ m(shadow) }}, {{ gettext("Places") }}',
            "[Places], Lieux",
        ),
        ('{% for _ in [shadow] %}{{ _("Places") }}{% endfor %}', "[Places]"),
    ],
)
def test_templates_translate_messages_unless_a_variable_takes_the_name_of_gettext(source, expected):
    """Messages without variables are looked up straight in the language's catalogue (atlas_site.templating): never when
    the template has its own variable called _ or gettext."""
    from atlas_site.i18n import Formatter, load_translations
    from atlas_site.templating import AtlasEnvironment

    env = AtlasEnvironment(extensions=["jinja2.ext.i18n"], autoescape=True)
    french = Formatter("fr", load_translations(CATALOGUES, "fr"))
    env.globals["_"] = env.globals["gettext"] = env.message = french.template_gettext
    assert french.gettext("Places") == "Lieux", "the sample message is not translated as expected"
    assert env.from_string(source).render(shadow=lambda message: f"[{message}]") == expected


def test_a_message_remembered_with_a_text_escapes_it_and_the_same_text_as_markup_stays_markup():
    from atlas_site.i18n import Formatter, load_translations
    from markupsafe import Markup

    english = Formatter("en", load_translations(CATALOGUES, "en"))
    message = "Page built on %(date)s."
    for _ in range(2):  # the second time from what the first remembered
        assert english.template_gettext(message, date="<b>1 May</b>") == "Page built on &lt;b&gt;1 May&lt;/b&gt;."
        assert english.template_gettext(message, date=Markup("<b>1 May</b>")) == "Page built on <b>1 May</b>."


def test_a_catalogue_edited_after_a_build_is_shown_by_the_next_and_an_unchanged_one_is_not_parsed_again(
    tmp_path, monkeypatch
):
    import atlas_site.i18n as i18n

    catalogues, compiled = tmp_path / "translations", tmp_path / "cache"
    shutil.copytree(CATALOGUES / "fr", catalogues / "fr")
    assert i18n.load_translations(catalogues, "fr", compiled).gettext("Places") == "Lieux"
    po = catalogues / "fr" / "LC_MESSAGES" / "messages.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgid "Places"\nmsgstr "Lieux"', 'msgid "Places"\nmsgstr "Sites"'),
        encoding="utf-8",
    )
    assert i18n.load_translations(catalogues, "fr", compiled).gettext("Places") == "Sites"

    monkeypatch.setattr(i18n, "read_po", lambda *args, **kwargs: pytest.fail("an unchanged catalogue was parsed"))
    assert i18n.load_translations(catalogues, "fr", compiled).gettext("Places") == "Sites"
