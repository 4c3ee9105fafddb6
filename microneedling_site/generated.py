"""Files generated from the site's own sources: handout QR codes (drawn by the
finishing step), the FAQ's JSON-LD and the share image (both committed; tests
check they are current)."""
from __future__ import annotations

import json
import re
from pathlib import Path

from microneedling_site.checks import FRONT_MATTER


def qr_svg(url: str) -> str:
    """An inline SVG QR code for `url`, on a white background so it scans in
    print and in the dark scheme."""
    import segno

    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True, light="#fff",
                                                title=f"QR code for {url}")
    return svg.replace("<svg ", '<svg role="img" ', 1)


def faq_files(config) -> tuple[Path, Path]:
    """The FAQ page and the partial its JSON-LD is written to, for a loaded config."""
    return (Path(config["docs_dir"]) / "faq.md",
            Path(config["theme"].custom_dir or "overrides") / "partials" / "faq-schema.html")


def share_image_file(config) -> Path:
    return Path(config["docs_dir"]) / config["extra"]["share_image"]


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

    data = {"@context": "https://schema.org", "@type": "FAQPage", "mainEntity": [
        {"@type": "Question", "name": q, "acceptedAnswer": {"@type": "Answer", "text": a}}
        for q, a in faq_entries(markdown)]}
    return ("{#- Generated from docs/faq.md by `python -m microneedling_site faq-schema`: do not edit. -#}\n"
            '<script type="application/ld+json">\n'
            f"{json.dumps(data, indent=1, ensure_ascii=False)}\n</script>\n")


SHARE_CARD = """<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630">
<rect width="1200" height="630" fill="#283593"/>
<g fill="#ffffff" transform="translate(90 120) scale(6)"><path d="M3 17h18v3H3zM5 6h2v10H5zm4 2h2v8H9zm4-3h2v11h-2zm4 2h2v9h-2z"/></g>
<text x="90" y="350" fill="#ffffff" font-family="DejaVu Sans, sans-serif" font-size="76" font-weight="700">Microneedling explained</text>
<text x="90" y="430" fill="#e8eaf6" font-family="DejaVu Sans, sans-serif" font-size="38">What it can and cannot do, the process and the risks.</text>
<text x="90" y="490" fill="#e8eaf6" font-family="DejaVu Sans, sans-serif" font-size="38">Plain English, checked against medical evidence.</text>
</svg>"""


def draw_share_image(browser=None, size: tuple[int, int] = (1200, 630)) -> bytes:
    """The share image as PNG bytes, drawn offline by Debian's Chromium
    (`browser`: a Playwright browser already running, or None to start one)."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        from microneedling_site.chromium import launch_chromium

        with sync_playwright() as playwright:
            started = launch_chromium(playwright)
            try:
                return draw_share_image(started, size)
            finally:
                started.close()
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.set_content(f"<body style='margin:0'>{SHARE_CARD}</body>")
    png = page.screenshot()
    page.close()
    return png
