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


@pytest.fixture(scope="module")
def pages(built_site, clinic_site) -> dict:
    """{(build, url): page file} of the neutral build and of a clinic's build
    (which adds publisher and reviewedBy)."""
    return {(name, url): site.site / url.strip("/") / "index.html"
            for name, site in (("neutral", built_site), ("clinic", clinic_site)) for url in site.pages("all")}


def test_structured_data_testing_tool_passes_every_page(pages):
    files = [str(path) for path in pages.values()]
    result = subprocess.run(["node", str(SDTT_RUNNER), json.dumps({"files": files, "schemas": ["MedicalWebPage"]})],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"structured-data-testing-tool: {len(report)} pages (neutral and clinic builds), "
          f"{sum(r['passed'] for r in report.values())} tests passed, "
          f"{sum(r['warnings'] for r in report.values())} warnings (optional Twitter handles)")
    failed = [f"{file}: {problem}" for file, r in report.items() for problem in r["failed"]]
    assert not failed, "\n".join(failed)
    assert len(report) == len(files) and all("MedicalWebPage" in r["schemas"] for r in report.values())


@pytest.mark.slow
def test_json_ld_type_checks_against_schema_dts(pages, tmp_path):
    """Each block becomes `const block: WithContext<Type> = {...}` and must
    compile with `tsc --strict`: schema-dts rejects unknown properties."""
    lines = ['import type { WithContext, FAQPage, MedicalWebPage } from "schema-dts";', ""]
    blocks = 0
    for (build, url), path in pages.items():
        for data in json_ld_blocks(path.read_text(encoding="utf-8")):
            kind = data["@type"]
            assert kind in ("MedicalWebPage", "FAQPage"), f"{build} {url}: no type check for {kind}"
            lines.append(f"// {build} {url}")
            lines.append(f"export const block{blocks}: WithContext<{kind}> = {json.dumps(data, ensure_ascii=False)};")
            blocks += 1
    assert blocks > len(pages)
    result = type_check(tmp_path, "\n".join(lines) + "\n")
    print(f"schema-dts: {blocks} JSON-LD blocks type-checked (neutral and clinic builds)")
    assert result.returncode == 0, result.stdout[-3000:]


def type_check(folder, source: str) -> subprocess.CompletedProcess:
    (folder / "json-ld.ts").write_text(source)
    (folder / "node_modules").symlink_to(ROOT / "node_modules")
    return subprocess.run([str(TSC), "--noEmit", "--strict", "--skipLibCheck", "--target", "es2020",
                           "--moduleResolution", "node", "json-ld.ts"],
                          capture_output=True, text=True, cwd=folder, timeout=300)


def test_a_misspelt_property_fails_the_type_check(tmp_path):
    """The type check is not blind."""
    result = type_check(tmp_path, 'import type { WithContext, MedicalWebPage } from "schema-dts";\n'
                        'export const page: WithContext<MedicalWebPage> = {"@context": "https://schema.org", '
                        '"@type": "MedicalWebPage", "lastReviewd": "2026-01-01"};\n')
    assert result.returncode != 0 and "lastReviewd" in result.stdout
