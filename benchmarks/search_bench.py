"""Search index size and keypress-to-results times, in Chromium against nginx (`make bench-search`)."""
from __future__ import annotations

import sys
from pathlib import Path

from microneedling_site.chromium import CHROMIUM, CHROMIUM_ARGS, launch_chromium
from microneedling_site.text import built_pages, page_url
from tests.helpers import ROOT, Nginx, free_port, load_search_queries, open_page, search_like_a_person

REPORTS = ROOT / "reports"
import yaml


def cmd_search_bench(args) -> int:
    """Search index size, and the time from the last keypress of each query
    to the first change in the results, in Chromium against nginx."""
    import gzip
    import statistics

    from playwright.sync_api import sync_playwright

    site = Path(args.site).resolve()
    index = (site / "search" / "search_index.json").read_bytes()
    docs = len(yaml.safe_load(index)["docs"])
    print(f"search index: {len(index):,} bytes, {len(gzip.compress(index, 6)):,} bytes gzipped, {docs} sections")
    server = Nginx(site, Path(args.work) / "nginx-search-bench")
    times = []
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            # The timer is test code: let it past the site's CSP (which forbids eval).
            page = browser.new_context(bypass_csp=True).new_page()
            open_page(page, server.url)
            page.evaluate(KEYPRESS_TIMER)
            for q in load_search_queries(args.half):
                query = q["query"]
                search_like_a_person(page, query[:-1], server.url) if len(query) > 1 else None
                page.keyboard.press(query[-1])
                page.wait_for_function("window.__bench.t1 !== null", timeout=10_000)
                elapsed = page.evaluate("window.__bench.t1 - window.__bench.t0")
                times.append(elapsed)
                if args.verbose:
                    print(f"  {elapsed:6.1f} ms  {query}")
            browser.close()
    finally:
        server.stop()
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"keypress to first results over {len(times)} queries: median {statistics.median(times):.1f} ms, "
          f"95th percentile {p95:.1f} ms, max {times[-1]:.1f} ms")
    return 0


# Records when the last key goes down (t0) and when the results first change after it (t1).
KEYPRESS_TIMER = """() => {
  window.__bench = {t0: null, t1: null};
  document.querySelector('.md-search__input').addEventListener('keydown', () => {
    window.__bench.t0 = performance.now(); window.__bench.t1 = null;
  }, {capture: true});
  new MutationObserver(() => {
    const b = window.__bench;
    if (b.t0 !== null && b.t1 === null) b.t1 = performance.now();
  }).observe(document.querySelector('.md-search-result'), {childList: true, subtree: true, characterData: true});
}"""
