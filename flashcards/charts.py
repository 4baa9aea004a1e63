"""Server-drawn SVG charts for the statistics pages: no chart library, no JS.

Each function returns markup built from numbers and escaped text only, safe
to mark_safe. Colours come from CSS classes (flashcards.css) so the charts
follow the light and dark themes. Every chart has a <title> and the page
puts the same numbers in text beside it for screen readers.
"""

from datetime import date, timedelta
from html import escape

from django.utils.safestring import SafeString, mark_safe

CELL, GAP = 12, 3


def _level(n: int, top: int) -> int:
    if n <= 0:
        return 0
    return min(4, 1 + int(3 * n / max(1, top)))


def heatmap_svg(per_day: dict[date, int], *, today: date, weeks: int) -> SafeString:
    """A calendar of reviews: one square a day, weeks as columns, Monday on top."""
    start = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    top = max(per_day.values(), default=0)
    left, top_pad = 28, 16
    width = left + weeks * (CELL + GAP)
    height = top_pad + 7 * (CELL + GAP)
    parts = [
        f'<svg class="chart heatmap" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="heatmap-title">',
        f'<title id="heatmap-title">Reviews per day over the last {weeks} weeks: {sum(per_day.values())} in all</title>',
    ]
    for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
        parts.append(f'<text class="axis" x="0" y="{top_pad + row * (CELL + GAP) + CELL - 2}">{name}</text>')
    last_month = None
    for week in range(weeks):
        monday = start + timedelta(days=7 * week)
        if monday.month != last_month:
            # A label needs room: not for a month's last days in the first column, nor in the last two.
            if 1 < week < weeks - 2 or (week == 0 and (monday + timedelta(days=14)).month == monday.month):
                parts.append(f'<text class="axis" x="{left + week * (CELL + GAP)}" y="10">{monday:%b}</text>')
            last_month = monday.month
        for weekday in range(7):
            day = monday + timedelta(days=weekday)
            if day > today:
                continue
            n = per_day.get(day, 0)
            x, y = left + week * (CELL + GAP), top_pad + weekday * (CELL + GAP)
            label = f"{day:%a %-d %b %Y}: {n} review{'s' if n != 1 else ''}"
            parts.append(
                f'<rect class="heat-{_level(n, top)}{" today" if day == today else ""}" x="{x}" y="{y}" width="{CELL}" height="{CELL}" rx="2"><title>{escape(label)}</title></rect>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def forecast_svg(days: list[tuple[date, int]]) -> SafeString:
    """Bars of cards due on each coming day, today first.

    Drawn in percentages across and pixels down, with no viewBox: the chart
    fills any width while its text stays the size of the page's text."""
    height, bottom, top_pad, left = 170, 24, 16, 0.0
    peak = max((n for _, n in days), default=0)
    scale_top = max(4, _nice(peak))
    plot_h = height - bottom - top_pad
    slot = (100 - left) / max(1, len(days))
    parts = [
        f'<svg class="chart forecast" width="100%" height="{height}" role="img" aria-labelledby="forecast-title">',
        f'<title id="forecast-title">Cards due in the next {len(days)} days: {sum(n for _, n in days)} in all, at most {peak} on one day</title>',
    ]
    for tick in (0, scale_top // 2, scale_top):
        y = top_pad + plot_h - plot_h * tick / scale_top
        parts.append(f'<line class="grid" x1="0" x2="100%" y1="{y:.1f}" y2="{y:.1f}"/>')
        if tick:  # the scale sits on its gridline, at the right, clear of today's bar
            parts.append(f'<text class="axis" x="100%" y="{y - 4:.1f}" text-anchor="end">{tick} cards</text>')
    for i, (day, n) in enumerate(days):
        h = plot_h * n / scale_top
        x = left + i * slot + slot * 0.1
        y = top_pad + plot_h - h
        when = "today" if i == 0 else ("tomorrow" if i == 1 else f"{day:%a %-d %b}")
        parts.append(
            f'<rect class="bar{" bar-today" if i == 0 else ""}" x="{x:.2f}%" y="{y:.1f}" width="{slot * 0.8:.2f}%" height="{max(h, 0):.1f}" rx="2"><title>{escape(when)}: {n} due</title></rect>'
        )
        if i % 7 == 0:
            label = "Today" if i == 0 else f"{day:%-d %b}"
            parts.append(f'<text class="axis" x="{x:.2f}%" y="{height - 6}">{label}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _nice(n: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if n <= step * 4:
            return step * 4
    return n


def states_svg(counts: list[tuple[str, str, int]]) -> SafeString:
    """One stacked bar of cards by state: [(css class, label, count)]."""
    total = sum(n for _, _, n in counts)
    width, height = 640, 28
    parts = [
        f'<svg class="chart states" viewBox="0 0 {width} {height}" role="img" aria-labelledby="states-title" preserveAspectRatio="none">',
        "<title id=\"states-title\">Cards by state: " + escape(", ".join(f"{n} {label.lower()}" for _, label, n in counts)) + "</title>",
    ]
    x = 0.0
    if not total:
        parts.append(f'<rect class="state-empty" x="0" y="0" width="{width}" height="{height}" rx="6"/>')
    for css, label, n in counts:
        if not n:
            continue
        w = width * n / total
        parts.append(f'<rect class="state-{css}" x="{x:.2f}" y="0" width="{w:.2f}" height="{height}"><title>{escape(label)}: {n}</title></rect>')
        x += w
    parts.append("</svg>")
    return mark_safe("".join(parts))


def retention_ring_svg(rate: float | None, *, target: float, label: str) -> SafeString:
    """A ring filled to the share recalled, with a tick at the desired retention."""
    size, r, stroke = 120, 48, 12
    c = 2 * 3.14159265 * r
    filled = c * (rate or 0)
    import math

    angle = 2 * math.pi * target - math.pi / 2
    tx1, ty1 = size / 2 + (r - 9) * math.cos(angle), size / 2 + (r - 9) * math.sin(angle)
    tx2, ty2 = size / 2 + (r + 9) * math.cos(angle), size / 2 + (r + 9) * math.sin(angle)
    text = "–" if rate is None else f"{round(100 * rate)}%"
    good = rate is not None and rate >= target - 0.02
    return mark_safe(
        f'<svg class="chart ring" viewBox="0 0 {size} {size}" width="{size}" height="{size}" role="img" aria-label="{escape(label)}: {text}">'
        f'<circle class="ring-track" cx="{size / 2}" cy="{size / 2}" r="{r}" stroke-width="{stroke}" fill="none"/>'
        f'<circle class="ring-fill{" ok" if good else ""}" cx="{size / 2}" cy="{size / 2}" r="{r}" stroke-width="{stroke}" fill="none" '
        f'stroke-dasharray="{filled:.1f} {c:.1f}" transform="rotate(-90 {size / 2} {size / 2})" stroke-linecap="round"/>'
        f'<line class="ring-target" x1="{tx1:.1f}" y1="{ty1:.1f}" x2="{tx2:.1f}" y2="{ty2:.1f}"><title>Desired retention {round(100 * target)}%</title></line>'
        f'<text class="ring-text" x="{size / 2}" y="{size / 2 + 8}" text-anchor="middle">{text}</text></svg>'
    )


def history_svg(logs) -> SafeString:
    """A card's reviews in time: the interval each set (log scale), dots coloured by rating."""
    import math

    width, height, left, bottom, top_pad, right = 640, 200, 44, 26, 12, 14
    if not logs:
        return mark_safe("")
    t0 = logs[0].reviewed_at
    t1 = max(logs[-1].reviewed_at, t0 + timedelta(hours=1))
    span = (t1 - t0).total_seconds()
    max_days = max(max(log.interval_days for log in logs), 1)
    top_exp = math.ceil(math.log10(max_days * 1440 + 1))
    plot_w, plot_h = width - left - right, height - bottom - top_pad

    def ypos(days: float) -> float:
        return top_pad + plot_h - plot_h * math.log10(max(days * 1440, 1)) / top_exp

    parts = [
        f'<svg class="chart history" viewBox="0 0 {width} {height}" role="img" aria-labelledby="history-title">',
        f'<title id="history-title">{len(logs)} reviews; the interval after each</title>',
    ]
    for minutes, tick in ((1, "1m"), (60, "1h"), (1440, "1d"), (14400, "10d"), (144000, "100d")):
        if math.log10(minutes) <= top_exp:
            y = ypos(minutes / 1440)
            parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
            parts.append(f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    points = []
    for log in logs:
        x = left + plot_w * ((log.reviewed_at - t0).total_seconds() / span if span else 0.5)
        points.append((x, ypos(log.interval_days), log))
    parts.append('<polyline class="history-line" fill="none" points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points) + '"/>')
    names = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
    for x, y, log in points:
        label = f"{log.reviewed_at:%-d %b %Y %H:%M} UTC: {names[log.rating]}, next in {log.interval_days:.1f} days"
        parts.append(f'<circle class="dot rating-{log.rating}" cx="{x:.1f}" cy="{y:.1f}" r="5"><title>{escape(label)}</title></circle>')
    parts.append(f'<text class="axis" x="{left}" y="{height - 6}">{t0:%-d %b %Y}</text>')
    parts.append(f'<text class="axis" x="{width - right}" y="{height - 6}" text-anchor="end">{t1:%-d %b %Y}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
