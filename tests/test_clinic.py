"""Clinic-ready: clinic settings on and off, invalid settings, printable
handouts with QR codes, stable deep links, redirects, sharing tags and
structured data."""
import io
import subprocess
import sys
import json
import re

import pytest
import yaml
from PIL import Image
from pypdf import PdfReader

from microneedling_site import generated as site_generated
from microneedling_site.text import classes, parse_html, text_of
from tests.helpers import (CLINIC, CLINIC_SITE_URL, EDITIONS, ROOT, Build, build_site, copy_project, edition_config,
                           edition_of, edition_root, fetch, new_url, old_url,
                           page_text, redirects, site_config, strict_build, write_clinic_config)
from tests.helpers import open_page

HANDOUT_PAGES = ["handouts/before-your-appointment/", "handouts/aftercare/"]


def handouts(site: Build) -> list[str]:
    """Every handout of every edition the site publishes ("/handouts/aftercare/",
    "/es/handouts/aftercare/"...), each of which must print on one sheet."""
    urls = [url for url in site.pages("all") if 'class="handout-link"' in site.html(url)]
    roots = [edition_root(code) for code in EDITIONS if site.pages(code)]
    assert sorted(urls) == sorted(root + page for root in roots for page in HANDOUT_PAGES), urls
    return urls


def json_ld(html: str) -> list[dict]:
    return [json.loads(block) for block in
            re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)]


# --- Clinic settings -----------------------------------------------------------

def test_clinic_details_appear_on_every_page(clinic_site):
    pages = clinic_site.pages()
    assert len(pages) >= 13
    for url in pages:
        html = clinic_site.html(url)
        assert 'class="clinic-contact"' in html, url
        assert f"Talk to {CLINIC['name']}" in html, url
        assert 'href="tel:+442079460000"' in html, url
        assert f'href="mailto:{CLINIC["email"]}"' in html, url
        assert f'href="{CLINIC["booking_url"]}">Book a consultation' in html, url
        assert f"Provided by {CLINIC['name']}" in html, url
        assert f"Reviewed by {CLINIC['reviewer']['name']}" in html, url
        page_data = json_ld(html)[0]
        assert page_data["publisher"]["name"] == CLINIC["name"], url
        assert page_data["reviewedBy"]["name"] == CLINIC["reviewer"]["name"], url


def test_without_clinic_settings_the_site_is_neutral(built_site):
    english = built_site.pages("en")
    for url in built_site.pages("all"):
        html = built_site.html(url)
        traces = ["clinic-contact", "handout-clinic", '"publisher"', '"reviewedBy"']
        if url in english:
            traces += ["Provided by", "Reviewed by", ">Book a consultation<"]
        for trace in traces:
            assert trace not in html, f"{url} shows {trace!r} with no clinic set"


def test_about_page_says_where_to_report_an_error(built_site, clinic_site):
    neutral = page_text(built_site.html("/about/"))
    assert "Report an error" in neutral and "gave you the link" in neutral
    assert "hosts this information" not in neutral
    clinic = page_text(clinic_site.html("/about/"))
    assert f"tell {CLINIC['name']} using the contact details" in clinic
    assert f"{CLINIC['name']} hosts this information" in clinic and "written independently" in clinic
    assert f"{CLINIC['reviewer']['name']} ({CLINIC['reviewer']['credentials']}) reviewed them" in clinic


@pytest.mark.slow
def test_report_errors_setting_routes_reports(tmp_path):
    project = copy_project(tmp_path / "project")
    config = {"INHERIT": "mkdocs.yml", "extra": {"report_errors": "errors@riverside-clinic.example"}}
    (project / "errors.yml").write_text(yaml.safe_dump(config))
    about = strict_build(project, tmp_path / "site", config="errors.yml").html("/about/")
    assert 'href="mailto:errors@riverside-clinic.example"' in about
    config["extra"]["report_errors"] = "ftp://riverside.example/errors"
    (project / "errors.yml").write_text(yaml.safe_dump(config))
    result = build_site(project, tmp_path / "bad-site", config="errors.yml")
    assert result.returncode != 0
    assert "errors.yml: extra.report_errors must be" in result.stdout + result.stderr


@pytest.mark.parametrize("change, field", [
    ({"booking_url": "ftp://riverside.example/book"}, "extra.clinic.booking_url"),
    ({"booking_url": "javascript:alert(1)"}, "extra.clinic.booking_url"),
    ({"fax": "020 7946 0001"}, "extra.clinic.fax"),
    ({"email": "hello at riverside"}, "extra.clinic.email"),
    ({"phone": "call us"}, "extra.clinic.phone"),
    ({"name": ""}, "extra.clinic.name"),
    ({"reviewer": {"name": "Dr Jane Doe"}}, "extra.clinic.reviewer.credentials"),
    ({"brand": {"primary": "#4fd1c5"}}, "extra.clinic.brand.primary #4fd1c5: the header's white text would be 1.9:1"),
    ({"brand": {"accent": "#6cb4ee"}}, "extra.clinic.brand.accent #6cb4ee: links would be 2.2:1"),
    ({"brand": {"primary": "teal"}}, "extra.clinic.brand.primary must be a colour"),
    ({"protocol": {"makeup": "12 hrs"}}, "extra.clinic.protocol.makeup must be a time"),
    ({"protocol": {"spf": 15}}, "extra.clinic.protocol.spf must be a whole number of at least 30"),
    ({"protocol": {"make_up": "12 hours"}}, "extra.clinic.protocol.make_up is not a protocol setting"),
    ({"pages": [{"file": "prices.md", "title": "Prices", "after": "proces.md"}]}, "extra.clinic.pages[0].after"),
    ({"pages": [{"file": "price.md", "title": "Prices"}]}, "extra.clinic.pages[0].file"),
    ({"folder": "no-such-folder"}, "extra.clinic.folder"),
    ({"logo": "missing.svg"}, "extra.clinic.logo"),
])
def test_invalid_clinic_settings_stop_the_build_naming_the_field(tmp_path, change, field):
    project = copy_project(tmp_path / "project")
    config = write_clinic_config(project, {**CLINIC, **change})
    site = tmp_path / "site"
    result = build_site(project, site, config=config)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"clinic.yml: {field}" in output, output
    assert not site.exists() or not any(site.iterdir()), "nothing may be written before the check"



def test_a_misspelt_setting_under_extra_stops_the_build(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "clinic.yml").write_text(yaml.safe_dump({"INHERIT": "mkdocs.yml", "extra": {"clinc": CLINIC}}))
    result = build_site(project, tmp_path / "site", config="clinic.yml")
    assert result.returncode != 0
    assert "clinic.yml: extra.clinc is not a known setting (did you mean 'clinic'?)" in result.stdout + result.stderr


def test_check_command_reads_the_clinic_file_it_is_given(tmp_path):
    project = copy_project(tmp_path / "project")
    config = write_clinic_config(project, {**CLINIC, "booking_url": "riverside.example/book"})
    command = [sys.executable, "-m", "microneedling_site", "--config-file", config, "check"]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert result.returncode != 0
    assert "clinic.yml: extra.clinic.booking_url must be a full http:// or https:// address" in result.stderr
    good = write_clinic_config(project, CLINIC)
    assert subprocess.run(command[:-2] + [good, "check"], cwd=project, capture_output=True).returncode == 0


def test_a_clinic_include_must_replace_one_of_the_project(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "clinic.example" / "includes" / "opening-hours.md").write_text("- Monday to Friday\n")
    result = build_site(project, tmp_path / "site", config=write_clinic_config(project, CLINIC))
    assert result.returncode != 0
    assert "opening-hours.md: the project has no include of that name" in result.stdout + result.stderr


# --- The example clinic: its folder, protocol, brand ---------------------------------------

NEUTRAL_PROTOCOL = ["24 to 48 hours", "3 to 6 sessions", "SPF 30", "Most practitioners advise no makeup"]


def test_clinic_protocol_values_are_used_everywhere_faq_data_included(clinic_site, built_site):
    makeup = f"{CLINIC['name']} advises no makeup for {CLINIC['protocol']['makeup']}."
    for url in clinic_site.pages():
        text = page_text(clinic_site.html(url))
        said = [value for value in NEUTRAL_PROTOCOL if value in text]
        assert not said, f"{url} still says {said} after the clinic set its own protocol"
    for url in ("/process/", "/faq/", "/handouts/aftercare/"):
        assert makeup in page_text(clinic_site.html(url)), url
        assert makeup not in page_text(built_site.html(url)), url
    faq = next(d for d in json_ld(clinic_site.html("/faq/")) if d["@type"] == "FAQPage")
    answers = " ".join(item["acceptedAnswer"]["text"] for item in faq["mainEntity"])
    assert makeup in answers and "SPF 50 or higher" in answers and "4 sessions, 6 weeks apart" in answers
    assert "Wait at least 5 days, and until your skin has fully healed" in answers


def test_clinic_folder_replaces_an_include_and_adds_a_page_to_the_menu(clinic_site, built_site):
    own_line = "We give you the full course price in writing before you book."
    assert own_line in page_text(clinic_site.html("/handouts/before-your-appointment/"))
    assert own_line not in page_text(built_site.html("/handouts/before-your-appointment/"))
    assert "/prices/" in clinic_site.pages() and "/prices/" not in built_site.pages()
    menu = [text_of(a) for a in parse_html(clinic_site.html("/")).iter("a") if "md-nav__link" in classes(a)]
    assert menu.index("Prices and booking") == menu.index("The process") + 1, menu


def test_clinic_brand_logo_phone_and_title(clinic_site, built_site):
    css = (clinic_site.site / "assets" / "stylesheets" / "clinic.css").read_text()
    assert f"--site-brand:{CLINIC['brand']['primary']}" in css and f"--site-link:{CLINIC['brand']['accent']}" in css
    for url in clinic_site.pages("all"):
        assert "assets/stylesheets/clinic.css" in clinic_site.html(url), url
    assert not (built_site.site / "assets" / "stylesheets" / "clinic.css").exists()
    assert "clinic.css" not in built_site.html("/")
    for url in handouts(clinic_site):
        logo = next(img for img in parse_html(clinic_site.html(url)).iter("img") if "handout-clinic__logo" in classes(img))
        assert logo.get("alt") == CLINIC["name"]
        assert (clinic_site.site / url.strip("/") / logo.get("src")).resolve().is_file(), url
    # "+44 (0)20 7946 0000": the UK (0) is not dialled after +44.
    assert 'href="tel:+442079460000"' in clinic_site.html("/")
    assert "<title>Microneedling explained</title>" in clinic_site.html("/")


# --- Printable handouts --------------------------------------------------------

def printed_pages(page, url: str, paper: str) -> PdfReader:
    open_page(page, url)
    page.wait_for_load_state("networkidle")
    return PdfReader(io.BytesIO(page.pdf(format=paper, print_background=True)))


# "site" is the build under test (mkdocs.yml, or SITE_CONFIG: `make test
# CONFIG=clinic.yml`); "clinic" is the example clinic, clinic.example.yml.
@pytest.mark.gates
@pytest.mark.parametrize("mode", ["site", "clinic"])
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_each_handout_prints_on_exactly_one_page(request, page, mode, paper):
    server = request.getfixturevalue("nginx" if mode == "site" else "clinic_nginx")
    site = request.getfixturevalue("built_site" if mode == "site" else "clinic_site")
    for url in handouts(site):
        pdf = printed_pages(page, server.url + url.lstrip("/"), paper)
        assert len(pdf.pages) == 1, f"{url} prints on {len(pdf.pages)} {paper} pages ({mode})"
        text = " ".join(pdf.pages[0].extract_text().split())
        disclaimer = next(text_of(p) for p in parse_html(site.html(url)).iter("p")
                          if "page-info__disclaimer" in classes(p))
        assert disclaimer.split(".")[0] in text, f"{url} printed without its disclaimer"
        if mode == "clinic":
            assert CLINIC["phone"] in text and CLINIC["email"] in text, f"{url} printed without contact details"


def test_handouts_reuse_the_text_of_the_process_and_safety_pages(built_site):
    process, safety = page_text(built_site.html("/process/")), page_text(built_site.html("/safety/"))
    before = page_text(built_site.html("/handouts/before-your-appointment/"))
    aftercare = page_text(built_site.html("/handouts/aftercare/"))
    assert "Keep it clean. Wash your face gently" in process and "Keep it clean. Wash your face gently" in aftercare
    assert "Know which signs need help, and how fast" in safety and "Know which signs need help, and how fast" in aftercare
    assert "Microneedling is not right for everyone" in safety and "Microneedling is not right for everyone" in before


@pytest.mark.gates
@pytest.mark.parametrize("mode", ["site", "clinic"])
def test_handout_qr_code_decodes_to_the_page_url(request, page, mode):
    import zxingcpp

    server = request.getfixturevalue("nginx" if mode == "site" else "clinic_nginx")
    site = request.getfixturevalue("built_site" if mode == "site" else "clinic_site")
    for url in handouts(site):
        open_page(page, server.url + url.lstrip("/"))
        live_url = re.search(r'<link rel="?canonical"? href="?([^" >]+)', site.html(url)).group(1)
        if mode == "clinic":
            assert live_url == CLINIC_SITE_URL + url.lstrip("/")
        assert f'href="{live_url}"' in site.html(url), "the address is printed in words too"
        qr = page.locator(".handout-link__qr svg")
        qr.wait_for()
        image = Image.open(io.BytesIO(qr.screenshot()))
        decoded = [result.text for result in zxingcpp.read_barcodes(image)]
        assert decoded == [live_url], f"{url}: QR decodes to {decoded}"
    assert page.console_errors == []


def test_print_stylesheet_hides_site_chrome_and_shows_link_addresses(nginx, page):
    open_page(page, nginx.url + "sources/")
    page.emulate_media(media="print")
    for chrome in [".md-header", ".md-sidebar--primary", ".md-footer", ".md-search"]:
        assert page.locator(chrome).first.evaluate("el => getComputedStyle(el).display") == "none", chrome
    external = page.locator('.md-typeset a[href^="http"]').first
    after = external.evaluate("el => getComputedStyle(el, '::after').content")
    assert "http" in after, after


# --- Stable deep links ---------------------------------------------------------

@pytest.mark.parametrize("edition", EDITIONS)
def test_every_heading_has_a_permanent_anchor_link(built_site, edition):
    """Each section heading carries one section link to itself, named by
    aria-label in the page's language, with no title (whose tooltip would sit
    over every heading)."""
    label = edition_config(edition)["extra"]["strings"]["section_link"]
    for url in built_site.pages(edition):
        root = parse_html(built_site.html(url))
        headings = [h for h in root.iter() if re.fullmatch(r"h[2-6]", h.tag) and h.get("id")
                    and not any("clinic-contact__title" in classes(el) for el in h.iter())]
        assert headings, url
        for heading in headings:
            links = [a for a in heading.iter("a") if "headerlink" in classes(a)]
            where = f"{url}#{heading.get('id')}"
            assert len(links) == 1 and links[0].get("href") == f"#{heading.get('id')}", where
            assert links[0].get("aria-label") == label, where
            assert links[0].get("title") is None, where


@pytest.mark.parametrize("old, new", [(old_url(old), new_url(new)) for old, new in redirects().items()])
def test_redirects_land_on_the_moved_section(nginx, page, old, new):
    page.goto(nginx.url + old)
    page.wait_for_url("**" + new)
    assert page.url == nginx.url.rstrip("/") + new
    assert page.locator(new[new.index("#"):]).count() == 1


# --- Sharing and search engines ------------------------------------------------

def test_canonical_description_and_social_tags_on_every_page(clinic_site):
    for url in clinic_site.pages("all"):
        html = clinic_site.html(url)
        canonical = CLINIC_SITE_URL + url.lstrip("/")
        assert f'<link rel="canonical" href="{canonical}">' in html, url
        assert re.search(r'<meta name="description" content="[^"]{20,160}">', html), url
        for tag in ["og:title", "og:description", "og:image", "og:url", "og:type"]:
            assert f'property="{tag}"' in html, f"{url} lacks {tag}"
        assert f'<meta property="og:url" content="{canonical}">' in html
        # Each edition has its own share card, in its language.
        edition = edition_of(url)
        image = edition_root(edition).lstrip("/") + edition_config(edition)["extra"]["share_image"]
        assert f'<meta property="og:image" content="{CLINIC_SITE_URL}{image}">' in html, url
        assert (clinic_site.site / image).is_file(), url
        assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_share_image_is_made_offline_at_the_size_platforms_expect(built_site):
    with Image.open(built_site.site / "assets" / "images" / "share.png") as image:
        assert image.size == (1200, 630)


@pytest.mark.parametrize("edition", EDITIONS)
def test_committed_share_image_is_what_the_generator_draws_today(browser, edition):
    """Each edition's share card is in its own language, its text fits the
    card, and the committed image is current: after a change to the card
    (generated.py, extra.strings.share_lines), redraw it with
    `python -m microneedling_site share-image`. Anti-aliasing may move a few
    edge pixels; a changed word or colour moves thousands."""
    from PIL import ImageChops

    config = edition_config(edition)
    card = site_generated.share_card(config)
    page = browser.new_page(viewport={"width": 1200, "height": 630})
    page.set_content(card)
    right_edges = page.evaluate("() => [...document.querySelectorAll('text')].map(t => t.getBBox().x + t.getBBox().width)")
    page.close()
    assert max(right_edges) <= 1200 - 40, f"share card text runs off the card: {right_edges}"
    drawn = Image.open(io.BytesIO(site_generated.draw_share_image(card, browser))).convert("RGB")
    committed = Image.open(site_generated.share_image_file(config)).convert("RGB")
    assert drawn.size == committed.size == (1200, 630)
    diff = ImageChops.difference(drawn, committed).tobytes()  # RGB, 3 bytes a pixel
    changed = sum(1 for i in range(0, len(diff), 3) if max(diff[i:i + 3]) > 48)
    print(f"share image ({edition}): {changed} pixels differ from a fresh drawing")
    assert changed <= 200, f"{changed} pixels differ: run `python -m microneedling_site share-image`"


def test_sitemap_and_robots(clinic_site):
    sitemap = (clinic_site.site / "sitemap.xml").read_text()
    for url in clinic_site.pages():
        assert f"<loc>{CLINIC_SITE_URL}{url.lstrip('/')}</loc>" in sitemap, url
    robots = (clinic_site.site / "robots.txt").read_text()
    assert f"Sitemap: {CLINIC_SITE_URL}sitemap.xml" in robots


def test_every_content_page_has_medical_web_page_json_ld(built_site):
    for url in built_site.pages("all"):
        data = json_ld(built_site.html(url))
        assert data, url
        page_data = data[0]
        assert page_data["@context"] == "https://schema.org"
        assert page_data["@type"] == "MedicalWebPage"
        assert page_data["name"] and page_data["description"] and page_data["url"].endswith(url)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", page_data["lastReviewed"])
        assert page_data["about"]["@type"] == "MedicalProcedure"
        assert page_data["about"]["name"] == "Microneedling" and page_data["about"]["alternateName"], url
    about = json_ld(built_site.html("/"))[0]["about"]
    assert "Collagen induction therapy" in about["alternateName"]


def test_faq_json_ld_lists_every_question_with_its_visible_answer(built_site):
    html = built_site.html("/faq/")
    faq = [d for d in json_ld(html) if d["@type"] == "FAQPage"]
    assert len(faq) == 1
    questions = faq[0]["mainEntity"]
    assert len(questions) >= 30
    visible = page_text(html)
    for item in questions:
        assert item["@type"] == "Question" and item["acceptedAnswer"]["@type"] == "Answer"
        assert item["name"] in visible, item["name"]
        assert item["acceptedAnswer"]["text"] in visible, f"answer not visible: {item['name']}"


def test_faq_json_ld_is_filled_from_the_page_and_fails_loudly_without_questions(built_site):
    html = built_site.html("/faq/")
    faq = next(d for d in json_ld(html) if d["@type"] == "FAQPage")
    questions = [item["name"] for item in faq["mainEntity"]]
    headings = [text_of(h).rstrip("¶ ").strip() for h in parse_html(html).iter("h3")]
    assert questions == headings
    emptied = re.sub(r"<h3\b.*?</h3>", "", html, flags=re.S)
    with pytest.raises(ValueError, match="no questions"):
        site_generated.add_faq_schema(emptied, "faq/index.html")


def test_404_is_served_with_status_404(nginx):
    status, _, body = fetch(nginx.url + "no-such-page/")
    assert status == 404
    assert b"md-content" in body
