"""Run the pipeline (load, validate, aggregate) and the MkDocs build, swapping the result in atomically."""

from __future__ import annotations

import datetime
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .aggregate import Summary, consistency_problems, summarise
from .cache import StudyCache, study_cache_for
from .load import Document, load_file
from .problems import InputError, Problem
from .validate import fill_optional, validate_review, validate_studies


@dataclass
class Site:
    root: Path
    review: dict
    studies: list[dict]
    summary: Summary


def load_studies(root: Path, studies: str = "studies", cache: StudyCache | None = None) -> list[Document]:
    folder = root / studies
    docs = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        name = f"{studies}/{path.name}"
        if path.name.startswith("."):
            continue
        if path.is_symlink():  # a pull request can add a link to any file on the build machine
            docs.append(Document(name, problems=[Problem(name, 1, 1, "(file)",
                        "is a symbolic link; a study file must be an ordinary file in studies/", "not-a-file")]))
            continue
        if path.is_dir():
            continue
        if path.suffix != ".yml":
            docs.append(Document(name, problems=[Problem(name, 1, 1, "(file)",
                        "study files must end in .yml; rename it to <id>.yml", "bad-file-name")]))
            continue
        docs.append(cache.load(path, name) if cache else load_file(path, name))
    return docs


def prepare(root: Path, review: str = "review.yml", studies: str = "studies", cache: StudyCache | None = None) -> Site:
    """Load and check every input file (paths relative to root); raise InputError listing every problem found.

    Study files whose content was checked before come from the cache (evidence_site/cache.py);
    a StudyCache made with keep=True (the plugin's, while serving) also keeps them in memory."""
    review_doc = load_file(root / review, review)
    problems = list(review_doc.problems)
    if review_doc.data is not None:
        problems += validate_review(review_doc)
    review_ok = review_doc.data is not None and not problems
    cache = (cache or StudyCache(root)) if review_ok else None
    if cache:
        cache.start(review_doc.data["codebook"])
    docs = load_studies(root, studies, cache)
    for doc in docs:
        problems += doc.problems
    problems += validate_studies(docs, review_doc.data["codebook"] if review_ok else None,
                                 review=review_doc.data if review_ok else None,
                                 checked=set(cache.checked) if cache else ())
    filled = dict(cache.checked) if cache else {}
    if cache:  # files that passed every check are kept, even when another file has problems
        failed = {problem.file for problem in problems}
        for doc in docs:
            if doc.file in cache.fresh and doc.file not in failed:
                filled[doc.file] = fill_optional(doc.data, "study")
                cache.put(cache.fresh[doc.file], doc, filled[doc.file])
    if problems:
        raise InputError(problems)
    records = sorted((filled.get(doc.file) or fill_optional(doc.data, "study") for doc in docs), key=lambda s: s["id"])
    data = fill_optional(review_doc.data, "review")
    problems = consistency_problems(review_doc, records, docs)
    if problems:
        raise InputError(problems)
    return Site(root, data, records, summarise(data, records))


def build(root: Path, site_dir: Path | None = None) -> Path:
    """Check inputs, build into a fresh folder, then swap it in for site_dir. Returns site_dir.

    If anything fails, the previous site_dir is left exactly as it was.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    root = root.resolve()
    site_dir = (site_dir or root / "site").resolve()
    if site_dir.parent.is_dir():
        _clean_leftovers(site_dir)
    config = load_config(str(root / "mkdocs.yml"), strict=True)
    # As `mkdocs build` does. MkDocs keeps one instance of a plugin with on_startup for the life of
    # the process, so this also ends anything an earlier `serve` in the same process set.
    config.plugins.on_startup(command="build", dirty=False)
    plugin = evidence_plugin(config)
    plugin.study_cache = study_cache_for(plugin.study_cache, root, keep=False)  # a build keeps entries on disk only
    site = prepare(root, plugin.config.review, plugin.config.studies, plugin.study_cache)
    plugin.prepared = site  # checked once: the plugin builds from it instead of loading the files again
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".site-build-{os.getpid()}-", dir=site_dir.parent))
    config.site_dir = str(staging)
    epoch_was_set = "SOURCE_DATE_EPOCH" in os.environ
    if not epoch_was_set:  # dates in the sitemap come from the data, never the clock: reproducible builds
        os.environ["SOURCE_DATE_EPOCH"] = str(data_epoch(site))
    try:
        mkdocs_build(config)
        if plugin.dropped:  # published addresses that no longer resolve, as the command's own problem lines
            raise InputError(plugin.dropped)
        _swap(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not epoch_was_set:
            del os.environ["SOURCE_DATE_EPOCH"]
    return site_dir


def evidence_plugin(config):
    """The EvidencePlugin instance of a loaded MkDocs config (mkdocs.yml must list it under plugins)."""
    from .plugin import EvidencePlugin

    for plugin in config.plugins.values():
        if isinstance(plugin, EvidencePlugin):
            return plugin
    raise InputError([Problem("mkdocs.yml", 1, 1, "plugins", "the evidence-site plugin is not listed; add "
                              "'- evidence-site' under plugins:", "no-plugin")])


def _clean_leftovers(site_dir: Path) -> None:
    """Remove what builds that were killed left beside site_dir (their folders carry their process
    id): staging folders, and the previous site moved aside for the swap, which goes back into
    place if the kill came between the two renames."""
    for path in sorted(site_dir.parent.iterdir()):
        staging = re.match(r"\.site-build-(\d+)-", path.name)
        old = re.fullmatch(rf"\.{re.escape(site_dir.name)}-old-(\d+)", path.name)
        match = staging or old
        if not match or _alive(int(match.group(1))):
            continue
        if old and not site_dir.exists():
            os.rename(path, site_dir)
        else:
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    if os.name != "posix" or pid == os.getpid():
        return True  # cannot tell safely, or this very build: keep it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def data_epoch(site: Site) -> int:
    """Midnight UTC of the newest date in the data (study added/updated, else the review's publication)."""
    date = site.summary.data_date or (site.review.get("dates") or {}).get("published") \
        or f"{site.review['citation']['year']}-01-01"
    return int(datetime.datetime.fromisoformat(date).replace(tzinfo=datetime.timezone.utc).timestamp())


def _swap(new: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        os.rename(target, old)
    os.rename(new, target)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def quiet_mkdocs_logging() -> None:
    """Show MkDocs warnings and errors (they fail a strict build) without its info chatter."""
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
