"""`build_site.py serve` on a data error: the browser gets the problems, the next good save the site."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from html import unescape

import pytest

TYPO = ("  type: abstinence\n", "  type: abstinenc\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch_until(url: str, wanted, timeout: float = 90) -> str:
    deadline, text = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        try:
            text = unescape(urllib.request.urlopen(url, timeout=5).read().decode("utf-8"))
        except OSError:
            text = ""
        if text and wanted(text):
            return text
        time.sleep(0.5)
    pytest.fail(f"{url} never showed what was expected; last response began: {text[:300]!r}")


def test_serve_shows_data_problems_in_the_browser_until_fixed(project):
    study = project / "studies/brown-2020.yml"
    good = study.read_text(encoding="utf-8")
    study.write_text(good.replace(*TYPO), encoding="utf-8")
    check = subprocess.run([sys.executable, "build_site.py", "check"], cwd=project, capture_output=True, text=True)
    problem_lines = check.stderr.splitlines()
    assert check.returncode == 1 and problem_lines[0].startswith("studies/brown-2020.yml:")
    port = free_port()
    server = subprocess.Popen([sys.executable, "build_site.py", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}/"
        page = fetch_until(base + "findings/", lambda t: 'class="problems"' in t)
        for line in problem_lines:  # the same lines check prints
            assert line in page
        study.write_text(good, encoding="utf-8")  # the next good save replaces the problems with the site
        fetch_until(base + "studies/brown-2020/", lambda t: 'class="problems"' not in t and "Brown and Kuss" in t)
        study.write_text(good.replace(*TYPO), encoding="utf-8")  # a page of the last good build shows them too
        fetch_until(base + "studies/brown-2020/", lambda t: 'class="problems"' in t)
        study.write_text(good, encoding="utf-8")
        fetch_until(base, lambda t: 'class="problems"' not in t and "Key messages" in t)
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    for line in problem_lines:
        assert line in err.splitlines()  # the terminal shows them as they are
    assert "not included in the" not in err  # study pages are kept out of the nav on purpose: no line each
    assert "Building documentation" in err  # the other info lines stay
