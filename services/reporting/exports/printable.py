"""Print-ready HTML: one self-contained page (inline CSS, no external asset, no script) for A4
landscape, the table headers repeated on each printed page, the title block, a page break
before each further sheet, and the signature and seal lines (填报人、审核人、联系电话).
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from services.reporting.exports.sheet import Document, Kind

_ENV = Environment(
    loader=PackageLoader("services.reporting.exports", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ALIGN = {Kind.NUMBER: "num", Kind.PERCENT: "num", Kind.DATE: "date", Kind.DATETIME: "date"}


def render(document: Document) -> str:
    sheets = [
        {"sheet": s, "rows": s.shown(), "classes": [_ALIGN.get(k, "text") for k in s.kinds]}
        for s in document.sheets
    ]
    return _ENV.get_template("print.html").render(document=document, sheets=sheets)


def write(document: Document) -> bytes:
    return render(document).encode("utf-8")
