"""One build of the atlas site: which pages exist, their URLs, and rendering them in every language."""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from atlas_records.records import countries_with_a_page
from blinker import signal
from jinja2 import FileSystemLoader, StrictUndefined

from .dependencies import Dependencies
from .i18n import Formatter, load_translations
from .icons import ICON_FILES, write_icons
from .labels import DISCIPLINES, KINDS
from .markup import MarkdownRenderer
from .render_cache import RenderCache
from .templating import AtlasEnvironment
from .views import Views, sort_key
from .workers import Worker, split_languages

# Hooks for other atlas plugins (maps, data...), sent with the AtlasSite as sender:
#   page_context(site, views=, parts=, context=): add to a page's template context before it is rendered;
#   site_written(site, output=, views_by_lang=): write extra files once every page is written;
#   page_specs_hook(site, specs=): append PageSpec objects for whole new pages, written in every language;
#   language_written(site, output=, lang=): every page of lang is written (the search indexes it meanwhile).
page_context = signal("atlas_page_context")
site_written = signal("atlas_site_written")
page_specs_hook = signal("atlas_page_specs")
language_written = signal("atlas_language_written")


@dataclass
class PageSpec:
    """A page that exists in every language: its path after /<lang>/, template and context builder."""

    parts: tuple[str, ...]
    template: str
    context: Callable[[Views], dict]
    # False for pages marked noindex (fact sheets, embeds): sitemaps leave them out.
    indexable: bool = True
    # What the page shows, as dependency tokens (dependencies.py), so an unchanged page is known before it is
    # built; None: anything (rendered again whenever any record changes). The menu is added to every page's.
    depends: tuple[tuple, ...] | None = None

    def file(self, lang: str) -> str:
        """Its file's path in the site: a join, not a Path (made for each of some 23,000 pages per build)."""
        return "/".join((lang, *self.parts, "index.html"))


class AtlasSite:
    """Everything one build needs; made per build so nothing leaks between builds (or tests)."""

    PATHS = {"centre": "centres", "programme": "programmes", "event": "events", "page": "", "country": "countries"}

    def __init__(self, atlas, config: dict, pelican_settings: dict, theme: str):
        self.atlas = atlas
        self.config = config
        self.settings = pelican_settings
        self.languages = config["languages"]
        self.default_language = config["default_language"]
        self.siteurl = pelican_settings.get("SITEURL", "").rstrip("/")
        self.icon_urls = {name: f"{self.siteurl}/{file}" for name, file in ICON_FILES.items()}
        self._footer_links: dict[str, list[dict]] = {}
        self.markdown = MarkdownRenderer(build_cache_dir(theme) / "atlas-markdown")
        self.today = build_date()
        self.theme = Path(theme)
        self.env = AtlasEnvironment(
            loader=FileSystemLoader(str(self.theme / "templates")),
            auto_reload=False,  # a build reads each template once: no stat of its file per page
            extensions=["jinja2.ext.i18n"],
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=StrictUndefined,
        )
        # Same whitespace policy as babel.cfg, so the msgids extracted match the ones looked up.
        self.env.policies["ext.i18n.trimmed"] = True
        catalogues, compiled = self.theme / "translations", build_cache_dir(theme) / "atlas-translations"
        self.formatters = {
            lang: Formatter(lang, load_translations(catalogues, lang, compiled)) for lang in self.languages
        }
        self._places: dict[bool, list] = {}
        self._specs: list[PageSpec] | None = None
        self.dependencies = Dependencies(atlas)
        self.render_cache = RenderCache(self)
        self._attachments: list[str] | None = None  # files brought by the page being built (see attach)
        self.processes = config["render_processes"]
        self.send_to_parent: Callable | None = None  # in a second rendering process: sends events (workers.py)
        self.extensions: dict[str, object] = {}  # the plugins' per-build objects, by plugin (extensions.py)
        self.views_by_lang: dict[str, Views] = {}
        self._events_by_place = defaultdict(list)
        for event in atlas.of_type("event"):
            for slug in event.get("places") or []:
                self._events_by_place[slug].append(event)

    # -- URLs and languages ----------------------------------------------------------------------
    def url(self, lang: str, *parts: str) -> str:
        path = "/".join(p for p in parts if p)
        return f"{self.siteurl}/{lang}/{path}/" if path else f"{self.siteurl}/{lang}/"

    def chain(self, lang: str) -> list[str]:
        """The page's language, then its fallbacks, then the default language."""
        chain = [lang, *self.config["fallbacks"].get(lang, []), self.default_language]
        return list(dict.fromkeys(chain))

    def direction(self, lang: str) -> str:
        return "rtl" if lang in self.config["rtl_languages"] else "ltr"

    # -- queries ---------------------------------------------------------------------------------
    def places(self, current: bool = True):
        if current not in self._places:
            self._places[current] = [
                r for r in self.atlas.of_type("centre") if (r["kind"] != "former-member") == current
            ]
        return list(self._places[current])

    def events_at(self, slug: str):
        return sorted(self._events_by_place.get(slug, []), key=self.event_sort_date)

    def hosts_of(self, programme_slug: str):
        return [r for r in self.atlas.of_type("centre") if programme_slug in (r.get("programmes") or [])]

    def countries(self) -> list[str]:
        return sorted(countries_with_a_page(self.atlas.records))

    def kinds(self) -> list[str]:
        present = {r["kind"] for r in self.places()}
        return [k for k in KINDS if k in present]

    def disciplines(self) -> list[str]:
        present = {d for r in self.places() for d in r["disciplines"]}
        return [d for d in DISCIPLINES if d in present]

    @staticmethod
    def event_sort_date(record) -> dt.date:
        start = record["start"]
        if start.startswith("--"):
            return dt.date(min(record["possible_years"]), int(start[2:4]), int(start[5:7]))
        return dt.date.fromisoformat(start)

    # -- pages -----------------------------------------------------------------------------------
    def page_specs(self) -> list[PageSpec]:
        """Every page of the build (made once: plugins add theirs through page_specs_hook)."""
        if self._specs is None:
            self._specs = self._page_specs()
        return list(self._specs)

    def _page_specs(self) -> list[PageSpec]:
        lists = self.lists_depend()
        specs = [PageSpec((), "home.html", self.home_context, depends=lists)]
        specs.append(
            PageSpec(
                ("centres",), "place_list.html", lambda v: self.list_context(v, self.places(), "all"), depends=lists
            )
        )
        for record in self.atlas.of_type("centre"):
            specs.append(
                PageSpec(
                    ("centres", record.slug),
                    "place.html",
                    lambda v, r=record: {"place": v.place(r)},
                    depends=self.place_depends(record),
                )
            )
        specs.append(PageSpec(("countries",), "country_index.html", self.country_index_context, depends=lists))
        for code in self.countries():
            specs.append(
                PageSpec(
                    ("countries", code.lower()),
                    "country.html",
                    lambda v, c=code: self.country_context(v, c),
                    depends=(*lists, ("record", "country", code.lower())),
                )
            )
        by_kind, by_discipline = defaultdict(list), defaultdict(list)
        for record in self.places():
            by_kind[record["kind"]].append(record)
            for discipline in record["disciplines"]:
                by_discipline[discipline].append(record)
        for kind in self.kinds():
            places = by_kind[kind]
            specs.append(
                PageSpec(
                    ("kinds", kind),
                    "place_list.html",
                    lambda v, k=kind, p=places: self.list_context(v, p, "kind", k),
                    depends=lists,
                )
            )
        specs.append(PageSpec(("disciplines",), "discipline_index.html", self.discipline_index_context, depends=lists))
        for discipline in self.disciplines():
            places = by_discipline[discipline]
            specs.append(
                PageSpec(
                    ("disciplines", discipline),
                    "place_list.html",
                    lambda v, d=discipline, p=places: self.list_context(v, p, "discipline", d),
                    depends=lists,
                )
            )
        specs.append(PageSpec(("programmes",), "programme_list.html", self.programme_list_context, depends=lists))
        for record in self.atlas.of_type("programme"):
            specs.append(
                PageSpec(
                    ("programmes", record.slug),
                    "programme.html",
                    lambda v, r=record: {"programme": v.programme(r)},
                    depends=(*lists, ("record", "programme", record.slug)),
                )
            )
        specs.append(PageSpec(("events",), "event_list.html", self.event_list_context, depends=lists))
        for record in self.atlas.of_type("event"):
            specs.append(
                PageSpec(
                    ("events", record.slug),
                    "event.html",
                    lambda v, r=record: {"event": v.event(r)},
                    depends=(*lists, ("record", "event", record.slug)),
                )
            )
        for record in self.atlas.of_type("page"):
            specs.append(
                PageSpec(
                    (record.slug,),
                    "page.html",
                    lambda v, r=record: self.editorial_context(v, r),
                    depends=(*lists, ("record", "page", record.slug)),
                )
            )
        page_specs_hook.send(self, specs=specs)
        return specs

    def lists_depend(self) -> tuple[tuple, ...]:
        """Dependencies of a page listing records: every record as lists show it (not the bodies)."""
        return tuple(("summaries", record_type) for record_type in sorted(self.atlas.records))

    def place_depends(self, record) -> tuple[tuple, ...]:
        """Dependencies of a page about one place: all of it, and the links it shows to other kinds of record
        (programmes, events); other places are not shown, so editing one does not touch this page."""
        return (("record", "centre", record.slug), *self._place_shows_summaries)

    @functools.cached_property
    def _place_shows_summaries(self) -> tuple[tuple, ...]:
        return tuple(("summaries", t) for t in sorted(self.atlas.records) if t != "centre")

    def home_context(self, views: Views) -> dict:
        places = self.places()
        by_country = defaultdict(int)
        for r in places:
            by_country[r["country"]] += 1
        return {
            "place_count": len(places),
            "country_count": len(by_country),
            "countries": sorted(
                (
                    {"name": views.fmt.country(c), "url": self.url(views.lang, "countries", c.lower()), "count": n}
                    for c, n in by_country.items()
                ),
                key=lambda c: sort_key(c["name"]),
            ),
            "kinds": [
                {
                    "label": views._(KINDS[k][1]),
                    "url": self.url(views.lang, "kinds", k),
                    "count": sum(1 for r in places if r["kind"] == k),
                }
                for k in self.kinds()
            ],
            "programmes": [views.link("programme", r.slug) for r in self.sorted_programmes()],
            "events": [
                views.event(r) for r in sorted(self.atlas.of_type("event"), key=self.event_sort_date, reverse=True)[:3]
            ],
        }

    def list_context(self, views: Views, records, scope: str, key: str | None = None) -> dict:
        if scope == "kind":
            title = views._(KINDS[key][1])
        elif scope == "discipline":
            title = views._(DISCIPLINES[key])
        else:
            title = views._("All places")
        return {"title": title, "scope": scope, "places": views.place_cards(records)}

    def country_index_context(self, views: Views) -> dict:
        items = []
        for code in self.countries():
            count = sum(1 for r in self.places() if r["country"] == code)
            items.append(
                {
                    "name": views.fmt.country(code),
                    "url": self.url(views.lang, "countries", code.lower()),
                    "count": count,
                }
            )
        return {"countries": sorted(items, key=lambda c: sort_key(c["name"]))}

    def country_context(self, views: Views, code: str) -> dict:
        intro = self.atlas.records["country"].get(code.lower())
        programmes = [
            views.link("programme", r.slug) for r in self.sorted_programmes() if code in (r.get("countries") or [])
        ]
        return {
            "country_name": views.fmt.country(code),
            "code": code,
            "intro": views.common(intro, "countries") if intro else None,
            "places": views.place_cards([r for r in self.places() if r["country"] == code]),
            "programmes": programmes,
        }

    def discipline_index_context(self, views: Views) -> dict:
        items = [
            {
                "label": views._(DISCIPLINES[d]),
                "url": self.url(views.lang, "disciplines", d),
                "count": sum(1 for r in self.places() if d in r["disciplines"]),
            }
            for d in self.disciplines()
        ]
        return {"disciplines": sorted(items, key=lambda d: sort_key(d["label"]))}

    def sorted_programmes(self):
        return sorted(self.atlas.of_type("programme"), key=lambda r: (r["since"], r.slug))

    def programme_list_context(self, views: Views) -> dict:
        return {"programmes": [views.programme(r) for r in self.sorted_programmes()]}

    def event_list_context(self, views: Views) -> dict:
        events = [views.event(r) for r in self.atlas.of_type("event")]
        events.sort(key=lambda e: e["sort_date"], reverse=True)
        return {"upcoming": [e for e in events if not e["is_past"]][::-1], "past": [e for e in events if e["is_past"]]}

    def editorial_context(self, views: Views, record) -> dict:
        context = {"page": views.common(record, "")}
        if record.slug == self.config["history_page"]:
            context["former"] = views.place_cards(self.places(current=False))
        return context

    def menu(self, views: Views) -> list[dict]:
        items = [
            {"label": views._("Places"), "parts": ("centres",)},
            {"label": views._("Countries"), "parts": ("countries",)},
            {"label": views._("Programmes"), "parts": ("programmes",)},
            {"label": views._("Events"), "parts": ("events",)},
        ]
        pages = sorted((r for r in self.atlas.of_type("page") if r.get("in_menu", True)), key=lambda r: r["order"])
        items += [{"label": views.text_fields(r)[0].get("name", r.slug), "parts": (r.slug,)} for r in pages]
        for item in items:
            item["url"] = self.url(views.lang, *item["parts"])
        return items

    def footer_links(self, views: Views) -> list[dict]:
        """The editorial pages linked from every page's footer (in_footer), made once per language."""
        if views.lang not in self._footer_links:
            pages = sorted((r for r in self.atlas.of_type("page") if r.get("in_footer")), key=lambda r: r["order"])
            self._footer_links[views.lang] = [
                {"label": views.text_fields(r)[0].get("name", r.slug), "url": self.url(views.lang, r.slug)}
                for r in pages
            ]
        return self._footer_links[views.lang]

    # -- rendering -------------------------------------------------------------------------------
    def render_all(self, output: Path) -> list[str]:
        """Write every page in every language, the alias redirects and the root; return the paths."""
        written = []
        cache = self.render_cache
        specs = self.page_specs()
        menu_digest = self.dependencies.digest(("summaries", "page"))
        pages = {lang: [] for lang in self.languages}
        for spec in specs:
            # What a page shows is the same in every language: it is digested once.
            relatives = [spec.file(lang) for lang in self.languages]
            keys = cache.keys(relatives, spec.template, [menu_digest, *self.dependencies.digests(spec.depends)])
            for lang, relative, key in zip(self.languages, relatives, keys, strict=True):
                pages[lang].append((spec, relative, key))
        written += [relative for lang in self.languages for _, relative, _ in pages[lang]]
        # A page whose key did not change is kept from the previous output (render_cache.py): not written at all.
        pages = {lang: [(s, r, k) for s, r, k in pages[lang] if not cache.reuse(r, k)] for lang in self.languages}
        self.markdown.expect(sum(map(len, pages.values())))
        first = tuple(lang for build in self.extensions.values() for lang in getattr(build, "written_first", ()))
        groups = split_languages(self.languages, {lang: len(pages[lang]) for lang in pages}, self.processes, first)
        worker = None
        if len(groups) > 1:

            def render_there(send: Callable) -> dict:
                self.send_to_parent = send
                return {"written": self.render_languages(output, groups[1], pages), "state": self.worker_state()}

            worker = Worker(render_there, on_event=self.worker_event)
        try:
            written += self.render_languages(output, groups[0], pages)
            if worker is not None:
                done = worker.result()
                written += done["written"]
                self.merge_worker_state(done["state"])
        finally:
            if worker is not None:
                worker.stop()
        # The views of the languages rendered here hold what they built; the others' are made again.
        views_by_lang = {lang: self.views_by_lang.get(lang) or self.activate(lang) for lang in self.languages}
        written.append(self.write_root(output))
        written += write_icons(output, build_cache_dir(self.theme) / "atlas-icons")
        site_written.send(self, output=output, views_by_lang=views_by_lang)
        cache.save()
        self.markdown.save(
            text.body for by_slug in self.atlas.records.values() for r in by_slug.values() for text in r.texts.values()
        )
        return written

    def render_languages(self, output: Path, languages: list[str], pages: dict) -> list[str]:
        """Render the pages to render (pages[lang]) and the alias redirects of these languages; return the
        paths written."""
        written = []
        for lang in languages:
            views = self.views_by_lang[lang] = self.activate(lang)
            self.render_pages(output, views, pages[lang])
            written += self.write_aliases(output, views)
            language_written.send(self, output=output, lang=lang)
        return written

    def worker_state(self) -> dict:
        """What a second process changed while rendering: see workers.py."""
        parts = self.stateful_parts()
        return {name: part.worker_state() for name, part in parts.items() if hasattr(part, "worker_state")}

    def merge_worker_state(self, state: dict) -> None:
        parts = self.stateful_parts()
        for name, part_state in state.items():
            parts[name].merge_worker_state(part_state)

    def worker_event(self, name: str, payload) -> None:
        """An event a second process sent while rendering, for the part called name (workers.py)."""
        self.stateful_parts()[name].worker_event(payload)

    def stateful_parts(self) -> dict[str, object]:
        """The per-build objects that change while pages render, by name."""
        return {"render_cache": self.render_cache, "markdown": self.markdown, **self.extensions}

    def render_pages(self, output: Path, views: Views, pages: list[tuple[PageSpec, str, str]]) -> None:
        """Build and write pages (spec, path, key) of views' language, remembering each key for the next build."""
        menu = self.menu(views) if pages else None
        digesters = [build.page_digest for build in self.extensions.values() if hasattr(build, "page_digest")]
        for spec, relative, key in pages:
            self._attachments = []
            context = self.base_context(views, spec.parts, menu)
            context.update(spec.context(views))
            page_context.send(self, views=views, parts=spec.parts, context=context)
            html = self.render_page(output, (views.lang, *spec.parts), spec.template, context)
            digest = "".join(page_digest(spec.parts, html) for page_digest in digesters)
            self.render_cache.record(relative, key, self._attachments, digest)
            self._attachments = None

    def attach(self, relative: str) -> None:
        """Name a file (path in the site) that the page being built brings with it, such as its share card:
        when the page is taken unchanged from the previous build, so is that file."""
        if self._attachments is not None:
            self._attachments.append(relative)

    def unchanged_file(self, relative: str, depends: tuple[tuple, ...], key: str | None = None) -> bool:
        """For a file written once the pages are (a calendar...): True when the previous build's copy is kept
        because what it shows (dependency tokens) did not change; else the caller writes it. key: its file_key,
        when the caller made it already."""
        key = key or self.file_key(relative, depends)
        if self.render_cache.reuse(relative, key):
            return True
        self.render_cache.record(relative, key, [])
        return False

    def file_key(self, relative: str, depends: tuple[tuple, ...]) -> str:
        """The key of a file written once the pages are (see unchanged_file): what decides its bytes."""
        return self.render_cache.key(relative, "", self.dependencies.digests(depends))

    def activate(self, lang: str) -> Views:
        """Switch the templates' gettext to lang and return the views of that language."""
        fmt = self.formatters[lang]
        self.env.install_gettext_translations(fmt.translations, newstyle=True)
        # The same results as the newstyle gettext just installed (every template is autoescaped), without
        # its two template-level calls per message.
        self.env.globals["_"] = self.env.globals["gettext"] = self.env.message = fmt.template_gettext
        return Views(self, lang, fmt)

    def base_context(self, views: Views, parts: tuple[str, ...], menu) -> dict:
        lang = views.lang
        # The page's URL in each language, once: the links to its translations, its canonical URL and the
        # language switcher all use them.
        urls = {code: self.url(code, *parts) for code in self.languages}
        return {
            "lang": lang,
            "dir": self.direction(lang),
            "fmt": views.fmt,
            "SITEURL": self.siteurl,
            "SITENAME": self.settings.get("SITENAME", ""),
            "page_url": urls[lang],
            "canonical": self.absolute(urls[lang]),
            "alternates": [{"lang": code, "url": self.absolute(urls[code])} for code in self.languages],
            "x_default": self.absolute(urls[self.default_language]),
            "switcher": [
                {
                    "lang": code,
                    "name": views.fmt.language_name(code),
                    "url": urls[code],
                    "dir": self.direction(code),
                    "current": code == lang,
                }
                for code in self.languages
            ],
            "menu": menu,
            "current_path": parts,
            "home_url": self.url(lang),
            "static": f"{self.siteurl}/theme",
            "icons": self.icon_urls,
            "footer_links": self.footer_links(views),
            "repo_url": self.settings.get("REPO_URL"),
            "build_date": views.fmt.date(self.today),
        }

    def absolute(self, url: str) -> str:
        return url

    def write(self, output: Path, parts: tuple[str, ...], template: str, context: dict) -> str:
        self.render_page(output, parts, template, context)
        return str(Path(*parts) / "index.html")

    def render_page(self, output: Path, parts: tuple[str, ...], template: str, context: dict) -> bytes:
        """Render the page at /parts/ into output; return its bytes."""
        target = output.joinpath(*parts, "index.html")
        self.render_cache.make_folder(target.parent)
        html = self.env.get_template(template).render(context).encode("utf-8")
        target.write_bytes(html)  # the build's own folder: nothing in it links to the previous output
        return html

    def write_aliases(self, output: Path, views: Views) -> list[str]:
        written = []
        for record_type, by_slug in self.atlas.records.items():
            for record in by_slug.values():
                for alias in record.get("aliases") or []:
                    prefix = self.PATHS[record_type]
                    target = self.url(views.lang, prefix, record.slug)
                    context = {
                        "lang": views.lang,
                        "dir": self.direction(views.lang),
                        "target": target,
                        "name": views.text_fields(record)[0].get("name", record.slug),
                    }
                    written.append(
                        self.write(
                            output,
                            (views.lang, prefix, alias) if prefix else (views.lang, alias),
                            "redirect.html",
                            context,
                        )
                    )
        return written

    def write_root(self, output: Path) -> str:
        lang = self.default_language
        self.activate(lang)
        context = {
            "lang": lang,
            "dir": self.direction(lang),
            "target": self.url(lang),
            "homes": {code: self.url(code) for code in self.languages},
            "static": f"{self.siteurl}/theme",
            "name": self.settings.get("SITENAME", ""),
            "languages": [
                {"lang": c, "name": self.formatters[c].language_name(c), "url": self.url(c), "dir": self.direction(c)}
                for c in self.languages
            ],
        }
        html = self.env.get_template("root.html").render(context)
        (output / "index.html").write_text(html, encoding="utf-8")
        return "index.html"


def build_cache_dir(theme) -> Path:
    """Folder of the build caches: $ATLAS_CACHE, else .cache/ beside the theme (the project's folder)."""
    return Path(os.environ.get("ATLAS_CACHE") or Path(theme).resolve().parent / ".cache")


def build_date() -> dt.date:
    """'Today' for the build: SOURCE_DATE_EPOCH when set, so builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()
