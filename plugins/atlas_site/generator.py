"""The Pelican generator that checks the records, then writes every page of the atlas."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from atlas_records import load_atlas
from atlas_records.read_ahead import keys_sent
from pelican.generators import Generator

from .render_cache import BUNDLE_KEYS_ENV
from .settings import atlas_settings
from .site import AtlasSite, build_cache_dir

logger = logging.getLogger(__name__)


class AtlasGenerator(Generator):
    """Checks run when the generator is made: Pelican empties the output folder only after that."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Checked at start-up (atlas_site.check_settings, on Pelican's initialized signal): a wrong setting
        # stopped the build before this generator was made.
        self.config = atlas_settings(self.settings)
        keys_fd = os.environ.pop(BUNDLE_KEYS_ENV, None)
        self.atlas = load_atlas(
            self.config["root"],
            self.config["languages"],
            self.config["default_language"],
            cache_dir=build_cache_dir(self.theme),
            keys=keys_sent(int(keys_fd)) if keys_fd else None,
            outlines=self.config["country_outlines"],
            needs_places=True,
        )
        # The same report as `invoke check` (tasks.build_site relies on it: it does not check separately).
        if self.atlas.report(sys.stderr):
            print(f"{len(self.atlas.errors)} error(s) in the content: nothing was built.", file=sys.stderr)
            # SystemExit, not an exception: editors get the list above, never a traceback.
            raise SystemExit(1)
        self.site = AtlasSite(self.atlas, self.config, self.settings, self.theme)
        self.context["atlas"] = self.atlas
        self.context["atlas_site"] = self.site

    def generate_context(self):
        self.site.page_specs()  # fail early on a template-independent mistake

    def generate_output(self, writer):
        written = self.site.render_all(Path(self.output_path))
        logger.info("Atlas: wrote %d pages in %d languages", len(written), len(self.config["languages"]))
