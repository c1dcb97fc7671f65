"""Message bodies as QTextDocuments laid out at a width, cached, and the links they hold."""

from __future__ import annotations

import html as htmllib
import re
from collections import OrderedDict

from PySide6.QtCore import QPointF, QUrl
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QDesktopServices,
    QFont,
    QPainter,
    QPalette,
    QTextDocument,
)

CACHE_SIZE = 400
OPENABLE_SCHEMES = ("http", "https", "mailto")
_URL = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


def plain_to_html(text: str) -> str:
    """Plain text as HTML: escaped, line breaks kept, bare http(s) addresses made links."""
    out, last = [], 0
    for match in _URL.finditer(text):
        out.append(htmllib.escape(text[last : match.start()]))
        url = htmllib.escape(match.group(0))
        out.append(f'<a href="{url}">{url}</a>')
        last = match.end()
    out.append(htmllib.escape(text[last:]))
    return "".join(out).replace("\n", "<br>")


def style_sheet(palette: QPalette) -> str:
    """Colours of links and code from the palette (QTextDocument would take the app's)."""
    link = palette.color(QPalette.ColorRole.Link).name()
    code_bg = palette.color(QPalette.ColorRole.Button).name()
    quote = QColor(palette.color(QPalette.ColorRole.Text))
    quote.setAlphaF(0.7)
    return (
        f"a {{ color: {link}; text-decoration: underline; }}"
        f"code, pre {{ background-color: {code_bg}; font-family: monospace; }}"
        f"blockquote {{ color: {quote.name(QColor.NameFormat.HexArgb)}; }}"
        "p { margin: 0; } ul, ol { margin-top: 0; margin-bottom: 0; }"
    )


class DocumentCache:
    """Laid-out documents by (key, width, palette), least recently used dropped first.

    The key names the content (a message's id and what it shows); a row that changes gets a new
    key, a width change a new entry, so sizeHint and paint always measure the same document.
    """

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._docs: OrderedDict[tuple, QTextDocument] = OrderedDict()

    def clear(self) -> None:
        self._docs.clear()

    def __len__(self) -> int:
        return len(self._docs)

    def document(
        self, key: tuple, html: str, font: QFont, width: int, palette: QPalette
    ) -> QTextDocument:
        sheet = style_sheet(palette)
        full = (key, width, font.toString(), sheet)
        doc = self._docs.get(full)
        if doc is not None:
            self._docs.move_to_end(full)
            return doc
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(font)
        doc.setDefaultStyleSheet(sheet)
        doc.setHtml(html)
        doc.setTextWidth(width)
        self._docs[full] = doc
        if len(self._docs) > self._size:
            self._docs.popitem(last=False)
        return doc


def draw(painter: QPainter, doc: QTextDocument, left: int, top: int, palette: QPalette) -> None:
    """Paints `doc` at (left, top) with the palette's text colour."""
    painter.save()
    painter.translate(left, top)
    context = QAbstractTextDocumentLayout.PaintContext()
    context.palette = QPalette(palette)
    doc.documentLayout().draw(painter, context)
    painter.restore()


def anchor_at(doc: QTextDocument, x: float, y: float) -> str:
    """The link under a point given in the document's coordinates, or ""."""
    return doc.documentLayout().anchorAt(QPointF(x, y))


def openable(href: str) -> QUrl | None:
    """A link we may hand to the system: http(s) and mailto only (never file: or others)."""
    url = QUrl(href)
    if url.isValid() and url.scheme().lower() in OPENABLE_SCHEMES:
        return url
    return None


def open_link(href: str) -> bool:
    url = openable(href)
    return url is not None and QDesktopServices.openUrl(url)
