"""Evidence-summary site generator: study YAML files in, MkDocs Material site out."""

from pathlib import Path

# The one version of the site's data and code (CalVer YEAR.MONTH.RELEASE, see CHANGELOG.md). Every
# page shows it; CITATION.cff, CHANGELOG.md and the release tag (v<version>) must agree with it.
__version__ = "2026.12.0"

PACKAGE_DIR = Path(__file__).resolve().parent
