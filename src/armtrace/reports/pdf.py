"""PDF reports to Reports: the text of each page, with the page offsets kept for provenance.

pypdf is pure Python (no poppler or system library to install) and reads the text layer only; a
scanned report without one is refused by name rather than ingested empty, since OCR is out of scope.
"""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from armtrace.reports.document import PAGE_BREAK, Report, join_pages
from armtrace.reports.readers import ReadError

# pypdf logs every recoverable defect of a damaged file; the reader reports what matters by name
logging.getLogger("pypdf").setLevel(logging.ERROR)


def pdf_to_report(data: bytes, key: str, path: str | None = None) -> Report | ReadError:
    where = path or key
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return ReadError(where, "encrypted PDF (needs a password)")
        pages = [_page_text(page) for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        return ReadError(where, f"not a readable PDF: {exc}")
    if not any(p.strip() for p in pages):
        return ReadError(where, f"no text layer (scanned?) in {len(pages)} page(s); OCR it first")
    text, spans = join_pages(pages)
    meta = reader.metadata or {}
    return Report(
        key=key,
        text=text,
        title=_meta(meta, "/Title"),
        published=None,  # /CreationDate is when the file was made, not when the report was published
        format="pdf",
        path=path,
        pages=spans,
    )


def _page_text(page) -> str:  # type: ignore[no-untyped-def]
    # a form feed inside a page would shift every later page number
    return (page.extract_text() or "").replace(PAGE_BREAK, " ").strip("\n")


def _meta(meta, name: str) -> str | None:  # type: ignore[no-untyped-def]
    try:
        value = meta.get(name)
    except Exception:  # a damaged info dictionary is no reason to lose the report
        return None
    return str(value).strip() or None if value else None
