"""Atlas cards: a 1200×630 PNG share card for every place and programme in every language, and one of the atlas
itself per language for the other pages (and a fact sheet shares its place's).

Drawn with Pillow (libraqm shapes Arabic right to left; Chinese uses a CJK font), cached by a hash of
everything drawn on it, the fonts and this code, and referenced by og:image / twitter:image (partials/meta.html).
The fonts come from Debian packages (fonts.py); tasks.build_site installs them when missing, as root.
"""


def check_settings(pelican):
    from atlas_site.extensions import stop_on_settings_error

    from .settings import CardsSettingsError, cards_settings

    stop_on_settings_error(cards_settings, CardsSettingsError)(pelican)


def register():
    from atlas_site.extensions import connect_extension
    from pelican import signals

    from .cards import CardBuild

    signals.initialized.connect(check_settings)
    connect_extension("atlas_cards", CardBuild)
