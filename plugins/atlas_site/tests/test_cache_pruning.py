"""Cache entries (share cards, photo sizes) that no build used for two weeks are deleted, once a day at most."""

from __future__ import annotations

import os
import time

from atlas_site.cache_pruning import DAY, KEPT_DAYS, PRUNED, mark_used, prune_unused


def aged(path, days: float):
    stamp = time.time() - days * DAY
    os.utime(path, (stamp, stamp))
    return path


def test_entries_unused_for_two_weeks_are_deleted_and_the_others_kept(tmp_path):
    group = tmp_path / "ab"
    group.mkdir()
    old_card = group / "abc.png"
    old_card.write_bytes(b"card")
    aged(old_card, KEPT_DAYS + 1)
    recent_card = group / "abd.png"
    recent_card.write_bytes(b"card")
    aged(recent_card, KEPT_DAYS - 1)
    photo = group / "abe"
    photo.mkdir()
    (photo / "400.jpg").write_bytes(b"photo")
    aged(photo, KEPT_DAYS + 1)

    deleted = prune_unused(tmp_path)

    assert sorted(p.name for p in deleted) == ["abc.png", "abe"]
    assert [p.name for p in group.iterdir()] == ["abd.png"]


def test_a_folder_is_pruned_once_a_day_at_most(tmp_path):
    (tmp_path / "ab").mkdir()
    stale = tmp_path / "ab" / "abc.png"
    prune_unused(tmp_path)  # leaves its mark
    stale.write_bytes(b"card")
    aged(stale, KEPT_DAYS + 1)
    assert prune_unused(tmp_path) == [] and stale.exists()
    aged(tmp_path / PRUNED, 1.5)
    assert prune_unused(tmp_path) == [stale] and not stale.exists()


def test_an_entry_is_marked_used_once_a_day_at_most(tmp_path):
    entry = tmp_path / "card.png"
    entry.write_bytes(b"card")
    aged(entry, 0.5)
    before = entry.stat().st_mtime
    mark_used(entry, before)
    assert entry.stat().st_mtime == before  # no write for an entry marked within the day
    aged(entry, 3)
    mark_used(entry, entry.stat().st_mtime)
    assert entry.stat().st_mtime > time.time() - 60
