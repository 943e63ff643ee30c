"""Made-up reviews of any size, for benchmarks and scale tests. NOT real data: every study is
invented, labelled as such, and written only into a temporary folder (never into studies/)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PARTS = ["mkdocs.yml", "docs", "overrides", "evidence_site", "build_site.py"]


def make_project(dest: Path, n_studies: int, seed: int = 1) -> Path:
    """A project folder whose review.yml reports exactly n_studies, each with a made-up study file."""
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    for part in PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / part)
    review = yaml.safe_load((ROOT / "review.yml").read_text(encoding="utf-8"))
    codebook = review["codebook"]
    types = [c["key"] for c in codebook["intervention_types"]]
    outcomes = [c["key"] for c in codebook["outcomes"]]
    effects = [c["key"] for c in codebook["effects"]]
    ratings = [c["key"] for c in codebook["quality_ratings"]]
    (dest / "studies").mkdir(exist_ok=True)
    counts = {"overall": {e: 0 for e in effects}, "types": {t: {"studies": 0, effects[0]: 0} for t in types},
              "outcomes": {o: {"studies": 0, effects[0]: 0} for o in outcomes}, "quality": {r: 0 for r in ratings}}
    for i in range(n_studies):
        kind, effect, rating = rng.choice(types), rng.choice(effects), rng.choice(ratings)
        domains = rng.sample(outcomes, rng.randint(1, 3))
        study_outcomes = [{"domain": d, "name": d.replace("-", " "), "instrument": f"Made-up scale {rng.randint(1, 9)}",
                           "effect": rng.choice(effects), "effect_size": f"d={rng.random():.2f}", "note": None}
                          for d in domains]
        counts["overall"][effect] += 1
        counts["types"][kind]["studies"] += 1
        counts["types"][kind][effects[0]] += effect == effects[0]
        counts["quality"][rating] += 1
        for o in study_outcomes:
            counts["outcomes"][o["domain"]]["studies"] += 1
            counts["outcomes"][o["domain"]][effects[0]] += o["effect"] == effects[0]
        sid = f"synthetic{i:05d}-{2000 + i % 25}"
        study = {
            "id": sid, "review_reference": i + 1,
            "citation": {"authors": [f"Made Up{i}", "Invented Person"], "year": 2000 + i % 25,
                         "title": f"A made-up study number {i} for benchmarks", "journal": "Journal of Synthetic Data",
                         "volume": str(i % 40), "issue": None, "pages": f"{i}-{i + 9}", "doi": f"10.9999/synthetic.{i}"},
            "country": [rng.choice(["United Kingdom", "Denmark", "Australia", "United States"])],
            "design": "Made-up randomised experiment", "sample": {"size": rng.randint(20, 2000), "size_note": None,
                                                                 "population": "Invented adults", "mean_age": None,
                                                                 "percent_female": None},
            "intervention": {"type": kind, "description": "An invented intervention.", "platforms": ["Facebook"],
                             "duration": "1 week"},
            "comparator": "Usual use", "follow_up": None, "outcomes": study_outcomes, "outcomes_note": None,
            "overall_effect": effect, "overall_effect_note": None, "review_finding": None,
            "quality": {"global": rating, "components": None}, "inferred": [], "sources": [],
            "added": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", "updated": None,
        }
        text = "# MADE-UP BENCHMARK STUDY, NOT REAL DATA\n" + yaml.safe_dump(study, sort_keys=False, allow_unicode=True)
        (dest / "studies" / f"{sid}.yml").write_text(text, encoding="utf-8")
    reported = review["reported"]
    reported.update(included_studies=n_studies, overall=counts["overall"], by_intervention_type=counts["types"],
                    by_outcome=counts["outcomes"], quality=counts["quality"])
    reported["student_convenience_samples"] = None
    review["prisma"] = {"records_identified": n_studies * 10, "included": n_studies}
    review["limitations"] = [item for item in review["limitations"] if not item.get("figure")]
    review["site"]["title"] = f"Made-up review of {n_studies} studies"
    # The registry's published pages only: the real list also names the real studies' pages.
    from evidence_site.pages import PAGES
    (dest / "published-urls.txt").write_text("".join(f"{page.url}\n" for page in PAGES if page.published))
    (dest / "review.yml").write_text("# MADE-UP BENCHMARK REVIEW, NOT REAL DATA\n"
                                     + yaml.safe_dump(review, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return dest
