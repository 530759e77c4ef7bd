"""A rebuild that reuses the previous output gives exactly the site a build from nothing gives.

Each case edits a copy of the sample site the way an editor would, rebuilds into the previous output (pages whose
inputs did not change are taken from it) and into an empty folder, and compares every file byte for byte. The
inode of a file tells whether the rebuild took it from the previous output or wrote it again.
"""

from __future__ import annotations

import marshal
import os
import shutil
import time
from pathlib import Path

import pytest
from support import SAMPLE_SITE, tree_digest


@pytest.fixture()
def site(tmp_path, monkeypatch):
    import tasks

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714521600")
    monkeypatch.setenv("ATLAS_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "site"
    shutil.copytree(SAMPLE_SITE, root)
    output = tmp_path / "output"
    assert tasks.build_site(output=output, root=root) == 0
    return root, output


def inodes(output: Path) -> dict[str, int]:
    return {p.relative_to(output).as_posix(): p.stat().st_ino for p in output.rglob("*") if p.is_file()}


def files(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()}


def rebuild_and_compare(root: Path, output: Path, tmp_path: Path) -> tuple[set[str], set[str]]:
    """Rebuild into output and into an empty folder; assert they are the same; return (kept, rewritten)."""
    import tasks

    before = inodes(output)
    # Hard links to the previous output's files: had the rebuild written through a link it made to one of them
    # (instead of replacing it), a witness would show new bytes.
    witness = tmp_path / f"witness-{len(list(tmp_path.glob('witness-*')))}"
    for name in before:
        (witness / name).parent.mkdir(parents=True, exist_ok=True)
        os.link(output / name, witness / name)
    witnessed = files(witness)
    assert tasks.build_site(output=output, root=root) == 0
    assert files(witness) == witnessed, "the rebuild wrote into the previous output's files"
    fresh = tmp_path / f"fresh-{len(list(tmp_path.glob('fresh-*')))}"
    assert tasks.build_site(output=fresh, root=root) == 0
    rebuilt, expected = files(output), files(fresh)
    assert sorted(rebuilt) == sorted(expected)
    different = [name for name in expected if rebuilt[name] != expected[name]]
    assert different == [], f"stale files after the rebuild: {different[:10]}"
    after = inodes(output)
    kept = {name for name, inode in after.items() if before.get(name) == inode}
    return kept, set(after) - kept


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def rendered_bodies(cache: Path) -> int:
    return sum(len(marshal.loads(path.read_bytes())) for path in (cache / "atlas-markdown").glob("*.marshal"))


def test_editing_a_place_description_rewrites_only_that_place(site, tmp_path):
    root, output = site
    text = root / "centres" / "abbaye-d-exemple" / "index.en.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    kept, rewritten = rebuild_and_compare(root, output, tmp_path)
    assert "en/centres/abbaye-d-exemple/index.html" in rewritten
    assert "en/centres/saline-fictive/index.html" in kept
    assert "en/centres/index.html" in kept  # lists show names and summaries, not descriptions


def test_renaming_a_place_updates_the_lists_that_show_it(site, tmp_path):
    root, output = site
    edit(root / "centres" / "abbaye-d-exemple" / "index.fr.md", "name: Abbaye d'Exemple", "name: Abbaye Renommée")
    kept, rewritten = rebuild_and_compare(root, output, tmp_path)
    assert {"fr/centres/abbaye-d-exemple/index.html", "fr/centres/index.html", "fr/index.html"} <= rewritten
    assert "fr/centres/saline-fictive/index.html" in kept


def test_renaming_a_menu_page_updates_every_page(site, tmp_path):
    root, output = site
    edit(root / "content" / "pages" / "network" / "index.fr.md", "name: Le réseau", "name: Notre réseau")
    _, rewritten = rebuild_and_compare(root, output, tmp_path)
    assert "fr/centres/saline-fictive/index.html" in rewritten


def test_an_event_moved_to_another_place_updates_both_places(site, tmp_path):
    root, output = site
    edit(
        root / "content" / "events" / "rencontres-exemple-2023" / "index.yaml",
        "places: [abbaye-d-exemple]",
        "places: [saline-fictive]",
    )
    _, rewritten = rebuild_and_compare(root, output, tmp_path)
    assert {"fr/centres/abbaye-d-exemple/index.html", "fr/centres/saline-fictive/index.html"} <= rewritten


def test_adding_and_removing_a_place_matches_a_build_from_nothing(site, tmp_path):
    root, output = site
    shutil.copytree(root / "centres" / "prieure-imaginaire", root / "centres" / "prieure-copie")
    kept, rewritten = rebuild_and_compare(root, output, tmp_path)
    assert "fr/centres/prieure-copie/index.html" in rewritten
    assert "fr/centres/abbaye-d-exemple/index.html" in kept
    shutil.rmtree(root / "centres" / "prieure-copie")
    rebuild_and_compare(root, output, tmp_path)
    assert not (output / "fr" / "centres" / "prieure-copie").exists()


def test_a_file_deleted_from_the_output_by_hand_is_there_again_after_the_next_build(site, tmp_path, capfd):
    root, output = site
    gone = ["en/centres/saline-fictive/index.html", "fr/centres/saline-fictive/card.png"]  # a page, a file it brings
    for name in gone:
        (output / name).unlink()
    text = root / "centres" / "abbaye-d-exemple" / "index.en.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")

    rebuild_and_compare(root, output, tmp_path)

    assert all((output / name).is_file() for name in gone)
    assert "are missing, such as" in capfd.readouterr().err


def test_a_rebuild_keeps_every_description_in_the_markdown_cache(site, tmp_path):
    import tasks

    root, output = site
    bodies = rendered_bodies(tmp_path / "cache")
    text = root / "centres" / "abbaye-d-exemple" / "index.en.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert tasks.build_site(output=output, root=root) == 0
    # The rebuild rendered few bodies, yet the cache keeps every record's: the next full build (after a
    # template change, say) converts none of them again.
    assert bodies > 1 and rendered_bodies(tmp_path / "cache") == bodies


def make_tree(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def test_a_lay_over_that_fails_midway_leaves_the_output_as_it_was(tmp_path):
    from atlas_site.overlay import files_under, lay_over

    output, staging = tmp_path / "output", tmp_path / "staging"
    make_tree(output, {"fr/a/index.html": "old a", "fr/gone/index.html": "gone", "fr/x": "a file named x"})
    # "fr/x/index.html" cannot be put in place: the output has a file where its folder should be.
    make_tree(staging, {"fr/a/index.html": "new a", "fr/b/index.html": "new b", "fr/x/index.html": "new x"})
    before_output, before_staging = files(output), files(staging)
    with pytest.raises(OSError):
        lay_over(staging, output, files_under(staging), {"fr/gone/index.html"})
    assert files(output) == before_output
    assert files(staging) == before_staging
    assert not (output / "fr" / "b").exists(), "a folder made for the new files was left behind"
    assert not list(tmp_path.glob(".output.undo-*")), "the undo folder was left behind"


def test_a_lay_over_replaces_changed_files_and_removes_stale_ones_with_their_folders(tmp_path):
    from atlas_site.overlay import files_under, lay_over

    output, staging = tmp_path / "output", tmp_path / "staging"
    make_tree(output, {"fr/a/index.html": "old a", "fr/gone/index.html": "gone", "fr/kept/index.html": "kept"})
    make_tree(staging, {"fr/a/index.html": "new a", "fr/b/index.html": "new b"})
    undo = lay_over(staging, output, files_under(staging), {"fr/gone/index.html"})
    assert files(output) == {"fr/a/index.html": b"new a", "fr/b/index.html": b"new b", "fr/kept/index.html": b"kept"}
    assert not (output / "fr" / "gone").exists()
    assert files(undo) == {"fr/a/index.html": b"old a", "fr/gone/index.html": b"gone"}


def test_when_the_output_cannot_be_updated_in_place_it_is_replaced_whole(tmp_path, monkeypatch):
    from atlas_site.render_cache import manifest_path, read_file_keys, write_keys

    import tasks

    monkeypatch.setenv("ATLAS_CACHE", str(tmp_path / "cache"))
    output, staging = tmp_path / "output", tmp_path / "staging"
    old_files = {f"fr/p{i}/index.html": f"page {i}" for i in range(6)} | {"fr/x": "a file named x"}
    make_tree(output, old_files)
    make_tree(staging, {"fr/p0/index.html": "new page 0", "fr/x/index.html": "new x"})
    keys = tmp_path / "keys"
    kept = [f"fr/p{i}/index.html" for i in range(1, 6)]
    write_keys(keys, {"pages": {}}, {"kept": kept, "folders": []})
    tasks.put_in_place(staging, output, keys, {"files": sorted(old_files)})
    expected = {name: text.encode() for name, text in old_files.items() if name in kept}
    assert files(output) == {**expected, "fr/p0/index.html": b"new page 0", "fr/x/index.html": b"new x"}
    saved = read_file_keys(manifest_path(output))
    assert saved["files"] == sorted(files(output))


def test_rendering_on_one_process_gives_the_same_site_as_on_two(site, tmp_path):
    from atlas_site.workers import split_languages

    import tasks

    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: the build renders on one process whatever the settings")
    root, output = site  # built with the default settings: the languages shared between two processes
    atlas = {"languages": ["fr", "en", "ar", "zh"], "default_language": "fr", "render_processes": 1}
    counts = {lang: sum(1 for _ in (output / lang).rglob("index.html")) for lang in atlas["languages"]}
    assert len(split_languages(atlas["languages"], counts, 2)) == 2, "the sample site would render on one process"
    alone = tmp_path / "alone"
    assert tasks.build_site(output=alone, root=root, overrides={"ATLAS": atlas}) == 0
    assert files(alone) == files(output)


def test_rendering_on_one_process_instead_of_two_renders_no_page_again(site):
    import tasks

    root, output = site

    def pages_written_by_a_rebuild(overrides: dict | None) -> list[str]:
        before = inodes(output)
        assert tasks.build_site(output=output, root=root, overrides=overrides) == 0
        after = inodes(output)
        return sorted(name for name in before if name.endswith("index.html") and after.get(name) != before[name])

    # The root and the alias redirects are written by every build: nothing decides them but the settings.
    always = pages_written_by_a_rebuild(None)
    assert len(always) < 10, always
    atlas = {"languages": ["fr", "en", "ar", "zh"], "default_language": "fr", "render_processes": 1}
    assert pages_written_by_a_rebuild({"ATLAS": atlas}) == always


def test_languages_are_shared_between_processes_by_pages_to_render(monkeypatch):
    from atlas_site.workers import MIN_PAGES, split_languages

    monkeypatch.setattr(os, "cpu_count", lambda: 2)

    languages = ["fr", "en", "ar", "zh"]
    many = {lang: MIN_PAGES for lang in languages}
    groups = split_languages(languages, many, 2)
    assert sorted(map(len, groups)) == [2, 2] and sorted(sum(groups, [])) == sorted(languages)
    assert split_languages(languages, many, 1) == [languages]
    assert split_languages(languages, {"fr": 3 * MIN_PAGES, "en": 1, "ar": 1, "zh": 1}, 2) == [languages]
    assert split_languages(languages, {"fr": 3 * MIN_PAGES, "en": MIN_PAGES, "ar": 0, "zh": 0}, 2)[0] == ["fr"]


def test_languages_a_plugin_asks_for_first_are_rendered_first_in_their_process(monkeypatch):
    from atlas_site.workers import MIN_PAGES, split_languages

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    languages = ["fr", "en", "ar", "zh"]
    many = {lang: MIN_PAGES for lang in languages}
    groups = split_languages(languages, many, 2, first=("zh",))
    unordered = split_languages(languages, many, 2)
    assert [sorted(g) for g in groups] == [sorted(g) for g in unordered], "the same shares"
    assert [g[0] for g in groups if "zh" in g] == ["zh"]
    assert split_languages(languages, many, 1, first=("zh",)) == [["zh", "fr", "en", "ar"]]


def test_in_a_rebuild_the_languages_with_pages_to_render_come_first(monkeypatch):
    """Their search shards are indexed while the other languages' pages are checked."""
    from atlas_site.workers import split_languages

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    languages = ["fr", "en", "ar", "zh"]
    assert split_languages(languages, {"fr": 0, "en": 3, "ar": 0, "zh": 0}, 2, first=("zh",)) == [
        ["en", "zh", "fr", "ar"]
    ]


def test_a_second_process_sends_events_while_it_works_then_its_result():
    from atlas_site.workers import Worker

    def work(send):
        send("search", {"lang": "ar"})
        send("search", {"lang": "zh"})
        return {"pid": os.getpid()}

    events = []
    worker = Worker(work, on_event=lambda name, payload: events.append((name, payload, os.getpid())))
    result = worker.result()
    assert result["pid"] != os.getpid()
    assert events == [("search", {"lang": "ar"}, os.getpid()), ("search", {"lang": "zh"}, os.getpid())]
    assert worker.pid is None  # waited for: no process left behind


def test_a_failure_in_the_second_process_is_reported_with_its_traceback():
    from atlas_site.workers import Worker

    def work(send):
        raise ValueError("a template went wrong")

    worker = Worker(work, on_event=lambda name, payload: None)
    with pytest.raises(RuntimeError, match="ValueError: a template went wrong"):
        worker.result()
    assert worker.pid is None


def test_an_event_that_fails_here_ends_the_second_process_even_while_it_sends_more():
    from atlas_site.workers import Worker

    def work(send):
        for _ in range(1000):  # far more than the pipe holds once nobody reads it
            send("search", "x" * 10_000)

    def fail(name, payload):
        raise OSError("Pagefind is missing")

    worker = Worker(work, on_event=fail)
    with pytest.raises(RuntimeError, match="Pagefind is missing"):
        worker.result()
    assert worker.pid is None


def test_a_second_process_is_ended_when_the_first_fails():
    import time

    from atlas_site.workers import Worker

    worker = Worker(lambda send: time.sleep(60), on_event=lambda name, payload: None)
    started = time.monotonic()
    worker.stop()
    assert time.monotonic() - started < 10 and worker.pid is None


def test_the_places_calendars_are_kept_for_a_build_from_nothing(site, tmp_path):
    import pickle

    root, output = site
    text = root / "centres" / "abbaye-d-exemple" / "index.en.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    rebuild_and_compare(root, output, tmp_path)  # most calendars stay in the output: their cache must stay full
    with (tmp_path / "cache" / "atlas-data" / "place-calendars.pickle").open("rb") as stream:
        cached = set(pickle.load(stream).values())
    published = {path.read_bytes() for path in output.glob("*/calendar/centres/*.ics")}
    places = len(list((root / "centres").iterdir()))
    assert len(list(output.glob("*/calendar/centres/*.ics"))) == 4 * places
    assert cached == published


@pytest.mark.parametrize("aside", ["undo-stopped", "building-stopped.pagefind-pages-stopped"])
def test_files_set_aside_by_a_build_stopped_midway_are_removed_by_the_next(site, tmp_path, aside):
    import time

    import tasks

    root, output = site
    leftover = output.parent / f".{output.name}.{aside}"
    make_tree(leftover, {"fr/a/index.html": "set aside"})
    assert tasks.build_site(output=output, root=root) == 0
    deadline = time.monotonic() + 60  # removed in the background, so that the build does not wait
    while leftover.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not leftover.exists()


@pytest.mark.parametrize(
    "given, named",
    [
        ({"render_processes": 0}, "ATLAS['render_processes']"),
        ({"render_processes": "two"}, "ATLAS['render_processes']"),
        ({"processes": 2}, "ATLAS['processes']"),
        ({"country_outlines": "node_modules/world-atlas/countries-1m.json"}, "ATLAS['country_outlines']"),
        ("fr", "ATLAS must be a dict"),
    ],
)
def test_a_wrong_atlas_setting_is_named(given, named):
    import re

    from atlas_site.settings import SettingsError, atlas_settings

    with pytest.raises(SettingsError, match=re.escape(named)):
        atlas_settings({"ATLAS": given, "PATH": str(SAMPLE_SITE / "content")})


def test_a_cache_folder_the_build_cannot_write_is_named_and_the_output_left_as_it_was(tmp_path, monkeypatch, capfd):
    import tasks

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("ATLAS_CACHE", str(blocked / "cache"))
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("the previous build", encoding="utf-8")
    before = tree_digest(output)

    status = tasks.build_site(output=output, root=SAMPLE_SITE)

    stderr = capfd.readouterr().err
    assert status == 2
    assert f"build cache: cannot write {blocked / 'cache'}" in stderr and "ATLAS_CACHE" in stderr
    assert "Traceback" not in stderr
    assert tree_digest(output) == before
    assert not list(tmp_path.glob(".output.building-*"))


def test_the_keys_of_outputs_no_build_wrote_for_weeks_are_deleted(tmp_path, monkeypatch):
    from atlas_site.render_cache import KEYS_KEPT_DAYS, manifest_path

    import tasks

    monkeypatch.setenv("ATLAS_CACHE", str(tmp_path / "cache"))
    keys = tmp_path / "cache" / "atlas-render"
    keys.mkdir(parents=True)
    old, recent = keys / "old-output.keys", keys / "recent-output.keys"
    for path in (old, recent):
        path.write_bytes(b"keys")
    weeks_ago = time.time() - (KEYS_KEPT_DAYS + 1) * 86400
    os.utime(old, (weeks_ago, weeks_ago))
    output = tmp_path / "output"

    assert tasks.build_site(output=output, root=SAMPLE_SITE) == 0

    assert not old.exists()
    assert recent.is_file() and manifest_path(output).is_file()


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_an_output_deleted_by_hand_is_built_once(site, tmp_path, capfd, how):
    import tasks

    root, output = site
    shutil.rmtree(output)
    if how == "emptied":
        output.mkdir()
    capfd.readouterr()

    assert tasks.build_site(output=output, root=root) == 0

    # Its keys listed every file as there: the build kept them all, found them missing, and built again.
    assert "are missing" not in capfd.readouterr().err
    fresh = tmp_path / "fresh"
    assert tasks.build_site(output=fresh, root=root) == 0
    assert files(output) == files(fresh)
