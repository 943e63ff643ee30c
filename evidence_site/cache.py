"""Study files loaded and checked once: the result is kept by the file's content.

A study file that loaded and passed the per-file checks (schema, inferred list, codebook) is kept,
as JSON: the loaded Document and its record with every optional field filled, under
.cache/evidence-site/ beside review.yml, named by a hash of: the package version, both schema
files, the review's codebook, the file's name and its bytes. Change any of them and the entry is
not found, so the file is loaded and checked again. Files with problems are never kept. The folder
is git-ignored and safe to delete at any time. Checks that depend on the date or on other files
(a date in the future, two files with one id) run on every build.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from . import PACKAGE_DIR, __version__
from .load import Document

FOLDER = Path(".cache") / "evidence-site"
TEMPLATES = "templates"  # compiled Jinja templates (the theme's and the package's), beside the study entries
FIGURES = "figures"  # figure PNGs, named by the hash of the SVG they were drawn from (reuse.png)


def figure_folder(root: Path) -> Path | None:
    """root/.cache/evidence-site/figures/, made if need be; None where it cannot be made."""
    folder = root / FOLDER / FIGURES
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def write_entry(target: Path, data: bytes) -> None:
    """Write a cache entry so that a reader never sees half of it; a read-only folder is no error."""
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except OSError:
        pass


class Reused:
    """Texts made from content, kept by a digest of that content in a dict the caller keeps across
    `serve`'s rebuilds (evidence_site/kept.py), or in a fresh one for a single build. After a pass,
    `prune` drops what the pass did not use, so the dict holds only the current build's texts."""

    def __init__(self, kept: dict | None) -> None:
        # Texts kept across rebuilds are held as UTF-8 (a str with one ▲ in it takes two bytes a
        # character); within one build they are the very strings the build uses, not copies.
        self.compact = kept is not None
        self.kept = {} if kept is None else kept
        self.used: set[str] = set()

    def text(self, *parts: str, make) -> str:
        key = hashlib.sha256("\0".join(parts).encode()).hexdigest()
        self.used.add(key)
        if key not in self.kept:
            text = make()
            self.kept[key] = text.encode("utf-8") if self.compact else text
            return text
        return self.kept[key].decode("utf-8") if self.compact else self.kept[key]

    def prune(self) -> None:
        for key in self.kept.keys() - self.used:
            del self.kept[key]


def template_cache(root: Path):
    """Jinja's bytecode cache in root/.cache/evidence-site/templates/: each template is compiled once,
    not on every build (a third of a small build's time). Jinja checks each entry against the
    template's source, so an edited template is compiled again. None where the folder cannot be made."""
    from jinja2 import FileSystemBytecodeCache

    folder = root / FOLDER / TEMPLATES
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only checkout still builds, compiling as it goes
        return None
    return FileSystemBytecodeCache(str(folder))


def salt(codebook: dict | None) -> bytes:
    """What every entry's key shares: the code's version, the schemas and the codebook."""
    digest = hashlib.sha256(__version__.encode())
    for name in ("study.schema.json", "review.schema.json"):
        digest.update((PACKAGE_DIR / "schema" / name).read_bytes())
    digest.update(json.dumps(codebook, sort_keys=True).encode())
    return digest.digest()


def key(salt_bytes: bytes, name: str, raw: bytes) -> str:
    return hashlib.sha256(salt_bytes + name.encode() + b"\0" + raw).hexdigest()


def study_cache_for(current: StudyCache | None, root: Path, keep: bool) -> StudyCache:
    """The cache to use for root: current if it is for root and keeps entries in memory as asked
    (one plugin instance can build several projects, and only serve keeps them), else a new one."""
    if current is not None and (current.root, current.keep) == (root, keep):
        return current
    return StudyCache(root, keep=keep)


class StudyCache:
    """Entries on disk under root/.cache/evidence-site/; with keep, also in memory for the life of
    the object (the plugin keeps one across `serve`'s rebuilds, so an unchanged file is not even
    read back). A build does not keep them: each entry holds every value's position for messages,
    which at 5,000 studies is about 40 MB of the build's peak memory."""

    def __init__(self, root: Path, keep: bool = False) -> None:
        self.root, self.folder, self.keep = root, root / FOLDER, keep
        self.memory: dict[str, tuple] = {}
        self.hits = self.misses = 0
        self.salt = b""
        self.checked: dict[str, dict] = {}  # file name -> filled record, for this build's files found here
        self.fresh: dict[str, str] = {}  # file name -> key, for this build's files loaded and checked anew

    def start(self, codebook: dict) -> None:
        self.salt, self.checked, self.fresh = salt(codebook), {}, {}

    def load(self, path: Path, name: str) -> Document:
        """The file's Document: from the cache if its content was checked before, else loaded."""
        from .load import load_bytes, load_file

        try:
            raw = path.read_bytes()
        except OSError:
            return load_file(path, name)  # says why it cannot be read
        entry = key(self.salt, name, raw)
        found = self.get(entry)
        if found is not None:
            self.checked[name] = found[1]
            return found[0]
        self.fresh[name] = entry
        return load_bytes(raw, name)

    def get(self, entry: str):
        if entry in self.memory:
            self.hits += 1
            return self.memory[entry]
        try:  # JSON, not pickle: reading an entry can never run code, whoever wrote the folder
            stored = json.loads((self.folder / entry[:2] / f"{entry}.json").read_bytes())
            doc = Document(stored["file"], stored["data"],
                           {tuple(path): (line, col) for path, line, col in stored["positions"]})
            value = (doc, stored["record"])
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        self.hits += 1
        if self.keep:
            self.memory[entry] = value
        return value

    def put(self, entry: str, doc: Document, record: dict) -> None:
        if self.keep:
            self.memory[entry] = (doc, record)
        target = self.folder / entry[:2] / f"{entry}.json"
        stored = {"file": doc.file, "data": doc.data, "record": record,
                  "positions": [[list(path), line, col] for path, (line, col) in doc.positions.items()]}
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError:  # a read-only checkout still builds, just without the cache
            return
        write_entry(target, json.dumps(stored, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
