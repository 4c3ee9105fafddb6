"""The Spanish edition (docs/es/, mkdocs.es.yml, built under /es/): every page
has its twin, the words around the pages follow the language, readers can
switch language on the same page, and the Spanish pages are easy to read."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from microneedling_site import text as site_text
from microneedling_site.text import classes, parse_html, text_of
from tests.helpers import ROOT, page_text, read_config

INFLESZ_PAGE, INFLESZ_AVERAGE = 55, 65            # Spanish brief, section 4
HUERTA_PAGE, HUERTA_AVERAGE = 60, 70
ENGLISH_ONLY = ["Page last reviewed", "On this page", "Link to this section", "You may have heard",
                "general information, not medical advice", "Scan the code", "Report an error"]


def heading_ids(markdown: str) -> list[str]:
    return re.findall(r"^#{1,6} .*\{[^}]*#([\w-]+)[^}]*\}\s*$", markdown, re.M)


def test_every_english_page_has_a_spanish_twin_with_the_same_section_ids():
    docs = ROOT / "docs"
    english = sorted(p.relative_to(docs) for p in docs.rglob("*.md") if p.relative_to(docs).parts[0] != "es")
    for page in english:
        twin = docs / "es" / page
        assert twin.is_file(), f"no Spanish twin for docs/{page}"
        if "includes" not in page.parts:
            assert heading_ids(twin.read_text()) == heading_ids((docs / page).read_text()), \
                f"docs/es/{page}: section ids differ from the English page (links to /es/{page.stem}/#id would break)"


def test_template_words_exist_in_every_language():
    english = read_config()["extra"]["strings"]
    spanish = read_config(ROOT / "mkdocs.es.yml")["extra"]["strings"]
    assert set(english) == set(spanish)
    changed = [key for key in english if english[key] == spanish[key]]
    assert changed == [], f"left in English in mkdocs.es.yml: {changed}"
    for language in ("en", "es"):
        for name in ("404.html", "report-errors.html", "search-hint.html"):
            assert (ROOT / "overrides" / "partials" / "text" / language / name).is_file()


def test_spanish_pages_speak_spanish_around_the_text(built_site):
    pages = built_site.pages("es")
    assert len(pages) == len(built_site.pages("en"))
    for url in pages:
        html = built_site.html(url)
        assert '<html lang="es"' in html, url
        assert re.search(r'<meta property="?og:locale"? content="?es_', html), url
        assert '"inLanguage": "es"' in html or '"inLanguage":"es"' in html, url
        assert re.search(r"\d+ de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|"
                         r"noviembre|diciembre) de 20\d\d", page_text(html)), f"{url}: review date not in Spanish"
        leftovers = [words for words in ENGLISH_ONLY if words in html]
        assert not leftovers, f"{url} shows English template text: {leftovers}"
    missing = built_site.site / "es" / "404.html"
    assert "No encontramos esta página" in missing.read_text() and '<html lang="es"' in missing.read_text()


def test_spanish_glossary_tooltips_and_vocabulary_lines(built_site):
    html = built_site.html("/es/conditions/")
    tooltips = {text_of(a): a.get("title") for a in parse_html(html).iter("abbr")}
    assert tooltips and all(title for title in tooltips.values())
    assert "queloide" in " ".join(tooltips).lower() or "queloides" in " ".join(tooltips).lower()
    lines = [text_of(p) for url in built_site.pages("es") for p in parse_html(built_site.html(url)).iter("p")
             if "also-called" in classes(p)]
    assert lines and all(line.startswith("Quizá lo conozca como:") for line in lines), lines


def resolve(url: str, href: str) -> str:
    return urlsplit(urljoin("http://site" + url, href)).path


def test_language_switch_keeps_the_reader_on_the_same_page(built_site):
    for url in built_site.pages("en"):
        twin = "/es" + url
        switch = [a for a in parse_html(built_site.html(url)).iter("a") if "md-header__language" in classes(a)]
        assert [resolve(url, a.get("href")) for a in switch] == [twin], url
        assert switch[0].get("lang") == "es" and switch[0].get("hreflang") == "es"
        back = [a for a in parse_html(built_site.html(twin)).iter("a") if "md-header__language" in classes(a)]
        assert [resolve(twin, a.get("href")) for a in back] == [url], twin


def test_hreflang_alternates_are_full_addresses_with_x_default(built_site):
    """In the sitemaps (Google reads hreflang there as in a page's head;
    Material would fetch a sitemap.xml beside every <link rel=alternate>)."""
    site_url = read_config()["site_url"]
    for edition, sitemap in (("en", "sitemap.xml"), ("es", "es/sitemap.xml")):
        entries = re.findall(r"<url>(.*?)</url>", (built_site.site / sitemap).read_text(), re.S)
        assert len(entries) == len(built_site.pages(edition))
        for entry in entries:
            loc = re.search(r"<loc>([^<]+)</loc>", entry).group(1)
            path = "/" + loc.removeprefix(site_url).removeprefix("es/")
            links = dict(re.findall(r'<xhtml:link rel="alternate" hreflang="([\w-]+)" href="([^"]+)"/>', entry))
            assert links == {"en": site_url + path.lstrip("/"), "es": site_url + "es" + path,
                             "x-default": site_url + path.lstrip("/")}, loc
    for url in built_site.pages("all"):
        assert not re.search(r'<link rel="?alternate"?', built_site.html(url)), url


def test_sitemaps_and_robots_cover_both_editions(built_site):
    site_url = read_config()["site_url"]
    robots = (built_site.site / "robots.txt").read_text()
    assert f"Sitemap: {site_url}sitemap.xml" in robots and f"Sitemap: {site_url}es/sitemap.xml" in robots
    assert not (built_site.site / "es" / "robots.txt").exists()
    sitemap = (built_site.site / "es" / "sitemap.xml").read_text()
    for url in built_site.pages("es"):
        assert f"<loc>{site_url}{url.lstrip('/')}</loc>" in sitemap, url
    headers = (built_site.site / "_headers").read_text()
    assert "/es/safety/\n  Cache-Control" in headers and not (built_site.site / "es" / "_headers").exists()


def test_handouts_pages_link_each_other_across_languages(built_site):
    for url, twin in (("/handouts/", "/es/handouts/"), ("/es/handouts/", "/handouts/")):
        hrefs = re.findall(r'<p class="other-editions">[^<]*<a href="([^"]+)"', built_site.html(url))
        assert [resolve(url, href) for href in hrefs] == [twin], url


def test_spanish_readability_of_every_page(built_site):
    """INFLESZ (Szigriszt-Pazos) and Fernández-Huerta of each Spanish page's
    article text: at least 55 and 60 on every page, 65 and 70 on average."""
    scores = {}
    for url in built_site.pages("es"):
        scores[url] = site_text.spanish_readability(site_text.article_sentences(built_site.html(url)))
        print(f"INFLESZ {scores[url][0]:5.1f}  Fernández-Huerta {scores[url][1]:5.1f}  {url}")
    inflesz = sum(s[0] for s in scores.values()) / len(scores)
    huerta = sum(s[1] for s in scores.values()) / len(scores)
    print(f"INFLESZ {inflesz:5.1f}  Fernández-Huerta {huerta:5.1f}  average")
    hard = {url: [round(x, 1) for x in s] for url, s in scores.items() if s[0] < INFLESZ_PAGE or s[1] < HUERTA_PAGE}
    assert not hard, f"Spanish pages below INFLESZ {INFLESZ_PAGE} / Fernández-Huerta {HUERTA_PAGE}: {hard}"
    assert inflesz >= INFLESZ_AVERAGE and huerta >= HUERTA_AVERAGE


def test_spanish_syllables_are_counted_as_spanish_splits_them():
    expected = {"aguja": 3, "piel": 1, "día": 2, "país": 2, "cuidado": 3, "que": 1, "oído": 3, "sesión": 2,
                "leer": 2, "hiperpigmentación": 6}
    assert {word: site_text.spanish_syllables(word) for word in expected} == expected


@pytest.mark.slow
def test_a_clinic_can_publish_english_only(tmp_path):
    from tests.helpers import CLINIC, copy_project, strict_build

    project = copy_project(tmp_path / "project")
    config = {"INHERIT": "mkdocs.yml", "site_url": "https://clinic.example/", "extra": {
        "clinic": {k: v for k, v in CLINIC.items() if k not in ("folder", "logo", "pages")}, "languages": ["en"]}}
    (project / "clinic.yml").write_text(yaml.safe_dump(config, allow_unicode=True))
    site = strict_build(project, tmp_path / "site", config="clinic.yml").site
    assert not (site / "es").exists()
    home = (site / "index.html").read_text()
    assert "md-header__language" not in home and 'hreflang="es"' not in home
    assert "es/sitemap.xml" not in (site / "robots.txt").read_text()


def test_clinic_details_in_spanish_on_spanish_pages(clinic_site):
    from tests.helpers import CLINIC

    for url in clinic_site.pages("es"):
        html = clinic_site.html(url)
        assert f"Hable con {CLINIC['name']}" in html and f"Ofrecido por {CLINIC['name']}" in html, url
    assert "/es/prices/" in clinic_site.pages("es")
    faq = page_text(clinic_site.html("/es/faq/"))
    assert f"{CLINIC['name']} aconseja esperar 12 horas antes de maquillarse" in faq
    assert "de 24 a 48 horas" not in faq
