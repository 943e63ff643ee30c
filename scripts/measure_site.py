"""Measure the site as readers get it, in Debian's Chromium, and say whether it meets its targets.

    .venv/bin/python scripts/measure_site.py [--site DIR] [--runs N] [--no-lighthouse]

Builds the project into a temporary folder (or takes an already built --site), serves it on
127.0.0.1 the way a static host does (index pages, 404 page, gzip), and prints:

- axe-core WCAG 2.0/2.1/2.2 A and AA violations on every page, light and dark palette and 360 px;
- requests to other hosts, failed requests, error responses and console errors on every page;
- broken internal links and anchors;
- the page weight of / and /studies/: bytes transferred on a cold load, and how many requests;
- Lighthouse (npm `lighthouse`, mobile setting, the median of --runs runs) for /, /findings/,
  /studies/ and a study page. Lighthouse is installed into .cache/lighthouse (git-ignored) on
  first use, and drives the same Chromium through CHROME_PATH.

It uses the same checks as the browser tests (tests/browser/sitecheck.py). Reports go to
artifacts/measure/ (git-ignored). The exit status is 1 when any target is missed: 0 violations,
0 requests to other hosts, 0 broken links, Lighthouse 100 for accessibility, best practices and
SEO, and at least 95 for performance.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

import sitecheck  # noqa: E402
from siteserver import serve  # noqa: E402

LIGHTHOUSE = "12.8.2"  # 13.x needs Node.js 22; Debian's is 20
LIGHTHOUSE_DIR = ROOT / ".cache" / "lighthouse"
OUT = ROOT / "artifacts" / "measure"
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def page_weight(browser, base: str, path: str) -> dict:
    """Bytes on the wire (headers and compressed bodies) and request count for a cold load."""
    context = browser.new_context()
    try:
        page = context.new_page()
        recorder = sitecheck.Recorder(base)
        recorder.attach(context, page)
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        page.goto(base + path, wait_until="load")
        recorder.settle(page)
        wire = body = 0
        for request in finished:
            sizes = request.sizes()
            wire += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            response = request.response()
            body += len(response.body()) if response and response.status == 200 else 0
        return {"path": path, "requests": len(finished), "transferred": wire, "uncompressed": body}
    finally:
        context.close()


def check_pages(browser, base: str, pages: list[str]) -> dict:
    phone = {"width": 360, "height": 740}
    runs = {
        "light": sitecheck.visit_all(browser, base, pages, links=sitecheck.LinkChecker(base), cold=True),
        "dark": sitecheck.visit_all(browser, base, pages, color_scheme="dark"),
        "phone 360 px": sitecheck.visit_all(browser, base, pages, viewport=phone),
    }
    axe = {name: [f"{r.path}: {line}" for r in reports.values() for line in sitecheck.describe_violations(r.violations)]
           for name, reports in runs.items()}
    reports = [r for reports in runs.values() for r in reports.values()]
    return {
        "pages": pages,
        "axe": axe,
        "external": sorted({u for r in reports for line in r.network if line.startswith("request to another host")
                            for u in [line.split(": ", 1)[1]]}),
        "network": sorted({f"{r.path}: {line}" for r in reports for line in r.network}),
        "broken_links": [line for r in runs["light"].values() for line in r.broken_links],
        "sideways": [f"{r.path}: {r.overflow} px" for r in runs["phone 360 px"].values() if r.overflow > 0],
    }


def lighthouse_bin() -> Path:
    binary = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    version_file = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "package.json"
    if not binary.exists() or json.loads(version_file.read_text())["version"] != LIGHTHOUSE:
        LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
        print(f"installing lighthouse {LIGHTHOUSE} into {LIGHTHOUSE_DIR} ...", flush=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", f"lighthouse@{LIGHTHOUSE}"],
                       cwd=LIGHTHOUSE_DIR, check=True)
    return binary


def lighthouse(binary: Path, chromium: str, url: str, report: Path) -> dict:
    # Lighthouse splits --chrome-flags on spaces, so a value with spaces is quoted: --name="a b".
    flags = " ".join(f'{a.split("=", 1)[0]}="{a.split("=", 1)[1]}"' if " " in a else a
                     for a in ["--headless=new", *sitecheck.CHROMIUM_ARGS])
    command = [str(binary), url, "--quiet", "--output=json", "--output=html", f"--output-path={report}",
               f"--chrome-flags={flags}", "--only-categories=performance,accessibility,best-practices,seo"]
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": chromium})
    result = json.loads(report.with_suffix(".report.json").read_text())
    scores = {k: round(v["score"] * 100) for k, v in result["categories"].items()}
    misses = [f"{ref['id']} ({result['audits'][ref['id']]['score']})"
              for cat in result["categories"].values() for ref in cat["auditRefs"]
              if ref["weight"] > 0 and (result["audits"][ref["id"]]["score"] or 0) < 1
              and result["audits"][ref["id"]]["scoreDisplayMode"] not in ("notApplicable", "manual", "informative")]
    return {"scores": scores, "misses": misses}


def measure_lighthouse(chromium: str, base: str, paths: list[str], runs: int) -> dict:
    binary = lighthouse_bin()
    results = {}
    for path in paths:
        attempts = []
        for run in range(runs):
            name = (path.strip("/").replace("/", "-") or "index") + f"-{run + 1}"
            attempts.append(lighthouse(binary, chromium, base + path, OUT / "lighthouse" / name))
        scores = {k: statistics.median(a["scores"][k] for a in attempts) for k in attempts[0]["scores"]}
        results[path] = {"scores": scores, "runs": [a["scores"] for a in attempts],
                         "misses": sorted({m for a in attempts for m in a["misses"]})}
    return results


def report(pages: dict, weights: list[dict], lh: dict | None) -> list[str]:
    """Print the figures; return the targets missed."""
    missed = []
    print(f"\nPages checked (every HTML file of the build): {len(pages['pages'])}")
    for name, lines in pages["axe"].items():
        print(f"axe-core WCAG 2.2 A/AA violations, {name}: {len(lines)}")
        print("".join(f"  {line}\n" for line in lines), end="")
        missed += [f"axe ({name})"] if lines else []
    print(f"Requests to other hosts: {len(pages['external'])}")
    print("".join(f"  {u}\n" for u in pages["external"]), end="")
    print(f"Failed requests, error responses and console errors: {len(pages['network']) - len(pages['external'])}")
    print("".join(f"  {line}\n" for line in pages["network"]), end="")
    print(f"Broken internal links and anchors: {len(pages['broken_links'])}")
    print("".join(f"  {line}\n" for line in pages["broken_links"]), end="")
    print(f"Pages wider than a 360 px screen: {len(pages['sideways'])}")
    missed += [t for t, bad in [("other hosts", pages["external"]), ("network", pages["network"]),
                                ("links", pages["broken_links"]), ("360 px", pages["sideways"])] if bad]
    for w in weights:
        print(f"Page weight of {w['path']} (cold load): {w['transferred']:,} bytes transferred "
              f"({w['uncompressed']:,} bytes uncompressed) in {w['requests']} requests")
    if lh:
        print("Lighthouse (mobile; median of runs): performance / accessibility / best practices / SEO")
        for path, result in lh.items():
            s = result["scores"]
            print(f"  {path}: {s['performance']:g} / {s['accessibility']:g} / {s['best-practices']:g} / {s['seo']:g}"
                  f"   runs: {result['runs']}")
            if result["misses"]:
                print(f"    audits below full marks: {', '.join(result['misses'])}")
            missed += [f"lighthouse {k} {path}" for k, t in TARGETS.items() if s[k] < t]
    return missed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="an already built site folder (default: build one now)")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (the median is reported)")
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args(argv)

    chromium = sitecheck.find_chromium()
    if chromium is None:
        print(f"no chromium on PATH: {sitecheck.INSTALL_HINT}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "lighthouse").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="measure-") as tmp:
        site = args.site
        if site is None:
            from evidence_site.build import build

            site = build(ROOT, Path(tmp) / "site")
        pages = sitecheck.discover_pages(site)
        study = next(p for p in pages if p.startswith("/studies/") and p != "/studies/")
        with serve(site) as base, sync_playwright() as playwright:
            browser = sitecheck.launch(playwright, chromium)
            checked = check_pages(browser, base, pages)
            weights = [page_weight(browser, base, p) for p in ("/", "/studies/")]
            browser.close()
            lh = None if args.no_lighthouse else measure_lighthouse(
                chromium, base, ["/", "/findings/", "/studies/", study], args.runs)
    summary = {"pages": checked, "weights": weights, "lighthouse": lh}
    (OUT / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    missed = report(checked, weights, lh)
    print(f"\n{'All targets met.' if not missed else 'Targets missed: ' + ', '.join(missed)}"
          f" (details in {OUT.relative_to(ROOT)}/)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
