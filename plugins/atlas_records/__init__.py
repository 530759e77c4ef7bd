"""Atlas records: the content model, its schemas and the checks run by the build and `invoke check`."""

from .atlas import Atlas, load_atlas
from .strict_yaml import Problem

__all__ = ["Atlas", "Problem", "load_atlas"]


def copy_schemas(pelican) -> None:
    """Publish the JSON Schemas under /schemas/, so editors' tools can also point at the site's copy."""
    import shutil
    from pathlib import Path

    from .schemas import SCHEMA_DIR

    target = Path(pelican.output_path) / "schemas"
    target.mkdir(parents=True, exist_ok=True)
    for schema_file in sorted(SCHEMA_DIR.glob("*.json")):
        shutil.copyfile(schema_file, target / schema_file.name)


def register():
    """Publishes the schemas once the site is written; the records themselves are loaded by atlas_site.

    Listed in PLUGINS before atlas_site so that Pelican makes it importable.
    """
    from pelican import signals

    signals.finalized.connect(copy_schemas)
