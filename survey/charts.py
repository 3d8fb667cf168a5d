"""Charts as PNG images with Thai labels, for LINE messages, the dashboard and reports.

matplotlib 3.11+ shapes Thai with libraqm once Sarabun is registered; older versions collide
tone marks, and the default font has no Thai glyphs at all.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from functools import cache

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.fonts import sarabun

BAR_COLOUR = "#06c755"  # LINE green: the colour citizens and staff already know
MUTED_COLOUR = "#8a94a6"


@cache
def use_sarabun() -> str:
    """Register Sarabun with matplotlib (once per process) and make it the default family."""
    for weight in ("Regular", "Bold"):
        font_manager.fontManager.addfont(str(sarabun(weight)))
    family = font_manager.FontProperties(fname=str(sarabun())).get_name()
    matplotlib.rcParams["font.family"] = family
    matplotlib.rcParams["font.size"] = 13
    return family


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=fig.dpi, bbox_inches="tight", pad_inches=0.15)
    return out.getvalue()


def _wrap(label: str, width: int) -> str:
    # Thai has no spaces to break at; textwrap breaks long words at `width` characters.
    return "\n".join(textwrap.wrap(label, width, break_long_words=True)) or label


def horizontal_bars(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str = "",
    xmax: float | None = None,
    value_format: str = "{:.2f}",
    width_px: int = 1040,
) -> bytes:
    """One bar per label, top to bottom in the given order; `None` values show as "—"."""
    use_sarabun()
    height_px = 120 + 64 * max(len(labels), 1)
    fig = Figure(figsize=(width_px / 100, height_px / 100), dpi=100)
    ax = fig.add_subplot()
    shown = [0.0 if v is None else float(v) for v in values]
    positions = range(len(labels))
    ax.barh(positions, shown, color=BAR_COLOUR, height=0.6)
    ax.set_yticks(list(positions), [_wrap(label, 34) for label in labels])
    ax.invert_yaxis()
    top = xmax if xmax is not None else max([*shown, 1.0]) * 1.15
    ax.set_xlim(0, top)
    for y, value in zip(positions, values, strict=True):
        text = "—" if value is None else value_format.format(value)
        ax.text(min(float(value or 0), top) + top * 0.01, y, text, va="center")
    _tidy(ax, title)
    return _png(fig)


def columns(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str = "",
    highlight_last: bool = False,
    width_px: int = 1040,
    height_px: int = 560,
) -> bytes:
    """Vertical columns, e.g. responses per week; the last one in LINE green if highlighted."""
    use_sarabun()
    fig = Figure(figsize=(width_px / 100, height_px / 100), dpi=100)
    ax = fig.add_subplot()
    colours = [MUTED_COLOUR] * len(values)
    if highlight_last and colours:
        colours[-1] = BAR_COLOUR
    elif colours:
        colours = [BAR_COLOUR] * len(values)
    ax.bar(range(len(values)), values, color=colours, width=0.6)
    ax.set_xticks(range(len(labels)), labels)
    top = max([*list(values), 1])
    ax.set_ylim(0, top * 1.2)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # people, not fractions of them
    for x, value in enumerate(values):
        ax.text(x, value + top * 0.02, f"{value:,.0f}", ha="center")
    _tidy(ax, title)
    return _png(fig)


def _tidy(ax, title: str) -> None:
    if title:
        ax.set_title(title, loc="left", fontsize=16, fontweight="bold")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
