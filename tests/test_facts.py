"""Checks that keep the content true: one value per recurring fact
(tests/data/facts.yml), and every citation names the source it links to."""
import math
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from microneedling_site import text as site_text
from microneedling_site.text import parse_html
from tests.helpers import EDITIONS, OTHER_EDITIONS, ROOT, edition_root

FACTS = yaml.safe_load((ROOT / "tests" / "data" / "facts.yml").read_text(encoding="utf-8"))


def article_text(html: str) -> str:
    """The article's visible prose, one space between words (citations left out)."""
    return " ".join(" ".join(tokens) for tokens in site_text.article_sentences(html))


def fact_disagreements(texts: dict[str, str], facts: list[dict] = FACTS) -> list[str]:
    """Every place where a page does not state a fact as facts.yml says it."""
    problems = []
    for fact in facts:
        for url in fact["pages"]:
            if url not in texts:
                problems.append(f"{fact['fact']}: page {url} does not exist")
            elif not re.search(fact["says"], texts[url], re.I):
                problems.append(f"{fact['fact']}: {url} does not say {fact['says']!r} ({fact['value']})")
        for url, text in texts.items():
            for phrase in fact["never"]:
                found = re.search(phrase, text, re.I)
                if found:
                    problems.append(f"{fact['fact']}: {url} says {found.group(0)!r}, "
                                    f"which contradicts: {fact['value']}")
    return problems


def edition_facts(edition: str, facts: list[dict] = FACTS) -> list[dict]:
    """The facts as one edition states them: English as written; Spanish with
    each fact's `es` says and never, on the same pages under /es/."""
    if edition == "en":
        return facts
    return [{**fact, **fact[edition], "pages": [f"/{edition}{url}" for url in fact["pages"]]} for fact in facts]


@pytest.fixture(scope="module")
def page_texts(built_site) -> dict[str, dict[str, str]]:
    """{edition: {url: article text}}, each edition's own pages."""
    # Tokens are joined with spaces; undo the space before punctuation so
    # patterns can be written as the reader sees the text.
    return {edition: {url: re.sub(r" ([.,;:!?)])", r"\1", article_text(built_site.html(url)))
                      for url in built_site.pages(edition)}
            for edition in EDITIONS}


def test_facts_file_is_well_formed():
    assert len(FACTS) >= 12
    for fact in FACTS:
        assert set(fact) == {"fact", "value", "says", "pages", "never", *OTHER_EDITIONS}, fact
        translations = [fact[edition] for edition in OTHER_EDITIONS]
        for stated in translations:
            assert set(stated) == {"says", "never"}, fact
        for stated in [fact, *translations]:
            for pattern in [stated["says"], *stated["never"]]:
                re.compile(pattern)


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_recurring_fact_has_one_value_on_every_page(page_texts, edition):
    problems = fact_disagreements(page_texts[edition], edition_facts(edition))
    assert not problems, "\n".join(problems)


def test_a_planted_contradiction_is_caught(page_texts):
    """The check is not blind: plant a contradiction of each kind and it fails."""
    makeup = next(f for f in FACTS if f["fact"] == "Makeup")
    planted = dict(page_texts["en"])
    planted["/faq/"] += " You can wear make-up after 24 hours."
    assert any("/faq/ says" in p for p in fact_disagreements(planted, [makeup]))
    redness = next(f for f in FACTS if f["fact"] == "How long redness lasts")
    planted = {url: text.replace("2 to 3 days", "a few days") for url, text in page_texts["en"].items()}
    assert any("/process/ does not say" in p for p in fact_disagreements(planted, [redness]))
    # The Spanish check, with the fact's `es` entry: the page fails both ways.
    planted = {url: text.replace("2 a 3 días", "un día o dos") for url, text in page_texts["es"].items()}
    problems = fact_disagreements(planted, edition_facts("es", [redness]))
    assert any("/es/process/ does not say" in p for p in problems), problems
    assert any("/es/process/ says" in p for p in problems), problems


# --- Citations ---------------------------------------------------------------------

SOURCE_LINK = re.compile(r"sources/#((?:source|article)-\d+)$")
SOURCE_ENTRY = re.compile(r"(?:source|article)-\d+")


class Citations:
    """(label, source id) of every link to the Sources page, and the text of
    each numbered entry on the Sources page."""

    def __init__(self, html: str):
        root = parse_html(html)
        self.links: list[tuple[str, str]] = [
            ("".join(a.itertext()).strip(), SOURCE_LINK.search(a.get("href")).group(1))
            for a in root.iter("a") if SOURCE_LINK.search(a.get("href") or "")]
        self.entries: dict[str, str] = {li.get("id"): "".join(li.itertext())
                                        for li in root.iter("li") if SOURCE_ENTRY.fullmatch(li.get("id") or "")}


def citations(html: str) -> Citations:
    return Citations(html)


WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about which source is meant.
GENERIC = {"and", "the", "for", "of", "on", "in", "a", "an", "to", "with", "by", "from", "others", "et", "al",
           "study", "studies", "review", "page", "source", "sources", "article", "microneedling", "about"}


def words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if w not in GENERIC and (len(w) > 2 or w.isdigit())}


def misnamed_citations(links: list[tuple[str, str, str]], entries: dict[str, str]) -> list[str]:
    """Links whose label names another source than the one they point at.

    `links` holds (page, label, target id). A label names a source when it
    shares its rarest words (authors, organisations, years, title words) with
    that source's entry. A label fails when it shares no word with its own
    target, or when another source shares strictly more of its weight; a bare
    number ("12", "Source 12", "003") must be the target's own number."""
    vocab = {sid: words(text) for sid, text in entries.items()}
    df = Counter(w for ws in vocab.values() for w in ws)
    weight = {w: math.log(len(vocab) / n) + 0.1 for w, n in df.items()}
    problems = []
    for page, label, target in links:
        number = re.fullmatch(r"(?:source\s*|article\s*|\[)?(\d+)\]?", label.lower())
        if number:
            if int(number.group(1)) != int(target.rsplit("-", 1)[1]):
                problems.append(f"{page}: [{label}] points at {target}")
            continue
        label_words = words(label)
        score = {sid: sum(weight[w] for w in label_words & ws) for sid, ws in vocab.items()}
        best = max(score, key=score.get)
        if score.get(target, 0) == 0 or score[best] > score[target]:
            problems.append(f"{page}: [{label}] points at {target} but names {best}: {entries[best][:70]}")
    return problems


def edition_citations(built_site, edition: str):
    """(links, entries) of one edition: every citation link of its pages, and
    the entries of its own sources page."""
    entries = citations(built_site.html(edition_root(edition) + "sources/")).entries
    links = [(url, label, target) for url in built_site.pages(edition)
             for label, target in citations(built_site.html(url)).links]
    return links, entries


@pytest.fixture(scope="module")
def all_citations(built_site):
    return edition_citations(built_site, "en")


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_citation_names_the_source_it_links_to(built_site, edition):
    links, entries = edition_citations(built_site, edition)
    assert len(entries) >= 60 and len(links) >= 100
    problems = misnamed_citations(links, entries)
    assert not problems, "\n".join(problems)


def test_a_miscited_source_is_caught(all_citations):
    """The DermNet page linked to Juhasz and Cohen (the error this check was
    written for) fails, as does a bare number pointing elsewhere."""
    _, entries = all_citations
    dermnet = next(sid for sid, text in entries.items() if "DermNet" in text and "Needling" in text)
    juhasz = next(sid for sid, text in entries.items() if "Juhasz" in text)
    assert misnamed_citations([("/", "DermNet: Needling", dermnet)], entries) == []
    assert misnamed_citations([("/", "DermNet: Needling", juhasz)], entries)
    assert misnamed_citations([("/", "Source 3", "source-4")], entries)
