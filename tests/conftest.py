"""Shared fixtures: the strict build (once per session), nginx serving it on a
free loopback port with gzip, and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import site_browser  # noqa: E402
import site_checks  # noqa: E402
import site_hosting  # noqa: E402
import site_text  # noqa: E402

MKDOCS = Path(sys.executable).parent / "mkdocs"
# Parts of the project a build reads; copied when a test builds a changed copy.
PROJECT_PARTS = ["docs", "overrides", "scripts", "mkdocs.yml"]


def build_site(project: Path, site_dir: Path, env: dict | None = None,
               config: str = "mkdocs.yml") -> subprocess.CompletedProcess:
    """Run the strict MkDocs build of `project` (with its `config` file) into `site_dir`."""
    return subprocess.run(
        [str(MKDOCS), "build", "--strict", "--config-file", config, "--site-dir", str(site_dir)],
        cwd=project, capture_output=True, text=True,
        env={**os.environ, "DISABLE_MKDOCS_2_WARNING": "true", "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )


def copy_project(dest: Path) -> Path:
    """A copy of the parts of the project the build reads, to change in a test."""
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, dest / part)
        else:
            shutil.copy2(source, dest / part)
    return dest


def page_text(html: str) -> str:
    """The visible words of an HTML page, tags removed, spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def read_config(path: Path = ROOT / "mkdocs.yml") -> dict:
    return site_checks.read_config(path)


class Build:
    def __init__(self, site: Path, log: str):
        self.site = site
        self.log = log

    def html(self, url: str) -> str:
        """The built HTML of a page, by its URL ('/benefits/')."""
        return (self.site / url.strip("/") / "index.html").read_text(encoding="utf-8")

    def pages(self) -> list[str]:
        """URLs of every built content page."""
        return [site_text.page_url(p, self.site) for p in site_text.built_pages(self.site)]


def strict_build(project: Path, site: Path, config: str = "mkdocs.yml") -> Build:
    """Build `project` strictly into `site`; the build must succeed."""
    result = build_site(project, site, config=config)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return Build(site, result.stdout + result.stderr)


@contextmanager
def serving(site: Path, prefix: Path):
    """A real nginx serving `site` for the length of the block."""
    server = site_hosting.Nginx(site, prefix)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Build:
    return strict_build(ROOT, tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def nginx(built_site, tmp_path_factory):
    with serving(built_site.site, tmp_path_factory.mktemp("nginx")) as server:
        yield server


def fetch(url: str, headers: dict | None = None):
    """(status, headers, body) of a GET, without raising on 4xx."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = site_browser.launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab; `page.console_errors` collects console errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda message: message.type == "error" and tab.console_errors.append(message.text))
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    yield tab
    context.close()
