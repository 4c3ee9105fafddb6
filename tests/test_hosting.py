"""Hosting: the generated security headers on a real nginx and in _headers,
every page working under the Content-Security-Policy, reproducible builds, and
the publishing files."""
import base64
import hashlib
import re
import tomllib

import pytest
import yaml

from tests import helpers as site_browser
from microneedling_site.text import parse_html
from microneedling_site import cli as site_tool
from tests.helpers import ROOT, build_site, fetch
from tests.helpers import open_page

REQUIRED_HEADERS = ["Content-Security-Policy", "Strict-Transport-Security", "X-Content-Type-Options",
                    "Referrer-Policy", "Permissions-Policy", "X-Frame-Options"]


def sample_paths(site) -> dict[str, str]:
    """One response of each kind: a page, a fingerprinted script and
    stylesheet, the site's own stylesheet, an image, the search index."""
    bundle = next(site.glob("assets/javascripts/bundle.*.min.js")).relative_to(site).as_posix()
    main_css = next(site.glob("assets/stylesheets/main.*.min.css")).relative_to(site).as_posix()
    # The minify plugin writes the site's stylesheet as site.min.css.
    site_css = next(site.glob("assets/stylesheets/site*.css")).relative_to(site).as_posix()
    return {"page": "process/", "script": bundle, "stylesheet": main_css, "site stylesheet": site_css, "image": "assets/images/skin-layers-needle-depth.svg",
            "search index": "search/search_index.json", "missing page": "no/such/page/"}


def test_every_security_header_is_on_pages_and_assets(nginx, built_site):
    for kind, path in sample_paths(built_site.site).items():
        status, headers, _ = fetch(nginx.url + path)
        assert status == (404 if kind == "missing page" else 200), path
        for name in REQUIRED_HEADERS:
            assert headers.get(name), f"{kind} ({path}) lacks {name}"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert "max-age=" in headers["Strict-Transport-Security"]
        assert "camera=()" in headers["Permissions-Policy"]


def test_caching_is_immutable_for_fingerprinted_assets_and_revalidated_for_html(nginx, built_site):
    paths = sample_paths(built_site.site)
    for kind in ("script", "stylesheet"):
        _, headers, _ = fetch(nginx.url + paths[kind])
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable", kind
    for kind in ("page", "site stylesheet", "search index"):
        _, headers, _ = fetch(nginx.url + paths[kind])
        assert headers["Cache-Control"] == "no-cache", kind


def served_html_paths(site) -> list[str]:
    """The URL path of every HTML file in the build: pages, the 404 page and
    the redirect stubs."""
    return ["/" + p.relative_to(site).as_posix().removesuffix("index.html") for p in sorted(site.rglob("*.html"))]


def test_csp_allows_no_inline_code_and_lists_every_inline_script(nginx, built_site):
    """The policy's hashes are recomputed here, independently of the code that
    wrote them: every inline script the server sends (in any HTML file) and
    nothing else. Scripts inside a <template> never run and need none."""
    _, headers, _ = fetch(nginx.url)
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    listed = set(re.findall(r"'sha256-([^']+)'", csp))
    served = set()
    for path in served_html_paths(built_site.site):
        status, _, body = fetch(nginx.url + path.lstrip("/"))
        assert status == 200, path
        root = parse_html(body.decode("utf-8"))
        held = {el for template in root.iter("template") for el in template.iter()}
        for script in root.iter("script"):
            if script in held or script.get("src") is not None:
                continue
            if script.get("type") in ("application/json", "application/ld+json"):
                continue
            served.add(base64.b64encode(hashlib.sha256((script.text or "").encode("utf-8")).digest()).decode())
    assert listed == served
    assert 1 <= len(listed) <= 8, "extra.scope keeps Material's scripts to a few hashes"


def header_rules(headers_file: str) -> list[tuple[str, dict[str, str]]]:
    """_headers as Netlify and Cloudflare Pages read it: (path pattern, headers)."""
    rules = []
    for line in headers_file.splitlines():
        if line.startswith("/"):
            rules.append((line, {}))
        elif line.startswith("  ") and rules:
            name, _, value = line.strip().partition(": ")
            assert name not in rules[-1][1], f"{rules[-1][0]}: {name} twice"
            rules[-1][1][name] = value
    return rules


def headers_for(rules, path: str) -> dict[str, list[str]]:
    """What such a host sends for `path`: the headers of every rule whose
    pattern matches (an exact path, or a prefix ending in *)."""
    sent: dict[str, list[str]] = {}
    for pattern, headers in rules:
        if pattern == path or (pattern.endswith("*") and path.startswith(pattern[:-1])):
            for name, value in headers.items():
                sent.setdefault(name, []).append(value)
    return sent


def test_headers_file_sends_what_nginx_sends(nginx, built_site):
    """For every page and a sample of assets, the headers a _headers host
    would send (read from the file by the host's rules) are the headers nginx
    really sends: same names, same values, one Cache-Control each."""
    rules = header_rules((built_site.site / "_headers").read_text())
    samples = built_site.pages("all") + ["/404.html"]
    samples += ["/" + p for kind, p in sample_paths(built_site.site).items() if kind not in ("page", "missing page")]
    checked = 0
    for path in samples:
        expected = headers_for(rules, path)
        _, served, _ = fetch(nginx.url + path.lstrip("/"))
        for name in REQUIRED_HEADERS + ["Cross-Origin-Opener-Policy", "Cache-Control"]:
            if name == "Cache-Control" and name not in expected:
                continue  # an unfingerprinted asset: the host's default caching
            assert expected.get(name) == [served[name]], \
                f"{path}: {name}: _headers {expected.get(name)}, nginx {served[name]!r}"
            checked += 1
    assert "Cache-Control" not in dict(rules)["/*"], "a page would get two Cache-Control values"
    for url in built_site.pages("all"):
        assert headers_for(rules, url).get("Cache-Control") == ["no-cache"], f"{url} has no caching rule"
    assert checked >= 8 * len(built_site.pages("all"))


def test_every_page_works_under_the_csp(browser_passes, browser, nginx):
    """Zero CSP violations on every page (collected by the shared browser
    pass); search, navigation and the colour scheme toggle still work."""
    violations = [f"{scheme} {width}px {url}: {v}" for (scheme, width), found in browser_passes.items()
                  for url, page in found["pages"].items() for v in page["csp"]]
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(site_browser.CSP_LISTENER)
    open_page(page, nginx.url)
    assert site_browser.search_like_a_person(page, "aftercare", nginx.url)
    page.keyboard.press("Escape")
    page.locator(".md-nav--primary a.md-nav__link", has_text="Safety").first.click()
    page.wait_for_url("**/safety/")
    before = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    after = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert before != after, "colour scheme toggle did nothing"
    page.reload()
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == after, "choice not remembered"
    violations += page.evaluate("window.__csp || []")
    assert violations == [], violations
    context.close()


def test_404_gets_the_404_page_with_the_policy(nginx):
    status, headers, body = fetch(nginx.url + "nothing/here/")
    assert status == 404
    assert b"Page not found" in body
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    status, _, body = fetch(nginx.url + "es/nada/aqui/")
    assert status == 404 and "No encontramos esta página".encode() in body, "the Spanish edition's own 404 page"


@pytest.mark.slow
def test_two_builds_of_the_same_commit_are_byte_identical(tmp_path):
    env = {"SOURCE_DATE_EPOCH": "1795000000"}
    first, second = tmp_path / "first", tmp_path / "second"
    assert build_site(ROOT, first, env).returncode == 0
    assert build_site(ROOT, second, env).returncode == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    different = [str(f) for f in files if (first / f).read_bytes() != (second / f).read_bytes()]
    assert not different, different
    assert "<lastmod>2026-11-18</lastmod>" in (first / "sitemap.xml").read_text(), \
        "the sitemap's dates follow SOURCE_DATE_EPOCH"


def test_github_workflow_tests_then_publishes_to_pages():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text())
    jobs = workflow["jobs"]
    assert any("bash .ci/run" in step.get("run", "") for step in jobs["test"]["steps"])
    publish = jobs["publish"]
    assert publish["needs"] == "test"
    uses = [step.get("uses", "") for step in publish["steps"]]
    assert any(u.startswith("actions/deploy-pages") for u in uses)
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    # Only deployments share the Pages group: a pull request's test run is
    # never queued behind, or cancelled by, a deployment.
    assert "concurrency" not in workflow and "concurrency" not in jobs["test"]
    assert publish["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build = next(step for step in publish["steps"] if step.get("run") == "make build")
    assert "SITE_URL" in build["env"]


def test_netlify_builds_with_make_and_publishes_site():
    config = tomllib.loads((ROOT / "netlify.toml").read_text())
    assert config["build"]["command"].endswith("make build")
    assert config["build"]["publish"] == "site"


def test_nginx_conf_command_prints_a_server_block_for_self_hosting(built_site, capsys):
    site_tool.main(["nginx-conf", "--site", str(built_site.site), "--root", "/srv/site",
                    "--server-name", "clinic.example"])
    conf = capsys.readouterr().out
    assert "server_name clinic.example;" in conf and "root /srv/site;" in conf
    for name in REQUIRED_HEADERS:
        assert conf.count(f"add_header {name} ") == 2, name
    assert "includeSubDomains" not in conf, "HSTS for subdomains only when asked"
    site_tool.main(["nginx-conf", "--site", str(built_site.site), "--hsts-include-subdomains"])
    assert "max-age=63072000; includeSubDomains" in capsys.readouterr().out


def test_nginx_location_block_serves_a_subpath_of_an_existing_server(built_site, tmp_path, capsys):
    """A clinic that already runs nginx for its domain pastes one location
    block into its server: the clinic's own pages keep working, and the site
    is served under the subpath with its policy and both 404 pages."""
    www = tmp_path / "www"
    www.mkdir()
    (www / "microneedling").symlink_to(built_site.site, target_is_directory=True)
    site_tool.main(["nginx-conf", "--site", str(built_site.site), "--root", str(www), "--location",
                    "--base-path", "/microneedling/"])
    block = capsys.readouterr().out
    assert block.lstrip().startswith("#") and "listen " not in block and "\nserver {" not in block
    port = site_browser.free_port()
    whole = site_browser.nginx_config(www, port, tmp_path / "nginx")
    existing = (f'server {{ listen 127.0.0.1:{port}; server_name clinic.example; '
                f'location = / {{ return 200 "clinic home"; }}\n{block}\n}}\n')
    whole = whole[:whole.index("server {")] + existing + "}\n"
    server = site_browser.Nginx(www, tmp_path / "nginx", config=whole, port=port)
    try:
        base = f"http://127.0.0.1:{port}/"
        assert fetch(base)[2] == b"clinic home"
        status, headers, body = fetch(base + "microneedling/safety/")
        assert status == 200 and b"<h1" in body and "script-src" in headers["Content-Security-Policy"]
        assert "includeSubDomains" not in headers["Strict-Transport-Security"]
        assert fetch(base + "microneedling/missing/")[0] == 404
        status, _, body = fetch(base + "microneedling/es/falta/")
        assert status == 404 and "No encontramos esta página".encode() in body
    finally:
        server.stop()
