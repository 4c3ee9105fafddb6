#!/usr/bin/env python3
"""Site tasks for the microneedling site: one command, one subcommand per task.

    python scripts/site_tool.py check         front matter and clinic settings
    python scripts/site_tool.py grades [SITE]  reading grade of every built page
    python scripts/site_tool.py search-bench   search index size, keypress-to-results times
    python scripts/site_tool.py headers [SITE] write SITE/_headers (security policy, caching)
    python scripts/site_tool.py nginx-conf     print an nginx server block with the same policy
    python scripts/site_tool.py audit          Lighthouse scores of every page (reports/)
    python scripts/site_tool.py zensical       build with Zensical, report what differs
    python scripts/site_tool.py faq-schema     regenerate the FAQ's JSON-LD after editing docs/faq.md
    python scripts/site_tool.py share-image    redraw the share image

MkDocs also loads this file as a hook (see `hooks:` in mkdocs.yml), so the same
checks stop `mkdocs build` and `mkdocs serve` before anything is written. The
hook also draws the handouts' QR codes and writes _headers after the build;
without it the site still builds, handouts show their address in words only,
and `site_tool.py headers` writes _headers.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SITE = ROOT / "site"
INCLUDES = "includes"

# Front matter every page carries, and what each field must be.
DESCRIPTION_MAX = 160
TITLE_MAX = 65
# Clinic settings (extra.clinic in mkdocs.yml) and their nested reviewer block.
CLINIC_KEYS = {"name", "phone", "email", "booking_url", "address", "reviewer"}
REVIEWER_KEYS = {"name", "credentials"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
PHONE = re.compile(r"^\+?[0-9 ()\-]{6,20}$")
URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$")


class SiteError(ValueError):
    """Bad input, with the file and field it concerns in the message."""


# --- Front matter -----------------------------------------------------------

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def read_front_matter(path: Path) -> dict:
    """The page's YAML front matter; SiteError if it is missing or not YAML."""
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if not match:
        raise SiteError(f"{path}: no front matter (a block between '---' lines at the top)")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        raise SiteError(f"{path}: front matter is not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise SiteError(f"{path}: front matter must be 'field: value' lines")
    return meta


def check_page_meta(path: Path, meta: dict) -> None:
    """Raise SiteError naming the file and field for the first bad field."""
    def field_error(field: str, problem: str) -> SiteError:
        return SiteError(f"{path}: front matter field '{field}' {problem}")

    for field in ("title", "description"):
        value = meta.get(field)
        if not isinstance(value, str) or not value.strip():
            raise field_error(field, "is missing or empty")
    if len(meta["title"]) > TITLE_MAX:
        raise field_error("title", f"is longer than {TITLE_MAX} characters")
    if '"' in meta["description"]:
        # Material writes the description into an HTML attribute unescaped.
        raise field_error("description", "must not contain double quotes (\"); use single quotes")
    if len(meta["description"]) > DESCRIPTION_MAX:
        raise field_error("description", f"is longer than {DESCRIPTION_MAX} characters")
    for field in ("reviewed", "next_review"):
        if field not in meta:
            raise field_error(field, "is missing (a date such as 2026-11-22)")
        if not isinstance(meta[field], dt.date) or isinstance(meta[field], dt.datetime):
            raise field_error(field, f"is not a date in YYYY-MM-DD form: {meta[field]!r}")
    if meta["next_review"] <= meta["reviewed"]:
        raise field_error("next_review", "must be later than 'reviewed'")


def content_pages(docs: Path = DOCS) -> list[Path]:
    """Every Markdown page under docs/, leaving out the shared includes."""
    return sorted(p for p in docs.rglob("*.md") if INCLUDES not in p.relative_to(docs).parts)


def check_front_matter(docs: Path = DOCS) -> None:
    for path in content_pages(docs):
        check_page_meta(path.relative_to(docs.parent), read_front_matter(path))


# --- Clinic settings ----------------------------------------------------------

def check_clinic(clinic, source: str = "mkdocs.yml") -> None:
    """Validate extra.clinic; None means a neutral site and is fine."""
    if clinic is None:
        return
    where = f"{source}: extra.clinic"
    if not isinstance(clinic, dict):
        raise SiteError(f"{where} must be a block of 'field: value' settings")
    unknown = set(clinic) - CLINIC_KEYS
    if unknown:
        raise SiteError(f"{where}.{sorted(unknown)[0]} is not a known setting "
                        f"(known: {', '.join(sorted(CLINIC_KEYS))})")
    if not isinstance(clinic.get("name"), str) or not clinic["name"].strip():
        raise SiteError(f"{where}.name is required when a clinic is set")
    for key in CLINIC_KEYS - {"reviewer"}:
        if key in clinic and not isinstance(clinic[key], str):
            raise SiteError(f"{where}.{key} must be text (put quotes around it)")
    rules = {"email": (EMAIL, "is not an email address"),
             "booking_url": (URL, "must be a full http:// or https:// address"),
             "phone": (PHONE, "is not a phone number (digits, spaces, +, brackets)")}
    for key, (pattern, problem) in rules.items():
        if key in clinic and not pattern.match(clinic[key]):
            raise SiteError(f"{where}.{key} {problem}: {clinic[key]!r}")
    reviewer = clinic.get("reviewer")
    if reviewer is not None:
        if not isinstance(reviewer, dict):
            raise SiteError(f"{where}.reviewer must have 'name' and 'credentials'")
        unknown = set(reviewer) - REVIEWER_KEYS
        if unknown:
            raise SiteError(f"{where}.reviewer.{sorted(unknown)[0]} is not a known setting")
        for key in sorted(REVIEWER_KEYS):
            if not isinstance(reviewer.get(key), str) or not reviewer[key].strip():
                raise SiteError(f"{where}.reviewer.{key} is required")


# --- MkDocs hook: validate before anything is written -------------------------

def on_config(config):
    from mkdocs.exceptions import PluginError

    try:
        check_clinic(config.extra.get("clinic"), Path(config.config_file_path).name)
        check_front_matter(Path(config.docs_dir))
    except SiteError as error:
        raise PluginError(str(error)) from None
    return config


def on_page_context(context, page, config, nav):
    """Handouts carry a QR code of their public address (canonical URL, which
    follows site_url / SITE_URL), drawn here as inline SVG so it prints with
    no JavaScript. Without this hook the handout still shows the address."""
    if page.meta.get("handout") and page.canonical_url:
        page.meta["qr_svg"] = qr_svg(page.canonical_url)
    return context


def on_post_build(config):
    """Write _headers (security policy and caching) into the finished site."""
    site = Path(config.site_dir)
    (site / "_headers").write_text(headers_file(site), encoding="utf-8")


def qr_svg(url: str) -> str:
    import segno

    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True, light="#fff",
                                                title=f"QR code for {url}")
    return svg.replace("<svg ", '<svg role="img" ', 1)


# --- Reading grade of built pages -------------------------------------------

BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd",
          "figcaption", "summary", "blockquote", "div", "section", "details", "tr"}
SKIPPED_TAGS = {"script", "style", "svg", "code", "pre", "template"}
# Reference lists are citations, not prose; permalinks are the pilcrow signs.
SKIPPED_CLASSES = {"headerlink", "references", "page-info", "md-source-file"}
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


# --- Security headers: one policy for _headers (Netlify, Cloudflare) and nginx --

# Material's assets carry a content hash in their names, so they never change.
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.min\.(?:js|css)$")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S)


def inline_script_hashes(site: Path) -> list[str]:
    """sha256 of every inline script Material writes into the built pages
    (JSON data blocks are not scripts and need none)."""
    import base64
    import hashlib

    hashes = set()
    for page in site.rglob("*.html"):
        for attrs, body in INLINE_SCRIPT.findall(page.read_text(encoding="utf-8")):
            if "application/json" not in attrs and "application/ld+json" not in attrs:
                hashes.add(base64.b64encode(hashlib.sha256(body.encode()).digest()).decode())
    return sorted(hashes)


def security_headers(site: Path) -> dict[str, str]:
    """The headers every response carries, computed from the built site."""
    scripts = " ".join(f"'sha256-{h}'" for h in inline_script_hashes(site))
    csp = "; ".join([
        "default-src 'self'",
        f"script-src 'self' {scripts}",
        "style-src 'self'",
        "img-src 'self' data:",          # Material's icons are data: URIs in its CSS
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",             # the search worker
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])
    return {
        "Content-Security-Policy": csp,
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
        "X-Content-Type-Options": "nosniff",
        # Sends nothing, so other sites never learn which health page a reader came from.
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                              "accelerometer=(), gyroscope=(), magnetometer=(), browsing-topics=()",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def headers_file(site: Path) -> str:
    """Netlify and Cloudflare Pages `_headers`: the policy on every path, long
    caching for fingerprinted assets, revalidation for every page."""
    lines = ["# Generated at build time by scripts/site_tool.py headers: do not edit.", "/*"]
    lines += [f"  {name}: {value}" for name, value in security_headers(site).items()]
    for asset in sorted(site.rglob("*")):
        if FINGERPRINTED.search(asset.name):
            lines += [f"/{asset.relative_to(site).as_posix()}", f"  Cache-Control: {IMMUTABLE}"]
    for page in sorted(site.rglob("*.html")):
        path = "/" + page.relative_to(site).as_posix()
        lines += [path.removesuffix("index.html"), f"  Cache-Control: {REVALIDATE}"]
    return "\n".join(lines) + "\n"


def cmd_headers(args) -> int:
    site = Path(args.site)
    (site / "_headers").write_text(headers_file(site), encoding="utf-8")
    print(f"wrote {site / '_headers'} ({len(inline_script_hashes(site))} script hashes)")
    return 0


# --- Serving the built site with nginx -----------------------------------------

def nginx_server_block(root: Path, listen: str, server_name: str = "localhost", base_path: str = "/",
                       site: Path | None = None) -> str:
    """An nginx server block that serves the built site with the same policy
    as _headers. `site` is the built folder (root itself, or root/<subpath>/
    for a site published under a subpath)."""
    base = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    headers = security_headers(site or root)
    policy = "".join(f'    add_header {name} "{value}" always;\n' for name, value in headers.items())
    return f"""server {{
    listen {listen};
    server_name {server_name};
    root {root};
    server_tokens off;
    absolute_redirect off;
    error_page 404 {base}404.html;

    gzip on;
    gzip_comp_level 6;
    gzip_min_length 256;
    gzip_types text/css application/javascript application/json image/svg+xml text/xml application/xml text/plain;

    # Security policy, generated from the built pages (CSP script hashes).
{policy}    add_header Cache-Control "{REVALIDATE}" always;

    location / {{
        try_files $uri $uri/ =404;
    }}
    # Fingerprinted assets never change: cache them for a year. add_header in a
    # location replaces the server's, so the policy is repeated here. The
    # regex is quoted because nginx reads a bare brace as the start of a block.
    location ~ "\\.[0-9a-f]{{8}}\\.min\\.(js|css)$" {{
{policy.replace("    add_header", "        add_header")}        add_header Cache-Control "{IMMUTABLE}" always;
    }}
}}
"""


def nginx_config(root: Path, port: int, prefix: Path, base_path: str = "/") -> str:
    """A whole nginx.conf for running the server block on a loopback port
    (tests and benchmarks), with its temporary files under `prefix`."""
    import os

    root, prefix = Path(root).resolve(), Path(prefix).resolve()
    site = root / base_path.strip("/") if base_path.strip("/") else root
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{nginx_server_block(root, f"127.0.0.1:{port}", base_path=base_path, site=site)}}}
"""


def cmd_nginx_conf(args) -> int:
    """Print an nginx server block for self-hosting the built site."""
    print(nginx_server_block(Path(args.root), args.listen, args.server_name, args.base_path, site=Path(args.site)))
    return 0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Nginx:
    """A real nginx serving `root` on a free loopback port until stop()."""

    def __init__(self, root: Path, prefix: Path, base_path: str = "/", config: str | None = None,
                 port: int | None = None):
        import shutil
        import socket
        import subprocess
        import time

        self.port = port or free_port()
        prefix = Path(prefix)
        prefix.mkdir(parents=True, exist_ok=True)
        conf = prefix / "nginx.conf"
        conf.write_text(config or nginx_config(root, self.port, prefix, base_path))
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen(
            [binary, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}{base_path}"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.process.stdout.read().decode()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start listening within 10 s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


# --- Browser helpers (Debian's Chromium driven by Playwright) -----------------

CHROMIUM = "/usr/bin/chromium"
# As root, Chromium needs --no-sandbox; the rest keep it off this machine's
# closed network (otherwise it tries Google's hosts at every start).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SEARCH_QUERIES = ROOT / "tests" / "data" / "search-queries.yml"


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


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


def load_search_queries() -> list[dict]:
    return yaml.safe_load(SEARCH_QUERIES.read_text())


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
            page.goto(server.url)
            page.evaluate(KEYPRESS_TIMER)
            for q in load_search_queries():
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


# --- Lighthouse audit (a benchmark that reports numbers) ----------------------

REPORTS = ROOT / "reports"
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
            out = work / "lighthouse.json"
            for attempt in range(3):  # Lighthouse sometimes fails to record a trace (NO_NAVSTART)
                subprocess.run([str(LIGHTHOUSE), server.url.rstrip("/") + url, "--quiet", "--output=json",
                                f"--output-path={out}", f"--only-categories={','.join(CATEGORIES)}",
                                "--chrome-flags=--headless=new " + " ".join(CHROMIUM_ARGS)],
                               check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
                result = json.loads(out.read_text())
                if not result.get("runtimeError") and all(result["categories"][c]["score"] is not None
                                                          for c in CATEGORIES):
                    break
                print(f"  {url}: Lighthouse run failed ({(result.get('runtimeError') or {}).get('code')}), retrying")
            else:
                print(f"  {url}: no valid Lighthouse run in 3 tries", file=sys.stderr)
                return 1
            row = {"page": url}
            row.update({c: round(100 * (result["categories"][c]["score"] or 0)) for c in CATEGORIES})
            row.update({label: round(result["audits"][key]["numericValue"], 3 if key.startswith("cumulative") else 0)
                        for key, label in METRICS.items()})
            rows.append(row)
            print("  ".join(f"{k} {v}" for k, v in row.items()), flush=True)
    finally:
        server.stop()
    lines = [f"# Lighthouse audit ({result['lighthouseVersion']}, mobile, gzip via nginx)", "",
             f"Strict build time: {build_seconds:.1f} s. Pages: {len(rows)}.", "",
             "| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(str(v) for v in row.values()) + " |" for row in rows]
    (REPORTS / "audit.md").write_text("\n".join(lines) + "\n")
    (REPORTS / "audit.json").write_text(json.dumps({"build_seconds": build_seconds, "pages": rows}, indent=2))
    print(f"build {build_seconds:.1f} s; lowest scores: " +
          ", ".join(f"{c} {min(r[c] for r in rows)}" for c in CATEGORIES) + "; report: reports/audit.md")
    return 0


# --- Zensical readiness (a report, not a test) -------------------------------

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


# --- Generated files (committed; regenerate after editing their source) ------

FAQ_PAGE = DOCS / "faq.md"
FAQ_SCHEMA = ROOT / "overrides" / "partials" / "faq-schema.html"
SHARE_IMAGE = DOCS / "assets" / "images" / "share.png"
MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")


def faq_entries(markdown: str) -> list[tuple[str, str]]:
    """(question, answer) pairs of the FAQ page: each '### ' heading and the
    paragraph under it, without the closing "read more" link."""
    body = FRONT_MATTER.sub("", markdown)
    entries = []
    for block in re.split(r"^### ", body, flags=re.M)[1:]:
        heading, _, rest = block.partition("\n")
        question = re.sub(r"\s*\{#[^}]*\}\s*$", "", heading).strip()
        answer = rest.strip().split("\n\n")[0]
        answer = re.sub(r"\s*\[[^\]]+\]\([^)]+\)$", "", answer)
        answer = MARKDOWN_LINK.sub(r"\1", answer).replace("**", "")
        entries.append((question, " ".join(answer.split())))
    return entries


def render_faq_schema(markdown: str) -> str:
    import json

    data = {"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": [
        {"@type": "Question", "name": q, "acceptedAnswer": {"@type": "Answer", "text": a}}
        for q, a in faq_entries(markdown)]}
    return ("{#- Generated from docs/faq.md by `python scripts/site_tool.py faq-schema`: do not edit. -#}\n"
            '<script type="application/ld+json">\n'
            f"{json.dumps(data, indent=1, ensure_ascii=False)}\n</script>\n")


def cmd_faq_schema(args) -> int:
    FAQ_SCHEMA.write_text(render_faq_schema(FAQ_PAGE.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {FAQ_SCHEMA.relative_to(ROOT)} ({len(faq_entries(FAQ_PAGE.read_text()))} questions)")
    return 0


SHARE_CARD = """<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630">
<rect width="1200" height="630" fill="#283593"/>
<g fill="#ffffff" transform="translate(90 120) scale(6)"><path d="M3 17h18v3H3zM5 6h2v10H5zm4 2h2v8H9zm4-3h2v11h-2zm4 2h2v9h-2z"/></g>
<text x="90" y="350" fill="#ffffff" font-family="DejaVu Sans, sans-serif" font-size="76" font-weight="700">Microneedling explained</text>
<text x="90" y="430" fill="#e8eaf6" font-family="DejaVu Sans, sans-serif" font-size="38">What it can and cannot do, the process and the risks.</text>
<text x="90" y="490" fill="#e8eaf6" font-family="DejaVu Sans, sans-serif" font-size="38">Plain English, checked against medical evidence.</text>
</svg>"""


def cmd_share_image(args) -> int:
    """Draw the 1200 x 630 share image offline with Chromium (no download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1200, "height": 630})
        page.set_content(f"<body style='margin:0'>{SHARE_CARD}</body>")
        page.screenshot(path=str(SHARE_IMAGE))
        browser.close()
    print(f"wrote {SHARE_IMAGE.relative_to(ROOT)}")
    return 0


def cmd_check(args) -> int:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=_ConfigLoader)
    try:
        check_clinic((config.get("extra") or {}).get("clinic"))
        check_front_matter()
    except SiteError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"ok: front matter of {len(content_pages())} pages and clinic settings")
    return 0


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, treating its !ENV tags as plain values."""


_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help=cmd_check.__doc__ or "front matter and clinic settings")
    grades = commands.add_parser("grades", help="reading grade of every built page")
    grades.add_argument("site", nargs="?", default=str(SITE), help="built site folder")
    bench = commands.add_parser("search-bench", help="search index size and keypress-to-results times")
    bench.add_argument("site", nargs="?", default=str(SITE), help="built site folder")
    bench.add_argument("--work", default="/tmp", help="folder for nginx's temporary files")
    bench.add_argument("--verbose", action="store_true", help="print every query's time")
    commands.add_parser("audit", help="Lighthouse on every page, written to reports/")
    commands.add_parser("zensical", help="build with Zensical and report what differs from MkDocs")
    headers = commands.add_parser("headers", help="write SITE/_headers (security and caching)")
    headers.add_argument("site", nargs="?", default=str(SITE), help="built site folder")
    nginx = commands.add_parser("nginx-conf", help="print an nginx server block for the built site")
    nginx.add_argument("--site", default=str(SITE), help="built site folder the policy is computed from")
    nginx.add_argument("--root", default="/var/www/microneedling", help="where the site lives on the server")
    nginx.add_argument("--server-name", default="example.org")
    nginx.add_argument("--listen", default="80", help="for HTTPS, put TLS in front or add ssl settings")
    nginx.add_argument("--base-path", default="/", help="subpath the site is published under")
    commands.add_parser("faq-schema", help="regenerate the FAQPage JSON-LD from docs/faq.md")
    commands.add_parser("share-image", help="redraw the share image with Chromium")
    args = parser.parse_args(argv)
    return {"check": cmd_check, "grades": cmd_grades, "search-bench": cmd_search_bench,
            "headers": cmd_headers, "nginx-conf": cmd_nginx_conf, "audit": cmd_audit, "zensical": cmd_zensical, "faq-schema": cmd_faq_schema, "share-image": cmd_share_image}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
