"""Command line: build, check, serve, new. Problems in the data exit 1 with one line each; no tracebacks."""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import shlex
import sys
from pathlib import Path

from .problems import InputError


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    """The `evidence-site` command (project folder: the current one) and build_site.py (its own folder)."""
    command = "evidence-site" if Path(sys.argv[0]).name == "evidence-site" else "build_site.py"
    parser = argparse.ArgumentParser(prog=command,
                                     description="Build the evidence-summary site from review.yml and studies/*.yml.")
    parser.add_argument("--root", type=Path, default=root or Path.cwd(),
                        help="project folder (default: " + ("this repository)" if root else "the current folder)"))
    parser.add_argument("--verbose", action="store_true", help="show a full traceback for unexpected errors")
    verbose = argparse.ArgumentParser(add_help=False)  # so that `check --verbose` works too
    verbose.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS,
                         help="show a full traceback for unexpected errors")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", parents=[verbose], help="check the data, then build the site into site/ (the old site is kept if anything fails)")
    build.add_argument("--site-dir", type=Path, default=None, help="where to put the site (default: <root>/site)")
    commands.add_parser("check", parents=[verbose], help="check the data only: fast, for CI and pre-commit")
    commands.add_parser("urls", parents=[verbose], help="list the pages, downloads and finding anchors of the built site/ "
                                                        "(to add new ones to published-urls.txt)")
    export = commands.add_parser("export", parents=[verbose], help="write the generated pages (Markdown with front "
                                 "matter), downloads, cards, feed and assets into DIR, as plain files any engine can build")
    export.add_argument("dir", type=Path)
    serve = commands.add_parser("serve", parents=[verbose], help="preview locally; rebuilds when a study file changes")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on (default 127.0.0.1:8000)")
    diff = commands.add_parser("diff", parents=[verbose], help="print, as Markdown, what the working tree changes in "
                                                               "the evidence (studies and figures) against a git ref")
    diff.add_argument("ref", help="the git ref to compare with, for example main or origin/main")
    new = commands.add_parser("new", parents=[verbose], help="write studies/<first-author>-<year>.yml with every field present and explained")
    new.add_argument("first_author", nargs="?")
    new.add_argument("year", nargs="?", help="four digits, with a letter after them for a second study by the same "
                                             "author that year (2021b)")
    new.add_argument("--from", dest="references", type=Path, metavar="FILE",
                     help="a RIS, BibTeX or CSL-JSON export from Zotero, EndNote or Mendeley: one study file per "
                          "record, with the citation filled in")
    sheet = commands.add_parser("template-sheet", parents=[verbose], help="write an extraction spreadsheet (.csv or "
                                                                          ".xlsx) with a column for each study field, "
                                                                          "and its column guide")
    sheet.add_argument("file", type=Path)
    sheet.add_argument("--with-studies", action="store_true", help="one row per existing study file (to edit them "
                                                                   "in the sheet and import --update)")
    imports = commands.add_parser("import", parents=[verbose], help="turn a filled extraction sheet (.csv or .xlsx) "
                                                                    "into study files, checked like hand-written ones")
    imports.add_argument("file", type=Path)
    imports.add_argument("--update", action="store_true", help="replace existing study files whose row changed")
    init = commands.add_parser("init", help="write a new review project into DIR (which must be new or empty)")
    init.add_argument("dir", type=Path)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    kept = " The previous site/ is unchanged." if args.command == "build" else ""
    try:
        return _run(args, root)
    except InputError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"Interrupted.{kept}", file=sys.stderr)
        return 130
    except ModuleNotFoundError as error:
        if args.verbose or (error.name or "").split(".")[0] == "evidence_site":
            raise
        print(missing_package(error.name, root, sys.argv[1:] if argv is None else argv), file=sys.stderr)
        return 1
    except Exception as error:  # a bug, not bad data: say so briefly unless asked for detail
        if args.verbose:
            raise
        print(f"Error: unexpected failure ({type(error).__name__}: {error}).{kept} "
              "Run again with --verbose for details.", file=sys.stderr)
        return 1


def missing_package(module: str | None, root: Path, argv: list[str]) -> str:
    """What to do when this Python lacks a package the project needs (usually: not the project's venv)."""
    venv = root / ".venv"
    python = venv.relative_to(root) / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    again = f"{python} build_site.py {shlex.join(str(a) for a in argv)}"
    setup = "the set-up command in README.md (Two commands for a fresh machine)"
    if Path(sys.prefix).resolve() == venv.resolve():
        fix = f"the virtual environment lacks it: run {setup} again to install the packages, then: {again}"
    elif (root / python).exists():
        fix = f"run the command with the project's virtual environment: {again}"
    else:
        fix = f"set up the project's virtual environment with {setup}, then run: {again}"
    return f"Error: this Python ({sys.executable}) cannot import '{module}', which the project needs; {fix}"


def _run(args, root: Path) -> int:
    from . import build as pipeline

    if args.command == "init":
        from .project import NotEmpty, init

        try:
            init(args.dir)
        except NotEmpty as error:
            print(f"Error: {error}. Nothing was written.", file=sys.stderr)
            return 2
        print(f"Wrote a new review project into {args.dir}. Next: fill in review.yml; "
              f"cd {args.dir} && python build_site.py check says what to fill first.")
        return 0
    if args.command == "check":
        try:
            site = pipeline.prepare(root)
        except InputError:
            from .project import to_fill

            guide = to_fill(root)  # a new project's review.yml: what to fill first, before the problem lines
            if guide:
                print(guide, file=sys.stderr)
            raise
        print(f"OK: review.yml and {len(site.studies)} study files are valid and consistent with the review's reported results.")
        no_doi = [f"studies/{s['id']}.yml" for s in site.studies if not s["citation"]["doi"]]
        if no_doi:  # allowed (null: not found), but worth another look
            print(f"Note: {len(no_doi)} {'study has' if len(no_doi) == 1 else 'studies have'} no DOI "
                  f"(citation.doi: null); add one if it can be found: {', '.join(no_doi)}")
        return 0
    if args.command == "urls":
        from .urls import current

        if not (root / "site" / "index.html").exists():
            print("Error: no built site; run: python build_site.py build", file=sys.stderr)
            return 1
        print("\n".join(current(root / "site")))
        return 0
    if args.command == "diff":
        from .diff import DiffError, report

        try:
            print(report(root, args.ref), end="")
        except DiffError as error:
            print(f"Error: {error}", file=sys.stderr)
            return 1
        return 0
    if args.command in ("template-sheet", "import"):
        from . import sheet

        return sheet.main(args, root)
    if args.command == "new":
        from .scaffold import new_study

        today = os.environ.get("SOURCE_DATE_EPOCH")
        day = (datetime.datetime.fromtimestamp(int(today), datetime.timezone.utc).date() if today
               else datetime.date.today()).isoformat()
        if args.references or not (args.first_author and args.year):
            if not args.references or args.first_author:
                print("usage: build_site.py new <first-author> <year>, or: build_site.py new --from FILE\n"
                      "build_site.py new: error: give a surname and a year, or --from and a reference file",
                      file=sys.stderr)
                return 2
            from .importers import main as new_from

            return new_from(root, args.references, day)
        try:
            path = new_study(root, args.first_author, args.year, day)
        except (ValueError, FileExistsError) as error:
            print(f"Error: {error}", file=sys.stderr)
            return 2
        print(f"Wrote {path.relative_to(root)}. Fill in every value the sources report, then run: python build_site.py check")
        return 0

    from mkdocs.exceptions import MkDocsException

    pipeline.quiet_mkdocs_logging()
    try:
        if args.command == "build":
            site_dir = pipeline.build(root, args.site_dir)
            print(f"Built the site into {site_dir}")
            return 0
        if args.command == "export":
            from .portable import export

            try:
                out = export(root, args.dir)
            except FileExistsError as error:
                print(f"Error: {error}", file=sys.stderr)
                return 2
            print(f"Exported the site's sources into {out}; build them with: mkdocs build -f {out / 'mkdocs.yml'}")
            return 0
        from mkdocs.commands.serve import serve

        # Data problems do not stop the preview: they are printed here and shown on every page
        # until the next good save replaces them with the site.
        logging.getLogger("mkdocs").setLevel(logging.INFO)  # show the address and each rebuild
        serve(str(root / "mkdocs.yml"), dev_addr=args.dev_addr, livereload=True)
        return 0
    except MkDocsException as error:
        print(f"Error: the site could not be built: {error}.{' The previous site/ is unchanged.' if args.command == 'build' else ''}",
              file=sys.stderr)
        return 1

