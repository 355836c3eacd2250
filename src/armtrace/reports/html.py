"""HTML pages to Reports: the main text and the metadata a page carries (title, date, publisher).

The main text comes from trafilatura, which drops menus, sidebars, comments, share bars and cookie
banners that a tag-based cut (article/main) keeps on real news pages (docs/ingest.md has the
comparison). The publication date is read from the page's markup only: trafilatura's date guesser
also searches the visible text, and a wrong publication date silently shifts every relative date
("last week") of the report, which is worse than none.
"""

from __future__ import annotations

import json
from datetime import date

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from armtrace.reports.document import Report

_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datePublished",
    "date",
    "pubdate",
    "publishdate",
    "dc.date",
    "DC.date.issued",
)


class NoMainText(ValueError):
    """The page has no text outside scripts, menus and other boilerplate."""


def html_to_report(html: str, key: str, path: str | None = None) -> Report:
    tree = load_html(html)
    if tree is None:
        raise NoMainText("not an HTML document")
    published = _published(tree)
    canonical = _canonical(tree)
    # trafilatura cleans the tree it is given in place: the metadata above is read first
    doc = trafilatura.bare_extraction(
        tree, with_metadata=True, favor_precision=True, include_comments=False
    )
    text = _paragraphs(doc.text if doc is not None else "")
    if not text:
        raise NoMainText("no main text (a page built by scripts, or only navigation)")
    return Report(
        key=key,
        text=text,
        published=published,
        title=doc.title or None,
        url=doc.url or canonical,
        publisher=doc.sitename or None,
        format="html",
        path=path,
    )


def _paragraphs(text: str | None) -> str:
    # one block per line from trafilatura; a blank line between blocks keeps headings apart from
    # the sentence after them, as the text reader's paragraphs are
    lines = (" ".join(line.split()) for line in (text or "").splitlines())
    return "\n\n".join(line for line in lines if line)


def _meta(tree: HtmlElement, name: str) -> str | None:
    for attr in ("property", "name", "itemprop"):
        for node in tree.xpath(f'//meta[@{attr}="{name}"]'):
            if node.get("content"):
                return node.get("content")
    return None


def _canonical(tree: HtmlElement) -> str | None:
    nodes = tree.xpath('//link[@rel="canonical"]/@href')
    return str(nodes[0]) if nodes else None


def _published(tree: HtmlElement) -> date | None:
    candidates = [_meta(tree, name) for name in _DATE_META]
    candidates += _json_ld_dates(tree)
    candidates += [str(v) for v in tree.xpath("//time/@datetime")[:1]]
    for value in candidates:
        if value:
            try:
                return date.fromisoformat(value.strip()[:10])
            except ValueError:
                continue
    return None


def _json_ld_dates(tree: HtmlElement) -> list[str]:
    found: list[str] = []
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and isinstance(item.get("datePublished"), str):
                found.append(item["datePublished"])
    return found
