"""Atlas site: renders the checked records into the multilingual static site.

Pelican and the generator are imported when Pelican registers the plugin, not with the package: the process that
runs a build (tasks.build_site) reads the render cache's keys and lays the output in place with render_cache.py
and overlay.py alone, and waits for Pelican with some 30 MB less memory than with the whole plugin loaded."""

from pathlib import Path


def get_generators(pelican):
    from .generator import AtlasGenerator

    return AtlasGenerator


def compact_theme_assets(pelican):
    """After Pelican copied the theme's static files: drop comments and indentation (bytes on every page)."""
    from .compact import compact_theme

    compact_theme(Path(pelican.output_path))


def check_settings(pelican):
    """ATLAS, checked at start-up before the namespaces of the atlas plugins listed after this one (some read
    ATLAS['languages'])."""
    from .extensions import stop_on_settings_error
    from .settings import SettingsError, atlas_settings

    stop_on_settings_error(atlas_settings, SettingsError)(pelican)


def register():
    from pelican import signals

    signals.initialized.connect(check_settings)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(compact_theme_assets)
