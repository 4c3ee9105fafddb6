"""Benchmarks and reports that print numbers (not tests): reading grades, search
speed, Lighthouse, the Zensical comparison, and screenshots for review."""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

from site_browser import CHROMIUM, CHROMIUM_ARGS, launch_chromium, load_search_queries, open_page, search_like_a_person
from site_hosting import Nginx, free_port
from site_paths import REPORTS, ROOT
from site_text import article_sentences, built_pages, page_url, reading_grade, word_count


def cmd_grades(args) -> int:
    site = Path(args.site)
    grades = []
    for path in built_pages(site):
        sentences = article_sentences(path.read_text(encoding="utf-8"))
        grade = reading_grade(sentences)
        longest = max(word_count(s) for s in sentences)
        grades.append(grade)
        print(f"{page_url(path, site):40} grade {grade:4.1f}  sentences {len(sentences):4}  longest {longest:2} words")
    print(f"{'average':40} grade {sum(grades) / len(grades):4.1f}")
    return 0


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


LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
METRICS = {"first-contentful-paint": "FCP ms", "largest-contentful-paint": "LCP ms",
           "total-blocking-time": "TBT ms", "cumulative-layout-shift": "CLS",
           "total-byte-weight": "bytes"}


def cmd_audit(args) -> int:
    """Build the site for a loopback address, serve it gzipped with nginx, run
    Lighthouse (mobile) on every page and write reports/audit.md and .json."""
    import json
    import os
    import subprocess
    import tempfile
    import time

    REPORTS.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="audit-"))
    port = free_port()
    site = work / "site"
    started = time.perf_counter()
    build = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "--site-dir", str(site)],
                           cwd=ROOT, capture_output=True, text=True,
                           env={**os.environ, "SITE_URL": f"http://127.0.0.1:{port}/"})
    build_seconds = time.perf_counter() - started
    if build.returncode:
        print(build.stderr, file=sys.stderr)
        return 1
    server = Nginx(site, work / "nginx", port=port)
    rows = []
    try:
        for page in built_pages(site):
            url = page_url(page, site)
            if args.pages and url not in args.pages:
                continue
            runs = [lighthouse(server.url.rstrip("/") + url, work / "lighthouse.json") for _ in range(args.runs)]
            # Lighthouse's own advice for noisy machines: several runs, keep the median.
            runs.sort(key=lambda run: (run["performance"], -run["TBT ms"]))
            row = {"page": url, **runs[len(runs) // 2],
                   "performance, all runs": " ".join(str(run["performance"]) for run in runs)}
            rows.append(row)
            print("  ".join(f"{k} {v}" for k, v in row.items()), flush=True)
    finally:
        server.stop()
    version = json.loads((work / "lighthouse.json").read_text())["lighthouseVersion"]
    lines = [f"# Lighthouse audit ({version}, mobile, gzip via nginx)", "",
             (f"Strict build time: {build_seconds:.1f} s. Pages: {len(rows)}. "
              f"Each row is the page's median of {args.runs} runs."), "",
             "| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(str(v) for v in row.values()) + " |" for row in rows]
    (REPORTS / "audit.md").write_text("\n".join(lines) + "\n")
    (REPORTS / "audit.json").write_text(json.dumps({"build_seconds": build_seconds, "runs": args.runs,
                                                    "pages": rows}, indent=2))
    print(f"build {build_seconds:.1f} s; lowest scores: " +
          ", ".join(f"{c} {min(r[c] for r in rows)}" for c in CATEGORIES) + "; report: reports/audit.md")
    return 0


def lighthouse(url: str, out: Path) -> dict:
    """One Lighthouse run (mobile) with Debian's Chromium: the four scores and the metrics."""
    import json
    import os
    import subprocess

    for attempt in range(3):  # Lighthouse sometimes fails to record a trace (NO_NAVSTART)
        out.unlink(missing_ok=True)
        # Its exit status is not used: a failed run may exit 0 or 1; the report says which.
        subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                        f"--only-categories={','.join(CATEGORIES)}",
                        "--chrome-flags=--headless=new " + " ".join(CHROMIUM_ARGS)],
                       check=False, env={**os.environ, "CHROME_PATH": CHROMIUM})
        result = json.loads(out.read_text()) if out.is_file() else {"runtimeError": {"code": "no report"}}
        if not result.get("runtimeError") and all(result["categories"][c]["score"] is not None for c in CATEGORIES):
            break
        print(f"  {url}: Lighthouse run failed ({(result.get('runtimeError') or {}).get('code')}), retrying")
    else:
        raise SystemExit(f"{url}: no valid Lighthouse run in 3 tries")
    run = {c: round(100 * result["categories"][c]["score"]) for c in CATEGORIES}
    run.update({label: round(result["audits"][key]["numericValue"], 3) if key.startswith("cumulative")
                else round(result["audits"][key]["numericValue"]) for key, label in METRICS.items()})
    return run


# 0.0.73 is the newest Zensical that installs from PyPI here: 0.0.74 and later
# need zensical-ui, which PyPI does not serve.
ZENSICAL_VERSION = "0.0.73"
ZENSICAL_VENV = ROOT / ".venv-zensical"
# What the MkDocs build has, each found by a marker in the built HTML.
ZENSICAL_FEATURES = {
    "review dates and disclaimer (template override)": 'class="page-info"',
    "structured data, JSON-LD (template override)": "application/ld+json",
    "share tags (template override)": 'property="og:image"',
    "glossary tooltips (abbr, auto-appended include)": "<abbr title=",
    "shared text (snippets include)": "Keep it clean.",
    "search dialog name and no-results hint (partial override)": "search-no-results",
    "handout QR codes (hook)": 'handout-link__qr"><svg',
    "pinned section ids (attr_list)": 'id="who-should-not-have-it"',
    "site stylesheet": "site.css",
}


def site_summary(site: Path) -> dict:
    pages = {page_url(p, site): p.read_text(encoding="utf-8") for p in built_pages(site)}
    search = next((f for f in [site / "search" / "search_index.json", site / "search.json"] if f.is_file()), None)
    robots = (site / "robots.txt").read_text() if (site / "robots.txt").is_file() else ""
    return {
        "pages": set(pages),
        "features": {name: sum(marker in html for html in pages.values()) for name, marker in ZENSICAL_FEATURES.items()},
        "search": f"{search.relative_to(site)} ({search.stat().st_size:,} bytes)" if search else "none",
        "robots.txt rendered": "yes" if robots and "{{" not in robots else "no",
        "redirect pages": sum((site / old / "index.html").is_file() for old in ("aftercare", "side-effects", "contraindications")),
        "404 page": "yes" if (site / "404.html").is_file() else "no",
    }


def cmd_zensical(args) -> int:
    """Build the site with Zensical beside MkDocs and report what differs."""
    import shutil
    import subprocess
    import tempfile

    zensical = ZENSICAL_VENV / "bin" / "zensical"
    if not zensical.is_file():
        subprocess.run([sys.executable, "-m", "venv", str(ZENSICAL_VENV)], check=True)
        subprocess.run([str(ZENSICAL_VENV / "bin" / "pip"), "install", "--quiet", f"zensical=={ZENSICAL_VERSION}"], check=True)
    work = Path(tempfile.mkdtemp(prefix="zensical-"))
    for part in ("docs", "overrides", "scripts", "mkdocs.yml"):
        copy = shutil.copytree if (ROOT / part).is_dir() else shutil.copy2
        copy(ROOT / part, work / part)
    built = subprocess.run([str(zensical), "build"], cwd=work, capture_output=True, text=True)
    print(built.stdout + built.stderr)
    mkdocs = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "--site-dir",
                             str(work / "site-mkdocs")], cwd=ROOT, capture_output=True, text=True)
    if built.returncode or mkdocs.returncode:
        print("a build failed", file=sys.stderr)
        return 1
    ours, theirs = site_summary(work / "site-mkdocs"), site_summary(work / "site")
    lines = [f"# Zensical {ZENSICAL_VERSION} compared with MkDocs", "",
             f"Pages: MkDocs {len(ours['pages'])}, Zensical {len(theirs['pages'])}; "
             f"missing in Zensical: {sorted(ours['pages'] - theirs['pages']) or 'none'}", "",
             "| What | MkDocs | Zensical |", "|---|---|---|"]
    lines += [f"| {name} (pages) | {ours['features'][name]} | {theirs['features'][name]} |" for name in ZENSICAL_FEATURES]
    lines += [f"| {key} | {ours[key]} | {theirs[key]} |" for key in ("search", "robots.txt rendered", "redirect pages", "404 page")]
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "zensical.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


SCREENSHOTS = REPORTS / "screenshots"
SCREENSHOT_WIDTHS = [360, 1280]     # a small phone, a laptop
SCREENSHOT_SCHEMES = ["light", "dark"]


def cmd_screenshots(args) -> int:
    """Every page at 360 and 1280 px in the light and dark schemes, and each
    handout printed to PDF (A4, no background colours, as most printers are
    set) and rendered to a grey PNG with pdftoppm, into reports/screenshots/."""
    import os
    import shutil
    import subprocess
    import tempfile

    from playwright.sync_api import sync_playwright

    if not shutil.which("pdftoppm"):
        raise SystemExit("make screenshots needs pdftoppm: sudo apt-get install poppler-utils")
    work = Path(tempfile.mkdtemp(prefix="screenshots-"))
    site = work / "site"
    build = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "--site-dir", str(site)],
                           cwd=ROOT, capture_output=True, text=True)
    if build.returncode:
        print(build.stderr, file=sys.stderr)
        return 1
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    server = Nginx(site, work / "nginx")
    written = 0
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for path in built_pages(site):
                url = page_url(path, site)
                name = url.strip("/").replace("/", "-") or "home"
                for scheme in SCREENSHOT_SCHEMES:
                    for width in SCREENSHOT_WIDTHS:
                        context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
                        page = context.new_page()
                        open_page(page, server.url + url.lstrip("/"))
                        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}-{scheme}.png"), full_page=True)
                        context.close()
                        written += 1
                if "handout-link__qr" in path.read_text(encoding="utf-8"):
                    page = browser.new_page()
                    open_page(page, server.url + url.lstrip("/"))
                    pdf = SCREENSHOTS / f"{name}-print.pdf"
                    pdf.write_bytes(page.pdf(format="A4", print_background=False))
                    page.close()
                    subprocess.run(["pdftoppm", "-png", "-gray", "-r", "80", str(pdf), str(pdf.with_suffix(""))],
                                   check=True)
                    written += 1
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {written} screenshots and printed handouts to {SCREENSHOTS.relative_to(ROOT)}/"
          f" ({len(os.listdir(SCREENSHOTS))} files)")
    return 0
