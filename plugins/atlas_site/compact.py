"""Whitespace and comment removal for the theme's own scripts and stylesheets, once Pelican has copied them.

Deliberately simple (block comments, // comments on their own line or after a statement, indentation,
blank lines): it relies on the sources never putting '/*' or ' // ' inside a string. The browser tests run
the result.
"""

from __future__ import annotations

import re
from pathlib import Path

_BLOCK = re.compile(r"/\*.*?\*/", re.S)
_TRAILING = re.compile(r"([;{}])\s+// .*$")  # a comment after a statement: never inside a string in our code


def compact(text: str, script: bool) -> str:
    text = _BLOCK.sub("", text)
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if not line or (script and line.startswith("//")):
            continue
        if script:
            line = _TRAILING.sub(r"\1", line)
        lines.append(line)
    return "\n".join(lines) + "\n"


def compact_files(output: Path, relatives: list[str]) -> None:
    for relative in relatives:
        path = Path(output) / relative
        if path.is_file():
            path.write_text(compact(path.read_text(encoding="utf-8"), path.suffix == ".js"), encoding="utf-8")


def compact_theme(output: Path) -> list[str]:
    """Compact every script and stylesheet of the theme itself (never the vendor files from npm)."""
    theme = Path(output) / "theme"
    relatives = sorted(
        str(path.relative_to(output)) for folder in ("css", "js") for path in (theme / folder).glob(f"*.{folder}")
    )
    compact_files(output, relatives)
    return relatives
