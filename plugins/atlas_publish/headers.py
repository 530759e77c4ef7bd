"""Security headers of the published site: one definition for `_headers` and the nginx snippet."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Leaflet's default tiles; used when the maps plugin does not say which tile server it uses.
DEFAULT_TILE_SOURCES = ["https://tile.openstreetmap.org", "https://*.tile.openstreetmap.org"]


def _tiles_urls(settings: dict) -> list[str]:
    maps = settings.get("ATLAS_MAPS") or {}
    try:  # the maps plugin's own defaults, when it is there
        from atlas_maps.settings import DEFAULTS as MAPS_DEFAULTS
    except ImportError:
        MAPS_DEFAULTS = {}
    value = maps.get("tiles") if isinstance(maps, dict) else None
    value = value or MAPS_DEFAULTS.get("tiles")
    return [value] if isinstance(value, str) and value.startswith(("http://", "https://")) else []


def tile_sources(settings: dict) -> list[str]:
    """CSP sources of the map tiles, from ATLAS_MAPS['tiles'] (the maps plugin's setting); else OSM's hosts."""
    urls = _tiles_urls(settings)
    if not urls:
        return list(DEFAULT_TILE_SOURCES)
    sources = []
    for url in urls:
        parts = urlsplit(re.sub(r"\{[a-z]\}\.", "sub.", url, count=1))
        host = parts.hostname or ""
        if re.match(r"^https?://\{[a-z]\}\.", url):  # {s}.tile.example.org: any subdomain
            host = "*." + host.split(".", 1)[1]
        source = f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")
        if source not in sources:
            sources.append(source)
        if source in DEFAULT_TILE_SOURCES[:1]:  # OSM serves the same tiles from its a/b/c subdomains
            sources.append(DEFAULT_TILE_SOURCES[1])
    return sources


# The embeddable maps (atlas_maps: /<lang>/embed/...), the only pages other sites may show in a frame.
EMBED_PATTERN = "/*/embed/*"


def content_security_policy(settings: dict, frame_ancestors: str = "'none'") -> str:
    """No inline script anywhere: scripts and styles come from the site itself; images also from the tile host.
    No site may frame the pages (frame_ancestors), except the embeddable maps (embed_headers)."""
    directives = [
        ("default-src", ["'self'"]),
        # 'wasm-unsafe-eval' lets the search (Pagefind) compile its WebAssembly; it allows no inline script.
        ("script-src", ["'self'", "'wasm-unsafe-eval'"]),
        ("style-src", ["'self'"]),
        ("img-src", ["'self'", "data:", *tile_sources(settings)]),
        ("font-src", ["'self'"]),
        ("connect-src", ["'self'"]),
        ("object-src", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("form-action", ["'self'"]),
        ("frame-ancestors", [frame_ancestors]),
    ]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives)


def security_headers(settings: dict) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(settings),
        # Tile servers need to know the referring site (OSM's tile policy); never the full URL.
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
    }


def embed_headers(settings: dict) -> dict[str, str]:
    """The headers of the embeddable maps: the same, except that any site may frame them (no X-Frame-Options)."""
    headers = security_headers(settings)
    headers["Content-Security-Policy"] = content_security_policy(settings, frame_ancestors="*")
    del headers["X-Frame-Options"]
    return headers


def headers_file(headers: dict[str, str], embed: dict[str, str] | None = None) -> str:
    """The `_headers` file read by Netlify, Cloudflare Pages and similar hosts.

    With embed (the embeddable maps' headers): a second rule for EMBED_PATTERN. A path matching both rules gets
    the headers of both, so the embed rule first detaches (`! Name`, Cloudflare Pages) the headers it replaces
    or drops, then sets its own."""
    lines = ["# Security headers of every page (written by plugins/atlas_publish; nginx: hosting/nginx/).", "/*"]
    lines += [f"  {name}: {value}" for name, value in headers.items()]
    if embed is not None:
        lines += ["", "# The embeddable maps (/<lang>/embed/...): any site may show them in a frame.", EMBED_PATTERN]
        lines += [f"  ! {name}" for name, value in headers.items() if embed.get(name) != value]
        lines += [f"  {name}: {value}" for name, value in embed.items() if headers.get(name) != value]
    return "\n".join(lines) + "\n"


def nginx_headers(headers: dict[str, str], embed: bool = False) -> str:
    """The nginx snippets hosting/nginx/security-headers.conf and, with embed, embed-headers.conf (the headers
    of the embeddable maps); `invoke hosting` rewrites both."""
    lines = [
        "# Security headers of the atlas: written by `invoke hosting` from plugins/atlas_publish/headers.py,",
        "# the same definition as the _headers file of the build. Do not edit by hand.",
    ]
    if embed:
        lines.append("# The embeddable maps' own headers (any site may frame them): included by their location.")
    else:
        lines.append("# Included at server level; a location with its own add_header must include this file again.")
    lines += [f'add_header {name} "{value}" always;' for name, value in headers.items()]
    return "\n".join(lines) + "\n"
