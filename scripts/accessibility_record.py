"""Run the accessibility checks and write the record /accessibility/ reads.

    python scripts/accessibility_record.py [pytest arguments, e.g. -k light]

Runs the browser suite (tests/browser/) and, where it exists, the HTML conformance test
(tests/test_conformance.py) with ACCESSIBILITY_RECORD set, so the test run itself writes
accessibility-record.json beside mkdocs.yml: the date, the engines' versions, each pass over every
page and the outcome of each kind of check. Commit the file with the site's data; the next build's
accessibility statement shows it. Exits with pytest's status (a run with failures is recorded as such).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evidence_site.accessibility import RECORD  # noqa: E402


def main(argv: list[str]) -> int:
    targets = ["tests/browser"] + [t for t in ("tests/test_conformance.py",) if (ROOT / t).is_file()]
    env = {**os.environ, "ACCESSIBILITY_RECORD": str(ROOT / RECORD)}
    status = subprocess.call([sys.executable, "-m", "pytest", "-q", *targets, *argv], cwd=ROOT, env=env)
    print(f"wrote {RECORD}" if (ROOT / RECORD).is_file() else f"no record written ({RECORD})")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
