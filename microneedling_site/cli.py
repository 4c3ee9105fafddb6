"""Site tasks for the microneedling site: one command, one subcommand per task.

    python -m microneedling_site check          settings, front matter and vocabulary (honours CONFIG)
    python -m microneedling_site build [SITE]   every edition (English, es/), then the finishing step
    python -m microneedling_site finish [SITE]  the finishing step over a built folder
    python -m microneedling_site grades [SITE]  reading grade of every built page
    python -m microneedling_site headers [SITE] write SITE/_headers (security policy, caching)
    python -m microneedling_site nginx-conf     print an nginx server block with the same policy
    python -m microneedling_site share-image    redraw the share image (needs Chromium and Playwright)

Each task reads the site's config as MkDocs does (INHERIT and !ENV applied):
--config-file, or the CONFIG environment variable, or mkdocs.yml.
Benchmarks and audits are not here: see `python -m benchmarks --help`.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from microneedling_site.checks import SiteError, check_site, load_site_config
from microneedling_site.finish import FinishError, finish
from microneedling_site.generated import draw_share_image, share_card, share_image_file
from microneedling_site.hosting import headers_file, inline_script_hashes, nginx_location_block, nginx_server_block
from microneedling_site.text import (article_sentences, built_pages, page_url, reading_grade, spanish_readability,
                                    word_count)


def cmd_build(args) -> int:
    from microneedling_site.build import build_all

    done = build_all(args.config_file, args.site)
    print(f"built {args.site} ({', '.join(done['editions'])}) in {done['seconds']} s: {done['pages']} HTML files, "
          f"{done['qr codes']} QR codes")
    return 0


def cmd_check(args) -> int:
    """Every edition's settings, front matter and vocabulary (the Spanish
    edition's too), as `make build` would read them."""
    from microneedling_site.build import edition_configs

    for config_file in edition_configs(args.config_file):
        with config_file as path:
            pages = check_site(load_site_config(path))
            print(f"ok: {path.name}: front matter of {pages} pages, clinic settings and vocabulary")
    return 0


def cmd_finish(args) -> int:
    # The config is read only when robots.txt is written (it needs site_url).
    site_url = args.site_url or (lambda: load_site_config(args.config_file).site_url)
    done = finish(Path(args.site), site_url)
    print(f"finished {args.site}: {done['pages']} HTML files, {done['qr codes']} QR codes, "
          f"{done['changed files']} files changed")
    return 0


def cmd_grades(args) -> int:
    """English pages: Flesch-Kincaid grade. Spanish pages: INFLESZ and
    Fernández-Huerta (the Spanish brief's formulas)."""
    site = Path(args.site)
    grades, spanish = [], []
    for path in built_pages(site):
        html = path.read_text(encoding="utf-8")
        sentences = article_sentences(html)
        longest = max(word_count(s) for s in sentences)
        if '<html lang="es"' in html:
            spanish.append(spanish_readability(sentences))
            score = f"INFLESZ {spanish[-1][0]:4.1f}  Fernández-Huerta {spanish[-1][1]:4.1f}"
        else:
            grades.append(reading_grade(sentences))
            score = f"grade {grades[-1]:4.1f}"
        print(f"{page_url(path, site):40} {score}  sentences {len(sentences):4}  longest {longest:2} words")
    print(f"{'average, English':40} grade {sum(grades) / len(grades):4.1f}")
    if spanish:
        print(f"{'average, Spanish':40} INFLESZ {sum(s[0] for s in spanish) / len(spanish):4.1f}  "
              f"Fernández-Huerta {sum(s[1] for s in spanish) / len(spanish):4.1f}")
    return 0


def cmd_headers(args) -> int:
    site = Path(args.site)
    (site / "_headers").write_text(headers_file(site), encoding="utf-8")
    print(f"wrote {site / '_headers'} ({len(inline_script_hashes(site))} script hashes)")
    return 0


def cmd_nginx_conf(args) -> int:
    """Print an nginx server block for self-hosting the built site."""
    if args.location:
        print(nginx_location_block(Path(args.root), args.base_path, site=Path(args.site)))
    else:
        print(nginx_server_block(Path(args.root), args.listen, args.server_name, args.base_path, site=Path(args.site),
                                 include_subdomains=args.hsts_include_subdomains))
    return 0


def cmd_share_image(args) -> int:
    """Draw each edition's 1200 x 630 share image offline with Chromium (no download)."""
    from microneedling_site.build import edition_configs

    for edition in edition_configs(args.config_file):
        with edition as config_file:
            config = load_site_config(config_file)
            target = share_image_file(config)
            target.write_bytes(draw_share_image(share_card(config)))
            print(f"wrote {target}")
    return 0


COMMANDS = {"check": cmd_check, "build": cmd_build, "finish": cmd_finish, "grades": cmd_grades, "headers": cmd_headers,
            "nginx-conf": cmd_nginx_conf, "share-image": cmd_share_image}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m microneedling_site", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config-file", default=os.environ.get("CONFIG") or "mkdocs.yml",
                        help="the site's config (default: $CONFIG or mkdocs.yml)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="settings, front matter and vocabulary")
    building = commands.add_parser("build", help="every edition (English, es/...) strictly, then the finishing step")
    building.add_argument("site", nargs="?", default="site", help="folder to build into")
    finishing = commands.add_parser("finish", help="QR codes, toggle fix, stylesheet purge, _headers")
    finishing.add_argument("site", nargs="?", default="site", help="built site folder")
    finishing.add_argument("--site-url", help="the address the site lives at (default: the config's site_url)")
    grades = commands.add_parser("grades", help="reading grade of every built page")
    grades.add_argument("site", nargs="?", default="site", help="built site folder")
    headers = commands.add_parser("headers", help="write SITE/_headers (security and caching)")
    headers.add_argument("site", nargs="?", default="site", help="built site folder")
    nginx = commands.add_parser("nginx-conf", help="print an nginx server block for the built site")
    nginx.add_argument("--site", default="site", help="built site folder the policy is computed from")
    nginx.add_argument("--root", default="/var/www/microneedling", help="where the site lives on the server")
    nginx.add_argument("--server-name", default="example.org")
    nginx.add_argument("--listen", default="80", help="for HTTPS, put TLS in front or add ssl settings")
    nginx.add_argument("--base-path", default="/", help="subpath the site is published under, as in site_url")
    nginx.add_argument("--location", action="store_true",
                       help="print a location block for a subpath of an existing server, not a whole server block")
    nginx.add_argument("--hsts-include-subdomains", action="store_true",
                       help="HSTS for every subdomain too (only if the whole domain is HTTPS-only)")
    commands.add_parser("share-image", help="redraw the share image with Chromium")
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (SiteError, FinishError) as error:   # bad input: one line naming the file and field
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
