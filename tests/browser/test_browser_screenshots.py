"""Full-page screenshots of /, /findings/, /studies/ and a study page at phone and desktop widths,
written to artifacts/screenshots/ (not committed) for a person to look at."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from .sitecheck import TRANSITIONS_DONE_JS

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "artifacts" / "screenshots"
WIDTHS = {"phone": 360, "desktop": 1280}


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("device", WIDTHS)
def test_screenshots(browser, site_url, pages, device):
    study = next(p for p in pages if p.startswith("/studies/") and p != "/studies/")
    width = WIDTHS[device]
    OUT.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=1)
    try:
        page = context.new_page()
        for path in ["/", "/findings/", "/studies/", study]:
            page.goto(site_url + path, wait_until="load")  # every image and style in (networkidle adds 0.5 s a page)
            page.wait_for_function(TRANSITIONS_DONE_JS)
            name = path.strip("/").replace("/", "-") or "index"
            data = page.screenshot(path=OUT / f"{name}-{device}.png", full_page=True)
            shot_width, shot_height = png_size(data)
            assert shot_width == width, f"{path} at {width} px is {shot_width} px wide: it scrolls sideways"
            assert shot_height >= 400, f"{path} at {width} px is only {shot_height} px tall"
    finally:
        context.close()
