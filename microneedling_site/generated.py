"""Files generated from the site's own sources: handout QR codes (drawn by the
finishing step), the FAQ's JSON-LD (filled in from the finished FAQ page) and the share image
(committed; a test checks it is current)."""
from __future__ import annotations

import json
import re
from pathlib import Path



def qr_svg(url: str) -> str:
    """An inline SVG QR code for `url`, on a white background so it scans in
    print and in the dark scheme."""
    import segno

    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True, light="#fff",
                                                title=f"QR code for {url}")
    return svg.replace("<svg ", '<svg role="img" ', 1)


def share_image_file(config) -> Path:
    return Path(config["docs_dir"]) / config["extra"]["share_image"]


# The FAQ page's structured data: the template writes an empty block (when
# the page's front matter says `schema: FAQPage`) and the finishing step
# fills it from the finished page, so it always says what the page says,
# clinic protocol values included.
FAQ_SCHEMA = re.compile(r'(<script type="application/ld\+json" id="faq-schema">)(.*?)(</script>)', re.S)


def faq_entries_from_html(html: str) -> list[tuple[str, str]]:
    """(question, answer) pairs of a built FAQ page: each <h3> of the article
    and the first paragraph under it (not a "You may have heard" line),
    without the closing "read more" link."""
    from microneedling_site.text import classes, parse_html, text_of

    article = next(parse_html(html).iter("article"), None)
    entries: list[tuple[str, str]] = []
    if article is None:
        return entries
    question = None
    for element in article:
        if element.tag == "h3":
            for link in [a for a in element.iter("a") if "headerlink" in classes(a)]:
                link.text = ""
            question = text_of(element)
        elif question and element.tag == "p" and "also-called" not in classes(element):
            links = list(element.iter("a"))
            if links and not (links[-1].tail or "").strip() and element[-1] is links[-1]:
                element.remove(links[-1])
            entries.append((question, text_of(element)))
            question = None
        elif element.tag in ("h1", "h2"):
            question = None
    return entries


def add_faq_schema(html: str, name: str) -> str:
    """Fill the page's empty FAQPage block from the page itself."""
    if not FAQ_SCHEMA.search(html):
        return html
    entries = faq_entries_from_html(html)
    if not entries:
        raise ValueError(f"{name}: marked as FAQPage, but no questions (### headings with an answer) were found")
    data = {"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": [
        {"@type": "Question", "name": q, "acceptedAnswer": {"@type": "Answer", "text": a}}
        for q, a in entries]}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return FAQ_SCHEMA.sub(lambda m: m.group(1) + text + m.group(3), html, count=1)


SHARE_CARD = """<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630">
<rect width="1200" height="630" fill="#283593"/>
<g fill="#ffffff" transform="translate(90 120) scale(6)"><path d="M3 17h18v3H3zM5 6h2v10H5zm4 2h2v8H9zm4-3h2v11h-2zm4 2h2v9h-2z"/></g>
<text x="90" y="350" fill="#ffffff" font-family="DejaVu Sans, sans-serif" font-size="76" font-weight="700">{title}</text>
<text x="90" y="430" fill="#e8eaf6" font-family="DejaVu Sans, sans-serif" font-size="38">{line_1}</text>
<text x="90" y="490" fill="#e8eaf6" font-family="DejaVu Sans, sans-serif" font-size="38">{line_2}</text>
</svg>"""


def share_card(config) -> str:
    """The share card of one edition: the site's name and the two lines of
    extra.strings.share_lines, in that edition's language."""
    from html import escape

    line_1, line_2 = config["extra"]["strings"]["share_lines"]
    return SHARE_CARD.format(title=escape(config["site_name"]), line_1=escape(line_1), line_2=escape(line_2))


def draw_share_image(card: str, browser=None, size: tuple[int, int] = (1200, 630)) -> bytes:
    """The share image (`card`, from share_card()) as PNG bytes, drawn offline
    by Debian's Chromium (`browser`: a Playwright browser already running, or
    None to start one)."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        from microneedling_site.chromium import launch_chromium

        with sync_playwright() as playwright:
            started = launch_chromium(playwright)
            try:
                return draw_share_image(card, started, size)
            finally:
                started.close()
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.set_content(f"<body style='margin:0'>{card}</body>")
    png = page.screenshot()
    page.close()
    return png
