"""Debian's Chromium driven by Playwright: launching it, axe-core, and searching like a person."""
from __future__ import annotations

import yaml

from site_paths import ROOT


CHROMIUM = "/usr/bin/chromium"
# As root, Chromium needs --no-sandbox; the rest keep it off this machine's
# closed network (otherwise it tries Google's hosts at every start).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# The patient queries, split once at random into a half that search may be
# tuned on and a held-out half that only measures it (see the files' headers).
SEARCH_QUERIES = ROOT / "tests" / "data" / "search-queries.yml"
SEARCH_QUERIES_HELD_OUT = ROOT / "tests" / "data" / "search-queries-held-out.yml"
SEARCH_HALVES = {"tuning": SEARCH_QUERIES, "held-out": SEARCH_QUERIES_HELD_OUT}


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# overrides/partials/deferred-scripts.html starts Material's scripts after the
# first paint and then removes its template; from then on the page is live.
SCRIPTS_STARTED = "() => !document.getElementById('deferred-scripts')"


def open_page(page, url: str):
    """Go to `url` and wait until Material's scripts are running; returns the response."""
    response = page.goto(url)
    page.wait_for_function(SCRIPTS_STARTED)
    return response


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page) -> list[str]:
    """Run axe-core (WCAG 2.2 A and AA plus best practice) on the open page;
    one line per violation and element."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')[:160]}"
            for v in results["violations"] for node in v["nodes"]]


def search_like_a_person(page, query: str, base_url: str) -> list[str]:
    """Type `query` into the open page's search box key by key, wait for the
    results to settle, and return the distinct result pages in order as site
    paths ('/faq/'). Opens the search box with the keyboard if needed."""
    import time

    box = page.locator(".md-search__input")
    if not box.evaluate("el => el === document.activeElement"):
        page.keyboard.press("/")
        box.wait_for(state="visible")
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.type(query, delay=15)
    snapshot = None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        time.sleep(0.12)
        current = page.evaluate("""() => [
            document.querySelector('.md-search-result__meta').textContent.trim(),
            [...document.querySelectorAll('.md-search-result__item > .md-search-result__link')].map(a => a.href)]""")
        if current == snapshot and not current[0].lower().startswith(("initializing", "type to start")):
            break
        snapshot = current
    pages = []
    for href in snapshot[1]:
        path = "/" + href.split("#")[0].split("?")[0].removeprefix(base_url).lstrip("/")
        if path not in pages:
            pages.append(path)
    return pages


def load_search_queries(half: str | None = None) -> list[dict]:
    """The queries of one half ("tuning" or "held-out"), or of both."""
    halves = [half] if half else list(SEARCH_HALVES)
    return [q for h in halves for q in yaml.safe_load(SEARCH_HALVES[h].read_text())]


def top_pages_by_kind(results: list[tuple[dict, list[str]]], top: int) -> tuple[list[str], dict]:
    """Misses (one line each) and {kind: (hits, queries)} of (query, found pages) pairs."""
    misses, kinds = [], {}
    for q, found in results:
        hit = bool(set(found[:top]) & set(q["expect"]))
        hits, total = kinds.get(q.get("kind", "-"), (0, 0))
        kinds[q.get("kind", "-")] = (hits + hit, total + 1)
        if not hit:
            misses.append(f"MISS [{q.get('kind', '-')}] {q['query']!r}: got {found[:top]}, wanted one of {q['expect']}")
    return misses, kinds
