"""The patient-first look: a second accessibility engine (pa11y with
HTML_CodeSniffer), care cards at body size, no sideways scrolling on small
phones, and a text-only reading order that reaches the page's heading fast."""
import json
import re
import shutil
import subprocess

import pytest

from tests.helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, read_config
from tests.helpers import open_page

PA11Y_RUNNER = ROOT / "tests" / "pa11y.mjs"
# H32.2 ("this form does not contain a submit button") fires on Material's
# search box and colour-scheme switch: both are forms that submit nothing
# (search runs as you type, the switch acts on change), so a submit button
# would be a control that does nothing. Only this rule is left out.
PA11Y_IGNORED = ["WCAG2AA.Principle3.Guideline3_2.3_2_2.H32.2"]
SEARCH_HINT = "Try a shorter or different word"
# Care cards, and Material's types that are styled as care cards.
CARE_CARDS = ".admonition.emergency, .admonition.urgent, .admonition.non-urgent, .admonition.warning"


def nav_pages(items) -> int:
    """How many pages the nav in mkdocs.yml lists."""
    count = 0
    for item in items:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        count += nav_pages(value) if isinstance(value, list) else 1
    return count


# --- A second accessibility engine ----------------------------------------------

@pytest.mark.gates
def test_pa11y_html_codesniffer_finds_no_errors(nginx, built_site):
    """Every page, the 404 page and a deep link to a section (its heading is
    then :target, which once gave its link icon too little contrast), in both
    schemes, at 360 and 1280 px."""
    urls = [nginx.url + url.lstrip("/") for url in built_site.pages("all")]
    urls += [nginx.url + "safety/#who-should-not-have-it", nginx.url + "no-such-page/"]
    job = {"urls": urls, "widths": [360, 1280], "schemes": ["light", "dark"], "ignore": PA11Y_IGNORED,
           "chromium": CHROMIUM, "args": CHROMIUM_ARGS}
    result = subprocess.run(["node", str(PA11Y_RUNNER), json.dumps(job)], capture_output=True, text=True,
                            cwd=ROOT, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    problems = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"pa11y (HTML_CodeSniffer, WCAG2AA): {len(urls)} pages x 2 schemes x 2 widths, {len(problems)} errors")
    assert not problems, "\n".join(f"{p['url']} {p['scheme']} {p['width']}px: {p['code']} {p['selector']} "
                                   f"{p['message'][:160]}" for p in problems)


# --- Care cards --------------------------------------------------------------------

BODY_AND_CARD_SIZES = """selector => {
    const size = el => parseFloat(getComputedStyle(el).fontSize)
    const body = document.querySelector('article.md-typeset > p')
    const text = [...document.querySelectorAll(selector)].flatMap(card =>
        [...card.querySelectorAll('p, li')].map(el => [card.className, el.textContent.trim().slice(0, 40), size(el)]))
    return {body: size(body), text}
}"""


@pytest.mark.gates
@pytest.mark.parametrize("width", [360, 1280])
def test_care_card_text_is_at_least_body_size(browser, nginx, built_site, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    small, cards = [], 0
    for url in built_site.pages("all"):
        if "admonition" not in built_site.html(url):
            continue
        open_page(page, nginx.url + url.lstrip("/"))
        sizes = page.evaluate(BODY_AND_CARD_SIZES, CARE_CARDS)
        cards += len(sizes["text"])
        small += [f"{url} {cls!r} {text!r}: {size}px < body {sizes['body']}px"
                  for cls, text, size in sizes["text"] if size < sizes["body"]]
    context.close()
    assert cards, "no care card found: the warning signs should be on several pages"
    assert not small, "\n".join(small)


def test_care_cards_keep_their_grade_in_black_and_white_print(nginx, page):
    """Printed without background colours, each grade still differs by its
    border and by its words."""
    open_page(page, nginx.url + "process/")
    page.emulate_media(media="print")
    looks = page.evaluate("""() => [...document.querySelectorAll('.admonition')].map(card => {
        const s = getComputedStyle(card), title = card.querySelector('.admonition-title')
        return [card.className.replace('admonition ', ''), s.borderTopWidth + ' ' + s.borderLeftWidth,
                getComputedStyle(title, '::before').content]
    })""")
    grades = {grade: (borders, words) for grade, borders, words in looks}
    assert {"emergency", "urgent"} <= set(grades), looks
    assert len({borders for borders, _ in grades.values()}) == len(grades), f"same borders: {looks}"
    assert len({words for _, words in grades.values()}) == len(grades), f"same words: {looks}"


# --- Small screens -------------------------------------------------------------------

SIDEWAYS = """() => {
    const wide = el => el.scrollWidth > el.clientWidth + 1
    const doc = document.documentElement
    const out = wide(doc) ? [`page ${doc.scrollWidth}px`] : []
    for (const el of document.querySelectorAll('article table, .md-typeset__scrollwrap, pre'))
        if (wide(el)) out.push(`${el.tagName.toLowerCase()} ${el.scrollWidth}px in ${el.clientWidth}px`)
    const title = document.querySelector('.md-header__topic .md-ellipsis')
    if (wide(title)) out.push(`site name cut: ${title.textContent.trim()}`)
    return out
}"""


@pytest.mark.gates
@pytest.mark.parametrize("width", [320, 360])
def test_no_sideways_scrolling_on_small_phones(browser, nginx, built_site, width):
    """Neither the page nor a table or code block inside it scrolls sideways,
    and the site's name in the header is not cut off."""
    context = browser.new_context(viewport={"width": width, "height": 700})
    page = context.new_page()
    wide = []
    for url in built_site.pages("all"):
        open_page(page, nginx.url + url.lstrip("/"))
        wide += [f"{url}: {problem}" for problem in page.evaluate(SIDEWAYS)]
    context.close()
    assert not wide, "\n".join(wide)


def test_table_row_labels_do_not_break_on_a_phone(browser, nginx):
    """The handout's "What is normal" table keeps labels such as "Days 1 to 3"
    on one line at 360 px."""
    context = browser.new_context(viewport={"width": 360, "height": 700})
    page = context.new_page()
    open_page(page, nginx.url + "handouts/aftercare/")
    broken = page.evaluate("""() => [...document.querySelectorAll('article table td:first-child')].filter(td => {
        const range = document.createRange(); range.selectNodeContents(td)
        return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1
    }).map(td => td.textContent)""")
    labels = page.locator("article table td:first-child").count()
    context.close()
    assert labels >= 3
    assert not broken, broken


# --- Text-only reading order ---------------------------------------------------------

@pytest.mark.gates
def test_text_browser_reaches_the_heading_soon_and_never_shows_the_search_hint(nginx, built_site):
    """What a text browser (w3m) prints, which is close to what a screen
    reader's browse mode reads: everything in the HTML, no CSS."""
    if not shutil.which("w3m"):
        pytest.fail("needs w3m: sudo apt-get install w3m")
    # Before the page's heading, a reader should meet only the header (10
    # lines: the skip link, the site's and page's names, the colour-scheme
    # and search controls, two lines of Material's hidden toggles, blank
    # lines) and the site menu: one line per page, plus its title and one
    # line per section. Text-browser users move around with that menu, and
    # the skip link passes it. 14 on top of the pages covers exactly that
    # with one line to spare, so any new chrome before the heading fails.
    limit = nav_pages(read_config()["nav"]) + 14
    report, problems = [], []
    for url in built_site.pages("all"):
        dump = subprocess.run(["w3m", "-dump", "-cols", "80", nginx.url + url.lstrip("/")],
                              capture_output=True, text=True, timeout=30).stdout
        lines = dump.splitlines()
        h1 = re.sub(r"<[^>]+>|¶|&para;", "", re.search(r"<h1[^>]*>(.*?)</h1>", built_site.html(url), re.S).group(1))
        h1 = " ".join(h1.split()).replace("&amp;", "&")
        # The heading ends with its section link's ¶ (the header repeats the
        # page's name without one).
        at = next((n for n, line in enumerate(lines, 1) if line.strip() == h1 + "¶"), None)
        report.append(f"{at} {url}")
        if at is None or at > limit:
            problems.append(f"{url}: heading at line {at}, limit {limit}")
        if SEARCH_HINT in dump:
            problems.append(f"{url}: shows the search hint")
        if any(line.strip() in ("logo", "[logo]") for line in lines):
            problems.append(f"{url}: prints the logo's file name")
    print("text browser, line of the page's heading:", ", ".join(report))
    assert not problems, "\n".join(problems)


# --- Sharing tags ----------------------------------------------------------------------

@pytest.mark.gates
def test_share_tags_carry_a_locale_and_image_descriptions(built_site):
    locales = {"en": read_config()["extra"]["locale"], "es": read_config(ROOT / "mkdocs.es.yml")["extra"]["locale"]}
    for url in built_site.pages("all"):
        locale = locales["es" if url.startswith("/es/") else "en"]
        assert re.fullmatch(r"[a-z]{2}_[A-Z]{2}", locale)
        html = built_site.html(url)
        # Attribute quotes are optional: the built HTML may be minified.
        assert re.search(rf'<meta property="?og:locale"? content="?{locale}"?>', html), url
        assert re.search(r'<meta name="?twitter:image:alt"? content="[^"]{20,}">', html), url
