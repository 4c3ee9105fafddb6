"""The patient vocabulary (docs/includes/vocabulary.yml): the words people
type, the site's word, and the section that explains it. The hook writes a
visible "You may have heard: ..." line at the start of each of those
sections, so search finds the section by the reader's word and the reader
sees the same words search matched. Nothing is hidden."""
from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import yaml

from site_checks import SiteError
from site_paths import DOCS

VOCABULARY = DOCS / "includes" / "vocabulary.yml"
ENTRY_KEYS = {"says", "term", "where"}
LINE_START = "You may have heard:"


def load_vocabulary(path: Path = VOCABULARY) -> list[dict]:
    """The entries, checked: `says` a list of words, `term` a word, `where`
    'page.md' or 'page.md#section-id'. SiteError names the entry."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(entries, list):
        raise SiteError(f"{path.name}: must be a list of entries (lines starting with '- says:')")
    for number, entry in enumerate(entries, 1):
        where = f"{path.name}, entry {number}"
        if not isinstance(entry, dict) or set(entry) != ENTRY_KEYS:
            raise SiteError(f"{where}: needs exactly says, term and where (got {entry!r})")
        if not entry["says"] or not all(isinstance(w, str) and w.strip() for w in entry["says"]):
            raise SiteError(f"{where}: says must be a list of words, such as [acne holes, pitted scars]")
        if not isinstance(entry["term"], str) or not entry["term"].strip():
            raise SiteError(f"{where}: term must be the site's word, such as acne scars")
        if not re.fullmatch(r"[\w/.-]+\.md(#[\w-]+)?", str(entry["where"])):
            raise SiteError(f"{where}: where must be page.md or page.md#section-id, not {entry['where']!r}")
    return entries


def check_pages_exist(entries: list[dict], docs: Path, path: Path = VOCABULARY) -> None:
    for entry in entries:
        page = entry["where"].split("#")[0]
        if not (docs / page).is_file():
            raise SiteError(f"{path.name}: {entry['where']}: there is no page docs/{page}")


def visible_text(html: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split()).casefold()


def joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


HEADING = re.compile(r"<h([1-6])\b[^>]*>.*?</h\1>", re.S)
OWN_LINE = re.compile(r"\s*<p>Also called\b.*?</p>", re.S)


def add_also_called(html: str, page_path: str, entries: list[dict], path: Path = VOCABULARY) -> str:
    """Put each section's line right after its heading (page.md alone: after
    the page's title). Words the section already shows are left out."""
    sections: dict[str, list[dict]] = {}
    for entry in entries:
        page, _, anchor = entry["where"].partition("#")
        if page == page_path:
            sections.setdefault(anchor, []).append(entry)
    for anchor, here in sections.items():
        pattern = rf'<h([1-6]) id="{re.escape(anchor)}"[^>]*>.*?</h\1>' if anchor else r"<h1\b[^>]*>.*?</h1>"
        heading = re.search(pattern, html, re.S)
        if not heading:
            raise SiteError(f"{path.name}: {page_path}#{anchor}: no section with that id on the page "
                            f"(a heading was renamed? give it {{#{anchor}}} or update the entry)")
        following = HEADING.search(html, heading.end())
        shown = visible_text(html[heading.end():following.start() if following else len(html)])
        parts = []
        for entry in here:
            words = [w for w in entry["says"] if not re.search(rf"(?<!\w){re.escape(w.casefold())}(?!\w)", shown)]
            if words:
                parts.append(f"{html_lib.escape(joined(words))} ({html_lib.escape(entry['term'])})")
        if parts:
            line = f'\n<p class="also-called">{LINE_START} {"; ".join(parts)}.</p>'
            # After the section's own "Also called" line, if it starts with one.
            own = OWN_LINE.match(html, heading.end())
            at = own.end() if own else heading.end()
            html = html[:at] + line + html[at:]
    return html
