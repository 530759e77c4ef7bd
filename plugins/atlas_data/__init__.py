"""Atlas data: open-data downloads, statistics, calendars (iCalendar and Atom), sitemaps and sharing metadata.

It adds pages through the atlas_site hooks (atlas_page_specs, atlas_page_context) and writes its files when
every page is written (atlas_site_written). Its settings are the ATLAS_DATA namespace (see settings.py).
"""

from __future__ import annotations

from atlas_site.extensions import connect_extension, stop_on_settings_error
from pelican import signals

from .settings import DataSettingsError, data_settings

check_settings = stop_on_settings_error(data_settings, DataSettingsError)


def register():
    signals.initialized.connect(check_settings)
    connect_extension("atlas_data", _data_build)


def _data_build(site):
    from .build import DataBuild  # imported late: it needs the atlas_site package loaded first

    return DataBuild(site)
