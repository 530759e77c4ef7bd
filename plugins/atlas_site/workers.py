"""Render a build's languages on two processes: the build forks once, the child renders its share of the
languages, sends back what the build needs afterwards, and exits.

Templates and page hooks are Python, held to one core by the interpreter's lock; with a second process, a
build of 2,000 places took a quarter to a third less time on two cores (the search indexing and the file system
already use the second core, so not half). Fork, not spawn: the child starts with the records loaded
and every page's key computed. What changes while pages render, and is needed once they are all written, lives
on per-build objects (the render cache, the Markdown cache, the plugins' builds): each gives its changes with
`worker_state()` and takes the child's with `merge_worker_state(state)`. What the child only has later (its
search indexing, which goes on after its pages are written) comes in a second message, `late_worker_state()`,
read when the build needs it: meanwhile this process writes the site's other files.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable

# Fewer pages than this to render in the second process: forking costs more than it saves.
MIN_PAGES = 50


def split_languages(languages: list[str], counts: dict[str, int], processes: int) -> list[list[str]]:
    """The languages in one group per process, of about as many pages to render each (counts); the first group
    is this process's. One group when a second process would have little to do."""
    if processes < 2 or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return [list(languages)]
    here, there = [], []
    for lang in sorted(languages, key=lambda code: -counts[code]):
        (here if sum(counts[c] for c in here) <= sum(counts[c] for c in there) else there).append(lang)
    if sum(counts[c] for c in there) < MIN_PAGES:
        return [list(languages)]
    order = {code: i for i, code in enumerate(languages)}
    return [sorted(here, key=order.get), sorted(there, key=order.get)]


class Worker:
    """work() run in a forked child, then then(); result() and late_result() wait for each and return what it
    returned (picklable)."""

    def __init__(self, work: Callable[[], object], then: Callable[[], object] = lambda: None):
        read, write = os.pipe()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        # The records and everything loaded so far live as long as the build: out of the collector's reach, the
        # child's collections do not write to them, so their pages stay shared instead of being copied.
        gc.freeze()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(read)
            _run_child(work, then, write)
        os.close(write)
        self.pipe = os.fdopen(read, "rb")

    def result(self) -> object:
        return self._next()

    def late_result(self) -> object:
        outcome = self._next()
        os.waitpid(self.pid, 0)
        self.pid = None
        self.pipe.close()
        return outcome

    def _next(self) -> object:
        try:
            outcome = pickle.load(self.pipe)
        except EOFError:
            self.stop()
            raise RuntimeError("the process rendering pages stopped before its end") from None
        if "error" in outcome:
            self.stop()
            raise RuntimeError(f"rendering pages in a second process failed:\n{outcome['error']}")
        return outcome["result"]

    def stop(self) -> None:
        """When this process fails first: end the child instead of leaving it writing."""
        if self.pid:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None
            self.pipe.close()


def _run_child(work: Callable[[], object], then: Callable[[], object], write: int) -> None:
    code = 0
    try:
        _plain_output()
        with os.fdopen(write, "wb") as pipe:
            for step in (work, then):
                try:
                    outcome = {"result": step()}
                except BaseException as error:  # noqa: BLE001 - reported to the parent, which fails the build
                    outcome, code = {"error": "".join(traceback.format_exception(error))}, 1
                pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
                pipe.flush()
                if code:
                    break
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
