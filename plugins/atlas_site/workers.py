"""Render a build's languages on two processes: the build forks once, the child renders its share of the
languages, sends back what the build needs afterwards, and exits.

Templates and page hooks are Python, held to one core by the interpreter's lock; with a second process, a
build of 2,000 places took a quarter to a third less time on two cores (the search indexing and the file system
already use the second core, so not half). Fork, not spawn: the child starts with the records loaded
and every page's key computed. What changes while pages render, and is needed once they are all written, lives
on per-build objects (the render cache, the Markdown cache, the plugins' builds): each gives its changes with
`worker_state()` and takes the child's with `merge_worker_state(state)`. What this process must do while the
child renders (run Pagefind on the languages the child has written) comes as events: `worker_event(payload)`.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable

# Fewer pages than this to render in the second process: forking costs more than it saves.
MIN_PAGES = 50


def split_languages(
    languages: list[str], counts: dict[str, int], processes: int, first: tuple[str, ...] = ()
) -> list[list[str]]:
    """The languages in one group per process, of about as many pages to render each (counts); the first group
    is this process's. One group when a second process would have little to do. Each group in the order of
    languages, except those in first, rendered before the others (see extensions.py: written_first), and those
    with no page to render, after them: in a rebuild, the search indexes the languages whose pages changed
    while the others' are checked."""
    order = {code: (not counts[code], code not in first, i) for i, code in enumerate(languages)}
    if processes < 2 or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return [sorted(languages, key=order.get)]
    here, there = [], []
    for lang in sorted(languages, key=lambda code: -counts[code]):
        (here if sum(counts[c] for c in here) <= sum(counts[c] for c in there) else there).append(lang)
    if sum(counts[c] for c in there) < MIN_PAGES:
        return [sorted(languages, key=order.get)]
    return [sorted(here, key=order.get), sorted(there, key=order.get)]


class Worker:
    """work(send) run in a forked child; result() waits for it and returns what it returned (picklable).

    While it runs, the child can send(name, payload) events; a thread of this process reads them as they come
    and calls on_event(name, payload) (the search runs Pagefind on the languages the child has written)."""

    def __init__(self, work: Callable[[Callable], object], on_event: Callable[[str, object], None]):
        read, write = os.pipe()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        # The records and everything loaded so far live as long as the build: out of the collector's reach, the
        # child's collections do not write to them, so their pages stay shared instead of being copied.
        gc.freeze()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(read)
            _run_child(work, write)
        os.close(write)
        self.on_event, self.outcome = on_event, None
        self.reader = threading.Thread(target=self._read, args=(os.fdopen(read, "rb"),), daemon=True)
        self.reader.start()

    def _read(self, pipe) -> None:
        with pipe:
            while True:
                try:
                    kind, *message = pickle.load(pipe)
                except EOFError:
                    self.outcome = {"error": "it stopped before its end"}
                    return
                if kind != "event":
                    self.outcome = {kind: message[0]}
                    return
                try:
                    self.on_event(*message)
                except BaseException as error:  # noqa: BLE001 - reported by result(), which fails the build
                    self.outcome = {"error": "".join(traceback.format_exception(error))}
                    return

    def result(self) -> object:
        self.reader.join()
        outcome = self.outcome
        self.stop()
        if "error" in outcome:
            raise RuntimeError(f"rendering pages in a second process failed:\n{outcome['error']}")
        return outcome["result"]

    def stop(self) -> None:
        """Wait for the child, or end it when this process fails first instead of leaving it writing."""
        if self.pid:
            if not (self.outcome and "result" in self.outcome):  # it may be writing, or blocked writing to us
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None


def _run_child(work: Callable[[Callable], object], write: int) -> None:
    code = 0
    try:
        _plain_output()
        with os.fdopen(write, "wb") as pipe:

            def send(name: str, payload: object) -> None:
                pickle.dump(("event", name, payload), pipe, protocol=pickle.HIGHEST_PROTOCOL)
                pipe.flush()

            try:
                message = ("result", work(send))
            except BaseException as error:  # noqa: BLE001 - reported to the parent, which fails the build
                message, code = ("error", "".join(traceback.format_exception(error))), 1
            pickle.dump(message, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def _plain_output() -> None:
    """Pelican's console (rich) has a refresh thread that fork did not copy: its lock may be held forever.
    The child writes to the plain streams instead."""
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    root = logging.getLogger()
    level = root.level
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
