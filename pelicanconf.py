"""Pelican settings for working on the atlas locally (see publishconf.py for the public site)."""

SITENAME = "Atlas des Centres culturels de rencontre"
SITEURL = ""
PATH = "content"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"

THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "atlas_records",
    "atlas_site",
    "atlas_maps",
    "atlas_data",
    "atlas_publish",
    "atlas_search",
    "atlas_images",
    "atlas_cards",
    "atlas_print",
]

# The atlas plugins write every page; Pelican's own article and page machinery stays idle.
ARTICLE_PATHS = []
PAGE_PATHS = []
STATIC_PATHS = []
DIRECT_TEMPLATES = []
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
ARTICLE_SAVE_AS = ""
PAGE_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
TAG_SAVE_AS = ""
DELETE_OUTPUT_DIRECTORY = True
THEME_STATIC_DIR = "theme"
CACHE_CONTENT = False

# Where editors' "suggest a correction" links point (the repository host), None to hide them.
REPO_URL = None
# Branch the correction links open the record's source on (REPO_URL/tree/<branch>/<record folder>).
REPO_BRANCH = "main"

ATLAS = {
    "languages": ["fr", "en", "ar", "zh"],
    "default_language": "fr",
}

# Maps (plugins/atlas_maps/settings.py lists every setting and its default). Tiles are fetched by the
# visitor's browser; the Natural Earth outlines shipped with the site show the land when they are not.
ATLAS_MAPS = {
    "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
}
