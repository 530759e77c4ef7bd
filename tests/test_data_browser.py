"""The atlas_data pages in a real browser: axe-core finds no WCAG A/AA violation, in LTR and RTL."""

from __future__ import annotations

import pytest
from test_browser import browser, readable, sample_server, visit  # noqa: F401  (fixtures and helper)

PAGES = [
    f"/{lang}/{path}"
    for lang in ("fr", "ar", "zh")
    for path in ("data/", "statistics/", "calendar/", "calendar/past/", "events/rencontres-exemple-2023/")
]


@pytest.mark.parametrize("path", PAGES)
def test_data_page_has_no_wcag_violation(visit, sample_server, path):  # noqa: F811
    page = visit.open(sample_server + path)
    assert page.locator("nav.data-nav").count() == 1
    violations = visit.axe_violations()
    assert not violations, f"axe found {len(violations)} violation(s) on {path}:\n{readable(violations)}"
    assert not visit.unexpected_outside_requests()
