"""Benchmark of the maps: prints figures, each beside its baseline (measured in the same run) and its target.

    .venv/bin/python benchmarks/maps.py [--places 10000] [--runs 3]

1. Bytes transferred by the network map page of the shipped atlas (/fr/ and /fr/centres/), tiles excluded,
   against the same pages built without the maps plugin (baseline). Target: under 300 KB.
2. A synthetic atlas of N places (default 10,000; made once under benchmarks/results/): time from navigation
   to the first drawn markers on /fr/centres/ in headless chromium (tiles blocked). Target: under 1.5 s.
3. Place pages: HTML bytes and render time added by the small map (same pages rendered without it).
   Targets: at most 1 KB and 0.5 ms per page.
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import random
import re
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]

from atlas_records.schemas import enum_of  # noqa: E402  (after the path above)

DISCIPLINES = enum_of("centre.schema.json", "disciplines", "items")
RESULTS = ROOT / "benchmarks" / "results"

COUNTRIES = [
    "FR",
    "LU",
    "BE",
    "DE",
    "IT",
    "ES",
    "PT",
    "CH",
    "NL",
    "GB",
    "IE",
    "PL",
    "CZ",
    "AT",
    "GR",
    "TN",
    "MA",
    "SN",
    "BJ",
    "CI",
    "CA",
    "US",
    "BR",
    "AR",
    "MX",
    "CN",
    "JP",
    "KR",
    "IN",
    "VN",
    "AU",
    "NZ",
    "ZA",
    "EG",
    "LB",
    "TR",
    "SE",
    "NO",
    "FI",
    "DK",
]
BOXES = {"FR": (43.0, 50.5, -4.5, 7.5)}
KINDS = ["ccr"] * 5 + ["associate", "international-member", "rehabilitation-project"]


# -- the synthetic atlas -----------------------------------------------------------------------------
def synthetic_atlas(places: int) -> Path:
    """An atlas root with `places` centres (seeded, so every run measures the same site)."""
    root = RESULTS / f"synthetic-{places}"
    if (root / ".complete").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    (root / "content").mkdir(parents=True)
    shutil.copytree(ROOT / "programmes", root / "programmes")
    programmes = sorted(p.name for p in (ROOT / "programmes").iterdir() if p.is_dir())
    rng = random.Random(1972)
    for number in range(places):
        country = COUNTRIES[0] if number % 3 == 0 else rng.choice(COUNTRIES)
        south, north, west, east = BOXES.get(country, (-40.0 + 2 * (hash(country) % 30), 0, 0, 0))
        if country in BOXES:
            lat, lon = rng.uniform(south, north), rng.uniform(west, east)
        else:
            lat, lon = rng.uniform(-45, 60), rng.uniform(-120, 150)
        precision = rng.choice(["site", "site", "site", "town", "city"])
        folder = root / "centres" / f"place-{number:05d}"
        folder.mkdir(parents=True)
        disciplines = sorted(rng.sample(DISCIPLINES, rng.randint(1, 3)))
        hosted = sorted(rng.sample(programmes, rng.randint(0, 1)))
        (folder / "index.yaml").write_text(
            f"kind: {rng.choice(KINDS)}\ncountry: {country}\ntown: Town {number}\n"
            f"coordinates:\n  lat: {lat:.4f}\n  lon: {lon:.4f}\n  precision: {precision}\n  basis: source\n"
            f"heritage:\n  building: abbey\ndisciplines: [{', '.join(disciplines)}]\nmembership:\n  since: 2000\n"
            f"programmes: [{', '.join(hosted)}]\nsources:\n  - https://example.org/{number}\n"
            "last_verified: 2026-01-01\n",
            encoding="utf-8",
        )
        (folder / "index.fr.md").write_text(
            f"---\nname: Lieu synthétique {number}\nsummary: Lieu inventé numéro {number} pour mesurer les cartes.\n"
            "---\n",
            encoding="utf-8",
        )
    (root / ".complete").write_text("")
    return root


def render_pages(root: Path, output: Path, with_maps: bool, pages=((), ("centres",)), langs=("fr",)) -> dict:
    """Render some pages of the atlas under root in-process (optionally without the maps); return timings."""
    from atlas_maps.maps import MapBuild
    from atlas_records import load_atlas
    from atlas_site.compact import compact_theme
    from atlas_site.settings import atlas_settings
    from atlas_site.site import AtlasSite
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    config = atlas_settings({**settings, "ATLAS": {**settings.get("ATLAS", {}), "root": str(root)}})
    atlas = load_atlas(config["root"], config["languages"], config["default_language"])
    site = AtlasSite(atlas, config, settings, settings["THEME"])
    maps = MapBuild(site)
    # Pelican's plugin loading is bypassed here: no handler is connected, this script calls the maps itself.
    views_by_lang, timings = {}, {}
    for lang in langs:
        views = views_by_lang[lang] = site.activate(lang)
        menu = site.menu(views)
        for spec in site.page_specs():
            wanted = (len(spec.parts) == 2 and spec.parts[0] == "centres") if pages == "places" else spec.parts in pages
            if not wanted:
                continue
            context = site.base_context(views, spec.parts, menu)
            context.update(spec.context(views))
            started = time.perf_counter()
            if with_maps:
                maps.page_context(views, spec.parts, context)
            site.write(output, (lang, *spec.parts), spec.template, context)
            timings[(lang, *spec.parts)] = time.perf_counter() - started
    if with_maps:
        maps.write(output, views_by_lang)
    shutil.copytree(ROOT / "theme" / "static", output / "theme", dirs_exist_ok=True)
    if with_maps:
        compact_theme(output)  # as the build's finalized step
    return timings


def build_real(output: Path, with_maps: bool) -> None:
    """The real build (every plugin of pelicanconf.py), optionally without atlas_maps (the baseline)."""
    import tasks

    output.parent.mkdir(parents=True, exist_ok=True)
    settings = output.parent / f"settings-{output.name}.py"
    settings.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from pelicanconf import *  # noqa: F403\n"
        f"PATH = {str(ROOT / 'content')!r}\n"
        f"THEME = {str(ROOT / 'theme')!r}\n"
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
        + ("" if with_maps else "PLUGINS = [p for p in PLUGINS if p != 'atlas_maps']  # noqa: F405\n"),
        encoding="utf-8",
    )
    if tasks.build_site(str(settings), output=output) != 0:
        raise SystemExit(f"building {output} failed")


# -- the browser -------------------------------------------------------------------------------------
class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def measure_page(browser, base: str, path: str, wait_markers: bool) -> dict:
    """Bytes of every local response (headers and body) and the time to the first drawn markers."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    local, outside = [], []

    def route(route):
        if route.request.url.startswith(base + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("requestfinished", lambda request: local.append(request))
    page.goto(base + path, wait_until="load")
    first = None
    if wait_markers:
        page.wait_for_function("performance.getEntriesByName('atlas:markers').length > 0", timeout=60000)
        first = page.evaluate("performance.getEntriesByName('atlas:markers')[0].startTime") / 1000
        page.wait_for_selector("#atlas_map .leaflet-atlas-outlines-pane path", timeout=60000)
    page.wait_for_timeout(500)  # anything still on its way
    transferred = compressed = 0
    for request in local:
        sizes = request.sizes()
        transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        response = request.response()
        body = response.body() if response and response.ok else b""
        compressed += len(gzip.compress(body, 6, mtime=0)) + sizes["responseHeadersSize"]
    context.close()
    return {
        "bytes": transferred,
        "gzip": compressed,
        "requests": len(local),
        "first_markers": first,
        "outside": sorted({u.split("/")[2] for u in outside}),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from tasks import launch_chromium

    RESULTS.mkdir(parents=True, exist_ok=True)
    work = RESULTS / "work"
    shutil.rmtree(work, ignore_errors=True)
    missed = []

    def report(label, value, baseline, target, unit, ok):
        mark = "ok" if ok else "MISSED"
        print(f"  {label:<44} {value:>12} {unit:<3} baseline {baseline:>10} {unit:<3} target {target:<10} {mark}")
        if not ok:
            missed.append(label)

    print("Building the shipped atlas with and without the maps plugin…", flush=True)
    build_real(work / "real-maps", True)
    build_real(work / "real-base", False)
    print(f"Making and rendering a synthetic atlas of {args.places} places…", flush=True)
    synthetic = synthetic_atlas(args.places)
    started = time.perf_counter()
    render_pages(synthetic, work / "synthetic", True, (("centres",),))
    print(f"  (rendered in {time.perf_counter() - started:.1f} s)")

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        print("\nShipped atlas: bytes transferred by the network map page (tiles excluded)")
        for path in ("/fr/", "/fr/centres/"):
            server, base = serve(work / "real-maps")
            with_map = measure_page(browser, base, path, True)
            server.shutdown()
            server, base = serve(work / "real-base")
            without = measure_page(browser, base, path, False)
            server.shutdown()
            report(
                f"{path} ({with_map['requests']} requests)",
                f"{with_map['bytes'] / 1000:.1f}",
                f"{without['bytes'] / 1000:.1f}",
                "< 300",
                "kB",
                with_map["bytes"] < 300 * 1000,
            )
            print(
                f"    gzip-compressed (as a compressing host would send them): "
                f"{with_map['gzip'] / 1000:.1f} kB; baseline {without['gzip'] / 1000:.1f} kB"
            )
            print(f"    requests outside 127.0.0.1 (aborted): {with_map['outside'] or 'none'}")

        print(f"\nSynthetic atlas of {args.places} places: /fr/centres/ in headless chromium, tiles blocked")
        server, base = serve(work / "synthetic")
        runs = [measure_page(browser, base, "/fr/centres/", True) for _ in range(args.runs)]
        server.shutdown()
        firsts = sorted(r["first_markers"] for r in runs)
        median = statistics.median(firsts)
        report("time to first drawn markers (median)", f"{median:.3f}", f"{firsts[0]:.3f}", "< 1.5", "s", median < 1.5)
        print(
            f"    runs: {', '.join(f'{f:.3f}' for f in firsts)} s; baseline = fastest run; "
            f"bytes {runs[0]['bytes'] / 1024 / 1024:.1f} MB in {runs[0]['requests']} requests"
        )
        browser.close()

    print("\nPlace pages of the shipped atlas: what the small map adds")
    with_map = render_pages(ROOT, work / "places-maps", True, "places", ("fr", "en", "ar", "zh"))
    without = render_pages(ROOT, work / "places-base", False, "places", ("fr", "en", "ar", "zh"))
    # Repeat the render a few times and keep each page's fastest time (less noise).
    for _ in range(4):
        for target, timings, flag in ((work / "places-maps", with_map, True), (work / "places-base", without, False)):
            again = render_pages(ROOT, target, flag, "places", ("fr", "en", "ar", "zh"))
            for key, value in again.items():
                timings[key] = min(timings[key], value)
    added_bytes, snippet_bytes, added_ms = [], [], []
    for key in with_map:
        page = Path(*key) / "index.html"
        html = (work / "places-maps" / page).read_bytes()
        # The iframe code to copy is a feature of its own (embed pages), measured apart from the small map.
        snippet = re.search(rb"<details class=\"map-embed\">.*?</details>\n?", html, re.S)
        snippet_size = len(snippet.group(0)) if snippet else 0
        snippet_bytes.append(snippet_size)
        added_bytes.append(len(html) - snippet_size - (work / "places-base" / page).stat().st_size)
        added_ms.append((with_map[key] - without[key]) * 1000)
    report("HTML added per place page (max)", f"{max(added_bytes)}", "0", "<= 1024", "B", max(added_bytes) <= 1024)
    print(f"    plus the embed code to copy (details.map-embed): at most {max(snippet_bytes)} B")
    report(
        "build time added per place page (median)",
        f"{statistics.median(added_ms):.3f}",
        "0",
        "<= 0.5",
        "ms",
        statistics.median(added_ms) <= 0.5,
    )
    base_ms = statistics.median(without.values()) * 1000
    print(f"    a place page renders in {base_ms:.2f} ms without the map ({len(added_ms)} pages)")
    shutil.rmtree(work, ignore_errors=True)
    print("\nAll targets met." if not missed else f"\nMissed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
