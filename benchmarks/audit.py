"""Lighthouse (mobile) on every page served gzipped by nginx, median of N runs (`make audit`)."""
from __future__ import annotations

import sys
from pathlib import Path

from microneedling_site.chromium import CHROMIUM, CHROMIUM_ARGS, launch_chromium
from microneedling_site.text import built_pages, page_url
from tests.helpers import ROOT, Nginx, free_port, load_search_queries, open_page, search_like_a_person

REPORTS = ROOT / "reports"


LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
METRICS = {"first-contentful-paint": "FCP ms", "largest-contentful-paint": "LCP ms",
           "total-blocking-time": "TBT ms", "cumulative-layout-shift": "CLS",
           "total-byte-weight": "bytes"}


def cmd_audit(args) -> int:
    """Build the site for a loopback address, serve it gzipped with nginx, run
    Lighthouse (mobile) on every page and write reports/audit.md and .json."""
    import json
    import os
    import subprocess
    import tempfile
    import time

    REPORTS.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="audit-"))
    port = free_port()
    site = work / "site"
    variant = None
    if args.without_loader:
        # A child config beside mkdocs.yml (INHERIT resolves paths from the child's folder).
        variant = ROOT / ".audit-without-loader.yml"
        variant.write_text(f"INHERIT: {args.config_file}\nextra:\n  start_scripts_after_paint: false\n")
        args.config_file = variant.name
    started = time.perf_counter()
    # Every edition (English, es/), as `make build` builds them.
    build = subprocess.run([sys.executable, "-m", "microneedling_site", "--config-file", args.config_file,
                            "build", str(site)],
                           cwd=ROOT, capture_output=True, text=True,
                           env={**os.environ, "SITE_URL": f"http://127.0.0.1:{port}/"})
    build_seconds = time.perf_counter() - started
    if variant:
        variant.unlink()
    if build.returncode:
        print(build.stderr, file=sys.stderr)
        return 1
    server = Nginx(site, work / "nginx", port=port)
    rows = []
    try:
        for page in built_pages(site):
            url = page_url(page, site)
            if args.pages and url not in args.pages:
                continue
            runs = [lighthouse(server.url.rstrip("/") + url, work / "lighthouse.json") for _ in range(args.runs)]
            # Lighthouse's own advice for noisy machines: several runs, keep the median.
            runs.sort(key=lambda run: (run["performance"], -run["TBT ms"]))
            row = {"page": url, **runs[len(runs) // 2],
                   "performance, all runs": " ".join(str(run["performance"]) for run in runs)}
            rows.append(row)
            print("  ".join(f"{k} {v}" for k, v in row.items()), flush=True)
    finally:
        server.stop()
    version = json.loads((work / "lighthouse.json").read_text())["lighthouseVersion"]
    lines = [f"# Lighthouse audit ({version}, mobile, gzip via nginx, config {args.config_file})", "",
             (f"Strict build time: {build_seconds:.1f} s. Pages: {len(rows)}. "
              f"Each row is the page's median of {args.runs} runs."), "",
             "| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(str(v) for v in row.values()) + " |" for row in rows]
    (REPORTS / f"{args.name}.md").write_text("\n".join(lines) + "\n")
    (REPORTS / f"{args.name}.json").write_text(json.dumps({"build_seconds": build_seconds, "runs": args.runs,
                                                    "pages": rows}, indent=2))
    print(f"build {build_seconds:.1f} s; lowest scores: " +
          ", ".join(f"{c} {min(r[c] for r in rows)}" for c in CATEGORIES) + f"; report: reports/{args.name}.md")
    return 0


def lighthouse(url: str, out: Path) -> dict:
    """One Lighthouse run (mobile) with Debian's Chromium: the four scores and the metrics."""
    import json
    import os
    import subprocess

    for attempt in range(3):  # Lighthouse sometimes fails to record a trace (NO_NAVSTART)
        out.unlink(missing_ok=True)
        # Its exit status is not used: a failed run may exit 0 or 1; the report says which.
        subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                        f"--only-categories={','.join(CATEGORIES)}",
                        "--chrome-flags=--headless=new " + " ".join(CHROMIUM_ARGS)],
                       check=False, env={**os.environ, "CHROME_PATH": CHROMIUM})
        result = json.loads(out.read_text()) if out.is_file() else {"runtimeError": {"code": "no report"}}
        if not result.get("runtimeError") and all(result["categories"][c]["score"] is not None for c in CATEGORIES):
            break
        print(f"  {url}: Lighthouse run failed ({(result.get('runtimeError') or {}).get('code')}), retrying")
    else:
        raise SystemExit(f"{url}: no valid Lighthouse run in 3 tries")
    run = {c: round(100 * result["categories"][c]["score"]) for c in CATEGORIES}
    run.update({label: round(result["audits"][key]["numericValue"], 3) if key.startswith("cumulative")
                else round(result["audits"][key]["numericValue"]) for key, label in METRICS.items()})
    return run
