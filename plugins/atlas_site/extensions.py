"""Plugins that extend the atlas site keep their state on one object per build, never in module globals.

connect_extension(name, factory) makes factory(site) once per AtlasSite (when the plugin is listed in
PLUGINS) and connects whichever of these methods the object has:
    add_specs(specs)                        -- append PageSpec objects: pages in every language
    page_context(views, parts, context)     -- add to a page's template context before it is rendered
    language_written(output, lang)          -- every page of lang is written
    write(output, views_by_lang)            -- write extra files once every page is written
    page_digest(parts, html)                -- a digest of a rendered page (bytes), kept with its key by the
                                               render cache (the search's, of what Pagefind reads of it)
    worker_state(), merge_worker_state(state) -- what changes while pages render, when a second process renders
                                               some languages (workers.py)
    worker_event(payload)                   -- called here when that process sends an event (workers.py)
and may have this attribute:
    written_first                           -- languages to render before the others (in each process): what
                                               the plugin does once they are written takes longest
"""

from __future__ import annotations

import sys
import weakref

from .site import language_written, page_context, page_specs_hook, site_written


def plugin_enabled(settings: dict, name: str) -> bool:
    """Whether the plugin called name is listed in PLUGINS (as a name or as a module)."""
    return any(getattr(p, "__name__", p).split(".")[-1] == name for p in settings.get("PLUGINS") or [])


def connect_extension(name: str, factory) -> None:
    builds: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def build_of(site):
        # Asked on every page, for every plugin: whether the plugin is enabled is settled once per build.
        if site not in builds:
            builds[site] = factory(site) if plugin_enabled(site.settings, name) else None
            if builds[site] is not None:
                site.extensions[name] = builds[site]
        return builds[site]

    def on_page_specs(site, specs):
        build = build_of(site)
        if build is not None and hasattr(build, "add_specs"):
            build.add_specs(specs)

    def on_page_context(site, views, parts, context):
        build = build_of(site)
        if build is not None and hasattr(build, "page_context"):
            build.page_context(views, parts, context)

    def on_language_written(site, output, lang):
        build = build_of(site)
        if build is not None and hasattr(build, "language_written"):
            build.language_written(output, lang)

    def on_site_written(site, output, views_by_lang):
        build = build_of(site)
        if build is not None and hasattr(build, "write"):
            build.write(output, views_by_lang)

    # The handlers are closures: blinker would drop weakly held ones as soon as this function returns.
    page_specs_hook.connect(on_page_specs, weak=False)
    page_context.connect(on_page_context, weak=False)
    language_written.connect(on_language_written, weak=False)
    site_written.connect(on_site_written, weak=False)


def stop_on_settings_error(check, error_type):
    """A handler for Pelican's `initialized` signal: check(settings) once at start-up; its error (which names
    the setting) stops the build with exit code 2 and no traceback."""

    def check_settings(pelican) -> None:
        try:
            check(pelican.settings)
        except error_type as error:
            print(f"pelicanconf: {error}", file=sys.stderr)
            raise SystemExit(2) from None

    return check_settings
