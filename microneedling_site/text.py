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


# A sentence ends at . ! or ? before a capital, a digit, a quote, a bracket or
# Spanish's opening ¿ ¡; "EE. UU." (the United States in Spanish) is not an end.
SENTENCE_END = re.compile(r"(?<!\bEE\.)(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑ0-9\"“(¿¡])")
TOKEN = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*|[^\w\s]|_")
WORD = re.compile(r"[^\W_]")


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


# Spanish readability (the Spanish brief, section 4): syllables counted by
# vowel groups, as Spanish splits them: two strong vowels (a, e, o, or an
# accented í or ú) are two syllables; a weak vowel (i, u, ü) next to another
# vowel joins it (a diphthong). Then the published formulas.
STRONG_VOWELS, WEAK_VOWELS = set("aáeéoóíú"), set("iuü")


def spanish_syllables(word: str) -> int:
    count, previous = 0, None
    for letter in word.lower():
        if letter in STRONG_VOWELS or letter in WEAK_VOWELS:
            if previous is None or (previous in STRONG_VOWELS and letter in STRONG_VOWELS):
                count += 1
            previous = letter
        else:
            previous = None
    return max(count, 1)


def spanish_readability(sentences: list[list[str]]) -> tuple[float, float]:
    """(INFLESZ, Fernández-Huerta) of the sentences: Szigriszt-Pazos
    perspicuity (206.835 - 62.3 x syllables per word - words per sentence,
    validated as the INFLESZ scale) and Fernández-Huerta's corrected form
    (206.84 - 60 x syllables per word - 1.02 x words per sentence)."""
    words = [t for tokens in sentences for t in tokens if WORD.match(t)]
    syllables = sum(spanish_syllables(w) for w in words)
    per_word, per_sentence = syllables / len(words), len(words) / len(sentences)
    return 206.835 - 62.3 * per_word - per_sentence, 206.84 - 60 * per_word - 1.02 * per_sentence


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
