#!/usr/bin/env python3
"""Build the evidence-summary site. Usage: python build_site.py {build,check,serve,new} (see --help)."""

from pathlib import Path

from evidence_site.cli import main

if __name__ == "__main__":
    raise SystemExit(main(root=Path(__file__).resolve().parent))
