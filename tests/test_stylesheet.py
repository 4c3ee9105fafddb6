"""Material's stylesheet is shipped without the rules the site never uses
(microneedling_site/css.py), under a name that follows its content."""
import hashlib
import re

from microneedling_site.css import purge_css

USED = {"md-header", "admonition", "used", "md-typeset"}


def test_rules_for_unused_classes_go_and_the_rest_stay():
    css = (".md-header{a:1}.md-post{b:2}.md-header .md-post__title{c:3}"
           "@media screen{.md-post{d:4}.admonition{e:5}}"
           ".md-typeset :is(.tabbed-set,.admonition){f:6}.md-typeset :is(.tabbed-set,.md-post){g:7}"
           ".used:not(.md-post){h:8}html{i:9}@keyframes spin{0%{j:0}to{j:1}}"
           ".used,.unused{k:10}")
    purged = purge_css(css, USED)
    assert purged == (".md-header{a:1}@media screen{.admonition{e:5}}"
                      ".md-typeset :is(.tabbed-set,.admonition){f:6}"
                      ".used:not(.md-post){h:8}html{i:9}@keyframes spin{0%{j:0}to{j:1}}"
                      ".used{k:10}")


def test_built_site_has_one_purged_stylesheet_named_by_its_content(built_site):
    (stylesheet,) = built_site.site.glob("assets/stylesheets/main.*.min.css")
    css = stylesheet.read_bytes()
    assert stylesheet.name == f"main.{hashlib.sha256(css).hexdigest()[:8]}.min.css"
    assert not list(built_site.site.glob("assets/stylesheets/main.*.map"))
    # Only what no page can use is gone: the blog, tabs and consent banner.
    text = css.decode()
    for kept in (".md-header", ".md-typeset .admonition", ".md-search-result__item", ".md-tooltip", ".md-nav__link"):
        assert kept in text, kept
    for gone in (".md-post", ".md-consent", ".tabbed-set"):
        assert gone not in text, gone
    for url in built_site.pages("all"):
        assert f"assets/stylesheets/{stylesheet.name}" in built_site.html(url), url
    assert re.search(rf'href="[^"]*{re.escape(stylesheet.name)}"', (built_site.site / "404.html").read_text())
