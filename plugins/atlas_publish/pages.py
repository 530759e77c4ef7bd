"""Pages and files written after the site: 404 pages, correction links and alias redirects."""

from __future__ import annotations

from pathlib import Path

RECORD_VIEWS = ("place", "programme", "event", "page", "intro")


def correction_url(settings: dict, context: dict) -> str | None:
    """Where 'suggest a correction' points: the record's source folder, else the repository's issues."""
    repo = (settings.get("REPO_URL") or "").rstrip("/")
    if not repo:
        return None
    for key in RECORD_VIEWS:
        view = context.get(key)
        if isinstance(view, dict) and view.get("source_file"):
            branch = settings.get("REPO_BRANCH") or "main"
            return f"{repo}/tree/{branch}/{view['source_file']}"
    return f"{repo}/issues"


def write_not_found_pages(site, output: Path) -> list[str]:
    """/<lang>/404.html in every language; /404.html is the default language's (GitHub Pages reads only it)."""
    written = []
    for lang in site.languages:
        views = site.activate(lang)
        context = site.base_context(views, (), site.menu(views))
        context.update(
            canonical=site.absolute(f"{site.url(lang)}404.html"),
            alternates=[{"lang": code, "url": site.absolute(f"{site.url(code)}404.html")} for code in site.languages],
            x_default=site.absolute(f"{site.url(site.default_language)}404.html"),
            switcher=[{**item, "current": item["lang"] == lang} for item in context["switcher"]],
            current_path=("404",),
            correction_url=correction_url(site.settings, {}),
        )
        html = site.env.get_template("404.html").render(context)
        (output / lang).mkdir(parents=True, exist_ok=True)
        (output / lang / "404.html").write_text(html, encoding="utf-8")
        written.append(f"{lang}/404.html")
        if lang == site.default_language:
            (output / "404.html").write_text(html, encoding="utf-8")
            written.append("404.html")
    return written


def write_redirects(site, output: Path) -> None:
    """_redirects (Netlify, Cloudflare Pages): a real 301 for every alias; other hosts use the redirect pages."""
    lines = []
    for record_type, by_slug in sorted(site.atlas.records.items()):
        prefix = site.PATHS[record_type]
        for slug, record in sorted(by_slug.items()):
            for alias in record.get("aliases") or []:
                for lang in site.languages:
                    old = "/".join(p for p in (lang, prefix, alias) if p)
                    new = "/".join(p for p in (lang, prefix, slug) if p)
                    lines.append(f"/{old}/ /{new}/ 301")
                    lines.append(f"/{old} /{new}/ 301")
    (output / "_redirects").write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
