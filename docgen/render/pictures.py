"""Pictures a plan shows: the scaling scores of every meeting so far as a small chart, and the scale as ten pictures.

Each is a ``Picture``: plain data in a template's context, which ``render_template`` places as an image.
"""

from __future__ import annotations

import io

from docgen.manifest import ScalingPoint
from docgen.render.documents import TEMPLATE_DIR, Picture

__all__ = ["SCALE_OFF", "SCALE_ON", "Picture", "scale_pictures", "scaling_chart"]

SCALE_ON = TEMPLATE_DIR / "pictures" / "scale-on.png"
SCALE_OFF = TEMPLATE_DIR / "pictures" / "scale-off.png"


def scale_pictures(score: int | None) -> list[Picture]:
    """Ten pictures in a row, the first ``score`` of them coloured in (none when no score was given)."""
    chosen = score if isinstance(score, int) else 0
    shown = {True: (SCALE_ON, "coloured in"), False: (SCALE_OFF, "not coloured in")}
    return [Picture(shown[n <= chosen][0], 1.4, f"Star {n} of 10, {shown[n <= chosen][1]}") for n in range(1, 11)]


_WIDTH, _HEIGHT, _LEFT, _BOTTOM, _TOP = 640, 300, 48, 56, 20


def scaling_chart(history: list[ScalingPoint]) -> Picture | None:
    """The scores of every meeting so far as bars on a 0–10 scale, each labelled with its meeting's date; None without Pillow."""
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:  # pragma: no cover - Pillow is a dependency; a trimmed install still renders the plan, without the chart
        return None
    import datetime as dt

    image = Image.new("RGB", (_WIDTH, _HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=16)
    plot_height = _HEIGHT - _BOTTOM - _TOP
    for level in range(0, 11, 2):
        y = _TOP + plot_height - plot_height * level / 10
        draw.line([(_LEFT, y), (_WIDTH - 10, y)], fill="#D9D9D9", width=1)
        draw.text((_LEFT - 8, y), str(level), fill="#404040", font=font, anchor="rm")
    slot = (_WIDTH - _LEFT - 10) / max(len(history), 1)
    for index, point in enumerate(history):
        score = int(point["score"])
        x0 = _LEFT + index * slot + slot * 0.2
        x1 = _LEFT + (index + 1) * slot - slot * 0.2
        top = _TOP + plot_height - plot_height * score / 10
        colour = "#2E74B5" if index == len(history) - 1 else "#9DC3E6"
        draw.rectangle([x0, top, x1, _TOP + plot_height], fill=colour)
        draw.text(((x0 + x1) / 2, top - 2), str(score), fill="#1F4E79", font=font, anchor="md")
        day = dt.date.fromisoformat(str(point["date"]))
        draw.text(((x0 + x1) / 2, _TOP + plot_height + 8), f"{day.day} {day:%b %Y}", fill="#404040", font=font, anchor="ma")
    draw.line([(_LEFT, _TOP + plot_height), (_WIDTH - 10, _TOP + plot_height)], fill="#404040", width=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    days = [dt.date.fromisoformat(str(p["date"])) for p in history]
    words = ", ".join(f"{p['score']} out of 10 on {day.day} {day:%B %Y}" for p, day in zip(history, days, strict=True))
    return Picture(out.getvalue(), 12.0, f"Scaling scores so far: {words}")
