"""Start a new review project (`evidence-site init DIR`), and say what a new project's review.yml
still needs (`check` prints it before the problem lines).

The fixed files (mkdocs.yml, README, workflows, the site's CSS and scripts) are copied from
project_template/. Three files are written from what the package already knows: review.yml from
the review schema (every field, each explained by its description, required values left null so
that `check` asks for them), published-urls.txt from the page registry, and requirements.txt
from the versions installed with this copy of the generator.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from importlib import metadata
from pathlib import Path

from . import PACKAGE_DIR, __version__, schemas
from .charts import PRISMA_PHASES
from .load import load_file
from .pages import PAGES
from .problems import path_str

TEMPLATE_DIR = PACKAGE_DIR / "project_template"
WIDTH = 96

HEADER = """\
# The review this site summarises. Every field is explained by the comment above it; the schema
# is evidence_site/schema/review.schema.json in the installed evidence-site package.
# `null` where a value is required is a placeholder: `python build_site.py check` lists each one,
# in the order to fill them. Write only what the review itself reports; leave null (where allowed)
# anything it does not give, and never fill a gap with a plausible value.
"""


class NotEmpty(Exception):
    """The target folder already has files in it."""


def init(target: Path) -> list[Path]:
    """Write a new project into target (created if missing; it must be empty). Returns the files written."""
    if target.exists() and not target.is_dir():
        raise NotEmpty(f"{target} is a file, not a folder; give a new or empty folder")
    if target.is_dir() and any(target.iterdir()):
        raise NotEmpty(f"{target} is not empty; give a new or empty folder, so that nothing there is overwritten")
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(TEMPLATE_DIR.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        dest = target / source.relative_to(TEMPLATE_DIR)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        written.append(dest)
    for name, text in (("review.yml", review_yml()), ("published-urls.txt", published_urls()),
                       ("requirements.txt", requirements())):
        (target / name).write_text(text, encoding="utf-8")
        written.append(target / name)
    return sorted(written)


# --- review.yml, from the schema -------------------------------------------------------------------

def review_yml() -> str:
    """Every field of the review schema in schema order, each with its description as a comment."""
    return HEADER + "".join(_fields(schemas.schema("review"), 0, top=True))


def _comment(text: str, indent: int) -> list[str]:
    pad = " " * indent
    return [f"{pad}# {line}\n" for line in textwrap.wrap(text, WIDTH - indent - 2)]


def _fields(node: dict, indent: int, top: bool = False) -> list[str]:
    node = schemas.resolve("review", node)
    required, pad, out = set(node.get("required", [])), " " * indent, []
    for name, declared in node.get("properties", {}).items():
        resolved = schemas.resolve("review", declared)
        kinds = schemas.types(resolved)
        words = schemas.description("review", declared) or ""
        if top:
            out.append("\n")
        if _is_container(resolved) or "null" in kinds:
            out += _comment(words, indent)
        elif name in required:
            out += _comment(f"Required. {words}", indent)
        else:  # optional, and null is not allowed: shown as a comment, to add only when there is a value
            out += _comment(f"Optional. {words} Add a line {name}: ... only when there is one.", indent)
            continue
        out += _value(name, resolved, kinds, indent, pad)
    return out


def _is_container(node: dict) -> bool:
    return bool({"object", "array"} & set(schemas.types(node)))


def _value(name: str, node: dict, kinds: list[str], indent: int, pad: str) -> list[str]:
    item = schemas.resolve("review", node.get("items", {})) if "array" in kinds else {}
    if "object" in kinds and "properties" in node and "null" in kinds:  # null until there is one: shape in comments
        shown = [f"{pad}#{line[len(pad):]}" for line in [f"{pad}{name}:\n"] + _fields(node, indent + 2)]
        return [f"{pad}# When there is one, it looks like this (remove the first # of each line and fill it in):\n"
                ] + shown + [f"{pad}{name}: null\n"]
    if "object" in kinds and "properties" in node and node.get("additionalProperties") is False:
        return [f"{pad}{name}:\n"] + _fields(node, indent + 2)
    if "object" in kinds and name == "prisma":  # the boxes of the flow diagram the site draws
        lines = [f"{pad}{name}:\n"]
        for _, stages in PRISMA_PHASES:
            for key, label in (stage for stage in stages if stage):
                lines += _comment(f"{label}.", indent + 2) + [f"{pad}  {key}: null\n"]
        return lines
    if "object" in kinds and "properties" in node:  # named entries, and others allowed (dates)
        return [f"{pad}{name}:\n"] + _fields(node, indent + 2)
    if "object" in kinds:  # a mapping keyed by codebook keys, filled once the codebook is
        return [f"{pad}{name}: {{}}\n"]
    if "array" in kinds and "properties" in item:
        entry = _fields(item, indent + 4)
        first = next(i for i, line in enumerate(entry) if not line.lstrip().startswith("#"))
        entry[first] = f"{pad}  - " + entry[first].lstrip()
        entry[:first] = [f"{pad}  " + line.lstrip() for line in entry[:first]]  # the entry's first comment
        if node.get("minItems") or "null" in kinds:  # at least one entry: a placeholder to fill
            return [f"{pad}{name}:\n"] + entry
        shown = [f"{pad}#{line[len(pad):]}" for line in entry]
        return [f"{pad}# An entry looks like this: remove the first # of each line, fill it in, one per item:\n"
                ] + shown + [
            f"{pad}{name}: []\n"]
    if "array" in kinds:
        return [f"{pad}{name}: {'null' if 'null' in kinds else '[]'}\n"]
    return [f"{pad}{name}: null\n"]


# --- published-urls.txt and requirements.txt --------------------------------------------------------

def published_urls() -> str:
    lines = ["# Addresses that have been published (press releases, citations, links). A build fails if one",
             "# stops resolving; when a page moves, add a redirect in mkdocs.yml instead of deleting a line.",
             "# After the first deploy, list the downloads and finding anchors with `python build_site.py urls`",
             "# and add the ones you publish."]
    return "\n".join(lines + [page.url for page in PAGES if page.published]) + "\n"


def requirements() -> str:
    """The generator and the exact versions of its direct dependencies as installed right now."""
    pins = []
    for requirement in metadata.requires("evidence-site") or []:
        if ";" in requirement and "extra ==" in requirement:
            continue
        name = requirement.split(";")[0].strip()
        for mark in "<>=!~[ (":
            name = name.split(mark)[0]
        try:
            pins.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    source = _source()
    head = ["# The generator that wrote this project, and the exact versions of what it needs, as",
            "# installed when `evidence-site init` ran. Update them together, then build and check."]
    if source.startswith("git+"):
        generator = f"evidence-site @ {source}"
    else:
        generator = f"evidence-site=={__version__}"
        if source:
            head += [f"# This copy of evidence-site was installed from {source}. If evidence-site {__version__} is",
                     "# not on your package index, replace the next line with where it comes from, for example",
                     "# evidence-site @ git+https://example.org/owner/evidence-site@v" + __version__]
    return "\n".join(head + [generator] + sorted(pins, key=str.lower)) + "\n"


def _source() -> str:
    """Where the installed evidence-site came from (PEP 610 direct_url.json), or '' from an index."""
    try:
        direct = json.loads(metadata.distribution("evidence-site").read_text("direct_url.json") or "{}")
    except metadata.PackageNotFoundError:
        return ""
    url, vcs = direct.get("url", ""), direct.get("vcs_info")
    if vcs and vcs.get("vcs") == "git":
        return f"git+{url}@{vcs.get('commit_id', '')}".rstrip("@")
    return url


# --- what a new review.yml still needs -------------------------------------------------------------

def to_fill(root: Path, name: str = "review.yml") -> str | None:
    """For a review.yml with required values still null: the sections to fill, in file order, each
    with its description, first line and the fields still empty. None when nothing is left null."""
    doc = load_file(root / name, name)
    if not isinstance(doc.data, dict):
        return None
    empty = list(_nulls(doc.data, schemas.schema("review"), ()))
    if not empty:
        return None
    sections: dict[str, list[tuple]] = {}
    for path in sorted(empty, key=lambda p: doc.where(p)):
        sections.setdefault(path[0], []).append(path)
    lines = [f"{name} still has {len(empty)} required value{'s' if len(empty) != 1 else ''} left null. "
             "Fill them in this order, from the top of the file, then run check again:"]
    for number, (section, paths) in enumerate(sections.items(), 1):
        about = schemas.description_at("review", (section,)) or ""
        fields = ", ".join(path_str(p[1:]) if len(p) > 1 else section for p in paths)
        lines.append(f"  {number}. {section} (line {doc.where((section,))[0]}): {about} Still null: {fields}.")
    lines.append("Then add the first study with: python build_site.py new <first-author> <year>")
    return "\n".join(lines)


def _nulls(data, node: dict, path: tuple):
    """Paths of required values that are null where the schema does not allow null."""
    node = schemas.resolve("review", node)
    if isinstance(data, dict):
        for key, declared in node.get("properties", {}).items():
            if key not in data:
                continue
            value, resolved = data[key], schemas.resolve("review", declared)
            if value is None and "null" not in schemas.types(resolved) and key in node.get("required", []):
                yield path + (key,)
            else:
                yield from _nulls(value, resolved, path + (key,))
    elif isinstance(data, list) and isinstance(node.get("items"), dict):
        for i, item in enumerate(data):
            yield from _nulls(item, node["items"], path + (i,))

