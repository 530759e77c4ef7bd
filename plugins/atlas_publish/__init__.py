"""Atlas publish: what hosting and editors need besides the pages themselves.

- every page gets a "suggest a correction" link (REPO_URL), to its record's source or to the issues;
- /<lang>/404.html per language (and /404.html in the default language, for hosts that read only that);
- _headers (security headers, for hosts that read that file; only the embeddable maps may be framed) and
  _redirects (aliases, same hosts).
"""

from __future__ import annotations

from atlas_site.site import page_context, site_written

from .headers import embed_headers, headers_file, security_headers
from .pages import correction_url, write_not_found_pages, write_redirects

__all__ = ["correction_url", "embed_headers", "headers_file", "security_headers"]


def on_page_context(site, views, parts, context):
    context["correction_url"] = correction_url(site.settings, context)


def on_site_written(site, output, views_by_lang):
    write_not_found_pages(site, output)
    headers = headers_file(security_headers(site.settings), embed_headers(site.settings))
    (output / "_headers").write_text(headers, encoding="utf-8")
    write_redirects(site, output)


def register():
    page_context.connect(on_page_context)
    site_written.connect(on_site_written)
