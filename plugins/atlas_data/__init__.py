"""Atlas data: open-data downloads, statistics, calendars (iCalendar and Atom), sitemaps and sharing metadata.

It adds pages through the atlas_site hooks (atlas_page_specs, atlas_page_context) and writes its files when
every page is written (atlas_site_written). Its settings are the ATLAS_DATA namespace (see settings.py).
"""

from __future__ import annotations

import logging
import sys
import weakref

from blinker import signal
from pelican import signals

from .settings import DataSettingsError, data_settings

logger = logging.getLogger(__name__)

# One DataBuild per AtlasSite, so nothing leaks between builds (or tests).
_builds: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def build_for(site):
    from .build import DataBuild

    if site not in _builds:
        _builds[site] = DataBuild(site)
    return _builds[site]


def check_settings(pelican) -> None:
    """Check ATLAS_DATA once at start-up; a mistake stops the build with the setting named."""
    try:
        data_settings(pelican.settings)
    except DataSettingsError as error:
        print(f"pelicanconf: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def on_page_specs(site, specs):
    build_for(site).add_specs(specs)


def on_page_context(site, views, parts, context):
    build_for(site).page_context(views, parts, context)


def on_site_written(site, output, views_by_lang):
    written = build_for(site).write_files(output, views_by_lang)
    logger.info("Atlas data: wrote %d files", len(written))


def register():
    signals.initialized.connect(check_settings)
    signal("atlas_page_specs").connect(on_page_specs)
    signal("atlas_page_context").connect(on_page_context)
    signal("atlas_site_written").connect(on_site_written)
