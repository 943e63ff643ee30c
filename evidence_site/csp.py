"""The Content-Security-Policy every page carries (printed by overrides/main.html).

The policy lets a page run only the site's own script files, plus the theme's few inline
scripts, each allowed by the SHA-256 hash of its exact text. The hashes are computed at build
time from the theme's own partial templates, rendered by overrides/main.html with the page's
context, never from the page itself, so a script that study data smuggled into a page could
never be allowed. The plugin gives the theme's templates csp_policy as a filter.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)

# Directives a <meta> policy may carry (frame-ancestors, report-uri and sandbox only work as headers).
POLICY = "; ".join([
    "default-src 'self'",
    # Scripts: the site's own files, and the theme's inline scripts by hash. No 'unsafe-inline', no eval.
    "script-src 'self' {hashes}",
    # Styles: the site's own style sheets only. Material changes styles from its script through the
    # CSSOM (element.style), which CSP allows, so it needs no 'unsafe-inline' for styles either.
    "style-src 'self'",
    # Material's style sheet draws its icons from data: SVG images.
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",  # the search index
    "worker-src 'self'",  # the search worker
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])


def script_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def csp_policy(theme_scripts: str) -> str:
    """The policy, allowing the inline scripts found in theme_scripts (the theme's rendered partials)."""
    return _policy(str(theme_scripts))


@functools.lru_cache(maxsize=64)  # the partials are the same text on almost every page: hashed once a build
def _policy(theme_scripts: str) -> str:
    hashes = sorted({script_hash(body) for body in _INLINE_SCRIPT.findall(theme_scripts)})
    return POLICY.format(hashes=" ".join(hashes))
