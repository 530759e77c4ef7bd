"""What a record's Markdown text may hold once published, and what the checks tell an editor would be lost.

The site's renderer (atlas_site/markup.py) turns a text into HTML and keeps only TAGS and ATTRIBUTES (nh3): a
level-1 heading loses its tag and stays as a loose line, an image disappears, a script goes with its content,
a style attribute goes, a link to tel: loses its address; a link to "www.example.org" is kept as a path inside
the site, which leads nowhere. markup_problems reads the Markdown itself, line by line, so each problem has its
line; what is shown as code (fenced blocks, indented blocks, `code spans`) is written as it is, never dropped,
so it is not read. Tests hold the check to the renderer (atlas_site/tests/test_markup.py).
"""

from __future__ import annotations

import re

# HTML a published text may hold (markup.py passes this allow-list to nh3).
TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}, "th": {"scope"}, "*": {"lang", "dir"}}
# Tags nh3 drops with what they hold, or that stand for content from elsewhere: the reader would miss it.
_LOST_WITH_CONTENT = {
    "audio",
    "button",
    "canvas",
    "embed",
    "form",
    "iframe",
    "input",
    "link",
    "math",
    "meta",
    "object",
    "picture",
    "script",
    "select",
    "source",
    "style",
    "svg",
    "textarea",
    "video",
}
_OPENING_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])")
_ATTRIBUTE = re.compile(r"""\s+([^\s=/>"']+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_CODE_SPAN = re.compile(r"`[^`]*`")
_ATX_LEVEL_1 = re.compile(r"#(?!#)")  # Python-Markdown reads "#title" as a heading too, without a space
# What opens a list item (- * + or 1.) or a definition (:).
_ITEM_MARK = r"[-*+][ \t]+|\d+\.[ \t]+|:[ \t]+"
# A line opening a list item or a definition (in a block quote or not): indented lines after it go on with it.
_LIST_ITEM = re.compile(rf"[ ]{{0,3}}(?:>[ ]?)*(?:{_ITEM_MARK})")
# What opens block quotes, list items or a definition before a line's own text: a heading may follow it.
_CONTAINER_MARKS = re.compile(rf"(?:[ ]{{0,3}}(?:>[ ]?|{_ITEM_MARK}))*")
_SETEXT_LEVEL_1 = re.compile(r"=+\s*")

# Where a text gives a link's address: [text](address), [text](<address>), [label]: address, <a href="address">.
# An image's ![text](address) is reported as an image.
_LINK_ADDRESS = re.compile(
    r"(?<!!)\[[^\[\]]*\]\(\s*(?:<([^>]*)>|([^\s)]*))"
    r"|^[ ]{0,3}\[[^\]]+\]:\s*<?([^\s>]*)"
    r"|<a\s[^>]*?\bhref\s*=\s*[\"']?([^\"'\s>]*)",
    re.IGNORECASE,
)
# Addresses the site publishes as they are, in any case; atlas: ones, in lower case (the renderer makes them the
# page's address), are checked against the atlas's pages with the other records.
_PUBLISHED_ADDRESSES = ("https://", "http://", "mailto:")
ATLAS_SCHEME = "atlas:"
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# A site's name written without https:// ("www.example.org", "example.org/page"), not a file ("page.html").
_WEB_NAME = re.compile(
    r"www\.|[\w-]+(\.[\w-]+)*\.(?!(html?|php|aspx?|pdf|jpe?g|png|gif|webp|svg|md|txt|csv|json|xml)\b)[A-Za-z]{2,}(/|$)"
)

LEVEL_1_HEADING = "a level-1 heading: the page's name is its only one, and this one would be lost; write ## for it"
IMAGE = (
    "an image in the text is not published: put the photo under photos/ and list it under photos: in "
    "index.yaml, with its alt text, credit and licence"
)


# A fenced code block as the renderer reads it (Python-Markdown's fenced_code): fences at the start of a line,
# closed by the same fence; one never closed is not code, and its lines are read as text.
_FENCED_BLOCK = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[ ]*(?:\{[^\n]*\}|\.?[\w#.+-]*)[ ]*\n(?:.*?\n)?(?P=fence)[ ]*$", re.MULTILINE | re.DOTALL
)


def lines_outside_code(body: str, first: int):
    """(number, line) of a text's lines, without their `code spans`, fenced code blocks and indented code blocks:
    what is written there is shown as code (a link is not followed, a tag not read); first: the number of the
    body's first line. An indented line that goes on with a list item (or a definition) is text: it comes
    without its indent."""
    in_fences = set()
    for block in _FENCED_BLOCK.finditer(body):
        opening = body.count("\n", 0, block.start())
        in_fences.update(range(opening, opening + block.group().count("\n") + 1))
    in_list = after_text = False  # after_text: the line before is text, which a line of text may go on
    for index, line in enumerate(body.splitlines()):
        line = _CODE_SPAN.sub("", line)
        if index in in_fences:
            after_text = False
            continue
        if line.startswith(("    ", "\t")):
            if not in_list:  # an indented code block
                after_text = False
                continue
            line = line[4:] if line.startswith("    ") else line[1:]
        elif line.strip():
            in_list = bool(_LIST_ITEM.match(line)) or (in_list and after_text)
        after_text = bool(line[_CONTAINER_MARKS.match(line).end() :].strip())
        yield first + index, line


def link_addresses(line: str):
    """The address of each link written on the line (images aside)."""
    for match in _LINK_ADDRESS.finditer(line):
        yield next(group for group in match.groups() if group is not None).strip()


def _link_address_problem(address: str) -> str | None:
    """Why a link with this address would lead nowhere once published, or None."""
    if not address:
        return "a link with no address: give one in its ( )"
    if address.lower().startswith(_PUBLISHED_ADDRESSES) or address.startswith(ATLAS_SCHEME):
        return None
    if address.startswith("#"):
        # A text's headings get no id: the link would stay where it is.
        return f"link '{address}' leads to no part of the page: a text's headings have no anchor to link"
    if address.lower().startswith(ATLAS_SCHEME):
        # The renderer makes only atlas: (in lower case) a page's address; ATLAS: would be published as it is.
        return f"link '{address}': write {ATLAS_SCHEME} in lower case, {ATLAS_SCHEME}{address[len(ATLAS_SCHEME) :]}"
    if _WEB_NAME.match(address):
        # Without its scheme, the address is read as a path inside the site: a page that does not exist.
        return f"link '{address}' has no https:// and would lead to a missing page: write https://{address}"
    if _SCHEME.match(address):
        return f"link '{address}' would lose its address: texts publish https://, http://, mailto: and atlas: links"
    return (
        f"link '{address}' is a path inside the site: link the page as atlas:centres/<slug> (or another atlas: "
        "address), which follows the reader's language and the page's renames"
    )


def _attribute_names(line: str, position: int) -> list[str]:
    """The names of the attributes written from position (just after a tag's name) to the end of the tag."""
    names = []
    while match := _ATTRIBUTE.match(line, position):
        names.append(match.group(1).lower())
        position = match.end()
    return names


def markup_problems(body: str, first: int) -> list[tuple[int, str, str]]:
    """(line number, message, severity) of what the published text would lose; first: the body's first line."""
    problems = []
    previous = (None, "")  # the line before, when it is outside code: "===" under it makes it a heading
    for number, line in lines_outside_code(body, first):
        own = line[_CONTAINER_MARKS.match(line).end() :]  # the line's text, inside a quote or list item
        if _ATX_LEVEL_1.match(own):
            problems.append((number, LEVEL_1_HEADING, "error"))
        elif _SETEXT_LEVEL_1.fullmatch(own) and previous[0] == number - 1 and previous[1].strip():
            problems.append((number - 1, LEVEL_1_HEADING, "error"))
        if "![" in line:
            problems.append((number, IMAGE, "error"))
        problems += [
            (number, message, "error") for message in map(_link_address_problem, link_addresses(line)) if message
        ]
        problems += [(number, message, severity) for message, severity in _tag_problems(line)]
        previous = (number, own)
    return problems


def _tag_problems(line: str) -> list[tuple[str, str]]:
    """(message, severity) for each tag of the line, or attribute of a kept tag, that publishing removes."""
    problems = []
    for match in _OPENING_TAG.finditer(line):
        tag = match.group(1).lower()
        if tag == "img":
            problems.append((IMAGE, "error"))
        elif tag in _LOST_WITH_CONTENT:
            problems.append((f"<{tag}> is removed from published texts, with what it holds", "error"))
        elif tag not in TAGS:
            problems.append((f"<{tag}> is not kept in published texts (its text is)", "warning"))
        else:
            kept = ATTRIBUTES.get(tag, set()) | ATTRIBUTES["*"]
            for name in _attribute_names(line, match.end()):
                if name not in kept:
                    problems.append((f"<{tag} {name}=…>: {name} is not kept in published texts", "warning"))
    return problems
