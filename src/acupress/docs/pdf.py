"""HTML printed to PDF with WeasyPrint: page size, margins and page numbers come from the
page's own CSS (@page), so the guide and the report each set theirs."""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"


def print_pdf(html: str) -> bytes:
    import logging

    import weasyprint

    # WeasyPrint reports CSS it ignores (such as screen-only rules) as warnings.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    pdf: bytes = weasyprint.HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return pdf
