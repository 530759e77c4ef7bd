"""The read-ahead of a build's start (read_ahead.py) reads what that start reads, in its order."""

from __future__ import annotations

from pathlib import Path

from atlas_records import load_atlas
from atlas_records.read_ahead import key_files, read_ahead, record_bundles

SAMPLE_SITE = Path(__file__).resolve().parents[3] / "tests" / "sample-site"
LANGUAGES = ["fr", "en", "ar", "zh"]


def test_read_ahead_lists_the_files_a_cached_load_reads_in_their_order(monkeypatch, tmp_path):
    load_atlas(SAMPLE_SITE, LANGUAGES, "fr", cache_dir=tmp_path)  # fills the bundle cache
    read, read_bytes = [], Path.read_bytes

    def recorded(path):
        read.append(path)
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", recorded)
    load_atlas(SAMPLE_SITE, LANGUAGES, "fr", cache_dir=tmp_path)
    records = [path for path in read if path.is_relative_to(SAMPLE_SITE)]  # not the cache's own code digest
    assert records, "a cached load reads the records' files to key them"
    assert [path for bundle in record_bundles(SAMPLE_SITE.resolve()) for path in key_files(bundle)] == records


def test_read_ahead_of_a_missing_folder_ends_without_error(tmp_path):
    threads = read_ahead(tmp_path / "nothing-here", tmp_path / "no-cache")
    for thread in threads:
        thread.join(timeout=10)
    assert not any(thread.is_alive() for thread in threads)
