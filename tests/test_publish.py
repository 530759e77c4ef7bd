"""Publishing: what the built site gives hosts and visitors (headers, 404 pages, schemas, lasting URLs),
checked on real builds: reproducibility, links (linkchecker), HTML (the Nu checker) and a real nginx.

Uses the session builds of conftest.py (sample_build, real_build); builds of its own only where a test
needs other settings or content.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from atlas_publish.headers import embed_headers, headers_file, nginx_headers, security_headers
from bs4 import BeautifulSoup
from support import free_port, line_number

import tasks

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SITE = ROOT / "tests" / "sample-site"
LANGUAGES = ["fr", "en", "ar", "zh"]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
NGINX = Path("/usr/sbin/nginx")


def digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def settings_file(tmp_path: Path, **overrides) -> str:
    """A settings file over pelicanconf.py with some settings changed (paths made absolute)."""
    lines = [
        "import sys",
        f"sys.path.insert(0, {str(ROOT)!r})",
        "from pelicanconf import *  # noqa",
        f"THEME = {str(ROOT / 'theme')!r}",
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]",
        f"PATH = {str(ROOT / 'content')!r}",
    ]
    lines += [f"{name} = {value!r}" for name, value in overrides.items()]
    path = tmp_path / "testconf.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def copy_sample(tmp_path: Path) -> Path:
    root = tmp_path / "atlas"
    shutil.copytree(SAMPLE_SITE, root)
    return root


# -- what the build writes for hosts ---------------------------------------------------------------
def test_schemas_are_published_under_schemas(real_build):
    shipped = sorted((ROOT / "plugins" / "atlas_records" / "schemas").glob("*.json"))
    assert shipped
    for schema in shipped:
        published = real_build / "schemas" / schema.name
        assert published.read_bytes() == schema.read_bytes(), f"/schemas/{schema.name} differs from {schema}"
        json.loads(published.read_text(encoding="utf-8"))


def test_a_404_page_per_language(real_build):
    for lang in LANGUAGES:
        page = real_build / lang / "404.html"
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.html["lang"] == lang
        assert soup.html["dir"] == ("rtl" if lang == "ar" else "ltr")
        assert soup.find("meta", attrs={"name": "robots", "content": "noindex"})
        assert soup.find("a", href=f"/{lang}/"), "the 404 page links to its language's home page"
        assert soup.find("link", rel="stylesheet"), "the 404 page extends base.html"
    assert (real_build / "404.html").read_bytes() == (real_build / "fr" / "404.html").read_bytes()
    assert "Page not found" in (real_build / "en" / "404.html").read_text(encoding="utf-8")


def test_headers_file_and_nginx_snippet_agree(real_build):
    headers = (real_build / "_headers").read_text(encoding="utf-8")
    csp = next(line for line in headers.splitlines() if "Content-Security-Policy:" in line)
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "img-src 'self' data: " in csp and "https://*.tile.openstreetmap.org" in csp
    assert "Referrer-Policy: strict-origin-when-cross-origin" in headers
    assert "X-Content-Type-Options: nosniff" in headers
    settings = tasks._settings("pelicanconf.py")
    snippet = ROOT / "hosting" / "nginx" / "security-headers.conf"
    assert snippet.read_text(encoding="utf-8") == nginx_headers(security_headers(settings)), (
        "hosting/nginx/security-headers.conf is out of date: run `invoke hosting`"
    )
    embed = ROOT / "hosting" / "nginx" / "embed-headers.conf"
    assert embed.read_text(encoding="utf-8") == nginx_headers(embed_headers(settings), embed=True), (
        "hosting/nginx/embed-headers.conf is out of date: run `invoke hosting`"
    )
    for name, value in security_headers(settings).items():
        assert f"  {name}: {value}\n" in headers


def test_no_inline_script_or_event_handler(real_build):
    """The CSP forbids inline scripts: no page may rely on one."""
    offenders = []
    for page in sorted(real_build.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script"):
            if not script.get("src") and script.get("type") not in ("application/ld+json", "application/json"):
                offenders.append(f"{page.relative_to(real_build)}: inline <script>")
        for tag in soup.find_all(True):
            if any(attr.lower().startswith("on") for attr in tag.attrs):
                offenders.append(f"{page.relative_to(real_build)}: <{tag.name}> with an on... attribute")
    assert not offenders, "\n".join(offenders[:20])


# -- URLs never die ------------------------------------------------------------------------------------
def test_every_url_in_the_manifest_is_still_published(real_build):
    manifest = tasks.read_url_manifest()
    assert len(manifest) > 100, "urls.txt is missing or nearly empty: run `invoke url-manifest`"
    gone = []
    for url in manifest:
        path = real_build / url.lstrip("/")
        if url.endswith("/"):
            path = path / "index.html"
        if not path.is_file():
            gone.append(url)
    assert not gone, (
        "published URLs disappeared (add the old slug under `aliases:` of the record so it redirects):\n"
        + "\n".join(gone[:30])
    )


def test_aliases_redirect_to_the_current_url(sample_build):
    page = sample_build / "en" / "centres" / "old-slug" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert soup.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=/en/centres/chateau-de-nullepart/"
    assert "/en/centres/old-slug/ /en/centres/chateau-de-nullepart/ 301" in (sample_build / "_redirects").read_text()


# -- suggest a correction --------------------------------------------------------------------------------
def test_correction_links_point_to_the_record_source_or_the_issues(tmp_path, sample_build):
    assert "suggest-correction" not in (sample_build / "fr" / "centres" / "abbaye-d-exemple" / "index.html").read_text()
    output = tmp_path / "site"
    conf = settings_file(tmp_path, REPO_URL="https://github.com/accr/atlas")
    assert tasks.build_site(conf, output, SAMPLE_SITE) == 0
    for lang in LANGUAGES:
        soup = BeautifulSoup((output / lang / "centres" / "abbaye-d-exemple" / "index.html").read_text(), "html.parser")
        link = soup.find("a", class_="suggest-correction")
        assert link["href"] == "https://github.com/accr/atlas/tree/main/centres/abbaye-d-exemple"
        assert link.get_text(strip=True)
        home = BeautifulSoup((output / lang / "index.html").read_text(), "html.parser")
        assert home.find("a", class_="suggest-correction")["href"] == "https://github.com/accr/atlas/issues"
    french = BeautifulSoup((output / "fr" / "index.html").read_text(), "html.parser")
    assert french.find("a", class_="suggest-correction").get_text(strip=True) != "Suggest a correction"


def test_without_share_cards_pages_ask_for_the_small_twitter_card(tmp_path):
    import pelicanconf

    plugins = [name for name in pelicanconf.PLUGINS if name != "atlas_cards"]
    output = tmp_path / "output"
    assert tasks.build_site(settings_file(tmp_path, PLUGINS=plugins), output, SAMPLE_SITE) == 0
    for url in ("fr/index.html", "en/centres/abbaye-d-exemple/index.html"):
        soup = BeautifulSoup((output / url).read_text(encoding="utf-8"), "html.parser")
        assert soup.find("meta", property="og:image") is None, url
        assert soup.find("meta", attrs={"name": "twitter:card"})["content"] == "summary", url


# -- public build ----------------------------------------------------------------------------------------
def test_publishconf_needs_an_absolute_siteurl_and_uses_it(tmp_path, monkeypatch):
    root = copy_sample(tmp_path)
    monkeypatch.delenv("ATLAS_SITEURL", raising=False)
    assert tasks.build_site("publishconf.py", tmp_path / "nowhere", root) != 0
    assert not (tmp_path / "nowhere").exists()
    monkeypatch.setenv("ATLAS_SITEURL", "https://example.org/atlas/")
    monkeypatch.setenv("ATLAS_REPO_URL", "https://git.example.org/accr/atlas")
    assert tasks.build_site("publishconf.py", tmp_path / "public", root) == 0
    soup = BeautifulSoup((tmp_path / "public" / "en" / "index.html").read_text(), "html.parser")
    assert soup.find("link", rel="canonical")["href"] == "https://example.org/atlas/en/"
    place = (tmp_path / "public" / "en" / "centres" / "abbaye-d-exemple" / "index.html").read_text()
    link = BeautifulSoup(place, "html.parser").find("a", class_="suggest-correction")
    assert link["href"] == "https://git.example.org/accr/atlas/tree/main/centres/abbaye-d-exemple"
    # The code to embed the place's map (atlas_maps) gives the public address of its embed page.
    code = BeautifulSoup(place, "html.parser").select_one("details.map-embed pre code").get_text()
    assert 'src="https://example.org/atlas/en/embed/centres/abbaye-d-exemple/"' in code
    # Link previews fetch the card and the page by the addresses in the sharing metadata: absolute ones.
    meta = {
        tag.get("property") or tag.get("name"): tag["content"]
        for tag in BeautifulSoup(place, "html.parser").select("meta[property^='og:'], meta[name^='twitter:']")
    }
    card = "https://example.org/atlas/en/centres/abbaye-d-exemple/card.png"
    assert (meta["og:image"], meta["twitter:image"]) == (card, card)
    assert meta["og:url"] == "https://example.org/atlas/en/centres/abbaye-d-exemple/"
    assert (tmp_path / "public" / "en" / "centres" / "abbaye-d-exemple" / "card.png").is_file()
    # A site served under a path (GitHub Pages' /<repository>/) has its icons there, not at the host's top.
    icon = BeautifulSoup(place, "html.parser").find("link", rel="icon", type="image/svg+xml")["href"]
    assert icon == "https://example.org/atlas/favicon.svg"
    assert (tmp_path / "public" / "favicon.svg").is_file()
    robots = (tmp_path / "public" / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "Sitemap: https://example.org/atlas/sitemap.xml" in robots


# -- reproducible builds --------------------------------------------------------------------------------
def test_two_builds_of_the_same_commit_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("PYTHONHASHSEED", "1")
    assert tasks.build_site(output=tmp_path / "one") == 0
    monkeypatch.setenv("PYTHONHASHSEED", "2")  # set and dict orders must not leak into the output
    assert tasks.build_site(output=tmp_path / "two") == 0
    one, two = digest(tmp_path / "one"), digest(tmp_path / "two")
    # Every file, the search index included: atlas_search uses no Pagefind filters (their files change between
    # runs) and writes Pagefind's entry file with sorted keys.
    assert sorted(one) == sorted(two), f"the two builds wrote different files: {sorted(set(one) ^ set(two))[:20]}"
    differing = [name for name in one if one[name] != two[name]]
    assert not differing, f"files differ between two builds: {differing[:20]}"


# -- raw HTML in Markdown ---------------------------------------------------------------------------------
def test_scripts_and_event_handlers_in_contributed_markdown_never_reach_the_site(tmp_path):
    """Tags the allow-list keeps lose their handlers (the check warns); a script, an image, an iframe or a
    javascript: link stops the check (atlas_records/text_markup.py), and the renderer removes them all the same
    (test_markup.py)."""
    root = copy_sample(tmp_path)
    page = root / "content" / "pages" / "network" / "index.en.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(
        text
        + '\n\n<p onclick="alert(1)">Click <a href="https://example.org" onclick="alert(3)">here</a>'
        + ' <span onmouseover="alert(2)" style="color: red">or here</span></p>\n',
        encoding="utf-8",
    )
    assert tasks.build_site(output=tmp_path / "site", root=root) == 0
    html = (tmp_path / "site" / "en" / "network" / "index.html").read_text(encoding="utf-8")
    assert "Click" in html and "or here" in html, "the contributed text is still shown"
    for bad in ("alert(", "onclick", "onmouseover", "javascript:", "color: red"):
        assert bad not in html, f"{bad!r} reached the site"

    hostile = [
        "<script>alert('pwned')</script>",
        "<img src=x onerror=\"alert('pwned')\">",
        '<iframe src="https://evil.example"></iframe>',
        '<a href="javascript:alert(1)">here</a>',
    ]
    page.write_text(text + "".join(f"\n\n{line}" for line in hostile) + "\n", encoding="utf-8")
    stream = io.StringIO()
    assert tasks.run_check(root, stream=stream) == len(hostile)
    reported = stream.getvalue()
    for line in hostile:
        assert f"content/pages/network/index.en.md:{line_number(page, line)}: (description): " in reported, reported
    assert tasks.build_site(output=tmp_path / "refused", root=root) != 0
    assert not (tmp_path / "refused").exists()


# -- a pull request's rehearsal ------------------------------------------------------------------------------
def test_a_broken_record_fails_check_and_build_and_leaves_the_output_untouched(tmp_path, capsys):
    root = copy_sample(tmp_path)
    output = tmp_path / "output"
    assert tasks.build_site(output=output, root=root) == 0
    before = digest(output)
    record = root / "centres" / "abbaye-d-exemple" / "index.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("kind: ccr", "kind: abbey"), encoding="utf-8")
    stream = io.StringIO()
    assert tasks.run_check(root, stream=stream) >= 1
    printed = stream.getvalue()
    assert "centres/abbaye-d-exemple/index.yaml:2: kind: 'abbey' is not one of:" in printed
    capsys.readouterr()
    assert tasks.build_site(output=output, root=root) == 1
    assert "centres/abbaye-d-exemple/index.yaml:2: kind: 'abbey' is not one of:" in capsys.readouterr().err
    # Pelican itself refuses too, when run without `invoke`:
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(root / "content"), "-s", "pelicanconf.py", "-o", str(tmp_path / "raw")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "kind: 'abbey' is not one of" in result.stderr
    assert digest(output) == before, "the previous output changed"
    assert not list(tmp_path.glob(".output.*")), "a staging folder was left behind"


def leftovers_beside(output: Path, timeout: float = 20) -> list[str]:
    """What builds of output left beside it, once the deletions they started in the background had time to end."""
    deadline = time.monotonic() + timeout
    while True:
        found = sorted(p.name for p in output.parent.glob(f".{output.name}.*"))
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_a_build_stopped_with_ctrl_c_leaves_the_previous_output_and_nothing_beside_it(tmp_path):
    root = copy_sample(tmp_path)
    output = tmp_path / "output"
    assert tasks.build_site(output=output, root=root) == 0
    before = digest(output)
    text = root / "centres" / "abbaye-d-exemple" / "index.en.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    code = (
        "import sys, tasks; from pathlib import Path; "
        f"sys.exit(tasks.build_site(output=Path({str(output)!r}), root=Path({str(root)!r})))"
    )
    # Its own process group, as a terminal's foreground job: Ctrl+C reaches the build's processes too.
    build = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".output.building-*")) and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(build.pid, signal.SIGINT)
    errors = build.communicate(timeout=60)[1]

    assert build.returncode == 130, errors
    assert "Stopped: the previous output is untouched." in errors
    assert "Traceback" not in errors, errors
    assert digest(output) == before, "the previous output changed"
    assert leftovers_beside(output) == []


def test_the_next_build_removes_what_a_killed_build_left_but_not_what_a_running_one_holds(tmp_path):
    root = copy_sample(tmp_path)
    output = tmp_path / "output"
    killed = [".output.building-killed01", ".output.building-killed01.old", ".output.undo-killed02"]
    running = [".output.building-running", ".output.building-running.pagefind-pages-fr"]
    for name in killed + running:
        (tmp_path / name / "fr").mkdir(parents=True)
        (tmp_path / name / "fr" / "index.html").write_text("<!DOCTYPE html>", encoding="utf-8")
    held = os.open(tmp_path / running[0], os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)  # as a build running beside this one holds its staging folder
    try:
        assert tasks.build_site(output=output, root=root) == 0
        assert leftovers_beside(output, timeout=5) == sorted(running)
    finally:
        os.close(held)


# -- linkchecker, the Nu HTML checker, nginx ------------------------------------------------------------------
def test_no_broken_internal_link_in_any_language(real_build):
    result = tasks.run_linkchecker(real_build)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "0 errors found" in result.stdout


def test_no_broken_internal_link_on_the_sample_site(sample_build):
    """The sample site has what the shipped content may not (yet): a former member, a fallback text..."""
    result = tasks.run_linkchecker(sample_build)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "0 warnings found. 0 errors found." in result.stdout


def test_a_link_to_a_part_of_a_page_that_it_does_not_have_fails_the_link_check(tmp_path):
    root = copy_sample(tmp_path)
    text = root / "content" / "pages" / "network" / "index.fr.md"
    links = "Voir [ses appels](atlas:programmes/programme-fictif#calls) et [la carte](atlas:centres#nulle-part).\n"
    text.write_text(text.read_text(encoding="utf-8") + "\n" + links, encoding="utf-8")
    assert tasks.build_site(output=tmp_path / "output", root=root) == 0

    result = tasks.run_linkchecker(tmp_path / "output", languages=["fr"])

    assert result.returncode == 1, result.stdout[-3000:]
    assert "Anchor `nulle-part' (decoded: `nulle-part') not" in result.stdout
    assert "Anchor `calls'" not in result.stdout, "the programme page's calls have an id"
    assert "1 warning found. 0 errors found." in result.stdout


def test_every_page_is_valid_html(real_build):
    if not VNU.is_file():
        pytest.fail("node_modules/vnu-jar is missing: run `invoke publish-deps` (npm ci)")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--skip-non-html", "--errors-only", "--format", "json", str(real_build)],
        capture_output=True,
        text=True,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [f"{m['url'].split(str(real_build))[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(errors[:30])


@pytest.fixture(scope="module")
def nginx(real_build, sample_build, tmp_path_factory):
    """A real nginx with the shipped configuration: the real build on one port, the sample site on another."""
    if not NGINX.exists():
        pytest.fail("nginx is missing: run `invoke publish-deps` (as root it installs Debian's nginx)")
    prefix = tmp_path_factory.mktemp("nginx")
    shutil.copytree(ROOT / "hosting" / "nginx", prefix / "atlas")
    ports = {"real": free_port(), "sample": free_port()}
    temp = "\n".join(
        f"    {kind}_temp_path {prefix}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (prefix / "nginx.conf").write_text(
        f"""daemon off;
master_process off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
{temp}
    server {{ listen 127.0.0.1:{ports["real"]}; root {real_build}; include atlas/atlas.conf; }}
    server {{ listen 127.0.0.1:{ports["sample"]}; root {sample_build}; include atlas/atlas.conf; }}
}}
""",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [str(NGINX), "-e", "stderr", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", ports["sample"]), timeout=0.2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"nginx did not start: {process.stdout.read().decode()}")
            time.sleep(0.05)
    yield {kind: f"http://127.0.0.1:{port}" for kind, port in ports.items()}
    process.terminate()
    process.wait(timeout=10)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str):
    """(status, headers, body) without following redirects."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


def test_nginx_sends_the_security_headers(nginx):
    expected = security_headers(tasks._settings("pelicanconf.py"))
    for path in ("/fr/", "/en/centres/", "/theme/css/atlas.css", "/en/no-such-page/"):
        status, headers, _ = fetch(nginx["real"] + path)
        for name, value in expected.items():
            assert headers.get(name) == value, f"{path} ({status}): {name} is {headers.get(name)!r}"


def test_only_the_embed_pages_may_be_framed_by_other_sites(nginx, real_build):
    """The embeddable maps (atlas_maps: /<lang>/embed/...) may be shown in any site's iframe; no other page."""
    settings = tasks._settings("pelicanconf.py")
    framed = embed_headers(settings)
    assert "frame-ancestors *" in framed["Content-Security-Policy"] and "X-Frame-Options" not in framed
    for lang in LANGUAGES:
        for path in (
            f"/{lang}/embed/network/",
            f"/{lang}/embed/countries/fr/",
            f"/{lang}/embed/centres/abbaye-de-noirlac/",
        ):
            status, headers, _ = fetch(nginx["real"] + path)
            assert status == 200, path
            assert headers.get("X-Frame-Options") is None, path
            assert headers.get_all("Content-Security-Policy") == [framed["Content-Security-Policy"]], path
            assert headers.get("X-Content-Type-Options") == "nosniff" and headers.get("Referrer-Policy"), path
    status, _, body = fetch(f"{nginx['real']}/en/embed/centres/no-such-place/")
    assert status == 404 and body == (real_build / "en" / "404.html").read_text(encoding="utf-8")
    for path in ("/fr/", "/fr/centres/abbaye-de-noirlac/", "/en/countries/fr/"):
        status, headers, _ = fetch(nginx["real"] + path)
        assert headers.get("X-Frame-Options") == "DENY", path
        assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy"), path
    # _headers (Netlify, Cloudflare Pages): the embed rule drops what it replaces, then allows any frame.
    text = (real_build / "_headers").read_text(encoding="utf-8")
    assert text == headers_file(security_headers(settings), framed)
    rule = text.split("\n/*/embed/*\n", 1)[1]
    assert "  ! X-Frame-Options\n" in rule and "  ! Content-Security-Policy\n" in rule
    assert f"  Content-Security-Policy: {framed['Content-Security-Policy']}\n" in rule


def test_nginx_answers_an_unknown_url_with_the_404_page_of_its_language(nginx, real_build):
    for lang in LANGUAGES:
        status, _, body = fetch(f"{nginx['real']}/{lang}/centres/no-such-place/")
        assert status == 404
        assert body == (real_build / lang / "404.html").read_text(encoding="utf-8")
    status, _, body = fetch(f"{nginx['real']}/no-such-thing")
    assert status == 404 and body == (real_build / "fr" / "404.html").read_text(encoding="utf-8")
    assert fetch(f"{nginx['real']}/_headers")[0] == 404


def test_nginx_serves_aliases_as_redirects_to_the_current_url(nginx):
    status, headers, _ = fetch(f"{nginx['sample']}/en/centres/old-slug")
    assert status == 301 and headers["Location"] == "/en/centres/old-slug/"
    status, _, body = fetch(f"{nginx['sample']}/en/centres/old-slug/")
    assert status == 200
    refresh = BeautifulSoup(body, "html.parser").find("meta", attrs={"http-equiv": "refresh"})
    assert refresh["content"] == "0; url=/en/centres/chateau-de-nullepart/"
    assert fetch(f"{nginx['sample']}/en/centres/chateau-de-nullepart/")[0] == 200
