"""Run the command line in this process, as `python build_site.py ...` would, and capture what it prints.

The real entry point (evidence_site.cli.main) runs with the real argument parser, loader, validator
and MkDocs build; only the process boundary is skipped, which makes a run about ten times cheaper.
A few tests in test_cli.py and test_hostile.py still start real processes, for what only a process
shows: the exit status, no traceback on the way out, and builds killed mid-way.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def run_cli(project: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """`build_site.py --root project *args` in-process; env is set for the run and restored after."""
    from evidence_site.cli import main

    logger = logging.getLogger("mkdocs")
    saved_logging = (logger.handlers[:], logger.level)
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    try:
        with environment(env or {}), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["--root", str(project), *args])
            except SystemExit as stop:  # argparse's usage errors
                code = stop.code if isinstance(stop.code, int) else 1
    finally:
        seconds = time.perf_counter() - start
        logger.handlers[:], logger.level = saved_logging  # a handler made in the run wrote to `err`
    return Result(code, out.getvalue(), err.getvalue(), seconds)


@contextlib.contextmanager
def environment(env: dict[str, str]):
    """os.environ with env added for the duration; the earlier values restored after."""
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_process(project: Path, *args: str, env: dict[str, str] | None = None,
                timeout: float = 300) -> Result:
    """`python build_site.py *args` as a real process in project, as a maintainer types it."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "build_site.py", *args], cwd=project, capture_output=True, text=True,
                            timeout=timeout, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})})
    return Result(result.returncode, result.stdout, result.stderr, time.perf_counter() - start)
