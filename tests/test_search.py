"""Search finds what patients type: every query of tests/data/search-queries.yml
is typed into the search box in Chromium, against the site served by nginx."""
import json
import re

import pytest

import site_browser
from conftest import page_text, read_config
from site_browser import open_page

HIT_RATE_REQUIRED = 0.95
TOP_PAGES = 3


@pytest.fixture
def search_page(nginx, page):
    open_page(page, nginx.url)
    page.wait_for_load_state("networkidle")
    return page


def test_query_set_is_large_and_well_formed():
    queries = site_browser.load_search_queries()
    assert len(queries) >= 50
    assert len({q["query"].lower() for q in queries}) == len(queries), "duplicate queries"
    for q in queries:
        assert q["expect"] and all(url.startswith("/") and url.endswith("/") for url in q["expect"]), q


def test_patient_queries_find_the_right_page(nginx, search_page):
    queries = site_browser.load_search_queries()
    base = nginx.url.rstrip("/")
    misses = []
    for q in queries:
        found = site_browser.search_like_a_person(search_page, q["query"], base)[:TOP_PAGES]
        if not set(found) & set(q["expect"]):
            misses.append(f"MISS {q['query']!r}: got {found}, wanted one of {q['expect']}")
    hits = len(queries) - len(misses)
    print("\n".join(misses))
    print(f"search: {hits}/{len(queries)} queries found an expected page in the top {TOP_PAGES}")
    assert hits / len(queries) >= HIT_RATE_REQUIRED, "\n".join(misses)
    assert search_page.console_errors == []


def test_nonsense_query_shows_a_way_on(nginx, search_page):
    hint = search_page.locator(".search-no-results")
    assert site_browser.search_like_a_person(search_page, "zzqxv", nginx.url) == []
    hint.wait_for(state="visible")
    links = hint.locator("a")
    assert links.count() >= 4
    assert "faq/" in [links.nth(i).get_attribute("href").split("/")[-2] + "/" for i in range(links.count())]
    # A query with results hides the hint again.
    assert site_browser.search_like_a_person(search_page, "aftercare", nginx.url)
    assert not hint.is_visible()


def test_search_works_by_keyboard_alone(nginx, search_page):
    page = search_page
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.type("aftercare", delay=20)
    page.locator(".md-search-result__item").first.wait_for()
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        return {cls: el.className, href: el.href, outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
    }""")
    assert "md-search-result__link" in focused["cls"], focused
    assert focused["outline"] != "none" and focused["width"] > 0, f"focus is not visible: {focused}"
    page.keyboard.press("Enter")
    page.wait_for_url(focused["href"])
    assert page.url.split("?")[0].split("#")[0].endswith(("/process/", "/faq/", "/handouts/aftercare/"))
    assert page.locator("h1").count() == 1


def test_search_settings_split_punctuation_and_show_suggestions(built_site):
    config = read_config()
    features = config["theme"]["features"]
    assert "search.suggest" in features and "search.highlight" in features
    index = json.loads((built_site.site / "search" / "search_index.json").read_text())
    separator = index["config"]["separator"]
    assert re.split(separator, "make-up (CIT)") == ["make", "up", "CIT", ""]


def test_every_name_for_the_treatment_is_visible_on_the_page_that_explains_it(built_site):
    """Synonyms are found because they are written on the page, not hidden."""
    text = page_text(built_site.html("/what-is-microneedling/"))
    for name in ["microneedling", "micro-needling", "micro needling", "dermaroller", "derma roller",
                 "derma pen", "collagen induction therapy", "vampire facial", "PRP"]:
        assert name in text, name


def test_result_snippets_show_why_a_page_matched(nginx, search_page):
    assert site_browser.search_like_a_person(search_page, "numbing cream", nginx.url)
    first = search_page.locator(".md-search-result__item").first
    marks = [m.lower() for m in first.locator("mark").all_inner_texts()]
    assert any(m.startswith(("numbing", "cream")) for m in marks), marks
    assert len(first.inner_text()) > 60, "a snippet of the matching text is shown"
