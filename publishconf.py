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
