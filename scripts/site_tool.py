#!/usr/bin/env python3
"""Site tasks for the microneedling site: one command, one subcommand per task.

    python scripts/site_tool.py check          front matter and clinic settings
    python scripts/site_tool.py grades [SITE]  reading grade of every built page
    python scripts/site_tool.py search-bench   search index size, keypress-to-results times
    python scripts/site_tool.py headers [SITE] write SITE/_headers (security policy, caching)
    python scripts/site_tool.py nginx-conf     print an nginx server block with the same policy
    python scripts/site_tool.py audit          Lighthouse scores of every page, median of 3 runs (reports/)
    python scripts/site_tool.py zensical       build with Zensical, report what differs
    python scripts/site_tool.py screenshots    every page at 360 and 1280 px, light and dark, printed handouts (reports/)
    python scripts/site_tool.py faq-schema     regenerate the FAQ's JSON-LD after editing docs/faq.md
    python scripts/site_tool.py share-image    redraw the share image

MkDocs also loads this file as a hook (see `hooks:` in mkdocs.yml): it runs
the checks before anything is written, draws the handouts' QR codes, keeps
glossary tooltips to each term's first use, tidies each page's HTML and
writes _headers after the build. Without it the site still builds; handouts
then show their address in words only, and `headers` writes _headers.

The work itself lives in the sibling site_*.py modules, one idea each.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from site_css import purge_material_stylesheets
from site_checks import SiteError, check_clinic, check_front_matter, check_report_errors, content_pages, read_config
from site_generated import FAQ_PAGE, FAQ_SCHEMA, SHARE_CARD, SHARE_IMAGE, faq_entries, qr_svg, render_faq_schema
from site_hosting import headers_file, inline_script_hashes, nginx_server_block
from site_paths import ROOT, SITE
from site_reports import cmd_audit, cmd_grades, cmd_screenshots, cmd_search_bench, cmd_zensical
from site_vocabulary import add_also_called, check_pages_exist, load_vocabulary


# --- MkDocs hook -----------------------------------------------------------------

def on_config(config):
    """Stop the build, before anything is written, on bad clinic settings or
    front matter."""
    from mkdocs.exceptions import PluginError

    try:
        check_clinic(config.extra.get("clinic"), Path(config.config_file_path).name)
        check_report_errors(config.extra.get("report_errors"), Path(config.config_file_path).name)
        check_front_matter(Path(config.docs_dir))
        VOCABULARY_ENTRIES[:] = load_vocabulary()
        check_pages_exist(VOCABULARY_ENTRIES, Path(config.docs_dir))
    except SiteError as error:
        raise PluginError(str(error)) from None
    return config


# The patient vocabulary (docs/includes/vocabulary.yml), read in on_config.
VOCABULARY_ENTRIES: list = []


def on_page_context(context, page, config, nav):
    """Handouts carry a QR code of their public address (canonical URL, which
    follows site_url / SITE_URL), drawn as inline SVG so it prints with no
    JavaScript."""
    if page.meta.get("handout") and page.canonical_url:
        page.meta["qr_svg"] = qr_svg(page.canonical_url)
    return context


# The abbr extension marks every use of a glossary term. Only the first use on
# a page keeps its tooltip: that is where the term is explained, repeats add
# clutter, and Material mounts a tooltip for each one at load.
GLOSSARY_TERM = re.compile(r'<abbr title="[^"]*">([^<]*)</abbr>')


def first_use_tooltips(html: str) -> str:
    seen = set()

    def first_only(term):
        key = term.group(1).casefold()
        if key in seen:
            return term.group(1)
        seen.add(key)
        return term.group(0)
    return GLOSSARY_TERM.sub(first_only, html)


def on_page_content(html, page, config, files):
    """Glossary tooltips on first use only, and the patient vocabulary's
    "You may have heard: ..." lines (scripts/site_vocabulary.py)."""
    from mkdocs.exceptions import PluginError

    try:
        html = add_also_called(html, page.file.src_uri, VOCABULARY_ENTRIES)
    except SiteError as error:
        raise PluginError(str(error)) from None
    return first_use_tooltips(html)


# Material hard-codes autocomplete="off" on its two hidden toggle checkboxes,
# outside any template block. The attribute is invalid on checkboxes (vnu
# rejects it), so it comes out here; overrides/partials/deferred-scripts.html
# clears the toggles on load instead, which is what the attribute was for.
TOGGLE_AUTOCOMPLETE = ' autocomplete="off">'
# Material mounts a tooltip at load for every element with a title, and each
# section link (the ¶ after a heading) has one: dozens per page. Their title
# becomes their aria-label, so they keep their name without the tooltip.
HEADERLINK_TITLE = re.compile(r'(<a class="headerlink" href="[^"]*") title=')
# Template indentation is about a tenth of a page's compressed size. A newline
# is whitespace to HTML just as the indentation is, so dropping the indentation
# changes nothing a reader sees, except inside <pre> and <textarea>.
INDENTATION = re.compile(r"\n[ \t]+")
KEEPS_WHITESPACE = re.compile(r"(<pre\b.*?</pre>|<textarea\b.*?</textarea>)", re.DOTALL)


def tidy_html(html: str) -> str:
    """Take out the toggles' invalid attribute and the template indentation;
    turn the section links' titles into labels."""
    for toggle in ("__drawer", "__search"):
        html = html.replace(f'id="{toggle}"{TOGGLE_AUTOCOMPLETE}', f'id="{toggle}">')
    html = HEADERLINK_TITLE.sub(r"\1 aria-label=", html)
    parts = KEEPS_WHITESPACE.split(html)
    return "".join(part if i % 2 else INDENTATION.sub("\n", part) for i, part in enumerate(parts))


def on_post_page(output, page, config):
    return tidy_html(output)


def on_post_template(output, template_name, config):
    """Static templates: the 404 page and robots.txt."""
    return tidy_html(output)


def on_post_build(config):
    """Drop the stylesheet rules the site never uses, then write _headers
    (security policy and caching) into the finished site."""
    site = Path(config.site_dir)
    purge_material_stylesheets(site)
    (site / "_headers").write_text(headers_file(site), encoding="utf-8")


# --- Commands --------------------------------------------------------------------

def cmd_check(args) -> int:
    try:
        extra = read_config(ROOT / "mkdocs.yml").get("extra") or {}
        check_clinic(extra.get("clinic"))
        check_report_errors(extra.get("report_errors"))
        check_front_matter()
    except SiteError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"ok: front matter of {len(content_pages())} pages and clinic settings")
    return 0


def cmd_headers(args) -> int:
    site = Path(args.site)
    (site / "_headers").write_text(headers_file(site), encoding="utf-8")
    print(f"wrote {site / '_headers'} ({len(inline_script_hashes(site))} script hashes)")
    return 0


def cmd_nginx_conf(args) -> int:
    """Print an nginx server block for self-hosting the built site."""
    print(nginx_server_block(Path(args.root), args.listen, args.server_name, args.base_path, site=Path(args.site)))
    return 0


def cmd_faq_schema(args) -> int:
    markdown = FAQ_PAGE.read_text(encoding="utf-8")
    FAQ_SCHEMA.write_text(render_faq_schema(markdown), encoding="utf-8")
    print(f"wrote {FAQ_SCHEMA.relative_to(ROOT)} ({len(faq_entries(markdown))} questions)")
    return 0


def cmd_share_image(args) -> int:
    """Draw the 1200 x 630 share image offline with Chromium (no download)."""
    from playwright.sync_api import sync_playwright

    from site_browser import launch_chromium

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1200, "height": 630})
        page.set_content(f"<body style='margin:0'>{SHARE_CARD}</body>")
        page.screenshot(path=str(SHARE_IMAGE))
        browser.close()
    print(f"wrote {SHARE_IMAGE.relative_to(ROOT)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="front matter and clinic settings")
    grades = commands.add_parser("grades", help="reading grade of every built page")
    grades.add_argument("site", nargs="?", default=str(SITE), help="built site folder")
    bench = commands.add_parser("search-bench", help="search index size and keypress-to-results times")
    bench.add_argument("site", nargs="?", default=str(SITE), help="built site folder")
    bench.add_argument("--work", default="/tmp", help="folder for nginx's temporary files")
    bench.add_argument("--verbose", action="store_true", help="print every query's time")
    bench.add_argument("--half", choices=["tuning", "held-out"], help="time one half of the query set (default both)")
    headers = commands.add_parser("headers", help="write SITE/_headers (security and caching)")
    headers.add_argument("site", nargs="?", default=str(SITE), help="built site folder")
    nginx = commands.add_parser("nginx-conf", help="print an nginx server block for the built site")
    nginx.add_argument("--site", default=str(SITE), help="built site folder the policy is computed from")
    nginx.add_argument("--root", default="/var/www/microneedling", help="where the site lives on the server")
    nginx.add_argument("--server-name", default="example.org")
    nginx.add_argument("--listen", default="80", help="for HTTPS, put TLS in front or add ssl settings")
    nginx.add_argument("--base-path", default="/", help="subpath the site is published under")
    audit = commands.add_parser("audit", help="Lighthouse on every page, written to reports/")
    audit.add_argument("--runs", type=int, default=3,
                       help="Lighthouse runs per page; the report keeps each page's median run")
    audit.add_argument("--pages", nargs="+", metavar="URL", help="only these pages, for example / /safety/ /faq/")
    commands.add_parser("screenshots", help="every page at 360 and 1280 px, light and dark, and printed handouts")
    commands.add_parser("zensical", help="build with Zensical and report what differs from MkDocs")
    commands.add_parser("faq-schema", help="regenerate the FAQPage JSON-LD from docs/faq.md")
    commands.add_parser("share-image", help="redraw the share image with Chromium")
    args = parser.parse_args(argv)
    return {"check": cmd_check, "grades": cmd_grades, "search-bench": cmd_search_bench,
            "headers": cmd_headers, "nginx-conf": cmd_nginx_conf, "audit": cmd_audit,
            "zensical": cmd_zensical, "screenshots": cmd_screenshots, "faq-schema": cmd_faq_schema,
            "share-image": cmd_share_image}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
