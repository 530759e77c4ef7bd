"""The single entry point for working on the atlas: `invoke --list` shows every task."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from invoke import task

ROOT = Path(__file__).parent.resolve()
sys.path.insert(0, str(ROOT / "plugins"))

OUTPUT = ROOT / "output"
CATALOGUES = ROOT / "theme" / "translations"
POT = CATALOGUES / "messages.pot"
LANGUAGES = ["fr", "en", "ar", "zh"]
BROWSER = Path("/usr/bin/chromium")


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, **kwargs)


def run_check(root: Path = ROOT, stream=sys.stdout) -> int:
    """Check every record; print each problem; return the number of errors."""
    from atlas_records import load_atlas
    from atlas_site.settings import atlas_settings

    settings = _settings("pelicanconf.py")
    config = atlas_settings({**settings, "ATLAS": {**settings.get("ATLAS", {}), "root": str(root)}})
    atlas = load_atlas(config["root"], config["languages"], config["default_language"])
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for problem in atlas.problems:
        print(problem, file=stream)
        if annotate:
            level = "error" if problem.severity == "error" else "warning"
            line = f",line={problem.line}" if problem.line else ""
            print(f"::{level} file={problem.path}{line}::{problem.field}: {problem.message}", file=stream)
    counts = f"{len(atlas.errors)} error(s), {len(atlas.warnings)} warning(s)"
    records = sum(len(v) for v in atlas.records.values())
    print(f"Checked {records} records: {counts}.", file=stream)
    return len(atlas.errors)


def _settings(name: str) -> dict:
    from pelican.settings import read_settings

    return read_settings(str(ROOT / name))


@task
def check(c):
    """Check every record and reference; print path:line: field: message for each problem."""
    if run_check():
        sys.exit(1)


def build_site(settings_file: str = "pelicanconf.py", output: Path = OUTPUT, root: Path = ROOT) -> int:
    """Build the atlas under root into a temporary folder; swap it into output only when everything passed."""
    if run_check(root, stream=sys.stderr):
        print("The site was not built; the previous output is untouched.", file=sys.stderr)
        return 1
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
    result = _run([sys.executable, "-m", "pelican", str(Path(root) / "content"), "-s", settings_file, "-o", str(staging), "-q"])
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        print("The build failed; the previous output is untouched.", file=sys.stderr)
        return result.returncode
    old = output.with_name(f".{output.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if output.exists():
        output.rename(old)
    staging.rename(output)
    shutil.rmtree(old, ignore_errors=True)
    print(f"Built the site in {output}", file=sys.stderr)
    return 0


@task
def build(c, output=str(OUTPUT)):
    """Check, then build the site into output/ (replaced only when the build succeeds)."""
    if build_site(output=Path(output)):
        sys.exit(1)


@task
def serve(c, port=8000):
    """Build the site and serve it on http://127.0.0.1:PORT/ (Ctrl+C stops)."""
    if build_site():
        sys.exit(1)
    print(f"Serving the atlas on http://127.0.0.1:{port}/", flush=True)
    _run([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(OUTPUT)])


@task
def publish(c, output=str(OUTPUT)):
    """Build the public site with publishconf.py (absolute URLs; set ATLAS_SITEURL)."""
    if build_site("publishconf.py", Path(output)):
        sys.exit(1)


@task
def browser_deps(c):
    """Install what the browser tests need: npm packages, and Debian's chromium when missing."""
    if not (ROOT / "node_modules" / "axe-core").is_dir():
        _run(["npm", "ci", "--no-audit", "--no-fund"], check=True)
    if not BROWSER.exists():
        if os.geteuid() != 0:
            sys.exit("Browser tests need Debian's chromium: sudo apt-get install -y chromium")
        _run(["apt-get", "update", "-qq"], check=True)
        _run(["apt-get", "install", "-y", "-qq", "chromium"], check=True,
             env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


@task
def lint(c):
    """Lint and check formatting with ruff."""
    _run([sys.executable, "-m", "ruff", "check", "."], check=True)
    _run([sys.executable, "-m", "ruff", "format", "--check", "."], check=True)


@task(pre=[browser_deps])
def test(c):
    """Run the whole test suite (unit, build, browser and accessibility tests)."""
    result = _run([sys.executable, "-m", "pytest"])
    sys.exit(result.returncode)


@task
def i18n_extract(c):
    """Extract interface strings from templates and plugins into theme/translations/messages.pot."""
    _run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "N_",
          "--no-location", "--sort-output", "-o", str(POT), "."], check=True)


@task(pre=[i18n_extract])
def i18n_update(c):
    """Merge new strings from the template into every language's .po catalogue."""
    for lang in LANGUAGES:
        po = CATALOGUES / lang / "LC_MESSAGES" / "messages.po"
        action = "update" if po.exists() else "init"
        _run([sys.executable, "-m", "babel.messages.frontend", action, "-i", str(POT), "-d", str(CATALOGUES),
              "-l", lang, "--no-wrap"] + (["--ignore-obsolete"] if action == "update" else []), check=True)


@task
def i18n_compile(c):
    """Compile the catalogues to .mo files, checking each (the build also compiles them in memory)."""
    _run([sys.executable, "-m", "babel.messages.frontend", "compile", "-d", str(CATALOGUES), "--statistics"],
         check=True)
