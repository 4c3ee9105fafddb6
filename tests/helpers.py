"""What tests and benchmarks share: building a copy of the project, a real
nginx serving a build, and Debian's Chromium with axe and a person's way of
searching. The one HTML parser is microneedling_site.text.parse_html."""
from __future__ import annotations

import os
import re
import socket
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import yaml

from microneedling_site.checks import load_site_config
from microneedling_site.chromium import CHROMIUM, CHROMIUM_ARGS, launch_chromium  # noqa: F401 (re-exported)
from microneedling_site.hosting import nginx_server_block
from microneedling_site.text import built_pages, page_url, parse_html, text_of

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).parent / "mkdocs"
# Parts of the project a build reads; copied when a test builds a changed copy.
PROJECT_PARTS = ["docs", "overrides", "microneedling_site", "mkdocs.yml", "mkdocs.es.yml", "clinic.example",
                 "clinic.example.yml"]
BUILD_ENV = {"DISABLE_MKDOCS_2_WARNING": "true", "NO_MKDOCS_2_WARNING": "1"}


# --- Config: every constant the site defines is read from it, never copied ------

def site_config(config: Path = ROOT / "mkdocs.yml"):
    """The config as MkDocs reads it (INHERIT, !ENV, defaults)."""
    return load_site_config(config)


def read_config(config: Path = ROOT / "mkdocs.yml"):
    """The same as site_config (the name older tests use)."""
    return site_config(config)


def redirects(config=None) -> dict[str, str]:
    """Old page -> new page#section, from the redirects plugin's settings."""
    config = config or site_config()
    return dict(config.plugins["redirects"].config["redirect_maps"])


def old_url(page: str) -> str:
    """'aftercare/' for 'aftercare.md'."""
    return page.removesuffix(".md").removesuffix("index").rstrip("/") + "/"


def new_url(target: str) -> str:
    """'/process/#aftercare' for 'process.md#aftercare'."""
    page, _, anchor = target.partition("#")
    return "/" + old_url(page).lstrip("/") + (f"#{anchor}" if anchor else "")


# A clinic's settings, as README's example gives them, and where it publishes.
CLINIC = yaml.safe_load((ROOT / "clinic.example.yml").read_text())["extra"]["clinic"]
CLINIC_SITE_URL = "https://skin.riverside-clinic.example/microneedling/"


def write_clinic_config(project, clinic: dict) -> str:
    """A clinic's own config file that inherits mkdocs.yml; returns its name."""
    config = {"INHERIT": "mkdocs.yml", "site_url": CLINIC_SITE_URL, "extra": {"clinic": clinic}}
    (project / "clinic.yml").write_text(yaml.safe_dump(config))
    return "clinic.yml"


def nav_files(nav) -> list[str]:
    """Every Markdown file the nav lists."""
    files = []
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        files.extend(nav_files(value) if isinstance(value, list) else [value])
    return files


# --- Building -----------------------------------------------------------------------

def build_site(project: Path, site_dir: Path, env: dict | None = None,
               config: str = "mkdocs.yml") -> subprocess.CompletedProcess:
    """Build `project` as `make build` does (every edition, strictly, then the
    finishing step), with its `config` file, into `site_dir`."""
    return subprocess.run(
        [sys.executable, "-m", "microneedling_site", "--config-file", config, "build", str(site_dir)],
        cwd=project, capture_output=True, text=True, env={**os.environ, **BUILD_ENV, **(env or {})},
    )


def copy_project(dest: Path) -> Path:
    """A copy of the parts of the project the build reads, to change in a test."""
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, dest / part)
    return dest


# Editions built under a subfolder of the site (mkdocs.<code>.yml).
OTHER_EDITIONS = [p.name.split(".")[1] for p in sorted(ROOT.glob("mkdocs.*.yml"))]
# Every edition: English at the root, then the others.
EDITIONS = ["en", *OTHER_EDITIONS]


def edition_root(edition: str) -> str:
    """Where an edition's pages start: "/" for English, "/es/" for Spanish."""
    return "/" if edition == "en" else f"/{edition}/"


def edition_of(url: str) -> str:
    """The edition a built page's URL belongs to ("en", "es")."""
    return next((code for code in OTHER_EDITIONS if url.startswith(f"/{code}/")), "en")


def edition_config(edition: str):
    """An edition's settings as MkDocs reads them (mkdocs.yml, mkdocs.es.yml)."""
    return site_config(ROOT / ("mkdocs.yml" if edition == "en" else f"mkdocs.{edition}.yml"))


class Build:
    def __init__(self, site: Path, log: str):
        self.site = site
        self.log = log

    def html(self, url: str) -> str:
        """The built HTML of a page, by its URL ('/benefits/')."""
        return (self.site / url.strip("/") / "index.html").read_text(encoding="utf-8")

    def pages(self, edition: str = "en") -> list[str]:
        """URLs of the built content pages of one edition: "en" (the site's
        root), "es" (/es/...), or "all" for every edition (the quality gates)."""
        urls = [page_url(p, self.site) for p in built_pages(self.site)]
        if edition == "all":
            return urls
        if edition == "en":
            return [u for u in urls if not any(u.startswith(f"/{code}/") for code in OTHER_EDITIONS)]
        return [u for u in urls if u.startswith(f"/{edition}/")]


def strict_build(project: Path, site: Path, config: str = "mkdocs.yml", env: dict | None = None) -> Build:
    """Build `project` strictly into `site`; the build must succeed."""
    result = build_site(project, site, config=config, env=env)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return Build(site, result.stdout + result.stderr)


# Elements inside a line of text: no space is added around them.
INLINE = {"a", "abbr", "b", "cite", "code", "dfn", "em", "i", "kbd", "mark", "q", "s", "small", "span",
          "strong", "sub", "sup", "time", "u"}


def page_text(html: str) -> str:
    """The words a reader sees on an HTML page (scripts, styles, templates and
    JSON data blocks left out), spaces folded."""
    words: list[str] = []

    def walk(element) -> None:
        words.append(element.text or "")
        for child in element:
            if child.tag not in ("script", "style", "template"):
                gap = "" if child.tag in INLINE else " "
                words.append(gap)
                walk(child)
                words.append(gap)
            words.append(child.tail or "")
    walk(parse_html(html))
    return " ".join("".join(words).split())


# --- Serving with a real nginx ---------------------------------------------------------

def fetch(url: str, headers: dict | None = None):
    """(status, headers, body) of a GET, without raising on 4xx."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def nginx_config(root: Path, port: int, prefix: Path, base_path: str = "/") -> str:
    """A whole nginx.conf for running the server block on a loopback port
    (tests and benchmarks), with its temporary files under `prefix`."""


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


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""


    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Nginx:
    """A real nginx serving `root` on a free loopback port until stop()."""

    def __init__(self, root: Path, prefix: Path, base_path: str = "/", config: str | None = None,
                 port: int | None = None):





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


@contextmanager
def serving(site: Path, prefix: Path, base_path: str | None = None):
    """A real nginx serving `site` for the length of the block, under the
    path of its site_url (as read from its home page's canonical link) unless
    `base_path` says otherwise: a clinic's build for /microneedling/ is
    served at /microneedling/, as it will be."""
    from urllib.parse import urlparse

    if base_path is None:
        canonical = re.search(r'<link rel="?canonical"? href="?([^" >]+)', (site / "index.html").read_text())
        base_path = urlparse(canonical.group(1)).path if canonical else "/"
    root = site
    if base_path != "/":
        root = Path(prefix) / "root"
        (root / base_path.strip("/")).parent.mkdir(parents=True, exist_ok=True)
        (root / base_path.strip("/")).symlink_to(site.resolve(), target_is_directory=True)
    server = Nginx(root, prefix, base_path)
    try:
        yield server
    finally:
        server.stop()


# --- Debian's Chromium --------------------------------------------------------------

# The patient queries, split once at random into a half that search may be
# tuned on and a held-out half that only measures it (see the files' headers).
SEARCH_QUERIES = ROOT / "tests" / "data" / "search-queries.yml"
SEARCH_QUERIES_HELD_OUT = ROOT / "tests" / "data" / "search-queries-held-out.yml"
SEARCH_HALVES = {"tuning": SEARCH_QUERIES, "held-out": SEARCH_QUERIES_HELD_OUT}
# The Spanish edition's sets (expected pages relative to /es/), written the
# same way: a tuning set and a held-out set never tuned on.
SEARCH_HALVES_BY_EDITION = {
    "en": SEARCH_HALVES,
    "es": {"tuning": ROOT / "tests" / "data" / "search-queries-es.yml",
           "held-out": ROOT / "tests" / "data" / "search-queries-es-held-out.yml"},
}

# overrides/partials/deferred-scripts.html starts Material's scripts after the
# first paint and then says so in window.__deferredScripts; from then on the page is live.
SCRIPTS_STARTED = "() => window.__deferredScripts && window.__deferredScripts.mounted"


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
    # The lines shown before results, in the page's language ("Initializing
    # search", "Type to start searching"; "Inicializando búsqueda", ...).
    waiting = page.evaluate("""() => {
        const meta = document.querySelector('.md-search-result__meta')
        const strings = JSON.parse(document.getElementById('__config').textContent).translations || {}
        return [meta.dataset.initializing, strings['search.result.placeholder']].filter(Boolean)}""")
    snapshot = None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        time.sleep(0.12)
        current = page.evaluate("""() => [
            document.querySelector('.md-search-result__meta').textContent.trim(),
            [...document.querySelectorAll('.md-search-result__item > .md-search-result__link')].map(a => a.href)]""")
        if current == snapshot and current[0] not in waiting:
            break
        snapshot = current
    pages = []
    for href in snapshot[1]:
        path = "/" + href.split("#")[0].split("?")[0].removeprefix(base_url).lstrip("/")
        if path not in pages:
            pages.append(path)
    return pages


def load_search_queries(half: str | None = None, edition: str = "en") -> list[dict]:
    """The queries of one half ("tuning" or "held-out"), or of both, of an
    edition's sets ("en", or "es": pages relative to /es/)."""
    sets = SEARCH_HALVES_BY_EDITION[edition]
    halves = [half] if half else list(sets)
    return [q for h in halves for q in yaml.safe_load(sets[h].read_text(encoding="utf-8"))]


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


# --- One browser pass per page: axe, CSP, privacy and console together ------------

AXE_URL_PATH = "/__tests__/axe.min.js"
SCHEMES = {"light": "default", "dark": "slate"}
CSP_LISTENER = ("document.addEventListener('securitypolicyviolation', e => (window.__csp = window.__csp || [])"
                ".push(e.violatedDirective + ' ' + e.blockedURI))")


def browser_pass(browser, server, urls: list[str], scheme: str, width: int, search: str | None = None) -> dict:
    """Open every page once, under the site's real security policy, and
    collect what several tests check: axe violations (axe-core is served
    from the site's own origin, so the policy needs no bypass), policy
    violations, requests to any other origin, cookies and console errors.
    With `search`, also type that query and run axe on the open dialog."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    origin = server.url.split("/", 3)[:3]
    origin = "/".join(origin)
    context.route(origin + AXE_URL_PATH, lambda route: route.fulfill(
        body=AXE.read_text(encoding="utf-8"), content_type="application/javascript"))
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    result = {"pages": {}, "outside": [], "cookies set": [], "scheme": []}
    console: list[str] = []
    page.on("console", lambda m: m.type == "error" and console.append(m.text))
    page.on("pageerror", lambda error: console.append(str(error)))
    page.on("request", lambda r: r.url.startswith((origin + "/", "data:", "blob:")) or result["outside"].append(r.url))
    page.on("response", lambda r: r.headers.get("set-cookie") and result["cookies set"].append(r.url))

    def inspect(label: str) -> dict:
        page.add_script_tag(url=origin + AXE_URL_PATH)
        axe = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        found = {"axe": [f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')[:160]}"
                         for v in axe["violations"] for node in v["nodes"]],
                 "csp": page.evaluate("window.__csp || []"), "console": list(console)}
        console.clear()
        return found

    for url in urls:
        open_page(page, server.url + url.lstrip("/"))
        actual = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        if actual != SCHEMES[scheme]:
            result["scheme"].append(f"{url}: {actual}")
        result["pages"][url] = inspect(url)
    if search:
        open_page(page, server.url)
        result["search results"] = search_like_a_person(page, search, server.url)
        result["pages"]["search dialog"] = inspect("search dialog")
    result["cookies"] = context.cookies()
    result["document.cookie"] = page.evaluate("document.cookie")
    context.close()
    return result
