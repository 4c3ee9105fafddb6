"""Search finds what patients type: every query of the two patient query
sets (tests/data/search-queries.yml, tuned on, and search-queries-held-out.yml,
written apart and never tuned on) is typed into the search box in Chromium,
against the site served by nginx. The Spanish edition (/es/) has its own two
sets (search-queries-es.yml and search-queries-es-held-out.yml), typed into
the search box of the Spanish pages.

While tuning, run the tuning sets only:
    SEARCH_HALF=tuning .venv/bin/pytest tests/test_search.py -q -rP
(or `-k "not held_out"`)."""
import json
import os
import re

import pytest

from tests import helpers as site_browser
from tests.helpers import ROOT
from microneedling_site import vocabulary as site_vocabulary
from microneedling_site.text import parse_html
from tests.helpers import page_text
from tests.helpers import open_page

HIT_RATE_REQUIRED = 0.95
TOP_PAGES = 3
HALVES = [h for h in site_browser.SEARCH_HALVES if os.environ.get("SEARCH_HALF", h) == h]
# Questions about safety that must always find their answer in the top 3
# (expected pages relative to the edition's root).
SAFETY_QUERIES = {
    "en": {
        "who should not have microneedling": ["/safety/"],
        "who should not have it": ["/safety/"],
        "warning signs": ["/safety/", "/process/"],
        "when to call a doctor": ["/safety/", "/process/"],
        "RF burns": ["/safety/", "/at-home-vs-professional/"],
    },
    "es": {
        "quién no debe hacerse microneedling": ["/safety/"],
        "quién no debe hacérselo": ["/safety/"],
        "señales de alarma": ["/safety/", "/process/"],
        "cuándo llamar al médico": ["/safety/", "/process/"],
        "quemaduras por radiofrecuencia": ["/safety/", "/at-home-vs-professional/"],
    },
}
EDITION_PATH = {"en": "", "es": "es"}
EDITION_NAME = {"en": "", "es": "Spanish "}


def edition_base(nginx, edition: str) -> str:
    """What search_like_a_person strips from result links: /es/faq/ is '/faq/'."""
    return "/".join(filter(None, [nginx.url.rstrip("/"), EDITION_PATH[edition]]))


def open_search(nginx, page, edition: str):
    open_page(page, edition_base(nginx, edition) + "/")
    page.wait_for_load_state("networkidle")
    return page


@pytest.fixture
def search_page(nginx, page):
    return open_search(nginx, page, "en")


def test_query_sets_are_large_and_well_formed():
    """The tuning set and the held-out set, written apart (README, "Search")."""
    tuning, held_out = (site_browser.load_search_queries(h) for h in ("tuning", "held-out"))
    assert len(tuning) >= 200, f"tuning set: {len(tuning)} queries"
    assert len(held_out) >= 150, f"held-out set: {len(held_out)} queries"
    for name, queries in (("tuning", tuning), ("held-out", held_out)):
        assert len({q["query"].lower() for q in queries}) == len(queries), f"duplicate queries in the {name} set"
    # The two sets were written by different people, so common queries
    # ("aftercare", "is it safe") appear in both, as they would in real
    # traffic. The held-out rate is asserted on the whole set and also
    # reported for the queries the tuning set does not contain.
    for q in tuning + held_out:
        assert q["expect"] and all(url.startswith("/") and url.endswith("/") for url in q["expect"]), q
        assert q.get("kind"), f"no kind: {q}"


@pytest.mark.parametrize("edition", site_browser.EDITIONS)
@pytest.mark.parametrize("half", HALVES, ids=[h.replace("-", "_") for h in HALVES])
def test_patient_queries_find_the_right_page(nginx, page, edition, half):
    search_page = open_search(nginx, page, edition)
    base = edition_base(nginx, edition)
    name = EDITION_NAME[edition]
    queries = site_browser.load_search_queries(half, edition=edition)
    results = [(q, site_browser.search_like_a_person(search_page, q["query"], base)) for q in queries]
    misses, kinds = site_browser.top_pages_by_kind(results, TOP_PAGES)
    hits = len(queries) - len(misses)
    print("\n".join(misses))
    print(f"search, {name}{half} set: {hits}/{len(queries)} ({hits / len(queries):.1%}) found an expected page "
          f"in the top {TOP_PAGES}")
    for kind, (kind_hits, total) in sorted(kinds.items()):
        print(f"  {kind:18} {kind_hits}/{total}")
    if half == "held-out":
        tuned = {q["query"].lower() for q in site_browser.load_search_queries("tuning", edition=edition)}
        unseen = [q for q in queries if q["query"].lower() not in tuned]
        unseen_misses = [m for m in misses if any(repr(q["query"]) in m for q in unseen)]
        print(f"search, {name}held-out queries not in the tuning set: {len(unseen) - len(unseen_misses)}/{len(unseen)} "
              f"({(len(unseen) - len(unseen_misses)) / len(unseen):.1%})")
    assert hits / len(queries) >= HIT_RATE_REQUIRED, "\n".join(misses)
    assert search_page.console_errors == []


@pytest.mark.parametrize("edition", site_browser.EDITIONS)
def test_safety_questions_always_find_their_answer(nginx, page, edition):
    search_page = open_search(nginx, page, edition)
    for query, expect in SAFETY_QUERIES[edition].items():
        found = site_browser.search_like_a_person(search_page, query, edition_base(nginx, edition))[:TOP_PAGES]
        assert set(found) & set(expect), f"{query!r}: got {found}, wanted one of {expect}"


@pytest.mark.parametrize("edition", site_browser.EDITIONS)
def test_every_vocabulary_word_is_visible_on_the_section_that_explains_it(built_site, edition):
    """No hidden synonyms: each word people type is written on the page that
    explains it, in the section the vocabulary names."""
    vocabulary = {"en": ROOT / "docs/includes/vocabulary.yml", "es": ROOT / "docs/es/includes/vocabulary.yml"}
    prefix = "" if edition == "en" else f"/{edition}"
    for entry in site_vocabulary.load_vocabulary(vocabulary[edition]):
        page, _, anchor = entry["where"].partition("#")
        folder = page.removesuffix(".md").removesuffix("index").rstrip("/")
        html = built_site.html(f"{prefix}/{folder}/" if folder else f"{prefix}/")
        if anchor:
            assert f'id="{anchor}"' in html, f"vocabulary.yml: {entry['where']}: no such section"
            start = html.index(f'id="{anchor}"')
            following = re.compile(r"<h[1-6]\b").search(html, start + 1)
            html = html[start:following.start() if following else len(html)]
        text = page_text(html).casefold()
        for word in entry["says"]:
            assert word.casefold() in text, f"vocabulary.yml: {word!r} is not shown at {entry['where']}"


def test_a_query_near_a_vocabulary_word_suggests_it(nginx, search_page):
    """A query that finds nothing suggests the closest words the pages list
    ("Also called", "You may have heard"), linked to their section."""
    assert site_browser.search_like_a_person(search_page, "pokmarks", nginx.url) == []
    nearby = search_page.locator(".search-no-results .search-nearby a")
    nearby.first.wait_for(state="visible")
    assert "pock marks" in nearby.all_inner_texts()
    assert "/conditions/#" in nearby.first.get_attribute("href")
    assert search_page.locator(".search-no-results a[href$='faq/']").is_visible(), "the way on stays"


def test_typing_slips_in_long_words_are_forgiven(nginx, search_page):
    for query, expect in {"microneedeling": ["/", "/what-is-microneedling/"],
                          "hyperpigmantation": ["/conditions/", "/safety/"],
                          "dermaroler": ["/what-is-microneedling/", "/at-home-vs-professional/", "/faq/"],
                          # 5 and 6 letters: 1 slip, when the word as typed matches nothing
                          "keliod": ["/conditions/", "/safety/"],
                          # one word typed as two, two typed as one
                          "make up": ["/process/", "/faq/"],
                          "dermastamp": ["/what-is-microneedling/"]}.items():
        found = site_browser.search_like_a_person(search_page, query, nginx.url)[:TOP_PAGES]
        assert set(found) & set(expect), f"{query!r}: got {found}, wanted one of {expect}"


def test_nonsense_query_shows_a_way_on(nginx, search_page):
    hint = search_page.locator(".search-no-results")
    assert site_browser.search_like_a_person(search_page, "zzqxv", nginx.url) == []
    hint.wait_for(state="visible")
    assert search_page.locator(".search-nearby").count() == 0, "nothing on the site is close to it"
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
    features = json.loads(parse_html(built_site.html("/")).find(".//script[@id='__config']").text)["features"]
    assert "search.suggest" in features and "search.highlight" in features, "as the page tells Material"
    index = json.loads((built_site.site / "search" / "search_index.json").read_text())
    separator = index["config"]["separator"]
    assert re.split(separator, "make-up (CIT)") == ["make", "up", "CIT", ""]
    assert re.split(separator, "A&amp;E") == ["A", "E"]
    assert index["config"]["pipeline"] == ["trimmer"], "question words stay in the index"
    assert 'src="assets/javascripts/patient-search.js" defer' in built_site.html("/")


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


# --- The Spanish edition (/es/) ---------------------------------------------------
# Its own query sets and safety questions run in the tests above; here, what
# patient-search.js does for Spanish: words match with or
# without accents, lunr's Spanish stemmer finds other forms, letters that
# sound alike (keloide: queloide) and diminutives (agujitas: agujas) meet.

@pytest.fixture
def search_page_es(nginx, page):
    return open_search(nginx, page, "es")


def test_spanish_query_sets_are_well_formed():
    tuning, held_out = (site_browser.load_search_queries(h, edition="es") for h in ("tuning", "held-out"))
    assert len(tuning) >= 70 and len(held_out) >= 70, (len(tuning), len(held_out))
    for name, queries in (("tuning", tuning), ("held-out", held_out)):
        assert len({q["query"].lower() for q in queries}) == len(queries), f"duplicate queries in the Spanish {name} set"
    for q in tuning + held_out:
        assert q["expect"] and all(url.startswith("/") and url.endswith("/") for url in q["expect"]), q
        assert not any(url.startswith("/es/") for url in q["expect"]), f"expected pages are relative to /es/: {q}"
        assert q.get("kind"), f"no kind: {q}"


def test_a_query_typed_without_accents_finds_what_it_finds_with_them(nginx, search_page_es):
    """Readers type "acne", "micropuncion", "despues": the same top page as
    with the accents, and the results still show the pages' own spelling."""
    page = search_page_es
    for plain, accented in [("cicatrices de acne", "cicatrices de acné"), ("micropuncion", "micropunción"),
                            ("estrias", "estrías"), ("despues del tratamiento", "después del tratamiento"),
                            ("hinchazon", "hinchazón"), ("isotretinoina", "isotretinoína")]:
        found_plain = site_browser.search_like_a_person(page, plain, edition_base(nginx, "es"))
        found_accented = site_browser.search_like_a_person(page, accented, edition_base(nginx, "es"))
        assert found_plain and found_plain[:1] == found_accented[:1], f"{plain!r}: {found_plain}; {accented!r}: {found_accented}"
    site_browser.search_like_a_person(page, "cicatrices de acne", edition_base(nginx, "es"))
    first = page.locator(".md-search-result__item").first
    marks = [m.lower() for m in first.locator("mark").all_inner_texts()]
    assert "acné" in marks and "acne" not in marks, marks
    # The page opened from a result marks the words as the page spells them.
    link = first.locator(".md-search-result__link").first.get_attribute("href")
    assert "acn%C3%A9" in link or "acné" in link, link
    assert page.console_errors == []


def test_spanish_search_finds_other_forms_sounds_and_slips(nginx, search_page_es):
    for query, expect in {"micronidling": ["/what-is-microneedling/", "/"],   # a typing slip
                          "infectarse": ["/safety/"],                          # lunr's Spanish stemmer
                          "keloide": ["/conditions/"],                         # k, qu: queloide
                          "inchazon": ["/process/", "/safety/"],               # silent h: hinchazón
                          "agujitas": ["/what-is-microneedling/"]}.items():    # diminutive: agujas
        found = site_browser.search_like_a_person(search_page_es, query, edition_base(nginx, "es"))[:TOP_PAGES]
        assert set(found) & set(expect), f"{query!r}: got {found}, wanted one of {expect}"


def test_a_spanish_query_near_a_vocabulary_word_suggests_it(nginx, search_page_es):
    page = search_page_es
    assert site_browser.search_like_a_person(page, "patasdegallo", edition_base(nginx, "es")) == []
    nearby = page.locator(".search-no-results .search-nearby a")
    nearby.first.wait_for(state="visible")
    assert "patas de gallo" in nearby.all_inner_texts()
    assert "/es/conditions/#" in nearby.first.get_attribute("href")
    assert page.locator(".search-nearby p").inner_text() == "Las palabras más parecidas de este sitio:"


def test_spanish_search_settings(built_site):
    index = json.loads((built_site.site / "es" / "search" / "search_index.json").read_text())
    assert index["config"]["lang"] == ["es"], "Material loads lunr.es: its stemmer and stop words"
    assert index["config"]["pipeline"] == ["trimmer"], "question words stay in the index"
    separator = index["config"]["separator"]
    assert [w for w in re.split(separator, "¿duele? ¡ojo! «make-up»") if w] == ["duele", "ojo", "make", "up"]
