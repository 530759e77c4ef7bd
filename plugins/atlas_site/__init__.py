"""Atlas site: renders the checked records into the multilingual static site."""

from pelican import signals

from .generator import AtlasGenerator


def get_generators(pelican):
    return AtlasGenerator


def register():
    signals.get_generators.connect(get_generators)
