"""Helpers shared by the test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import hashlib
import io
import shutil
import socket
import time
from pathlib import Path

from bs4 import BeautifulSoup

from tasks import BROWSER, LocalServer, launch_chromium  # noqa: F401  (re-exported for the browser tests)

TESTS = Path(__file__).parent.resolve()
ROOT = TESTS.parent
SAMPLE_SITE = TESTS / "sample-site"
LANGUAGES = ["fr", "en", "ar", "zh"]


def soup_of(build: Path, url: str) -> BeautifulSoup:
    """Parse the page a URL like /fr/centres/x/ is served from."""
    path = build / url.strip("/") / "index.html" if url.strip("/") else build / "index.html"
    assert path.is_file(), f"{url} was not built ({path} is missing)"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text_of(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ").split())


def tree_digest(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file (and every folder, as '<dir>') under folder."""
    digest = {}
    for path in sorted(Path(folder).rglob("*")):
        rel = str(path.relative_to(folder))
        digest[rel] = "<dir>" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def copy_sample_site(destination: Path) -> Path:
    shutil.copytree(SAMPLE_SITE, destination)
    return destination


def line_number(path: Path, text: str) -> int:
    """1-based number of the only line of path that equals text (after stripping)."""
    lines = [i for i, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1) if line.strip() == text]
    assert len(lines) == 1, f"expected exactly one line {text!r} in {path}, found {lines}"
    return lines[0]


def replace_line(path: Path, old: str, new: str) -> int:
    """Replace the only line equal to old by new; return its line number."""
    number = line_number(path, old)
    lines = Path(path).read_text(encoding="utf-8").splitlines(keepends=True)
    indent = lines[number - 1][: len(lines[number - 1]) - len(lines[number - 1].lstrip())]
    lines[number - 1] = f"{indent}{new}\n"
    Path(path).write_text("".join(lines), encoding="utf-8")
    return number


def insert_after(path: Path, anchor: str, new: str) -> int:
    """Insert new as a line after the only line equal to anchor; return the new line's number."""
    number = line_number(path, anchor)
    lines = Path(path).read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(number, new + "\n")
    Path(path).write_text("".join(lines), encoding="utf-8")
    return number + 1


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check_output(root: Path) -> tuple[int, list[str]]:
    """Run the `invoke check` code on root; return the error count and the printed lines."""
    import tasks

    stream = io.StringIO()
    errors = tasks.run_check(Path(root), stream=stream)
    return errors, stream.getvalue().splitlines()


# -- headless Chromium: Debian's package, never a downloaded browser ----------------------------------------
CHROMIUM = BROWSER
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.2 A/AA violations on what the page shows now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return result["violations"]


PHONE = {"width": 412, "height": 823}  # Lighthouse's phone: on a small screen more of what follows is in view


def watch_layout_shifts(page) -> None:
    """Before page.goto: record the page's layout shifts (layout_shift gives their sum)."""
    page.add_init_script(
        "window.atlasShifts = [];"
        "new PerformanceObserver(list => window.atlasShifts.push(...list.getEntries()))"
        ".observe({type: 'layout-shift', buffered: true});"
    )


def serve_scripts_late(page, delay: float = 0.6) -> None:
    """Serve the page's scripts delay seconds late, as a phone's network may: what the page shows before they
    run is painted first."""

    def late(route):
        time.sleep(delay)
        route.continue_()

    page.route("**/*.js", late)


def layout_shift(page) -> float:
    """The sum of the layout shifts recorded since the page opened (watch_layout_shifts): 0 when nothing moved."""
    return page.evaluate("() => window.atlasShifts.reduce((total, shift) => total + shift.value, 0)")
