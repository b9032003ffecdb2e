"""The cactus plot (tasks solved within a per-task time) as a hand-written SVG.

One step line per run: x is the time a task took (log scale when the times span more
than two decades), y is how many tasks were solved within that time.  No plotting
library is needed.
"""

from __future__ import annotations

import math
from typing import Sequence
from xml.sax.saxutils import escape

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf")
WIDTH, HEIGHT = 720, 440
LEFT, RIGHT, TOP, BOTTOM = 64, 190, 40, 56


def _nice_step(span: float, target: int = 6) -> float:
    raw = span / max(target, 1)
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    for mult in (1, 2, 2.5, 5, 10):
        if mult * mag >= raw:
            return mult * mag
    return 10 * mag


def _fmt(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1000 or abs(value) < 0.01:
        return f"{value:.0e}".replace("e+0", "e").replace("e-0", "e-")
    return f"{value:g}"


def cactus_svg(series: Sequence[tuple[str, Sequence[float]]], *, title: str = "Tasks solved within time",
               total: int | None = None) -> str:
    """SVG text for runs given as (label, seconds of each solved task)."""
    times = [max(t, 1e-6) for _, ts in series for t in ts]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    ymax_data = max([len(ts) for _, ts in series] + [total or 0, 1])
    ystep = max(1, int(_nice_step(ymax_data)))
    ymax = ystep * math.ceil(ymax_data / ystep)
    log = bool(times) and max(times) / min(times) > 100
    if not times:
        xmin, xmax = 0.0, 1.0
    elif log:
        xmin = 10 ** math.floor(math.log10(min(times)))
        xmax = 10 ** math.ceil(math.log10(max(times)))
    else:
        xmin = 0.0
        xstep = _nice_step(max(times))
        xmax = xstep * math.ceil(max(times) / xstep) if max(times) > 0 else 1.0

    def sx(t: float) -> float:
        if log:
            frac = (math.log10(max(t, xmin)) - math.log10(xmin)) / (math.log10(xmax) - math.log10(xmin))
        else:
            frac = (t - xmin) / (xmax - xmin)
        return LEFT + frac * plot_w

    def sy(n: float) -> float:
        return TOP + plot_h - (n / ymax) * plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           f'<text x="{LEFT + plot_w / 2:.1f}" y="22" text-anchor="middle" font-size="15">{escape(title)}</text>']
    # grid and ticks
    xticks: list[float]
    if log:
        lo, hi = round(math.log10(xmin)), round(math.log10(xmax))
        xticks = [10.0 ** e for e in range(lo, hi + 1)]
    else:
        step = _nice_step(xmax - xmin)
        xticks = [xmin + i * step for i in range(int(round((xmax - xmin) / step)) + 1)]
    for t in xticks:
        x = sx(t)
        out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" stroke="#e0e0e0"/>')
        out.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{_fmt(t)}</text>')
    for i in range(0, ymax + 1, ystep):
        y = sy(i)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#e0e0e0"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{i}</text>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#333"/>')
    xlabel = "time per task (s" + (", log scale)" if log else ")")
    out.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 14}" text-anchor="middle">{xlabel}</text>')
    out.append(f'<text transform="translate(16 {TOP + plot_h / 2:.1f}) rotate(-90)" text-anchor="middle">'
               f'tasks solved</text>')
    if total is not None:
        y = sy(total)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#999" '
                   f'stroke-dasharray="4 3"/>')
    if not times:
        out.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" '
                   f'fill="#777">no task solved</text>')
    # one step line per run
    for k, (label, ts) in enumerate(series):
        color = PALETTE[k % len(PALETTE)]
        pts = sorted(max(t, 1e-6) for t in ts)
        if pts:
            path = [f"M{sx(xmin):.1f},{sy(0):.1f}"]
            for n, t in enumerate(pts, start=1):
                path.append(f"H{sx(t):.1f}V{sy(n):.1f}")
            path.append(f"H{sx(xmax):.1f}")
            out.append(f'<path d="{"".join(path)}" fill="none" stroke="{color}" stroke-width="2"/>')
        ly = TOP + 14 + 20 * k
        lx = LEFT + plot_w + 14
        out.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 22}" y2="{ly - 4}" stroke="{color}" stroke-width="3"/>')
        name = label if len(label) <= 20 else label[:19] + "…"
        out.append(f'<text x="{lx + 28}" y="{ly}">{escape(name)} ({len(pts)})</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
