#!/usr/bin/env python3
"""Scale benchmark: build made-up reviews of 23, 500 and 5,000 studies and print one table.

    .venv/bin/python benchmarks/run.py            # all sizes (about 3 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py 23 500     # chosen sizes

For each size: the seconds of each stage of a first build (load+validate, render, Markdown, theme
templates, search, writing files; "other" is the rest: MkDocs' own work, the plugins' hooks), the
total, the same build again in a new process with .cache/ warm ("again": a maintainer's next
build), peak memory of the first build's process, the one-file rebuild (mkdocs serve's rebuild after one
study file is saved, same plugin instance) and its share of a full build, what serve keeps in memory
between saves (the kept pages, conversions and renders), size of site/, of the search index, and the compressed bytes of /,
/studies/ and one study page (their own HTML; the theme's shared CSS/JS are excluded). It also
builds the same number of plain pages kept out of the navigation with bare MkDocs + Material and
prints total / bare. Everything happens in a temporary folder; nothing is written to studies/.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from synthetic import make_project  # noqa: E402

MEASURE = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
root = Path(sys.argv[2])
import mkdocs.structure.pages, mkdocs.structure.files, mkdocs.utils, jinja2
from material.plugins.search import plugin as material_search
from evidence_site import build as pipeline, plugin as evidence
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

# Each stage's own time (a stage running inside another is taken out of the outer one).
stages = dict.fromkeys(["load+validate", "render", "markdown", "theme", "search", "write"], 0.0)
running = []

def timed(owner, name, stage):
    original = getattr(owner, name)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        running.append(0.0)
        try:
            return original(*args, **kwargs)
        finally:
            spent = time.perf_counter() - start
            inner = running.pop()
            stages[stage(*args) if callable(stage) else stage] += spent - inner
            if running:
                running[-1] += spent
    setattr(owner, name, wrapper)

timed(pipeline, "prepare", "load+validate")
timed(evidence, "render_pages", "render")
timed(mkdocs.structure.pages.Page, "render", "markdown")
# The generator's own templates (*.j2) are its rendering; the rest are the theme's.
timed(jinja2.Template, "render", lambda template, *_: "render" if str(template.name).endswith(".j2") else "theme")
timed(material_search.SearchIndex, "add_entry_from_context", "search")
timed(material_search.SearchIndex, "generate_search_index", "search")
timed(evidence, "study_entries", "search")
timed(mkdocs.utils, "write_file", "write")
timed(mkdocs.structure.files.File, "copy_file", "write")

pipeline.quiet_mkdocs_logging()
t0 = time.perf_counter()
pipeline.build(root, root / "site")  # a first build: nothing cached yet
total = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
full = dict(stages)

# A serve session: mkdocs serve's first build, then one study file saved and the rebuild serve runs
# (serve loads the config again for each rebuild; the plugin instance persists, as in serve).
config = load_config(str(root / "mkdocs.yml"))
config.plugins.on_startup(command="serve", dirty=False)
config.site_dir = str(root / "serve-site")
mkdocs_build(config)
study = sorted((root / "studies").glob("*.yml"))[len(list((root / "studies").glob("*.yml"))) // 2]
study.write_text(study.read_text(encoding="utf-8").replace("design: Made-up", "design: Edited made-up", 1), encoding="utf-8")
config = load_config(str(root / "mkdocs.yml"))
config.site_dir = str(root / "serve-site")
t1 = time.perf_counter()
mkdocs_build(config)
rebuild = time.perf_counter() - t1
# What serve holds between saves (evidence_site/kept.py): the memory of every kept text, each once.
kept = config.plugins["evidence-site"].kept
held = ([html for _, html in kept.output.values()] + [c.content for c in kept.converted.values()]
        + [c.markdown for c in kept.converted.values()] + list(kept.renders.values()))
kept_mb = sum(sys.getsizeof(text) for text in {id(text): text for text in held}.values()) / 2**20
print(json.dumps({"total": total, "peak_mb": peak, "stages": full, "rebuild": rebuild, "kept_mb": kept_mb}))
"""

# The same build again in a new process, as a maintainer's next `build_site.py build`: nothing in
# memory, but the checked study files, compiled templates and drawn figures are in .cache/.
AGAIN = r"""
import json, sys, time
from pathlib import Path
from evidence_site import build as pipeline
pipeline.quiet_mkdocs_logging()
root = Path(sys.argv[1])
t = time.perf_counter()
pipeline.build(root, root / "site-again")
print(json.dumps({"total": time.perf_counter() - t}))
"""

BARE = r"""
import resource, sys, time, json
from mkdocs.commands.build import build
from mkdocs.config import load_config
t = time.perf_counter()
build(load_config(sys.argv[1], strict=False))
print(json.dumps({"total": time.perf_counter() - t,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6)) if path.exists() else 0


def bare_project(dest: Path, n: int) -> Path:
    (dest / "docs" / "p").mkdir(parents=True)
    (dest / "docs" / "index.md").write_text("# Home\n")
    for i in range(n):
        (dest / "docs" / "p" / f"page{i:05d}.md").write_text(f"# Page {i}\n\nSome text for page {i}.\n")
    (dest / "mkdocs.yml").write_text("site_name: bare\nnav:\n  - index.md\ntheme:\n  name: material\n  font: false\n"
                                     "validation:\n  nav:\n    omitted_files: ignore\nplugins:\n  - search\n")
    return dest / "mkdocs.yml"


def measure(n: int, work: Path) -> dict:
    project = make_project(work / f"review-{n}", n)
    run = subprocess.run([sys.executable, "-c", MEASURE, str(project), str(project)],
                         capture_output=True, text=True)
    if run.returncode:
        raise SystemExit(f"the build of {n} made-up studies failed:\n{run.stderr}")
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    again = subprocess.run([sys.executable, "-c", AGAIN, str(project)], capture_output=True, text=True, check=True)
    site = project / "site"
    first = next(p for p in sorted((site / "studies").iterdir()) if p.is_dir() and p.name not in ("type", "outcome")) / "index.html"
    bare = subprocess.run([sys.executable, "-c", BARE, str(bare_project(work / f"bare-{n}", n))],
                          capture_output=True, text=True, check=True, cwd=work / f"bare-{n}")
    bare_total = json.loads(bare.stdout.strip().splitlines()[-1])["total"]
    return {
        "studies": n,
        "stages": figures["stages"],
        "rebuild_s": figures["rebuild"],
        "kept_mb": figures["kept_mb"],
        "total_s": figures["total"],
        "again_s": json.loads(again.stdout.strip().splitlines()[-1])["total"],
        "peak_mb": figures["peak_mb"],
        "site_mb": folder_bytes(site) / 1e6,
        "search_kb": (site / "search" / "search_index.json").stat().st_size / 1e3,
        "home_kb_gz": gz(site / "index.html") / 1e3,
        "studies_kb_gz": gz(site / "studies" / "index.html") / 1e3,
        "study_kb_gz": gz(first) / 1e3,
        "bare_s": bare_total,
    }


def main(sizes: list[int]) -> None:
    stages = ("load+validate", "render", "markdown", "theme", "search", "write")
    header = ("studies", *(f"{stage} s" for stage in stages), "other s", "total s", "again s", "peak MB", "bare s",
              "total/bare", "again/bare",
              "one-file rebuild s", "rebuild/total", "serve kept MB", "site MB", "search KB", "/ KB gz", "/studies/ KB gz", "study KB gz")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    with tempfile.TemporaryDirectory(prefix="evidence-bench-") as tmp:
        for n in sizes:
            r = measure(n, Path(tmp))
            other = r["total_s"] - sum(r["stages"].values())
            print(" | ".join([
                f"{r['studies']:,}", *(f"{r['stages'][stage]:.2f}" for stage in stages), f"{other:.2f}",
                f"{r['total_s']:.2f}", f"{r['again_s']:.2f}", f"{r['peak_mb']:.0f}", f"{r['bare_s']:.2f}",
                f"{r['total_s'] / r['bare_s']:.2f}", f"{r['again_s'] / r['bare_s']:.2f}",
                f"{r['rebuild_s']:.2f}", f"{r['rebuild_s'] / r['total_s']:.2f}", f"{r['kept_mb']:.0f}", f"{r['site_mb']:.1f}",
                f"{r['search_kb']:.0f}", f"{r['home_kb_gz']:.1f}", f"{r['studies_kb_gz']:.1f}",
                f"{r['study_kb_gz']:.1f}"]), flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [23, 500, 5000])
