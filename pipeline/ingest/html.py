"""Reader for web pages: trafilatura finds the main text and drops navigation.

trafilatura (Barbaresi 2021, ACL demo) is maintained and benchmarked for
boilerplate removal; its XML output keeps headings, paragraphs and lists,
which is the structure the pipeline needs.
"""

from __future__ import annotations

from lxml import etree

from pipeline.ingest.types import Block, RawDocument

# A page whose visible text (scripts, styles, <noscript> and the <head> left out) has fewer words than
# this, but which loads scripts, is a JavaScript application's shell (React, Angular, Vue: an empty
# <div id="root">), not an article: nothing is there until a browser runs it.
SHELL_MAX_WORDS = 25


def is_script_shell(text: str) -> bool:
    """True for a page whose text a browser builds with JavaScript (see :data:`SHELL_MAX_WORDS`)."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"))
    except (etree.ParserError, ValueError):
        return False
    if not root.xpath("//script"):
        return False
    for node in root.xpath("//script|//style|//noscript|//template|//head"):
        node.drop_tree()
    return len(root.text_content().split()) < SHELL_MAX_WORDS


def read_html(text: str, url: str | None = None) -> RawDocument:
    import trafilatura

    xml = trafilatura.extract(
        text,
        url=url,
        output_format="xml",
        include_comments=False,
        include_tables=False,
        include_formatting=False,
        with_metadata=True,
        favor_recall=True,
    )
    blocks: list[Block] = []
    hints: dict[str, str] = {}
    if xml:
        root = etree.fromstring(xml.encode())
        for key in ("title", "author", "date", "sitename", "url"):
            value = root.get(key)
            if value:
                hints[key] = value
        body = root.find("main")
        nodes = body.iter() if body is not None else root.iter()
        for node in nodes:
            if node.tag in ("head", "p", "item", "quote"):
                content = " ".join("".join(node.itertext()).split())
                if not content:
                    continue
                if node.tag == "head":
                    rend = node.get("rend", "h2")
                    level = int(rend[1]) if rend[:1] == "h" and rend[1:].isdigit() else 2
                    blocks.append(Block(kind="heading", text=content, level=level))
                elif node.tag == "p" and node.getparent() is not None and node.getparent().tag == "item":
                    continue
                else:
                    blocks.append(Block(kind="body", text=content))
    warnings = []
    loose = not any(b.kind == "body" for b in blocks) or _loose_text_share(text) >= LOOSE_TEXT_SHARE
    if loose:
        fallback = visible_paragraphs(text)
        if fallback:
            blocks = [b for b in blocks if b.kind == "heading"] + [Block(kind="body", text=t) for t in fallback]
            warnings.append("html: no main text was found by boilerplate removal (text set with <br> only, or no "
                            "article markup); the page's whole visible text is kept, navigation included")
    if "title" in hints and not any(b.kind == "heading" for b in blocks[:1]):
        blocks.insert(0, Block(kind="heading", text=hints["title"], level=1))
    return RawDocument(media_type="text/html", blocks=blocks, meta_hints=hints, warnings=warnings)


# A page whose visible words sit mostly right in <body> (between <br>, <b>, <font>: no paragraph markup) is read
# as its visible text: trafilatura scores such text as boilerplate and drops parts of it (the first sentence).
LOOSE_TEXT_SHARE = 0.5


def _loose_text_share(text: str) -> float:
    """The share of the page's visible words that are text nodes directly in ``<body>``."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"))
    except (etree.ParserError, ValueError):
        return 0.0
    body = root.find("body")
    if body is None:
        return 0.0
    for node in body.xpath(".//script|.//style|.//noscript|.//template"):
        node.drop_tree()
    total = len(body.text_content().split())
    loose = len((body.text or "").split()) + sum(len((c.tail or "").split()) for c in body)
    return loose / total if total else 0.0


# Elements that end a paragraph of visible text (HTML Living Standard, 4.4 grouping content, headings, tables).
_BLOCK_TAGS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "section", "article",
               "table", "ul", "ol", "dd", "dt", "td", "th", "header", "footer", "main", "aside", "nav", "form", "hr")


def visible_paragraphs(text: str) -> list[str]:
    """The page's visible text in paragraphs: what a browser shows, without scripts, styles and the head.

    The fallback when trafilatura finds no main text: pages whose prose is set with ``<br>`` only,
    directly in ``<body>``, which its paragraph-based scoring reads as boilerplate. Paragraphs end at
    block elements and at two ``<br>`` in a row.
    """
    import lxml.html

    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"))
    except (etree.ParserError, ValueError):
        return []
    for node in root.xpath("//script|//style|//noscript|//template|//head"):
        node.drop_tree()
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag == "br":
            node.tail = "\n" + (node.tail or "")
        elif node.tag in _BLOCK_TAGS:
            node.tail = "\n\n" + (node.tail or "")
    import re

    paras = re.split(r"\n[ \t\xa0]*\n", root.text_content())
    return [" ".join(p.split()) for p in paras if p.split()]
