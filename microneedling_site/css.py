"""Material's stylesheets without the rules this site never uses.

Material ships one stylesheet for every feature it has (blog posts, tabs,
code blocks, consent banners, ...): about 23 KB compressed, the largest file
of a first visit after its script. After each build, the rules whose
selectors name a class that appears in no built page and no script are
dropped, and the result is saved under a new content-hashed name, so a
browser never keeps a stale copy. Anything the site starts to use later
(a language menu, say) keeps its rules, because the next build sees it.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
# Colour choices are attributes ([data-md-color-primary=indigo]); a value no
# page or script names cannot be set.
ATTRIBUTE_VALUE = re.compile(r"\[data-md-color-[\w-]+=[\"']?([\w-]+)[\"']?\]")
WORD = re.compile(r"[\w-]+")
# The innermost functional pseudo-class: :not(...), :is(...), :nth-child(...)...
INNERMOST = re.compile(r":(-?[\w-]+)\(([^()]*)\)")
ABSENT = ".-site-css-absent-"
# Dropped although they can match. Material's palette sets this attribute on
# the body for a moment when it starts and whenever the reader switches
# scheme, to stop colour transitions; with these rules, each set and each
# removal restyles every element of the page, twice inside Material's
# start-up task (blocking time, MAINTAINING.md). Without them a switch of
# scheme may fade a few colours for a fraction of a second.
DROPPED = ("[data-md-color-switching]",)


def used_words(site: Path) -> set[str]:
    """Every word of every built page and script: a class that is not among
    them cannot be on any element."""
    words: set[str] = set()
    for pattern in ("**/*.html", "**/*.js"):
        for path in site.glob(pattern):
            words |= set(WORD.findall(path.read_text(encoding="utf-8")))
    return words


def selector_can_match(selector: str, used: set[str]) -> bool:
    """False only when the selector needs a class nobody uses. Inside :not()
    nothing is needed; :is() and :where() need one usable alternative."""
    def resolve(match: re.Match) -> str:
        name, inner = match.group(1), match.group(2)
        if name in ("is", "where", "has", "matches", "-webkit-any", "-moz-any"):
            usable = any(selector_can_match(alt, used) for alt in inner.split(","))
            return "" if usable else ABSENT
        return ""  # :not(), :nth-child(), :lang(), ...: nothing required
    while True:
        reduced = INNERMOST.sub(resolve, selector)
        if reduced == selector:
            break
        selector = reduced
    needed = CLASS.findall(selector) + ATTRIBUTE_VALUE.findall(selector)
    return all(name in used for name in needed) and ABSENT not in selector


def top_level_blocks(css: str) -> list[tuple[str, str]]:
    """(prelude, body) of each top-level rule or at-rule; body without braces."""
    blocks, depth, start, prelude_end = [], 0, 0, 0
    for i, char in enumerate(css):
        if char == "{":
            if depth == 0:
                prelude_end = i
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                blocks.append((css[start:prelude_end], css[prelude_end + 1:i]))
                start = i + 1
    if depth != 0:
        raise ValueError("unbalanced braces in stylesheet")
    return blocks


GROUPING_AT_RULES = ("@media", "@supports", "@container", "@layer")


def purge_css(css: str, used: set[str]) -> str:
    """The stylesheet without the selectors (and rules) that cannot match."""
    kept = []
    for prelude, body in top_level_blocks(css):
        head = prelude.strip()
        if head.startswith(GROUPING_AT_RULES):
            inner = purge_css(body, used)
            if inner:
                kept.append(f"{prelude}{{{inner}}}")
        elif head.startswith("@"):
            kept.append(f"{prelude}{{{body}}}")  # @font-face, @keyframes, @page...
        else:
            selectors = [s for s in split_selectors(prelude)
                         if selector_can_match(s, used) and not s.strip().startswith(DROPPED)]
            if selectors:
                kept.append(f"{','.join(selectors)}{{{body}}}")
    return "".join(kept)


def split_selectors(prelude: str) -> list[str]:
    """Split a selector list on the commas that are not inside brackets."""
    parts, depth, current = [], 0, ""
    for char in prelude:
        depth += char in "(["
        depth -= char in ")]"
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return parts + [current]


def purge_material_stylesheets(site: Path) -> list[Path]:
    """Replace Material's two stylesheets (main and palette) in the built
    `site` with their used rules; return the new files."""
    used = used_words(site)
    return [purge_stylesheet(site, css, used)
            for name in ("main", "palette")
            for css in site.glob(f"**/assets/stylesheets/{name}.*.min.css")]


def purge_stylesheet(site: Path, original: Path, used: set[str]) -> Path:
    """Replace `original` with its used rules, under a name that carries the
    new content's hash, and point every page at it."""
    purged = purge_css(original.read_text(encoding="utf-8"), used)
    digest = hashlib.sha256(purged.encode()).hexdigest()[:8]
    name = original.name.split(".")[0]
    target = original.with_name(f"{name}.{digest}.min.css")
    target.write_text(purged, encoding="utf-8")
    if target != original:
        original.unlink()
        old_ref, new_ref = f"stylesheets/{original.name}", f"stylesheets/{target.name}"
        for page in site.rglob("*.html"):
            html = page.read_text(encoding="utf-8")
            if old_ref in html:
                page.write_text(html.replace(old_ref, new_ref), encoding="utf-8")
    map_file = original.with_name(original.name + ".map")
    if map_file.exists():
        map_file.unlink()  # describes the stylesheet that is gone
    return target
