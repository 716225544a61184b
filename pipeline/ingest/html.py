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
    if "title" in hints and not any(b.kind == "heading" for b in blocks[:1]):
        blocks.insert(0, Block(kind="heading", text=hints["title"], level=1))
    return RawDocument(media_type="text/html", blocks=blocks, meta_hints=hints)
