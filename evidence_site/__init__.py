"""Evidence-summary site generator: study YAML files in, MkDocs Material site out."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
