"""Build the site with Zensical beside MkDocs, run the same finishing step
over both, and report what differs (`make zensical`, reports/zensical.md).

Zensical runs no MkDocs hooks: the checks and the finishing step run around
it here, as `make build` runs them around MkDocs. What belongs to the
Markdown (tooltips on first use, section-link labels, vocabulary lines) comes
from the Markdown extension, which Zensical runs itself."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from microneedling_site.finish import finish
from microneedling_site.hosting import inline_script_hashes
from microneedling_site.text import built_pages, classes, page_url, parse_html
from tests.helpers import BUILD_ENV, PROJECT_PARTS, ROOT, redirects, old_url

REPORTS = ROOT / "reports"
# 0.0.73 is the newest Zensical that installs from PyPI here: 0.0.74 and later
# need zensical-ui, which PyPI does not serve.
ZENSICAL_VERSION = "0.0.73"
ZENSICAL_VENV = ROOT / ".venv-zensical"
SITE_URL = "http://127.0.0.1:8000/"


def install_zensical() -> Path:
    """Zensical in its own virtual environment, with this site's package (for
    the Markdown extension)."""
    zensical = ZENSICAL_VENV / "bin" / "zensical"
    marker = ZENSICAL_VENV / f".installed-{ZENSICAL_VERSION}"
    if not marker.is_file():
        subprocess.run([sys.executable, "-m", "venv", str(ZENSICAL_VENV)], check=True)
        pip = [str(ZENSICAL_VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run(pip + [f"zensical=={ZENSICAL_VERSION}"], check=True)
        subprocess.run(pip + ["-e", str(ROOT)], check=True)
        marker.touch()
    return zensical


def features(site: Path) -> dict:
    """What the two builds must share, page by page."""
    pages = {}
    for path in built_pages(site):
        root = parse_html(path.read_text(encoding="utf-8"))
        article = next(root.iter("article"))
        qr = [el for el in root.iter("div") if "handout-link__qr" in classes(el)]
        pages[page_url(path, site)] = {
            "tooltips": [(a.text, a.get("title")) for a in article.iter("abbr")],
            "section links": [(a.get("href"), a.get("aria-label"), a.get("title"))
                              for a in article.iter("a") if "headerlink" in classes(a)],
            "vocabulary lines": ["".join(p.itertext()) for p in article.iter("p") if "also-called" in classes(p)],
            "qr codes": [parse_html_svg(el) for el in qr],
        }
    return pages


def parse_html_svg(element) -> str:
    """A QR code as its drawing: the path data of the SVG inside."""
    return " ".join(p.get("d", "") for p in element.iter("path"))


def header_rules(site: Path) -> dict[str, dict[str, str]]:
    """_headers as {path: {name: value}}."""
    rules, path = {}, None
    for line in (site / "_headers").read_text().splitlines():
        if line.startswith("/"):
            path = line
            rules[path] = {}
        elif line.startswith("  ") and path:
            name, _, value = line.strip().partition(": ")
            rules[path][name] = value
    return rules


def compare_headers(ours: Path, theirs: Path) -> list[str]:
    """Same headers on every path, the CSP's script hashes aside: each build
    lists its own inline scripts' hashes, checked against its pages."""
    problems = []
    a, b = header_rules(ours), header_rules(theirs)
    for site, rules in ((ours, a), (theirs, b)):
        listed = set(re.findall(r"'sha256-([^']+)'", rules["/*"]["Content-Security-Policy"]))
        if listed != set(inline_script_hashes(site)):
            problems.append(f"{site.name}: CSP hashes are not its pages' inline scripts")
    strip = lambda r: {k: re.sub(r"'sha256-[^']+' ?", "", v) for k, v in r.items()}  # noqa: E731
    if strip(a["/*"]) != strip(b["/*"]):
        problems.append(f"policy differs: {strip(a['/*'])} vs {strip(b['/*'])}")
    pages = lambda rules: {p for p, h in rules.items() if h == {"Cache-Control": "no-cache"}}  # noqa: E731
    for url in {page_url(p, ours) for p in built_pages(ours)}:
        for name, rules in (("MkDocs", a), ("Zensical", b)):
            if url not in pages(rules):
                problems.append(f"{name}: _headers has no rule for {url}")
    return problems


def cmd_zensical(args) -> int:
    zensical = install_zensical()
    work = Path(tempfile.mkdtemp(prefix="zensical-"))
    for part in PROJECT_PARTS:
        copy = shutil.copytree if (ROOT / part).is_dir() else shutil.copy2
        copy(ROOT / part, work / part)
    env = {**BUILD_ENV, "SITE_URL": SITE_URL, "PATH": "/usr/bin:/bin"}
    check = subprocess.run([sys.executable, "-m", "microneedling_site", "check"], cwd=work, env=env,
                           capture_output=True, text=True)
    built = subprocess.run([str(zensical), "build"], cwd=work, capture_output=True, text=True, env=env)
    mkdocs = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "--site-dir",
                             str(work / "site-mkdocs")], cwd=work, capture_output=True, text=True, env=env)
    for name, result in (("check", check), ("zensical build", built), ("mkdocs build", mkdocs)):
        if result.returncode:
            print(f"{name} failed:\n{result.stdout}{result.stderr}", file=sys.stderr)
            return 1
    ours, theirs = work / "site-mkdocs", work / "site"
    done = finish(theirs, SITE_URL)
    a, b = features(ours), features(theirs)
    lines = [f"# Zensical {ZENSICAL_VERSION} compared with MkDocs", "",
             "Both built from the same copy of the project with `SITE_URL` " + SITE_URL + "; the Zensical build "
             f"then finished by `python -m microneedling_site finish` ({done['qr codes']} QR codes drawn), "
             "the MkDocs build by the hook (the same step).", "",
             f"Pages: MkDocs {len(a)}, Zensical {len(b)}; missing in Zensical: {sorted(set(a) - set(b)) or 'none'}.",
             "", "| What, on every page | Same in both builds | MkDocs total | Zensical total |", "|---|---|---|---|"]
    same_everywhere = True
    for key in ("qr codes", "tooltips", "section links", "vocabulary lines"):
        differing = [url for url in a if a[url][key] != b.get(url, {}).get(key)]
        same_everywhere &= not differing
        lines.append(f"| {key} | {'yes' if not differing else 'no: ' + ', '.join(differing)} | "
                     f"{sum(len(p[key]) for p in a.values())} | {sum(len(p[key]) for p in b.values())} |")
    header_problems = compare_headers(ours, theirs)
    same_everywhere &= not header_problems
    lines.append(f"| _headers: policy and caching on every page | {'yes' if not header_problems else 'no'} | "
                 f"{len(header_rules(ours))} rules | {len(header_rules(theirs))} rules |")
    lines += [f"- {p}" for p in header_problems]
    robots = (theirs / "robots.txt").read_text() if (theirs / "robots.txt").is_file() else ""
    moved = [old for old in redirects() if not (theirs / old_url(old) / "index.html").is_file()]
    search = next((f.relative_to(theirs).as_posix() for f in [theirs / "search" / "search_index.json",
                                                              theirs / "search.json"] if f.is_file()), "none")
    lines += ["", f"- Redirect pages: {len(redirects()) - len(moved)} of {len(redirects())}.",
              f"- robots.txt: {'rendered' if robots and '{{' not in robots else 'not rendered'}.",
              f"- 404 page: {'yes' if (theirs / '404.html').is_file() else 'no'}.",
              f"- Search index: {search}."]
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "zensical.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    shutil.rmtree(work, ignore_errors=True)
    return 0 if same_everywhere else 1
