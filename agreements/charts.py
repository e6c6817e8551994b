"""The geometry of the dashboard's bar charts (templates/jinja2/includes/bar_chart.html draws them)."""

from django.utils.formats import number_format

# Height of one bar in a chart: a line of text above a 14px bar.
ROW_HEIGHT = 48


def bar_chart(rows, maximum=None, unit=""):
    """Horizontal bars; each row is a dict with label, value, url and an optional css class.

    Bar widths are percentages of the chart, so the labels keep their size at phone and desktop widths.
    Numbers inside SVG attributes are written unlocalised ("42.5", never "42,5"); only the value shown
    beside a bar is localised.
    """
    rows = list(rows)
    top = maximum if maximum is not None else max((row["value"] or 0 for row in rows), default=0)
    bars = []
    for index, row in enumerate(rows):
        value = row["value"] or 0
        width = 0 if not top else max(100 * float(value) / float(top), 0.5 if value else 0)
        shown = number_format(round(value), force_grouping=True) + unit
        bars.append({**row, "shown": shown, "width": f"{width:.1f}", "y": index * ROW_HEIGHT})
    return {"bars": bars, "height": len(bars) * ROW_HEIGHT}
