"""Shared fixtures: the strict build (once per session), nginx serving it on a
free loopback port with gzip, and Debian's Chromium driven by Playwright.
The helpers themselves are in tests/helpers.py."""
from __future__ import annotations

import os

import pytest

from tests.helpers import (CLINIC, ROOT, Build, browser_pass, copy_project, launch_chromium, serving,
                           strict_build, write_clinic_config)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Build:
    """The site under test: mkdocs.yml, or a clinic's settings file named by
    SITE_CONFIG (`make test CONFIG=clinic.yml` runs the quality gates on it)."""
    return strict_build(ROOT, tmp_path_factory.mktemp("site"), config=os.environ.get("SITE_CONFIG", "mkdocs.yml"))


@pytest.fixture(scope="session")
def nginx(built_site, tmp_path_factory):
    with serving(built_site.site, tmp_path_factory.mktemp("nginx")) as server:
        yield server


@pytest.fixture(scope="session")
def clinic_site(tmp_path_factory) -> Build:
    """The example clinic (clinic.example.yml and its folder clinic.example/),
    built as a clinic would build it."""
    return strict_build(ROOT, tmp_path_factory.mktemp("clinic-site"), config="clinic.example.yml")


@pytest.fixture(scope="session")
def clinic_nginx(clinic_site, tmp_path_factory):
    with serving(clinic_site.site, tmp_path_factory.mktemp("clinic-nginx")) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
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


# Every page once per colour scheme and width, under the real policy.
PASSES = [(scheme, width) for scheme in ("light", "dark") for width in (390, 1280)]


@pytest.fixture(scope="session")
def browser_passes(browser, nginx, built_site) -> dict:
    """{(scheme, width): what browser_pass collected}, for the axe, policy,
    privacy and console tests to share (one visit per page and pass)."""
    urls = built_site.pages("all") + ["/no-such-page/"]
    return {(scheme, width): browser_pass(browser, nginx, urls, scheme, width, search="scars")
            for scheme, width in PASSES}


BROWSER_FIXTURES = {"browser_passes", "nginx", "browser", "page", "clinic_nginx", "subpath_server", "search_page", "served_pages"}


def pytest_collection_modifyitems(items):
    """A test that uses the browser or nginx is a `browser` test, marked here
    so no test can forget its marker (`make test-fast` leaves them out)."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
