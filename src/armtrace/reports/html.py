"""HTML pages to Reports: the main text and the metadata a page carries (title, date, publisher)."""

from __future__ import annotations

from datetime import date

from selectolax.parser import HTMLParser

from armtrace.reports.document import Report

_DROP = "script, style, noscript, nav, header, footer, aside, form, iframe, svg"
_DATE_META = (
    "article:published_time",
    "date",
    "pubdate",
    "publishdate",
    "dc.date",
    "DC.date.issued",
)
_BLOCKS = "p, h1, h2, h3, h4, li, blockquote, pre, td"


def html_to_report(html: str, key: str, path: str | None = None) -> Report:
    tree = HTMLParser(html)
    for node in tree.css(_DROP):
        node.decompose()
    title = _meta(tree, "og:title") or _text(tree.css_first("title"))
    published = _published(tree)
    root = tree.css_first("article") or tree.css_first("main") or tree.body
    blocks = [_text(n) for n in root.css(_BLOCKS)] if root else []
    text = "\n\n".join(b for b in blocks if b) or (_text(root) if root else "")
    return Report(
        key=key,
        text=text,
        published=published,
        title=title,
        url=_meta(tree, "og:url") or _link(tree),
        publisher=_meta(tree, "og:site_name"),
        format="html",
        path=path,
    )


def _text(node) -> str:  # type: ignore[no-untyped-def]
    return " ".join(node.text(separator=" ").split()) if node is not None else ""


def _meta(tree: HTMLParser, name: str) -> str | None:
    for attr in ("property", "name", "itemprop"):
        node = tree.css_first(f'meta[{attr}="{name}"]')
        if node is not None and node.attributes.get("content"):
            return node.attributes["content"]
    return None


def _link(tree: HTMLParser) -> str | None:
    node = tree.css_first('link[rel="canonical"]')
    return node.attributes.get("href") if node is not None else None


def _published(tree: HTMLParser) -> date | None:
    candidates = [_meta(tree, name) for name in _DATE_META]
    time_node = tree.css_first("time[datetime]")
    if time_node is not None:
        candidates.append(time_node.attributes.get("datetime"))
    for value in candidates:
        if value:
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                continue
    return None
