"""Serve a built site on 127.0.0.1 the way a static host does, for the browser tests and measurements.

A folder URL serves its index.html, a folder without its trailing slash redirects to it, a missing
path gets the site's 404.html with status 404, and text is gzip-compressed when the browser asks
for it (as on any real host), so page weights and Lighthouse figures are realistic.

The server runs in a process of its own: in the test process it would share one interpreter lock
with Playwright's driver and slow every page load (measured: 0.45 s a page against 0.19 s).
"""

from __future__ import annotations

import contextlib
import gzip
import mimetypes
import posixpath
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")
TYPES = {".js": "text/javascript", ".json": "application/json", ".xml": "application/xml",
         ".css": "text/css", ".svg": "image/svg+xml", ".webmanifest": "application/manifest+json"}


def content_type(path: Path) -> str:
    kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind.endswith(("json", "xml")) else kind


def make_handler(root: Path):
    root = root.resolve()
    compressed: dict[tuple, bytes] = {}  # (path, size, mtime) -> gzip body: each file compressed once

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as two writes; with Nagle's algorithm on, each keep-alive
        # response then waits for a delayed ACK (about 40 ms a request on Linux).
        disable_nagle_algorithm = True

        def log_message(self, *args):  # quiet: the tests record requests themselves
            pass

        def resolve(self) -> tuple[int, Path | None, str | None]:
            """(status, file to send, redirect location) for the request path."""
            path = posixpath.normpath(unquote(urlsplit(self.path).path))
            target = (root / path.lstrip("/")).resolve()
            if root != target and root not in target.parents:
                return 404, root / "404.html", None
            if target.is_dir():
                if not urlsplit(self.path).path.endswith("/"):
                    return 301, None, urlsplit(self.path).path + "/"
                target = target / "index.html"
            if target.is_file():
                return 200, target, None
            return 404, root / "404.html", None

        def send(self, head_only: bool) -> None:
            status, path, location = self.resolve()
            if location:
                self.send_response(status)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = path.read_bytes() if path and path.is_file() else b"Not found"
            kind = content_type(path) if path and path.is_file() else "text/plain"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            if kind.startswith(COMPRESSIBLE) and "gzip" in self.headers.get("Accept-Encoding", ""):
                stat = path.stat()
                key = (path, stat.st_size, stat.st_mtime_ns)
                if key not in compressed:
                    compressed[key] = gzip.compress(body, compresslevel=6, mtime=0)
                body = compressed[key]
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Vary", "Accept-Encoding")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            if not head_only:
                self.wfile.write(body)

        def do_GET(self):
            self.send(head_only=False)

        def do_HEAD(self):
            self.send(head_only=True)

    return Handler


@contextlib.contextmanager
def serve(site_dir: Path):
    """Serve site_dir on a free port of 127.0.0.1 from a separate process; yields the base URL
    without a trailing slash."""
    process = subprocess.Popen([sys.executable, __file__, str(site_dir)], stdout=subprocess.PIPE, text=True)
    try:
        port = process.stdout.readline().strip()
        if not port.isdigit():
            raise RuntimeError(f"the site server did not start (exit status {process.poll()})")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def main(site_dir: str) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(Path(site_dir)))
    server.daemon_threads = True
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
