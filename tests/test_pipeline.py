"""The build pipeline: checks before, the Markdown extension during, the
finishing step after; and a child config (INHERIT) that changes one option
keeps everything else."""
import filecmp
import os
import subprocess
import shutil
import types

import markdown
import pytest
import yaml

from microneedling_site.checks import SiteError
from microneedling_site.finish import FinishError, finish, fix_toggles
from microneedling_site.text import classes, parse_html
from tests.helpers import MKDOCS, ROOT, copy_project, new_url, old_url, redirects, strict_build

EXTENSIONS = ["abbr", "attr_list", "toc", "microneedling_site.markdown"]


def convert(text: str, vocabulary: str = "", page: str | None = None) -> str:
    """Markdown to HTML with the site's extension, as MkDocs would for `page`."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs={
        "toc": {"permalink": True, "permalink_title": "Link to this section"},
        "microneedling_site.markdown": {"vocabulary": vocabulary}})
    if page:  # what MkDocs' own relpath processor tells the extension
        relpath = types.SimpleNamespace(file=types.SimpleNamespace(src_uri=page), run=lambda root: None)
        md.treeprocessors.register(relpath, "relpath", 0)
    return md.convert(text)


def test_glossary_term_keeps_its_tooltip_on_first_use_only():
    html = convert("# T\n\nCollagen grows. More collagen, and *collagen*.\n\n## S\n\nCOLLAGEN.\n\n"
                   "*[collagen]: A protein\n*[COLLAGEN]: A protein")
    root = parse_html(html)
    assert [a.text for a in root.iter("abbr")] == ["collagen"]
    assert 'More <abbr title="A protein">collagen</abbr>, and <em>collagen</em>.' in html
    assert "<p>COLLAGEN.</p>" in html, "a later use in another case is the same term"


def test_section_links_are_named_by_aria_label_not_title():
    root = parse_html(convert("# Title\n\n## Section {#pinned}\n\nText."))
    links = [a for a in root.iter("a") if "headerlink" in classes(a)]
    assert [a.get("href") for a in links] == ["#title", "#pinned"]
    assert all(a.get("aria-label") == "Link to this section" and a.get("title") is None for a in links)


def test_vocabulary_line_follows_the_heading_and_skips_words_already_shown(tmp_path):
    vocabulary = tmp_path / "vocabulary.yml"
    vocabulary.write_text(yaml.safe_dump([
        {"says": ["acne holes", "pitted scars"], "term": "acne scars", "where": "conditions.md#acne-scars"},
        {"says": ["dermapen"], "term": "microneedling", "where": "conditions.md"},
        {"says": ["stretchies"], "term": "stretch marks", "where": "other.md#acne-scars"}]))
    text = "# Conditions\n\n## Acne scars\n\nAlso called pitted scars.\n\nText.\n\n## Next\n\nMore."
    html = convert(text, str(vocabulary), "conditions.md")
    assert ('<h1 id="conditions">' in html and
            '</h1>\n<p class="also-called">You may have heard: dermapen (microneedling).</p>' in html)
    assert ('<p>Also called pitted scars.</p>\n'
            '<p class="also-called">You may have heard: acne holes (acne scars).</p>\n<p>Text.</p>') in html
    assert "stretchies" not in html, "another page's entry"
    assert "also-called" not in convert(text, str(vocabulary)), "outside a site build no page is known"


def test_vocabulary_entry_for_a_missing_section_stops_the_build(tmp_path):
    vocabulary = tmp_path / "vocabulary.yml"
    vocabulary.write_text(yaml.safe_dump([{"says": ["x"], "term": "y", "where": "page.md#gone"}]))
    with pytest.raises(SiteError, match="page.md#gone: no section with that id"):
        convert("# Page\n\n## Here\n", str(vocabulary), "page.md")


def test_toggle_fix_fails_loudly_when_material_changes_its_toggles():
    page = ('<header class="md-header"></header><input class="md-toggle" type="checkbox" id="__drawer" '
            'autocomplete="off"><input class="md-toggle" type="checkbox" id="__search" autocomplete="off">')
    fixed = fix_toggles(page, "page.html")
    assert "autocomplete" not in fixed and fix_toggles(fixed, "page.html") == fixed
    with pytest.raises(FinishError, match="__search"):
        fix_toggles(page.replace('id="__search"', 'id="__find"'), "page.html")
    with pytest.raises(FinishError, match="autocomplete value"):
        fix_toggles(page.replace('autocomplete="off"', 'autocomplete="on"'), "page.html")
    redirect_stub = '<html><head><meta http-equiv="refresh" content="0; url=../process/"></head></html>'
    assert fix_toggles(redirect_stub, "stub.html") == redirect_stub


def same_tree(first, second) -> list[str]:
    """Files that differ or exist on one side only."""
    files = lambda root: sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())  # noqa: E731
    a, b = files(first), files(second)
    only = [f"only on one side: {f}" for f in set(a) ^ set(b)]
    return only + [str(f) for f in set(a) & set(b) if not filecmp.cmp(first / f, second / f, shallow=False)]


@pytest.mark.slow
def test_finishing_step_is_what_the_hook_does_and_running_it_again_changes_nothing(built_site, tmp_path):
    """A build without the hook, finished by the finishing step, is the
    hook's build byte for byte; finishing again changes nothing."""
    project = copy_project(tmp_path / "project")
    (project / "no-hook.yml").write_text("INHERIT: mkdocs.yml\nhooks: []\n")
    (project / "no-hook.es.yml").write_text("INHERIT: mkdocs.es.yml\nhooks: []\n")
    raw = tmp_path / "raw"
    site_url = "http://127.0.0.1:8000/"
    # Each edition as the generator alone writes it (no hook: Zensical's case);
    # the Spanish one gets its address from SITE_URL, as the hook would give it.
    for config, folder, url in (("no-hook.yml", raw, site_url), ("no-hook.es.yml", raw / "es", site_url + "es/")):
        result = subprocess.run([str(MKDOCS), "build", "--strict", "-f", config, "-d", str(folder)], cwd=project,
                                capture_output=True, text=True, env={**os.environ, "SITE_URL": url})
        assert result.returncode == 0, result.stderr
    assert not (raw / "_headers").exists() and '<div class="handout-link__qr"></div>' in \
        (raw / "handouts" / "aftercare" / "index.html").read_text()
    done = finish(raw, site_url)
    assert done["qr codes"] == 4
    assert same_tree(built_site.site, raw) == []
    again = tmp_path / "again"
    shutil.copytree(raw, again)
    assert finish(again, site_url)["changed files"] == 0
    assert same_tree(raw, again) == []


@pytest.mark.slow
def test_child_config_that_changes_one_option_keeps_the_rest(tmp_path):
    """INHERIT merges mappings: a clinic's config that changes one option of
    one extension and one plugin keeps tooltips, includes, pinned ids and
    redirects."""
    project = copy_project(tmp_path / "project")
    child = {"INHERIT": "mkdocs.yml",
             "markdown_extensions": {"toc": {"permalink_title": "Link to this part"}},
             "plugins": {"minify": {"minify_css": False}}}
    (project / "child.yml").write_text(yaml.safe_dump(child))
    build = strict_build(project, tmp_path / "site", config="child.yml")
    process = build.html("/process/")
    assert 'aria-label="Link to this part"' in process, "the changed option applies"
    assert "<abbr title=" in build.html("/what-is-microneedling/"), "glossary tooltips"
    assert "Keep it clean." in process, "shared text (snippets)"
    assert 'id="who-should-not-have-it"' in build.html("/safety/"), "pinned ids (attr_list)"
    assert 'class="also-called"' in build.html("/conditions/"), "vocabulary lines"
    for old, new in redirects().items():
        stub = (build.site / old_url(old) / "index.html").read_text()
        assert new_url(new).lstrip("/") in stub, f"redirect {old}"
    assert (build.site / "_headers").is_file(), "the finishing step ran"
