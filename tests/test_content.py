"""The patient pages: required pages and front matter, plain language, sources,
review dates, disclaimer, images and shared text."""
import re
from pathlib import Path

import pytest

from microneedling_site import checks as site_checks
from microneedling_site import generated as site_generated
from microneedling_site import text as site_text
from microneedling_site.text import parse_html
from tests.helpers import EDITIONS, ROOT, build_site, copy_project, edition_root, page_text, site_config

# Clinics link to these addresses, so they never change.
REQUIRED_PAGES = ["/", "/what-is-microneedling/", "/benefits/", "/conditions/", "/process/",
                  "/safety/", "/at-home-vs-professional/", "/faq/", "/sources/", "/glossary/"]
GRADE_LIMIT = 8.0
AVERAGE_GRADE_LIMIT = 7.0
SENTENCE_WORDS_LIMIT = 25
H1_LIMIT = 65
SHARED_SOURCES = ROOT.parent / "shared" / "sources"


class Outline:
    """Headings, images and links inside the page's <article>; headings of
    asides (the clinic box, report-an-error) are not part of the page's outline."""

    def __init__(self, html: str):
        article = next(parse_html(html).iter("article"))
        in_aside = {el for aside in article.iter("aside") for el in aside.iter()}
        self.headings = [(int(el.tag[1]), "".join(el.itertext()).replace("¶", "").strip())
                         for el in article.iter() if re.fullmatch(r"h[1-6]", el.tag) and el not in in_aside]
        self.images = [dict(img.attrib) for img in article.iter("img")]
        self.links = [a.get("href") for a in article.iter("a") if a.get("href") is not None]


def outline(html: str) -> Outline:
    return Outline(html)


def test_every_required_page_is_built(built_site):
    missing = [url for url in REQUIRED_PAGES if url not in built_site.pages()]
    assert not missing


def test_front_matter_is_valid_on_every_page():
    pages = site_checks.content_pages(ROOT / "docs")
    assert len(pages) >= len(REQUIRED_PAGES)
    site_checks.check_front_matter(ROOT / "docs")  # raises SiteError naming file and field


@pytest.mark.parametrize("front_matter, field", [
    ("title: T\nreviewed: 2026-01-01\nnext_review: 2026-06-01", "description"),
    ("title: T\ndescription: D\nreviewed: 2026-01-01", "next_review"),
    ("title: T\ndescription: D\nreviewed: 01/01/2026\nnext_review: 2026-06-01", "reviewed"),
    ("title: T\ndescription: " + "x" * 161 + "\nreviewed: 2026-01-01\nnext_review: 2026-06-01", "description"),
    ("title: T\ndescription: D\nreviewed: 2026-06-01\nnext_review: 2026-01-01", "next_review"),
    ("title: T\ndescription: 'Say \"hi\"'\nreviewed: 2026-01-01\nnext_review: 2026-06-01", "description"),
])
def test_bad_front_matter_fails_the_build_naming_file_and_field(tmp_path, front_matter, field):
    project = copy_project(tmp_path / "project")
    page = project / "docs" / "benefits.md"
    body = page.read_text().split("---", 2)[2]
    page.write_text(f"---\n{front_matter}\n---{body}")
    site = tmp_path / "site"
    result = build_site(project, site)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "docs/benefits.md" in output and f"'{field}'" in output, output
    assert not site.exists() or not any(site.iterdir()), "nothing is written before the check"


def test_page_without_front_matter_fails_the_build(tmp_path):
    project = copy_project(tmp_path / "project")
    page = project / "docs" / "benefits.md"
    page.write_text(page.read_text().split("---", 2)[2])
    result = build_site(project, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/benefits.md: no front matter" in result.stdout + result.stderr


def test_reading_grade_of_every_page(built_site):
    grades = {}
    for url in built_site.pages():
        grades[url] = site_text.reading_grade(site_text.article_sentences(built_site.html(url)))
        print(f"reading grade {grades[url]:4.1f}  {url}")
    average = sum(grades.values()) / len(grades)
    print(f"reading grade {average:4.1f}  average")
    too_hard = {url: round(g, 1) for url, g in grades.items() if g > GRADE_LIMIT}
    assert not too_hard, f"pages above grade {GRADE_LIMIT}: {too_hard}"
    assert average <= AVERAGE_GRADE_LIMIT


@pytest.mark.parametrize("edition", EDITIONS)
def test_sentences_are_25_words_or_fewer(built_site, edition):
    long = []
    for url in built_site.pages(edition):
        for tokens in site_text.article_sentences(built_site.html(url)):
            if site_text.word_count(tokens) > SENTENCE_WORDS_LIMIT:
                long.append(f"{url}: {' '.join(tokens)}")
    assert not long, "\n".join(long)


@pytest.mark.parametrize("edition", EDITIONS)
def test_one_short_h1_and_no_skipped_heading_levels(built_site, edition):
    for url in built_site.pages(edition):
        headings = outline(built_site.html(url)).headings
        h1s = [text for level, text in headings if level == 1]
        assert len(h1s) == 1, f"{url}: {h1s}"
        assert len(h1s[0]) <= H1_LIMIT, f"{url}: h1 is {len(h1s[0])} characters"
        levels = [level for level, _ in headings]
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, f"{url}: h{before} is followed by h{after}"


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_page_ends_with_its_sources(built_site, edition):
    """The last section of every page is the same one ("Sources for this
    page", "Fuentes de esta página"), and the page links a listed source."""
    last_headings = set()
    for url in built_site.pages(edition):
        if url.endswith("/sources/"):
            continue
        page = outline(built_site.html(url))
        last_headings.add(page.headings[-1][1])
        assert any("sources/#" in link for link in page.links), f"{url} links no source"
    assert len(last_headings) == 1, f"pages of {edition} end with different headings: {last_headings}"
    if edition == "en":
        assert last_headings == {"Sources for this page"}


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_source_link_points_at_a_listed_source(built_site, edition):
    sources_html = built_site.html(edition_root(edition) + "sources/")
    ids = set(re.findall(r'id="((?:source|article)-\d+)"', sources_html))
    assert len([i for i in ids if i.startswith("article-")]) == 5
    for url in built_site.pages(edition):
        for link in outline(built_site.html(url)).links:
            match = re.search(r"sources/#((?:source|article)-\d+)$", link)
            if match:
                assert match.group(1) in ids, f"{url} cites missing {match.group(1)}"


def test_review_dates_and_disclaimer_render_on_every_page(built_site):
    for url in built_site.pages():
        html = built_site.html(url)
        # As patients know it from health services: "Page last reviewed: 22 November 2026".
        assert re.search(r'Page last reviewed: <time datetime="\d{4}-\d{2}-\d{2}">\d{1,2} [A-Z][a-z]+ \d{4}</time>', html), url
        assert re.search(r'Next review due: <time datetime="\d{4}-\d{2}-\d{2}">\d{1,2} [A-Z][a-z]+ \d{4}</time>', html), url
        assert "general information, not medical advice" in html, url


def test_every_image_has_alt_text(built_site):
    for url in built_site.pages("all"):
        for image in outline(built_site.html(url)).images:
            assert image.get("alt", "").strip(), f"{url}: {image.get('src')} has no alt text"


def test_the_two_diagrams_are_shown_with_descriptions(built_site):
    shown = {}
    for url in built_site.pages():
        for image in outline(built_site.html(url)).images:
            shown.setdefault(Path(image["src"]).name, image["alt"])
    for diagram in ("skin-layers-needle-depth.svg", "recovery-timeline.svg"):
        assert diagram in shown, f"{diagram} is not used on any page"
        assert len(shown[diagram].split()) >= 15, f"{diagram} alt text is too short to say what it shows"
        svg = (built_site.site / "assets" / "images" / diagram).read_text()
        assert "<title" in svg and "<desc" in svg
        assert 'fill="#ffffff"' in svg, "diagrams sit on their own light card in both colour schemes"


def test_shared_text_is_written_once_and_included(built_site):
    """Each include's first line appears on the pages that use it, and no
    page under docs/ carries its own copy."""
    includes = ROOT / "docs" / "includes"
    uses = {"aftercare-steps.md": 1, "warning-signs.md": 2, "who-should-not.md": 1,
            "questions-to-ask.md": 1, "before-steps.md": 1,
            "medicines-and-cold-sores.md": 1}
    texts = {url: page_text(built_site.html(url)) for url in built_site.pages()}
    for name, minimum in uses.items():
        lines = [line for line in (includes / name).read_text().splitlines() if line.strip()]
        marker = " ".join(re.sub(r'[*]|^\s*- |^!!! \w+ "|"$', "", lines[0]).split())[:40]
        pages_with_it = [url for url, text in texts.items() if marker in text]
        assert len(pages_with_it) >= minimum, f"{name} ({marker!r}) is on {pages_with_it}"
        for page in (ROOT / "docs").rglob("*.md"):
            if "includes" not in page.parts:
                assert lines[0] not in page.read_text(), f"{page} copies {name} instead of including it"


def test_medical_terms_have_glossary_tooltips(built_site):
    for url, term in [("/what-is-microneedling/", "collagen"), ("/conditions/", "melasma"),
                      ("/benefits/", "PRP"), ("/what-is-microneedling/", "dermis")]:
        assert re.search(rf'<abbr title="[^"]+">{term}</abbr>', built_site.html(url)), f"{term} on {url}"


def test_each_term_has_its_tooltip_on_first_use_only(built_site):
    for url in built_site.pages("all"):
        terms = [t.casefold() for t in re.findall(r'<abbr title="[^"]+">([^<]+)</abbr>', built_site.html(url))]
        assert len(terms) == len(set(terms)), f"{url}: {sorted(terms)}"
    process = page_text(built_site.html("/process/"))
    assert process.count("retinol") >= 2, "later uses stay in the text, without the tooltip"


def test_pinned_sections_exist(built_site):
    """Clinics link to these sections; a rewrite must keep their ids."""
    pinned = {"/process/": ["before", "during", "after", "recovery-timeline", "aftercare", "warning-signs", "sessions"],
              "/safety/": ["who-should-not-have-it", "warning-signs", "questions-to-ask", "skin-tone",
                           "choosing-a-practitioner", "common-side-effects"],
              "/at-home-vs-professional/": ["comparison"],
              "/conditions/": ["acne-scars", "stretch-marks", "dark-patches-and-melasma", "what-it-does-not-treat"],
              "/handouts/aftercare/": ["aftercare", "warning-signs", "what-is-normal"],
              "/handouts/before-your-appointment/": ["getting-ready", "who-should-not-have-it", "questions-to-ask"]}
    for url, ids in pinned.items():
        html = built_site.html(url)
        for anchor in ids:
            assert f'id="{anchor}"' in html, f"{url}#{anchor}"


@pytest.mark.skipif(not SHARED_SOURCES.is_dir(), reason="../shared/sources/ is not beside this clone")
def test_no_run_of_nine_words_matches_a_source_article():
    word = re.compile(r"[a-z0-9']+")
    grams = set()
    for article in SHARED_SOURCES.glob("*.txt"):
        words = word.findall(article.read_text().lower())
        grams |= {tuple(words[i:i + 9]) for i in range(len(words) - 8)}
    copied = []
    for page in (ROOT / "docs").rglob("*.md"):
        words = word.findall(page.read_text().lower())
        copied += [f"{page.name}: {' '.join(words[i:i + 9])}" for i in range(len(words) - 8)
                   if tuple(words[i:i + 9]) in grams]
    assert not copied, "\n".join(copied)


def test_faq_answers_are_one_to_three_sentences_and_link_to_more(built_site):
    markdown = (ROOT / "docs" / "faq.md").read_text()
    entries = site_generated.faq_entries_from_html(built_site.html("/faq/"))
    assert len(entries) >= 30
    for question, answer in entries:
        sentences = [s for s in site_text.SENTENCE_END.split(answer) if s.strip()]
        assert 1 <= len(sentences) <= 3, f"{question}: {len(sentences)} sentences"
    paragraphs = re.findall(r"^### .+\n\n(.+)$", markdown, re.M)
    assert len(paragraphs) == len(entries)
    for paragraph in paragraphs:
        assert re.search(r"\]\([a-z\-]+\.md(#[a-z\-]+)?\)$", paragraph), f"no link to more: {paragraph[:60]}"
