"""Settings for the public site: absolute URLs for canonical links, alternates and sharing."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

# CI passes the Pages address; a local `invoke publish` needs it too, so that no guessed host is published.
SITEURL = os.environ.get("ATLAS_SITEURL", "").rstrip("/")
if not SITEURL.startswith(("http://", "https://")):
    sys.exit("publishconf: set ATLAS_SITEURL to the public address of the site, e.g. https://example.org/atlas")
RELATIVE_URLS = False

# Feeds on: the atlas_data plugin writes every language's Atom feed and the iCalendar files, with the absolute
# links they need from SITEURL. Pelican's own article feeds stay off: the atlas has no Pelican articles, and an
# empty Pelican feed would carry the build time, which breaks reproducible builds.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = None

# The repository the "suggest a correction" links open; CI passes its own (GitHub Actions: server URL and
# repository name), so no host is guessed here.
REPO_URL = os.environ.get("ATLAS_REPO_URL") or REPO_URL  # noqa: F405
