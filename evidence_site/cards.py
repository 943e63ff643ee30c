"""Social card images (1200x630 PNG) drawn at build time with Pillow, offline.

The font (DejaVu Sans, permissive licence in fonts/LICENSE-DejaVu.txt) ships with the package,
so nothing is downloaded. Output is deterministic: same text, same bytes.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from . import PACKAGE_DIR

WIDTH, HEIGHT, MARGIN = 1200, 630, 72
BACKGROUND, FOREGROUND = (40, 53, 147), (255, 255, 255)
# Drawn as one 8-bit channel (0 = background, 255 = white, ACCENT a pale tint of the background),
# then given a 256-colour palette running from background to white: a small PNG that encodes in
# milliseconds, which matters with a card for each of thousands of study pages.
ACCENT = 205
SOURCE_SEP = " Source: "  # a caption's last sentence, from this mark on, names the source; it is drawn at the foot
_PALETTE = [round(b + (f - b) * i / 255) for i in range(256) for b, f in zip(BACKGROUND, FOREGROUND)]


@lru_cache(maxsize=None)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(PACKAGE_DIR / "fonts" / name), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(".,;: ") + "…"
    return lines


def card(site_title: str, title: str, figure: str | None, caption: str | None) -> bytes:
    """A PNG with the site name, the page title, and optionally a key figure with its caption.

    A caption that ends with a source (after SOURCE_SEP) has the source drawn on its own line at the
    foot of the card, so every card that shows a figure says where it comes from."""
    caption, _, source = (caption or "").partition(SOURCE_SEP)
    source = f"Source: {source}" if source else ""
    image = Image.new("L", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(image)
    width = WIDTH - 2 * MARGIN
    y = MARGIN
    for line in _wrap(draw, site_title, _font(28), width, 1):
        draw.text((MARGIN, y), line, font=_font(28), fill=ACCENT)
        y += 44
    y += 16
    for line in _wrap(draw, title, _font(52, bold=True), width, 3):
        draw.text((MARGIN, y), line, font=_font(52, bold=True), fill=255)
        y += 66
    if figure:
        y = max(y + 16, 290)
        draw.text((MARGIN, y), figure, font=_font(76, bold=True), fill=255)
        y += 96
        for line in _wrap(draw, caption, _font(30), width, 3):
            draw.text((MARGIN, y), line, font=_font(30), fill=ACCENT)
            y += 40
    if source:
        line = _wrap(draw, source, _font(24), width, 1)[0]
        draw.text((MARGIN, HEIGHT - 14 - 24 - 30), line, font=_font(24), fill=ACCENT)
    draw.rectangle((0, HEIGHT - 14, WIDTH, HEIGHT), fill=ACCENT)
    image = Image.frombytes("P", image.size, image.tobytes())
    image.putpalette(_PALETTE)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()
