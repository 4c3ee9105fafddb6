"""The site builds strictly, every nav entry has a page, bad input fails the
build with the file named, and the served site works in a real browser."""
import subprocess

import pytest

from tests.helpers import ROOT, build_site, copy_project, fetch, nav_files, read_config
from tests.helpers import open_page


@pytest.mark.gates
def test_strict_build_has_zero_warnings(built_site):
    assert "WARNING" not in built_site.log, built_site.log
    assert (built_site.site / "index.html").is_file()


@pytest.mark.gates
def test_every_nav_entry_has_a_built_page(built_site):
    files = nav_files(read_config()["nav"])
    assert len(files) >= 10
    for name in files:
        url = "/" if name == "index.md" else "/" + name.removesuffix(".md").removesuffix("/index") + "/"
        assert (built_site.site / url.strip("/") / "index.html").is_file(), f"{name} has no page at {url}"


@pytest.mark.parametrize("bad_link, message", [
    ("[gone](no-such-page.md)", "no-such-page.md"),
    ("[gone](safety.md#no-such-section)", "#no-such-section"),
])
def test_broken_link_or_anchor_fails_the_build_naming_the_file(tmp_path, bad_link, message):
    project = copy_project(tmp_path / "project")
    page = project / "docs" / "benefits.md"
    page.write_text(page.read_text() + f"\nSee {bad_link}.\n")
    result = build_site(project, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "benefits.md" in output and message in output, output


def test_page_missing_from_nav_fails_the_build(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "docs" / "orphan.md").write_text(
        "---\ntitle: Orphan\ndescription: x\nreviewed: 2026-01-01\nnext_review: 2026-06-01\n---\n# Orphan\n")
    result = build_site(project, tmp_path / "site")
    assert result.returncode != 0
    assert "orphan.md" in result.stdout + result.stderr


def test_make_build_never_leaves_a_half_written_site(tmp_path):
    """A failing build leaves the previous site/ as it was."""
    project = copy_project(tmp_path / "project")
    (project / "Makefile").write_text((ROOT / "Makefile").read_text())
    make = ["make", "-C", str(project), "build", f"BIN={ROOT / '.venv' / 'bin'}"]
    (project / "site").mkdir()
    (project / "site" / "previous.html").write_text("the last good build")
    page = project / "docs" / "benefits.md"
    page.write_text(page.read_text() + "\n[gone](no-such-page.md)\n")
    result = subprocess.run(make, capture_output=True, text=True)
    assert result.returncode != 0
    assert (project / "site" / "previous.html").read_text() == "the last good build"
    assert not (project / "site" / "benefits").exists()


def test_home_page_loads_without_console_errors(nginx, page):
    response = open_page(page, nginx.url)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").count() == 1
    assert page.console_errors == []


def test_search_finds_a_word_from_the_home_page(nginx, page):
    open_page(page, nginx.url)
    page.keyboard.press("/")  # Material's shortcut opens the search box
    page.keyboard.type("collagen", delay=30)
    first = page.locator(".md-search-result__item").first
    first.wait_for(timeout=10_000)
    assert "collagen" in first.inner_text().lower()
    assert page.console_errors == []


@pytest.mark.gates
def test_nginx_serves_gzip(nginx):
    status, headers, _ = fetch(nginx.url, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("Content-Encoding") == "gzip"
