"""The finishing step over a built site folder: what only the built site can
give, whichever generator built it (MkDocs, or Zensical, which runs no hooks).

1. QR codes: each handout's template leaves an empty
   <div class="handout-link__qr"></div>; it gets an inline SVG QR code of
   the page's canonical link (which follows site_url / SITE_URL).
2. Material's two hidden toggles lose autocomplete="off", which is invalid on
   checkboxes (vnu rejects it); overrides/partials/deferred-scripts.html
   clears the toggles on load instead. If a page built by Material has no
   such toggle, Material has changed how it writes them: the step fails.
3. Material's stylesheets lose the rules no page uses (microneedling_site/css.py).
4. robots.txt names the sitemap of every edition in the folder
   (/sitemap.xml, /es/sitemap.xml), under site_url.
5. _headers (security policy and caching) covers every page; its script
   hashes are computed now, from the finished pages.

Running it twice gives the same bytes as running it once (tested).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from microneedling_site.css import purge_material_stylesheets
from microneedling_site.generated import add_faq_schema, qr_svg
from microneedling_site.hosting import headers_file


class FinishError(RuntimeError):
    """The built site is not what the finishing step expects."""


# Quotes are optional: a generator's minifier may drop them.
QR_PLACEHOLDER = re.compile(r'(<div class="?handout-link__qr"?>)(?:<svg\b.*?</svg>)?(</div>)', re.S)
CANONICAL = re.compile(r'<link rel="?canonical"? href="?([^" >]+)"?\s*/?>')
TOGGLES = ("__drawer", "__search")
TOGGLE = re.compile(r'<input\b[^>]*\bid="?(%s)"?[^>]*>' % "|".join(TOGGLES))
AUTOCOMPLETE_OFF = re.compile(r'\s+autocomplete="?off"?(?=[\s/>])')
MATERIAL_PAGE = 'class="md-header'


def add_qr_codes(html: str, name: str) -> str:
    if not QR_PLACEHOLDER.search(html):
        return html
    canonical = CANONICAL.search(html)
    if not canonical:
        raise FinishError(f"{name}: a handout without a canonical link: set site_url (or SITE_URL)")
    svg = qr_svg(canonical.group(1))
    return QR_PLACEHOLDER.sub(lambda m: m.group(1) + svg + m.group(2), html)


def fix_toggles(html: str, name: str) -> str:
    if MATERIAL_PAGE not in html.replace("class=md-header", 'class="md-header'):
        return html  # a redirect stub, not a page Material built
    found = set()

    def fix(match: re.Match) -> str:
        found.add(match.group(1))
        tag = AUTOCOMPLETE_OFF.sub("", match.group(0))
        if "autocomplete" in tag:
            raise FinishError(f"{name}: Material's toggle {match.group(1)} has an autocomplete value this "
                              f"step does not know: {match.group(0)}")
        return tag
    html = TOGGLE.sub(fix, html)
    missing = [t for t in TOGGLES if t not in found]
    if missing:
        raise FinishError(f"{name}: no <input id=\"{missing[0]}\">: Material changed how it writes its "
                          f"toggles; update microneedling_site/finish.py and partials/deferred-scripts.html")
    return html


def write_if_changed(path: Path, text: str) -> bool:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def finish(site: Path, site_url: str | Callable[[], str] | None = None) -> dict:
    """Finish the built `site` in place; returns what was done, for a report.
    `site_url` (or a function giving it, called only when needed) renders a
    robots.txt template the generator left as it was."""
    site = Path(site)
    if not (site / "index.html").is_file():
        raise FinishError(f"{site}: no index.html: build the site first")
    done = {"pages": 0, "qr codes": 0, "changed files": 0}
    for page in sorted(site.rglob("*.html")):
        name = page.relative_to(site).as_posix()
        original = page.read_text(encoding="utf-8")
        try:
            html = add_faq_schema(fix_toggles(add_qr_codes(original, name), name), name)
        except ValueError as error:
            raise FinishError(str(error)) from None
        done["pages"] += 1
        done["qr codes"] += len(QR_PLACEHOLDER.findall(html))
        done["changed files"] += write_if_changed(page, html) if html != original else 0
    purge_material_stylesheets(site)
    if site_url:
        url = site_url() if callable(site_url) else site_url
        sitemaps = sorted(p.relative_to(site).as_posix() for p in site.glob("**/sitemap.xml"))
        robots = "User-agent: *\nAllow: /\n\n" + "".join(f"Sitemap: {url}{path}\n" for path in sitemaps)
        done["changed files"] += write_if_changed(site / "robots.txt", robots)
    done["changed files"] += write_if_changed(site / "_headers", headers_file(site))
    return done
