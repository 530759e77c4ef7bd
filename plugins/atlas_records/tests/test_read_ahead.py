"""The records' keys made ahead by the process that starts a build (read_ahead.py), and handed to the build."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from atlas_records import load_atlas, read_ahead
from atlas_records.read_ahead import KeysAhead, keys_sent

SAMPLE_SITE = Path(__file__).resolve().parents[3] / "tests" / "sample-site"
LANGUAGES = ["fr", "en", "ar", "zh"]


def sent_through_a_pipe(ahead: KeysAhead) -> dict:
    read, write = os.pipe()
    ahead.send(write)
    return keys_sent(read)


def keys_of(atlas) -> dict[str, str]:
    return {str(r.folder): r.digest for by_slug in atlas.records.values() for r in by_slug.values()}


def test_the_keys_made_ahead_are_those_a_load_makes_itself(tmp_path):
    made_here = keys_of(load_atlas(SAMPLE_SITE, LANGUAGES, "fr", cache_dir=tmp_path))

    assert made_here and sent_through_a_pipe(KeysAhead(SAMPLE_SITE, tmp_path)) == made_here


def started_threads(monkeypatch) -> list[str]:
    names, start = [], threading.Thread.start

    def recorded(thread):
        names.append(thread.name)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", recorded)
    return names


def test_records_read_quickly_are_keyed_by_one_thread(monkeypatch, tmp_path):
    monkeypatch.setattr(read_ahead, "BATCH", 2)
    monkeypatch.setattr(read_ahead, "SLOW", 60.0)
    names = started_threads(monkeypatch)

    assert sent_through_a_pipe(KeysAhead(SAMPLE_SITE, tmp_path))
    assert [name for name in names if name.startswith("keys-ahead")] == ["keys-ahead"]


def test_records_read_slowly_are_keyed_by_helper_threads_too_with_the_same_keys(monkeypatch, tmp_path):
    made_here = keys_of(load_atlas(SAMPLE_SITE, LANGUAGES, "fr", cache_dir=tmp_path))
    monkeypatch.setattr(read_ahead, "BATCH", 2)
    monkeypatch.setattr(read_ahead, "SLOW", 0.0)  # every batch is slow: helpers start after the first
    names = started_threads(monkeypatch)

    assert sent_through_a_pipe(KeysAhead(SAMPLE_SITE, tmp_path)) == made_here
    assert len([name for name in names if name.startswith("keys-ahead")]) == read_ahead.THREADS


def test_a_load_given_the_keys_reads_no_record_file_and_loads_the_same_atlas(monkeypatch, tmp_path):
    first = load_atlas(SAMPLE_SITE, LANGUAGES, "fr", cache_dir=tmp_path)  # fills the bundle cache
    keys = sent_through_a_pipe(KeysAhead(SAMPLE_SITE, tmp_path))
    read, read_bytes = [], Path.read_bytes

    def recorded(path):
        read.append(path)
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", recorded)
    given = load_atlas(SAMPLE_SITE, LANGUAGES, "fr", cache_dir=tmp_path, keys=keys)

    assert not [path for path in read if path.is_relative_to(SAMPLE_SITE)]
    assert keys_of(given) == keys_of(first)
    assert {slug: r.facts for slug, r in given.records["centre"].items()} == {
        slug: r.facts for slug, r in first.records["centre"].items()
    }


def test_a_record_missing_from_the_keys_sent_is_keyed_by_the_load(tmp_path):
    made_here = keys_of(load_atlas(SAMPLE_SITE, LANGUAGES, "fr", cache_dir=tmp_path))
    some = dict(list(made_here.items())[1:])

    assert keys_of(load_atlas(SAMPLE_SITE, LANGUAGES, "fr", cache_dir=tmp_path, keys=some)) == made_here


def test_keys_ahead_of_a_missing_folder_are_none_and_a_closed_pipe_gives_none(tmp_path):
    assert sent_through_a_pipe(KeysAhead(tmp_path / "nothing-here", tmp_path / "no-cache")) == {}
    read, write = os.pipe()
    os.close(write)  # the starting process ended without sending them
    assert keys_sent(read) == {}
