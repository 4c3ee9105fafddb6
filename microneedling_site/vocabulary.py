"""The patient vocabulary (docs/includes/vocabulary.yml): the words people
type, the site's word, and the section that explains it. The Markdown
extension (microneedling_site/markdown.py) writes a visible "You may have
heard: ..." line at the start of each of those sections, so search finds the
section by the reader's word and the reader sees the same words search
matched. Nothing is hidden."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from microneedling_site.checks import SiteError

# As in mkdocs.yml, relative to the project folder the build runs in.
VOCABULARY = Path("docs/includes/vocabulary.yml")
ENTRY_KEYS = {"says", "term", "where"}
# The line's words in each language: its start, the word joining the last
# two words, and how a page's own "Also called" line starts.
WORDS = {"en": {"start": "You may have heard:", "or": "or", "own_line": r"Also called\b"},
         "es": {"start": "Quizá lo conozca como:", "or": "o", "own_line": r"También se llaman?\b"}}
LINE_START = WORDS["en"]["start"]


def load_vocabulary(path: Path = VOCABULARY) -> list[dict]:
    """The entries, checked: `says` a list of words, `term` a word, `where`
    'page.md' or 'page.md#section-id'. SiteError names the entry."""
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
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


def check_pages_exist(entries: list[dict], docs: Path, name: str = "vocabulary.yml") -> None:
    for entry in entries:
        page = entry["where"].split("#")[0]
        if not (docs / page).is_file():
            raise SiteError(f"{name}: {entry['where']}: there is no page docs/{page}")


def joined(words: list[str], language: str = "en") -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {WORDS[language]['or']} " + words[-1]


def also_called_line(entries: list[dict], shown: str, language: str = "en") -> str | None:
    """The line for one section: each entry's words the section does not
    already show (`shown`: its visible text, casefolded), with the site's word."""
    parts = []
    for entry in entries:
        words = [w for w in entry["says"] if not re.search(rf"(?<!\w){re.escape(w.casefold())}(?!\w)", shown)]
        if words:
            parts.append(f"{joined(words, language)} ({entry['term']})")
    return f"{WORDS[language]['start']} {'; '.join(parts)}." if parts else None
