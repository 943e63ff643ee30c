"""Full-page screenshots of /, /findings/, /studies/ and a study page at phone and desktop widths,
written to artifacts/screenshots/ (not committed) for a person to look at. They are taken in the
light pass's loads (conftest.screenshot_pages): at 1280 px once the page is checked, and at 360 px
once it is narrowed."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from .conftest import PHONE, screenshot_pages

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "artifacts" / "screenshots"
WIDTHS = {"phone": PHONE["width"], "desktop": 1280}


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.mark.xdist_group("light")  # the pictures are taken in the light pass's loads
@pytest.mark.parametrize("device", WIDTHS)
def test_screenshots(light, pages, sample, device):
    width = WIDTHS[device]
    OUT.mkdir(parents=True, exist_ok=True)
    for path in screenshot_pages(pages, sample):
        report = light[path] if device == "desktop" else light[path].phone
        assert report.screenshot, f"{path} was not photographed at {width} px"
        name = path.strip("/").replace("/", "-") or "index"
        (OUT / f"{name}-{device}.png").write_bytes(report.screenshot)
        shot_width, shot_height = png_size(report.screenshot)
        assert shot_width == width, f"{path} at {width} px is {shot_width} px wide: it scrolls sideways"
        assert shot_height >= 400, f"{path} at {width} px is only {shot_height} px tall"
