"""Atlas site: renders the checked records into the multilingual static site."""

from pathlib import Path

from pelican import signals

from .compact import compact_theme
from .generator import AtlasGenerator


def get_generators(pelican):
    return AtlasGenerator


def compact_theme_assets(pelican):
    """After Pelican copied the theme's static files: drop comments and indentation (bytes on every page)."""
    compact_theme(Path(pelican.output_path))


def register():
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(compact_theme_assets)
