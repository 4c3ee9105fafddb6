"""Reading built pages: the one HTML parser, the article text, and its
Flesch-Kincaid reading grade."""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from pathlib import Path


BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd",
          "figcaption", "summary", "blockquote", "div", "section", "details", "tr"}
SKIPPED_TAGS = {"script", "style", "svg", "code", "pre", "template"}
# Reference lists are citations, not prose; permalinks are the pilcrow signs.
# "You may have heard" lines (also-called) are lists of the words people
# type, not sentences, so they do not count towards sentence length or grade.
SKIPPED_CLASSES = {"headerlink", "references", "page-info", "md-source-file", "contents-list", "also-called"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class TreeBuilder(HTMLParser):
    """Builds an ElementTree element from HTML: void elements closed, a stray
    end tag ignored, an end tag closing whatever was left open inside it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = etree.Element("document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = etree.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        etree.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def parse_html(html: str) -> etree.Element:
    """The page as an ElementTree element (a <document> holding the page):
    the one HTML parser of the project, tests included. Query it with
    .iter(tag), .get(attribute), classes(element), text_of(element)."""
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def classes(element: etree.Element) -> set[str]:
    return set((element.get("class") or "").split())


def text_of(element: etree.Element) -> str:
    """The element's text, spaces folded."""
    return " ".join("".join(element.itertext()).split())


def article_blocks(html: str) -> list[str]:
    """The text blocks of the page's <article>: paragraphs, list items,
    headings, cells..., leaving out code, scripts, citations and section links."""
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join("".join(current).split())
        if text:
            blocks.append(text)
        current.clear()

    def walk(element: etree.Element) -> None:
        if element.tag in BLOCKS:
            flush()
        current.append(element.text or "")
        for child in element:
            if child.tag in SKIPPED_TAGS or classes(child) & SKIPPED_CLASSES:
                if child.tag in BLOCKS:
                    flush()
            else:
                walk(child)
            current.append(child.tail or "")
        if element.tag in BLOCKS:
            flush()

    article = next(parse_html(html).iter("article"), None)
    if article is not None:
        walk(article)
        flush()
    return blocks


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")
TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’.\-][A-Za-z0-9]+)*|[^\sA-Za-z0-9]")
WORD = re.compile(r"[A-Za-z0-9]")


def article_sentences(html: str) -> list[list[str]]:
    """The article's sentences, each a list of tokens (words and punctuation)."""
    sentences = []
    for block in article_blocks(html):
        for sentence in SENTENCE_END.split(block):
            tokens = TOKEN.findall(sentence)
            if any(WORD.match(t) for t in tokens):
                sentences.append(tokens)
    return sentences


def word_count(tokens: list[str]) -> int:
    return sum(1 for t in tokens if WORD.match(t))


def reading_grade(sentences: list[list[str]]) -> float:
    """Flesch-Kincaid grade, measured by the `readability` package."""
    import readability

    text = "\n".join(" ".join(tokens) for tokens in sentences)
    return readability.getmeasures(text, lang="en")["readability grades"]["Kincaid"]


def built_pages(site: Path) -> list[Path]:
    """Every built content page (index.html), leaving out the 404 page and redirects."""
    pages = []
    for path in sorted(site.rglob("index.html")):
        html = path.read_text(encoding="utf-8")
        if "<article" in html:
            pages.append(path)
    return pages


def page_url(path: Path, site: Path) -> str:
    """'/benefits/' for site/benefits/index.html."""
    parent = path.parent.relative_to(site).as_posix()
    return "/" if parent == "." else f"/{parent}/"
