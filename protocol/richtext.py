"""Rich text: incoming HTML sanitized to the spec's allowlist, outgoing markdown to HTML."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import nh3

if TYPE_CHECKING:  # markdown-it loads when a message is first written, not at start-up
    from markdown_it import MarkdownIt

MAX_NESTING = 100  # "Tags must not be nested more than 100 levels deep"

# The spec's suggested tags (Client-Server API, "m.room.message msgtypes", v1.10+). `font` and
# `strike` were dropped from that list in v1.10: their text is kept, the tags are not.


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ALLOWED_TAGS = _words(
    "del h1 h2 h3 h4 h5 h6 blockquote p a ul ol sup sub li b i u strong em s code hr br div "
    "table thead tbody tr th td caption pre span img details summary"
)
ALLOWED_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "span": frozenset({"data-mx-bg-color", "data-mx-color", "data-mx-spoiler", "data-mx-maths"}),
    "a": frozenset({"href"}),  # plus `target`, limited to _blank below
    "img": frozenset({"width", "height", "alt", "title", "src"}),
    "ol": frozenset({"start"}),
    "code": frozenset({"class"}),
    "div": frozenset({"data-mx-maths"}),
}
LINK_SCHEMES = frozenset({"https", "http", "ftp", "mailto", "magnet"})
# Removed with everything inside: rich-reply fallbacks (spec v1.13: "strip this tag and its
# content") and the elements whose text is code, not prose.
DROPPED_WITH_CONTENT = frozenset({"mx-reply", "script", "style"})

_VOID = frozenset(
    {"br", "hr", "img", "area", "base", "col", "embed", "input", "link", "meta", "wbr"}
)
_SELF_CLOSING_SIBLINGS = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option"})
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")
_CODE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]{1,64}")
_SMALL_INT = re.compile(r"-?\d{1,9}")
_SIZE = re.compile(r"\d{1,5}")


# -- incoming HTML -----------------------------------------------------------------------------


class _DepthCutter(HTMLParser):
    """Re-serializes HTML keeping at most `limit` nested elements; deeper tags are dropped, their
    text kept. Runs before nh3 too, whose html5 tree building is quadratic in depth."""

    def __init__(self, limit: int):
        super().__init__(convert_charrefs=True)
        self.limit = limit
        self.out: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, emitted)
        self.cut = False
        self.skipping = 0  # open, cut mx-reply/script/style: their text goes too

    def _open(self, tag: str, attrs: list[tuple[str, str | None]], void: bool) -> None:
        if tag in _SELF_CLOSING_SIBLINGS and self.stack and self.stack[-1][0] == tag:
            self.handle_endtag(tag)  # `<li>a<li>b`: siblings, not nesting
        emit = len(self.stack) < self.limit
        self.cut |= not emit
        if emit:
            text = "".join(f' {k}="{htmllib.escape(v or "")}"' for k, v in attrs)
            self.out.append(f"<{tag}{text}>")
        if not void:
            self.stack.append((tag, emit))
            self.skipping += not emit and tag in DROPPED_WITH_CONTENT

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, tag in _VOID)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, True)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                while len(self.stack) > i:
                    name, emitted = self.stack.pop()
                    if emitted:
                        self.out.append(f"</{name}>")
                    else:
                        self.skipping -= name in DROPPED_WITH_CONTENT
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(htmllib.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        if self.stack:
            self.handle_endtag(self.stack[0][0])
        return "".join(self.out)


def _cut_depth(html: str, limit: int = MAX_NESTING) -> tuple[str, bool]:
    cutter = _DepthCutter(limit)
    cutter.feed(html)
    return cutter.result(), cutter.cut


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    if attr in ("data-mx-color", "data-mx-bg-color"):
        return value if _COLOR.fullmatch(value) else None
    if tag == "img" and attr == "src":
        return value if value.startswith("mxc://") else None  # never fetch from the web
    if tag == "img" and attr in ("width", "height"):
        return value if _SIZE.fullmatch(value) else None
    if tag == "a" and attr == "href":
        scheme = value.split(":", 1)[0].strip().lower()
        return value if scheme in LINK_SCHEMES else None
    if tag == "ol" and attr == "start":
        return value if _SMALL_INT.fullmatch(value) else None
    if tag == "code" and attr == "class":
        kept = [c for c in value.split() if _CODE_CLASS.fullmatch(c)]
        return " ".join(kept) or None
    return value


def _nh3(html: str, *, link_rel: str | None) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        tag_attribute_values={"a": {"target": {"_blank"}}},
        attribute_filter=_filter_attribute,
        url_schemes=set(LINK_SCHEMES) | {"mxc"},  # mxc only survives on img (filter above)
        url_relative="deny",
        link_rel=link_rel,
        strip_comments=True,
    )


def sanitize_html(html: str, *, link_rel: str | None = "noopener") -> str:
    """Incoming `formatted_body` → HTML holding only the spec's tags and attributes: links
    http/https/ftp/mailto/magnet with rel=noopener, images only mxc://, code classes only
    language-*, data-mx-* only where the spec lists them, depth ≤ 100, no `mx-reply`."""
    if not isinstance(html, str) or not html:
        return ""
    pre_cut, _ = _cut_depth(html)
    clean = _nh3(pre_cut, link_rel=link_rel)
    # html5 parsing may re-nest (adoption agency); check the depth of the real tree again.
    recut, cut = _cut_depth(clean)
    return _nh3(recut, link_rel=link_rel) if cut else clean


class _PlainText(HTMLParser):
    _BLOCKS = _words("p div h1 h2 h3 h4 h5 h6 blockquote pre ul ol table tr details summary hr br")

    def __init__(self, spoiler: str):
        super().__init__(convert_charrefs=True)
        self.spoiler, self.pre = spoiler, 0
        self.parts: list[str] = []
        self.spans: list[bool] = []  # open spans: is each a spoiler (its text hidden)?

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        hidden = any(self.spans)
        if tag == "span":
            self.spans.append("data-mx-spoiler" in values)
            reason = values.get("data-mx-spoiler")
            if self.spans[-1] and not hidden:
                self.parts.append(f"{self.spoiler} ({reason})" if reason else self.spoiler)
        elif not hidden:
            extra = {"li": "\n• ", "td": "\t", "th": "\t", "img": values.get("alt") or ""}
            self.parts.append("\n" if tag in self._BLOCKS else extra.get(tag, ""))
        self.pre += tag == "pre"

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self.spans:
            self.spans.pop()
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        self.pre -= tag == "pre" and self.pre > 0

    def handle_data(self, data: str) -> None:
        if not any(self.spans) and not self.pre:
            data = re.sub(r"\s+", " ", data)
            data = data.lstrip(" ") if not self.parts or self.parts[-1].endswith("\n") else data
        if not any(self.spans):
            self.parts.append(data)


def html_to_plain(html: str, *, spoiler: str = "[spoiler]") -> str:
    """Text for previews and notifications: blocks and <br> become line breaks, list items
    "• ", images their alt text, spoilers `spoiler` (with their reason) instead of their text."""
    parser = _PlainText(spoiler)
    parser.feed(sanitize_html(html))
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# -- outgoing markdown -------------------------------------------------------------------------


def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # CommonMark + GFM strikethrough and tables; typed HTML stays text (html=False). No images:
    # the spec only allows mxc:// sources, which nobody types. Single newlines are line breaks,
    # as in other Matrix clients.
    return (
        MarkdownIt("commonmark", {"html": False, "breaks": True})
        .enable(["strikethrough", "table"])
        .disable("image")
    )


def _is_plain(md: MarkdownIt, text: str) -> bool:
    """True when markdown would change nothing but paragraph and line breaks."""
    for token in md.parse(text):
        if token.type in ("paragraph_open", "paragraph_close"):
            continue
        if token.type != "inline":
            return False
        children = token.children or []
        if any(c.type not in ("text", "softbreak") for c in children):
            return False
        if "".join(c.content if c.type == "text" else "\n" for c in children) != token.content:
            return False
    return True


def markdown_to_html(text: str) -> str | None:
    """Markdown → `formatted_body`, or None when the text has no markdown in it."""
    md = _markdown()
    if _is_plain(md, text):
        return None
    rendered = sanitize_html(md.render(text), link_rel=None).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]  # the spec asks for no needless wrapping paragraph
    return rendered
