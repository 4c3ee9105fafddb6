"""Structured data checked by someone else's tools, beside the project's own
assertions (tests/test_clinic.py): structured-data-testing-tool (Google and
social-media presets) on every page, and a TypeScript type check of every
JSON-LD block against schema-dts, which catches a misspelt property or a
value of the wrong type. Both are pinned in package.json."""
import json
import re
import subprocess

import pytest

from microneedling_site.text import parse_html
from tests.helpers import ROOT

SDTT_RUNNER = ROOT / "tests" / "structured-data.mjs"
TSC = ROOT / "node_modules" / ".bin" / "tsc"
IDENTIFIER = re.compile(r"[A-Za-z]+")


def json_ld_blocks(html: str) -> list[dict]:
    return [json.loads(script.text) for script in parse_html(html).iter("script")
            if script.get("type") == "application/ld+json"]


@pytest.fixture(scope="module", params=["neutral", "clinic"])
def pages(request, built_site, tmp_path_factory):
    """{url: html} of the neutral build and of a clinic's build (which adds
    publisher and reviewedBy)."""
    if request.param == "neutral":
        site = built_site
    else:
        from tests.test_clinic import CLINIC, write_clinic_config
        from tests.helpers import copy_project, strict_build

        project = copy_project(tmp_path_factory.mktemp("sd-project"))
        site = strict_build(project, tmp_path_factory.mktemp("sd-site"), config=write_clinic_config(project, CLINIC))
    return site, {url: site.html(url) for url in site.pages()}


def test_structured_data_testing_tool_passes_every_page(pages):
    site, html = pages
    files = [str(site.site / url.strip("/") / "index.html") for url in html]
    result = subprocess.run(["node", str(SDTT_RUNNER), json.dumps({"files": files, "schemas": ["MedicalWebPage"]})],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"structured-data-testing-tool: {len(report)} pages, "
          f"{sum(r['passed'] for r in report.values())} tests passed, "
          f"{sum(r['warnings'] for r in report.values())} warnings (optional Twitter handles)")
    failed = [f"{file}: {problem}" for file, r in report.items() for problem in r["failed"]]
    assert not failed, "\n".join(failed)
    assert all("MedicalWebPage" in r["schemas"] for r in report.values())


def test_json_ld_type_checks_against_schema_dts(pages, tmp_path):
    """Each block becomes `const block: WithContext<Type> = {...}` and must
    compile with `tsc --strict`: schema-dts rejects unknown properties."""
    site, html = pages
    lines = ['import type { WithContext, FAQPage, MedicalWebPage } from "schema-dts";', ""]
    blocks = 0
    for url, page in html.items():
        for data in json_ld_blocks(page):
            kind = data["@type"]
            assert kind in ("MedicalWebPage", "FAQPage"), f"{url}: no type check for {kind}"
            lines.append(f"// {url}")
            lines.append(f"export const block{blocks}: WithContext<{kind}> = {json.dumps(data, ensure_ascii=False)};")
            blocks += 1
    source = tmp_path / "json-ld.ts"
    source.write_text("\n".join(lines) + "\n")
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    result = subprocess.run([str(TSC), "--noEmit", "--strict", "--skipLibCheck", "--target", "es2020",
                             "--moduleResolution", "node", str(source)],
                            capture_output=True, text=True, cwd=tmp_path, timeout=300)
    print(f"schema-dts: {blocks} JSON-LD blocks type-checked")
    assert blocks > len(html)
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_misspelt_property_fails_the_type_check(tmp_path):
    """The type check is not blind."""
    source = tmp_path / "bad.ts"
    source.write_text('import type { WithContext, MedicalWebPage } from "schema-dts";\n'
                      'export const page: WithContext<MedicalWebPage> = {"@context": "https://schema.org", '
                      '"@type": "MedicalWebPage", "lastReviewd": "2026-01-01"};\n')
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    result = subprocess.run([str(TSC), "--noEmit", "--strict", "--skipLibCheck", "--moduleResolution", "node",
                             str(source)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode != 0 and "lastReviewd" in result.stdout
