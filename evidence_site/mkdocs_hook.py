"""MkDocs hook: generate the site's pages in memory from review.yml and studies/*.yml.

Listed under `hooks:` in mkdocs.yml, so both `mkdocs build` and `mkdocs serve` (which rebuilds
when a watched study file changes) render the same pages. Nothing is written into docs/.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path, not as part of the package
    sys.path.insert(0, str(ROOT))

from evidence_site.build import take_prepared  # noqa: E402
from evidence_site.problems import InputError  # noqa: E402
from evidence_site.render import render_pages  # noqa: E402


def on_files(files, config):
    root = Path(config.config_file_path).resolve().parent
    try:
        site = take_prepared(root)
    except InputError as error:
        raise PluginError(f"the study data has problems:\n{error}") from None
    for path, content in render_pages(site.review, site.studies, site.summary).items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, path, content=content))
    return files
