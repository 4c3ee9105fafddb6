"""The article text of built pages, and its Flesch-Kincaid reading grade."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from site_paths import SITE


BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd",
          "figcaption", "summary", "blockquote", "div", "section", "details", "tr"}
SKIPPED_TAGS = {"script", "style", "svg", "code", "pre", "template"}
# Reference lists are citations, not prose; permalinks are the pilcrow signs.
SKIPPED_CLASSES = {"headerlink", "references", "page-info", "md-source-file", "contents-list"}
VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "source"}


class ArticleText(HTMLParser):
    """Collects the text blocks inside the page's <article>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.depth = 0          # depth inside <article>
        self.skip_depth = 0     # depth inside something we leave out

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        if self.depth == 0:
            if tag == "article":
                self.depth = 1
            return
        self.depth += 1
        if self.skip_depth:
            self.skip_depth += 1
        elif tag in SKIPPED_TAGS or classes & SKIPPED_CLASSES:
            self.skip_depth = 1
        if tag in BLOCKS:
            self.flush()

    def handle_endtag(self, tag):
        if tag in VOID or self.depth == 0:
            return
        self.depth -= 1
        if self.skip_depth:
            self.skip_depth -= 1
        if tag in BLOCKS or self.depth == 0:
            self.flush()

    def handle_data(self, data):
        if self.depth and not self.skip_depth:
            self.current.append(data)

    def flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")
TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’.\-][A-Za-z0-9]+)*|[^\sA-Za-z0-9]")
WORD = re.compile(r"[A-Za-z0-9]")


def article_sentences(html: str) -> list[list[str]]:
    """The article's sentences, each a list of tokens (words and punctuation)."""
    parser = ArticleText()
    parser.feed(html)
    parser.flush()
    sentences = []
    for block in parser.blocks:
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


def built_pages(site: Path = SITE) -> list[Path]:
    """Every built content page (index.html), leaving out the 404 page and redirects."""
    pages = []
    for path in sorted(site.rglob("index.html")):
        html = path.read_text(encoding="utf-8")
        if "<article" in html:
            pages.append(path)
    return pages


def page_url(path: Path, site: Path = SITE) -> str:
    """'/benefits/' for site/benefits/index.html."""
    parent = path.parent.relative_to(site).as_posix()
    return "/" if parent == "." else f"/{parent}/"
