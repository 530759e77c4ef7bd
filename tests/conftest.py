"""Session fixtures: the sample site and the shipped content, each built once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from support import ROOT, SAMPLE_SITE  # noqa: E402


def _build(output: Path, root: Path) -> Path:
    import tasks

    assert tasks.build_site(output=output, root=root) == 0, f"building {root} failed"
    return output


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Path:
    """The sample site (tests/sample-site) built once per session."""
    return _build(tmp_path_factory.mktemp("sample") / "output", SAMPLE_SITE)


@pytest.fixture(scope="session")
def real_build(tmp_path_factory) -> Path:
    """The shipped content built once per session."""
    return _build(tmp_path_factory.mktemp("real") / "output", ROOT)
