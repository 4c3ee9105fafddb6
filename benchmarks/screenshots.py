"""Every page at 360 and 1280 px, light and dark, and printed handouts (`make screenshots`)."""
from __future__ import annotations

import sys
from pathlib import Path

from microneedling_site.chromium import CHROMIUM, CHROMIUM_ARGS, launch_chromium
from microneedling_site.text import built_pages, page_url
from tests.helpers import ROOT, Nginx, free_port, load_search_queries, open_page, search_like_a_person

REPORTS = ROOT / "reports"


SCREENSHOTS = REPORTS / "screenshots"
SCREENSHOT_WIDTHS = [360, 1280]     # a small phone, a laptop
SCREENSHOT_SCHEMES = ["light", "dark"]


def cmd_screenshots(args) -> int:
    """Every page at 360 and 1280 px in the light and dark schemes, and each
    handout printed to PDF (A4, no background colours, as most printers are
    set) and rendered to a grey PNG with pdftoppm, into reports/screenshots/."""
    import os
    import shutil
    import subprocess
    import tempfile

    from playwright.sync_api import sync_playwright

    if not shutil.which("pdftoppm"):
        raise SystemExit("make screenshots needs pdftoppm: sudo apt-get install poppler-utils")
    work = Path(tempfile.mkdtemp(prefix="screenshots-"))
    site = work / "site"
    # The whole pipeline, as `make build` runs it: every edition (es/ too), and
    # the finishing step that draws the handouts' QR codes.
    build = subprocess.run([sys.executable, "-m", "microneedling_site", "build", str(site)],
                           cwd=ROOT, capture_output=True, text=True)
    if build.returncode:
        print(build.stderr, file=sys.stderr)
        return 1
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    server = Nginx(site, work / "nginx")
    written = 0
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for path in built_pages(site):
                url = page_url(path, site)
                name = url.strip("/").replace("/", "-") or "home"
                for scheme in SCREENSHOT_SCHEMES:
                    for width in SCREENSHOT_WIDTHS:
                        context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
                        page = context.new_page()
                        open_page(page, server.url + url.lstrip("/"))
                        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}-{scheme}.png"), full_page=True)
                        context.close()
                        written += 1
                if "handout-link__qr" in path.read_text(encoding="utf-8"):
                    page = browser.new_page()
                    open_page(page, server.url + url.lstrip("/"))
                    pdf = SCREENSHOTS / f"{name}-print.pdf"
                    pdf.write_bytes(page.pdf(format="A4", print_background=False))
                    page.close()
                    subprocess.run(["pdftoppm", "-png", "-gray", "-r", "80", str(pdf), str(pdf.with_suffix(""))],
                                   check=True)
                    written += 1
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {written} screenshots and printed handouts to {SCREENSHOTS.relative_to(ROOT)}/"
          f" ({len(os.listdir(SCREENSHOTS))} files)")
    return 0
