"""Atlas records: the content model, its schemas and the checks run by the build and `invoke check`."""

from .atlas import Atlas, load_atlas
from .strict_yaml import Problem

__all__ = ["Atlas", "Problem", "load_atlas"]


def register():
    """Nothing to connect: the atlas_site generator loads the records, so that one build checks them once.

    Listed in PLUGINS before atlas_site so that Pelican makes it importable.
    """
