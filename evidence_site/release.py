"""This site's own release: its version, the terms of its text, data and code, what every page's
footer shows, and the notes a version tag publishes.

These facts are the site's, not the review's: the review is cited as the source, under its
publisher's terms. `python -m evidence_site.release notes v<version>` prints the CHANGELOG.md
section of that version, and fails if the tag, __version__ and CHANGELOG.md disagree (the release
workflow runs it before publishing anything).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import __version__
from .aggregate import Summary

ROOT = Path(__file__).resolve().parent.parent
# Keep a Changelog release headings: "## [2026.12.0] - 2026-12-02"
_RELEASE = re.compile(r"^## \[(?P<version>[^\]]+)\] - (?P<date>\d{4}-\d{2}-\d{2})\s*$", re.M)


def footer_facts(review: dict, summary: Summary) -> dict:
    """What the footer of every page shows (config.extra.release): version, data date, terms, source."""
    c, site = review["citation"], review["site"]
    return {
        "version": __version__,
        "year": __version__.split(".")[0],  # CalVer: the version starts with the year of the release
        "data_date": summary.data_date,
        "title": site["title"],
        "license": site.get("license"),
        "review_doi_url": f"https://doi.org/{c['doi']}",
        "review_doi": c["doi"],
        "review_license": c.get("license"),
    }


def releases(changelog: str) -> list[tuple[str, str]]:
    """(version, date) of each release in a Keep a Changelog file, newest first."""
    return [(m["version"], m["date"]) for m in _RELEASE.finditer(changelog)]


def release_notes(changelog: str, version: str) -> str:
    """The text under the heading of one release, up to the next release heading (link
    references at the end of the file are left out)."""
    headings = list(re.finditer(r"^## ", changelog, re.M))
    for match in _RELEASE.finditer(changelog):
        if match["version"] == version:
            end = next((h.start() for h in headings if h.start() > match.start()), len(changelog))
            lines = changelog[match.end():end].strip().splitlines()
            return "\n".join(line for line in lines if not re.match(r"\[[^\]]+\]: ", line)).strip() + "\n"
    raise ValueError(f"CHANGELOG.md has no '## [{version}] - <date>' heading")


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "notes":
        print("usage: python -m evidence_site.release notes v<version>", file=sys.stderr)
        return 2
    tag = argv[1]
    if tag != f"v{__version__}":
        print(f"the tag {tag} does not name this version: evidence_site/__init__.py has __version__ = "
              f"'{__version__}'; tag v{__version__}, or change the version first", file=sys.stderr)
        return 1
    try:
        print(release_notes((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), __version__), end="")
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
