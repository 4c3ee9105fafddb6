"""Quality gates that do not depend on machine speed: accessibility (axe),
privacy (no third-party requests, no cookies), a byte budget per page, valid
HTML (vnu), links and anchors, JavaScript off, and a subpath deploy."""
import gzip
import os
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tests import helpers as site_browser
from microneedling_site.text import parse_html
from tests import helpers
from tests.helpers import ROOT, build_site, fetch
from tests.conftest import PASSES
from tests.helpers import open_page

BUDGET_BYTES = 100_000          # first visit, compressed (the search index loads when search opens)
SEARCH_INDEX_BYTES = 30_000     # search/search_index.json, compressed
SEARCH_INDEX_BYTES_ES = 33_000  # es/search/search_index.json: the same pages in Spanish run about 25% longer
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
COMPRESSED_TYPES = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt"}


# --- Accessibility -------------------------------------------------------------

@pytest.mark.gates
@pytest.mark.parametrize("scheme, width", PASSES)
def test_axe_finds_no_violations(browser_passes, scheme, width):
    """Every page, the 404 page and the search dialog showing results, in
    each scheme and width, with the site's own policy in force."""
    found = browser_passes[(scheme, width)]
    assert found["search results"], "the search dialog showed no results"
    assert not found["scheme"], found["scheme"]
    problems = [f"{url}: {v}" for url, page in found["pages"].items() for v in page["axe"]]
    assert not problems, "\n".join(problems)


@pytest.mark.gates
def test_no_console_errors_on_any_page(browser_passes):
    """None, beyond the 404 page's own status (Chromium logs it as an error)."""
    problems = [f"{scheme} {width}px {url}: {error}" for (scheme, width), found in browser_passes.items()
                for url, page in found["pages"].items() for error in page["console"]
                if not (url == "/no-such-page/" and "status of 404" in error)]
    assert not problems, "\n".join(problems)


def test_keyboard_skip_link_and_visible_focus(nginx, page):
    open_page(page, nginx.url + "process/")
    page.keyboard.press("Tab")
    skip = page.evaluate("""() => { const el = document.activeElement;
        return {cls: el.className, text: el.textContent.trim(), visible: el.getBoundingClientRect().height > 0}; }""")
    assert "md-skip" in skip["cls"] and skip["visible"], skip
    reached = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        # Material's colour toggle is a hidden radio whose label shows the focus ring.
        info = page.evaluate("""() => { const el = document.activeElement;
            const s = getComputedStyle(el.classList.contains('md-option') ? el.nextElementSibling : el);
            return {tag: el.tagName, label: el.getAttribute('aria-label') || el.getAttribute('title') || el.textContent.trim().slice(0, 40),
                    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== 'none'}; }""")
        assert info["outline"] or info["shadow"], f"focus is not visible on {info}"
        reached.add(info["label"])
    assert any("Switch to" in label for label in reached), "colour scheme toggle is not reachable"
    assert "Safety" in reached, "site navigation is not reachable"


MOUNTED = """() => new Promise(resolve => {
    if (!window.document$) return resolve("no document$")
    const timer = setTimeout(() => resolve("document$ never emitted"), 5000)
    window.document$.subscribe(() => { clearTimeout(timer); resolve("emitted") })
})"""


def assert_material_mounted(page) -> None:
    """Material's document$ emitted, and what it drives works: the header
    shows the page's title once the h1 has scrolled away (the site's own
    "On this page" list is plain links and needs no script)."""
    assert page.evaluate(MOUNTED) == "emitted"
    state = page.evaluate("window.__deferredScripts")
    assert state["listeners"] >= 1, (
        "Material's bundle added no DOMContentLoaded listener while it loaded: a Material upgrade changed "
        "how its bundle starts. overrides/partials/deferred-scripts.html must follow it (or go).")
    page.locator("article h2[id]").nth(2).scroll_into_view_if_needed()
    page.mouse.wheel(0, 400)
    page.wait_for_function("() => document.querySelector('.md-header__title').classList.contains('md-header__title--active')",
                           timeout=5000)


def test_material_starts_after_the_first_paint_and_mounts(nginx, page):
    """overrides/partials/deferred-scripts.html holds Material's bundle back
    until the page is on screen, then calls the listeners it added for
    DOMContentLoaded; the page's other listeners run once, not twice."""
    page.add_init_script("window.__loaded = []; document.addEventListener('DOMContentLoaded',"
                         " () => __loaded.push(performance.now()))")
    open_page(page, nginx.url + "process/")
    first_paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
    bundle = page.evaluate("performance.getEntriesByType('resource').find(r => r.name.includes('/bundle.')).startTime")
    assert bundle > first_paint, "the bundle must not compete with the stylesheets"
    assert len(page.evaluate("__loaded")) == 1, "a page's own DOMContentLoaded listener ran twice"
    assert page.evaluate("window.__deferredScripts.failed") == []
    assert_material_mounted(page)
    assert page.console_errors == []


# Changes to <html>, <body> or the head's color-scheme meta restyle every
# element of the page. Recorded from the first paint on, with what changed.
WHOLE_PAGE_CHANGES = """window.__wholePage = []
new MutationObserver(records => {
    const painted = performance.getEntriesByName("first-contentful-paint").length > 0
    for (const r of records) {
        if (!painted) continue
        const root = r.target === document.documentElement || r.target === document.body
        if (r.type === "attributes" && root && r.oldValue !== r.target.getAttribute(r.attributeName))
            __wholePage.push(`${r.target.nodeName} ${r.attributeName}: ${r.oldValue} -> ${r.target.getAttribute(r.attributeName)}`)
        for (const node of r.addedNodes || [])
            if (node.nodeName === "META") __wholePage.push(`added <meta name=${node.getAttribute("name")}>`)
        if (r.type === "attributes" && r.target.nodeName === "META")
            __wholePage.push(`<meta name=${r.target.getAttribute("name")}> ${r.attributeName} changed`)
    }
}).observe(document, {subtree: true, childList: true, attributes: true, attributeOldValue: true})"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_material_starts_without_restyling_the_whole_page(browser, nginx, scheme):
    """Material's start-up, in the long task Lighthouse counts as blocking
    time, changes nothing on <html> or <body> and adds no meta: the "js"
    classes and the colour scheme are set while the page is read
    (overrides/main.html, partials/javascripts/palette.html), so the first
    paint already has the reader's scheme (MAINTAINING.md, blocking time)."""
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.add_init_script(WHOLE_PAGE_CHANGES)
    open_page(page, nginx.url + "safety/")
    assert_material_mounted(page)
    assert page.evaluate("document.documentElement.className") == "js js-focus-visible"
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == site_browser.SCHEMES[scheme]
    assert page.evaluate("window.__wholePage") == []
    header = page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")
    assert page.locator("meta[name=theme-color]").get_attribute("content") == header
    context.close()


def test_material_starts_when_a_held_script_fails_to_load(nginx, page):
    """A held script that fails (here one added before the bundle) does not
    keep Material from starting."""
    def with_missing_script(route):
        html = route.fetch().text().replace('<template id="deferred-scripts">',
                                            '<template id="deferred-scripts"><script data-src="missing.js"></script>')
        route.fulfill(body=html, content_type="text/html")
    page.route("**/process/", with_missing_script)
    open_page(page, nginx.url + "process/")
    assert page.evaluate("window.__deferredScripts.failed")[0].endswith("/missing.js")
    assert_material_mounted(page)


def test_material_starts_when_no_paint_is_ever_reported(nginx, page):
    """A browser that never reports a paint (a hidden tab, say) still gets a
    working page, within the 3-second fallback."""
    page.add_init_script("""window.PerformanceObserver = class { static supportedEntryTypes = ['paint'];
        observe() {} disconnect() {} }""")
    open_page(page, nginx.url + "process/")
    assert page.evaluate("performance.now()") >= 2900, "started before the fallback: a paint was reported"
    assert_material_mounted(page)


# --- Privacy -------------------------------------------------------------------

@pytest.mark.gates
def test_no_request_leaves_the_site_and_no_cookies(browser_passes):
    for (scheme, width), found in browser_passes.items():
        assert found["outside"] == [], found["outside"]
        assert found["cookies set"] == [] and found["cookies"] == [] and found["document.cookie"] == ""


# --- Speed: byte budget ---------------------------------------------------------

class AssetRefs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon"):
            self.refs.append(attrs["href"])
        elif tag in ("script", "img") and attrs.get("src"):
            self.refs.append(attrs["src"])
        elif tag == "script" and attrs.get("data-src"):  # Material's scripts, started after the first paint
            self.refs.append(attrs["data-src"])


def first_visit_files(site: Path, url: str) -> list[Path]:
    """Every file a first visit to `url` loads: the page, its stylesheets,
    scripts, images and icon and Material's search worker. The search index
    is not among them: patient-search.js fetches it when search first opens
    (test_budget_leaves_out_the_search_index_until_search_opens)."""
    page_file = site / url.strip("/") / "index.html"
    html = page_file.read_text()
    parser = AssetRefs()
    parser.feed(html)
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S).group(1))
    refs = parser.refs + [config["search"]]
    files = [page_file]
    # Another language's search scripts (lunr.es and its support file): they
    # load when search opens, but the budget counts them from the start.
    language = re.search(r'<html lang="?(\w+)', html).group(1)
    if language != "en":
        lunr = Path(urlsplit(urljoin("http://site" + url, config["search"])).path.lstrip("/")).parent.parent / "lunr"
        files += [site / lunr / "min" / f"lunr.{name}.min.js" for name in ("stemmer.support", language)]
    for ref in refs:
        path = urlsplit(urljoin("http://site" + url, ref)).path
        files.append(site / path.lstrip("/"))
    return sorted(set(files))


def transfer_size(path: Path) -> int:
    data = path.read_bytes()
    return len(gzip.compress(data, 6)) if path.suffix in COMPRESSED_TYPES else len(data)


@pytest.mark.gates
def test_first_visit_to_every_page_fits_the_byte_budget(built_site):
    report = []
    for url in built_site.pages("all"):
        files = first_visit_files(built_site.site, url)
        total = sum(transfer_size(f) for f in files)
        report.append((total, url))
        print(f"first visit {total:7,} bytes compressed  {url}")
        assert all(f.is_file() for f in files), url
    over = [f"{url}: {total:,}" for total, url in report if total > BUDGET_BYTES]
    assert not over, f"over {BUDGET_BYTES:,} bytes: {over}"


def test_budget_counts_everything_the_browser_loads(browser, nginx, built_site):
    """The budget's file list is what Chromium really requests."""
    for url in ["/", "/process/", "/handouts/aftercare/"]:
        context = browser.new_context()
        page = context.new_page()
        requested = set()
        page.on("request", lambda r: requested.add(urlsplit(r.url).path))
        open_page(page, nginx.url + url.lstrip("/"))
        page.wait_for_load_state("networkidle")
        counted = {"/" + str(f.relative_to(built_site.site)).replace("index.html", "")
                   for f in first_visit_files(built_site.site, url)}
        assert requested <= counted, f"{url}: loaded but not counted: {requested - counted}"
        assert "/search/search_index.json" not in requested, f"{url}: the index loaded before search opened"
        # Opening search adds the index, and nothing else. (The page is
        # already network-idle, so wait for the request itself, then give any
        # other request time to show.)
        with page.expect_request(lambda r: r.url.endswith("/search/search_index.json"), timeout=10_000):
            page.keyboard.press("/")
        page.wait_for_timeout(1000)
        assert requested - counted == {"/search/search_index.json"}, url
        context.close()


def test_budget_leaves_out_the_search_index_until_search_opens(browser, nginx):
    """A page that is only read never downloads the search index; opening
    search (here with the search button of a phone-sized screen; the test
    above opens it with the keyboard) requests it once, and the first query
    gets its results."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    index_requests = []
    page.on("request", lambda r: r.url.endswith("/search/search_index.json") and index_requests.append(r.url))
    open_page(page, nginx.url + "safety/")
    page.wait_for_load_state("networkidle")
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(300)
    assert index_requests == [], "the page loaded the search index before search was opened"
    page.locator("label.md-header__button[for='__search']").click()
    page.locator(".md-search__input").type("numbing cream", delay=15)
    page.locator(".md-search-result__item").first.wait_for(timeout=5000)
    assert index_requests == [nginx.url + "search/search_index.json"], index_requests
    page.locator(".md-search__input").fill("")
    page.locator(".md-search__input").type("bruising", delay=15)
    page.locator(".md-search-result__item").first.wait_for()
    assert len(index_requests) == 1, "the index is fetched once"
    assert errors == []
    context.close()


@pytest.mark.gates
def test_search_index_fits_its_own_byte_budget(built_site):
    """Loaded when search first opens: it grows with every vocabulary word.
    Each edition has its own index; Spanish says the same in about a quarter
    more words, so its budget is larger by that much."""
    for folder, budget in (("", SEARCH_INDEX_BYTES), ("es/", SEARCH_INDEX_BYTES_ES)):
        size = transfer_size(built_site.site / folder / "search" / "search_index.json")
        print(f"search index /{folder} {size:,} bytes compressed (budget {budget:,})")
        assert size <= budget, f"{folder}search_index.json: {size:,} bytes compressed, over {budget:,}"


# --- Valid HTML, links and anchors ---------------------------------------------

@pytest.mark.gates
def test_nu_html_checker_reports_no_errors(built_site):
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html",
                             str(built_site.site)], capture_output=True, text=True)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [m for m in messages if m["type"] == "error"]
    checked = len(list(built_site.site.rglob("*.html")))
    print(f"vnu: {checked} HTML files, {len(errors)} errors")
    assert checked >= 14
    assert not errors, "\n".join(f"{m['url']}:{m.get('lastLine')}: {m['message']}" for m in errors)


def test_menu_and_search_start_closed_even_if_the_browser_restores_them(nginx, page):
    """Firefox restores checkbox state after a reload. Material's toggles lost
    their (invalid) autocomplete="off", so the page must clear them itself.
    Chromium does not restore them, so the test checks them as Firefox would,
    the moment the parser inserts them."""
    page.add_init_script("""new MutationObserver(() => {
        for (const id of ['__drawer', '__search']) {
            const toggle = document.getElementById(id)
            if (toggle && !toggle.dataset.restored) { toggle.checked = true; toggle.dataset.restored = 'yes' }
        }
    }).observe(document, {childList: true, subtree: true})""")
    open_page(page, nginx.url + "process/")
    restored = page.evaluate("['__drawer', '__search'].map(id => document.getElementById(id))"
                             ".map(t => [t.id, t.dataset.restored, t.checked])")
    assert restored == [["__drawer", "yes", False], ["__search", "yes", False]]


class LinksAndIds:
    def __init__(self, html: str):
        root = parse_html(html)
        self.ids = {el.get("id") for el in root.iter() if el.get("id")}
        self.links = [el.get(key) for el in root.iter() if el.tag in ("a", "link", "script", "img")
                      for key in ("href", "src") if el.get(key)]


@pytest.mark.gates
def test_every_internal_link_and_anchor_in_the_built_site_resolves(built_site):
    site = built_site.site
    parsed = {}
    for html_file in site.rglob("*.html"):
        parsed[html_file] = LinksAndIds(html_file.read_text())
    broken = []
    for html_file, parser in parsed.items():
        if html_file.name == "404.html" or "<article" not in html_file.read_text():
            continue  # the 404 page links by site_url; redirect stubs hold one link each
        page_url = "http://site/" + str(html_file.relative_to(site)).replace("index.html", "")
        for link in parser.links:
            target = urlsplit(urljoin(page_url, link))
            if target.scheme not in ("http", "https") or target.netloc != "site":
                continue
            path = site / target.path.lstrip("/")
            path = path / "index.html" if target.path.endswith("/") else path
            if not path.is_file():
                broken.append(f"{html_file.relative_to(site)}: {link}")
            elif target.fragment and path in parsed and target.fragment not in parsed[path].ids:
                broken.append(f"{html_file.relative_to(site)}: {link} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_unknown_urls_get_the_helpful_404_page(nginx, page):
    status, _, body = fetch(nginx.url + "does/not/exist/")
    assert status == 404
    response = open_page(page, nginx.url + "does/not/exist/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    links = page.locator("article a")
    assert links.count() >= 5
    links.filter(has_text="Questions and answers").click()
    page.wait_for_url("**/faq/")


# --- Robust: JavaScript off, subpath --------------------------------------------

@pytest.mark.gates
def test_pages_read_and_navigate_with_javascript_off(browser, nginx, built_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for url in built_site.pages("all"):
        response = page.goto(nginx.url + url.lstrip("/"))
        assert response.status == 200
        assert page.locator("article h1").is_visible(), url
        assert len(page.locator("article").inner_text()) > 300, url
        nav = page.locator(".md-nav--primary a.md-nav__link[href]")
        assert nav.count() >= 10, url
    page.goto(nginx.url)
    page.locator(".md-nav--primary a.md-nav__link", has_text="Safety").first.click()
    page.wait_for_url("**/safety/")
    assert page.locator("article h1").inner_text().startswith("Is microneedling safe")
    context.close()


@pytest.fixture(scope="module")
def subpath_server(tmp_path_factory):
    """The site built for, and served under, /microneedling/."""
    root = tmp_path_factory.mktemp("subpath-root")
    port = helpers.free_port()
    result = build_site(ROOT, root / "microneedling", config=os.environ.get("SITE_CONFIG", "mkdocs.yml"),
                        env={"SITE_URL": f"http://127.0.0.1:{port}/microneedling/"})
    assert result.returncode == 0, result.stderr
    server = helpers.Nginx(root, tmp_path_factory.mktemp("subpath-nginx"), "/microneedling/", port=port)
    yield server
    server.stop()


@pytest.mark.gates
def test_site_works_under_a_subpath(subpath_server, page, built_site):
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
    for url in built_site.pages("all"):
        open_page(page, subpath_server.url + url.lstrip("/"))
        assert page.locator("article h1").count() == 1
    found = site_browser.search_like_a_person(page, "aftercare", subpath_server.url.rstrip("/"))
    assert found and all(not p.startswith("/microneedling/") for p in found)
    page.locator(".md-search-result__item a").first.click()
    page.wait_for_load_state()
    assert "/microneedling/" in page.url
    assert failed == [], failed
    assert page.console_errors == []
    response = open_page(page, subpath_server.url + "missing/")
    assert response.status == 404 and page.locator("h1").inner_text() == "Page not found"
    # theme.font: false: the system's fonts (Material's stack), no web font.
    # Material writes its stack after a placeholder font name, "_".
    fonts = page.evaluate("getComputedStyle(document.body).fontFamily").removeprefix("_, ")
    assert fonts == "-apple-system, BlinkMacSystemFont, Helvetica, Arial, sans-serif", fonts
    assert page.evaluate("[...document.fonts].length") == 0, "no web font is loaded"
    stylesheets = page.evaluate("[...document.styleSheets].filter(s => s.href).map(s => s.href)")
    assert stylesheets and all("/microneedling/assets/" in s for s in stylesheets)
