"""A Python-Markdown extension for what belongs to the Markdown of each page,
so any generator that runs Python-Markdown (MkDocs, Zensical) keeps it:

- Glossary tooltips on first use only. The abbr extension marks every use of
  a glossary term (docs/includes/glossary-terms.md, auto-appended). Only the
  first use on a page keeps its tooltip: that is where the term is
  explained, repeats add clutter, and Material mounts a tooltip for each one
  at load.
- Section links named by aria-label. Material mounts a tooltip at load for
  every element with a title, and each section link (the ¶ after a heading)
  has one: dozens per page. Their title becomes their aria-label, so they
  keep their name without the tooltip.
- The clinic protocol's sentences (microneedling_site/protocol.py): each
  `{{ protocol.key }}` in a page or include becomes the sentence for the
  neutral values or for the clinic's own.
- The patient vocabulary's "You may have heard: ..." lines
  (microneedling_site/vocabulary.py), right after the heading of the section
  each entry names (page.md alone: after the page's title; after the
  section's own "Also called" line if it starts with one).

In mkdocs.yml:

    markdown_extensions:
      microneedling_site.markdown:
        vocabulary: docs/includes/vocabulary.yml
        protocol: docs/includes/protocol.yml
        language: en

        protocol_values: {makeup: 24 to 48 hours, ...}

The clinic's settings (extra.clinic: its name and protocol values) are
handed over by the hook (microneedling_site/hook.py) as `clinic`.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from pathlib import Path

from markdown import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from microneedling_site.checks import SiteError
from microneedling_site.protocol import Protocol, load_sentences
from microneedling_site.vocabulary import WORDS, also_called_line, load_vocabulary

HEADING = re.compile(r"h[1-6]")


def page_path(md) -> str | None:
    """The page being converted ('conditions.md'), as the generator tells its
    own processors: MkDocs through its relpath processor, Zensical through
    its rendering context. None when converted outside a site build."""
    if "relpath" in md.treeprocessors:                      # MkDocs 1.6
        return md.treeprocessors["relpath"].file.src_uri
    if "rendering_context" in md.preprocessors:             # Zensical 0.0.x
        return str(md.preprocessors["rendering_context"].page.path).replace("\\", "/")
    return None


def unwrap(parent: etree.Element, child: etree.Element) -> None:
    """Replace `child` by its text, keeping the text around it."""
    index = list(parent).index(child)
    text = (child.text or "") + (child.tail or "")
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text
    parent.remove(child)


def visible_text(elements) -> str:
    return " ".join(" ".join("".join(el.itertext()) for el in elements).split()).casefold()


class PageTreeprocessor(Treeprocessor):
    """Runs after abbr (7), attr_list (8) and toc (5): every term is marked,
    every heading has its id and its section link."""

    def __init__(self, md, vocabulary: list[dict], vocabulary_name: str, language: str = "en"):
        super().__init__(md)
        self.language = language if language in WORDS else "en"
        self.vocabulary = vocabulary
        self.vocabulary_name = vocabulary_name

    def run(self, root: etree.Element) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        seen = set()
        for element in list(root.iter()):
            if element.tag == "abbr" and element.get("title") is not None and not len(element):
                key = (element.text or "").casefold()
                if key in seen:
                    unwrap(parents[element], element)
                seen.add(key)
            elif element.tag == "a" and "headerlink" in (element.get("class") or "").split():
                title = element.attrib.pop("title", None)
                if title is not None:
                    element.set("aria-label", title)
        self.add_vocabulary(root)

    def add_vocabulary(self, root: etree.Element) -> None:
        if not self.vocabulary:
            return
        path = page_path(self.md)
        sections: dict[str, list[dict]] = {}
        for entry in self.vocabulary:
            page, _, anchor = entry["where"].partition("#")
            if page == path:
                sections.setdefault(anchor, []).append(entry)
        blocks = list(root)
        for anchor, entries in sections.items():
            at = next((i for i, el in enumerate(blocks) if HEADING.fullmatch(el.tag)
                       and (el.get("id") == anchor if anchor else el.tag == "h1")), None)
            if at is None:
                raise SiteError(f"{self.vocabulary_name}: {path}#{anchor}: no section with that id on the page "
                                f"(a heading was renamed? give it {{#{anchor}}} or update the entry)")
            end = next((i for i in range(at + 1, len(blocks))
                        if any(HEADING.fullmatch(el.tag) for el in blocks[i].iter())), len(blocks))
            line = also_called_line(entries, visible_text(blocks[at + 1:end]), self.language)
            if line is None:
                continue
            after = at
            following = blocks[at + 1] if at + 1 < len(blocks) else None
            if following is not None and following.tag == "p" and re.match(WORDS[self.language]["own_line"],
                                                                            following.text or ""):
                after = at + 1
            paragraph = etree.Element("p", {"class": "also-called"})
            paragraph.text = line
            paragraph.tail = blocks[after].tail
            blocks[after].tail = "\n"
            root.insert(list(root).index(blocks[after]) + 1, paragraph)
            blocks = list(root)


class ProtocolPreprocessor(Preprocessor):
    """Runs after snippets (32), so includes are filled in too."""

    def __init__(self, md, protocol: Protocol):
        super().__init__(md)
        self.protocol = protocol

    def run(self, lines: list[str]) -> list[str]:
        page = page_path(self.md) or "page"
        return [self.protocol.fill(line, page) if "{{" in line else line for line in lines]


_CACHE: dict = {}


def cached(path: Path, load):
    """MkDocs makes a Markdown instance per page: read each file once per change."""
    if not path.is_file():
        raise SiteError(f"{path}: no such file (named in mkdocs.yml, markdown_extensions)")
    key = (path.resolve(), path.stat().st_mtime_ns, load)
    if key not in _CACHE:
        _CACHE[key] = load(path)
    return _CACHE[key]


def cached_vocabulary(path: Path) -> list[dict]:
    return cached(path, load_vocabulary)


class PageExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"vocabulary": ["", "the patient vocabulary (YAML); empty: none"],
                       "protocol": ["", "the protocol sentences (YAML); empty: none"],
                       "language": ["en", "the pages' language: en or es"],
                       "protocol_values": [{}, "the neutral protocol values"],
                       "clinic": [{}, "extra.clinic (its name and protocol values), from the hook"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        source = self.getConfig("vocabulary")
        vocabulary = cached_vocabulary(Path(source)) if source else []
        sentences = self.getConfig("protocol")
        if sentences:
            protocol = Protocol(cached(Path(sentences), load_sentences), self.getConfig("protocol_values"),
                                self.getConfig("clinic"), self.getConfig("language"), sentences)
            md.preprocessors.register(ProtocolPreprocessor(md, protocol), "microneedling_protocol", 31)
        # Priority 1: after toc (5), abbr (7) and attr_list (8), before unescape (0).
        md.treeprocessors.register(PageTreeprocessor(md, vocabulary, Path(source).name, self.getConfig("language")), "microneedling_page", 1)


def makeExtension(**kwargs):  # noqa: N802 (Python-Markdown's entry point)
    return PageExtension(**kwargs)
