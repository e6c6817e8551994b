"""The briefing pack's one-page summary: figures by status and by sector, what is overdue and who owns it, what
changed since the last session, and the bars of progress by sector.

Figures are counted from the matrix's rows (no query); what changed takes a fixed handful of queries over the
matrix's visible lines: progress updates, deadline changes, and status changes read from the lines' history.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from ..models import OPEN_STATUSES, ActionLine, Agreement, DeadlineChange, ProgressUpdate, Session
from .matrix import on_record

# The summary stays on one page: longer lists end with "and N more", the matrix has them all.
OVERDUE_SHOWN = 8
CHANGES_SHOWN = 5


@dataclass
class SectorFigures:
    name: str
    lines: int = 0
    open: int = 0
    overdue: int = 0
    done: int = 0
    percent_sum: int = 0
    counted: int = 0

    @property
    def progress(self):
        return self.percent_sum / self.counted if self.counted else None


@dataclass
class Changes:
    since: datetime.date
    session: Session
    updates: int = 0
    deadline_changes: int = 0
    status_changes: int = 0
    latest_deadline_changes: list = field(default_factory=list)
    latest_status_changes: list = field(default_factory=list)


def by_status(items, choices):
    counts = dict.fromkeys(choices.values, 0)
    for item in items:
        counts[item.status] += 1
    return [{"status": value, "label": label, "count": counts[value]} for value, label in choices.choices]


def by_sector(matrix):
    sectors = []
    for group in matrix.groups:
        figures = SectorFigures(group.name)
        for agreement in group.agreements:
            for line in agreement.lines:
                figures.lines += 1
                figures.open += line.status in OPEN_STATUSES
                figures.overdue += line.is_overdue
                figures.done += line.status == ActionLine.Status.DONE
                if line.status != ActionLine.Status.CANCELLED:
                    figures.percent_sum += line.percent_complete
                    figures.counted += 1
        sectors.append(figures)
    return sectors


def overdue(matrix):
    """Overdue lines, longest overdue first, each with its agreement's reference."""
    found = [(line, agreement) for agreement in matrix.agreements for line in agreement.lines if line.is_overdue]
    return sorted(found, key=lambda pair: (-pair[0].days_overdue, pair[0].title))


def last_session(commission, today):
    """The latest session of the commission that has begun by today: what "since the last session" counts from."""
    return commission.sessions.filter(start_date__lte=today).order_by("-number").first()


def changes_since(matrix):
    """Progress updates, deadline changes and status changes on the matrix's lines since the last session ended."""
    session = last_session(matrix.commission, matrix.today)
    if session is None or not matrix.lines:
        return None
    since = session.end_date or session.start_date
    start = timezone.make_aware(datetime.datetime.combine(since + datetime.timedelta(days=1), datetime.time.min))
    changes = Changes(since, session)
    updates = on_record(ProgressUpdate.objects.filter(action_line__in=matrix.scope, created_at__gte=start))
    changes.updates = updates.count()
    moved = DeadlineChange.objects.filter(action_line__in=matrix.scope, changed_at__gte=start)
    changes.deadline_changes = moved.count()
    changes.latest_deadline_changes = list(
        moved.order_by("-changed_at", "-id").values("action_line__title", "old_date", "new_date", "changed_at")[
            :CHANGES_SHOWN
        ]
    )
    statuses = status_changes(matrix.scope, start)
    changes.status_changes = statuses.count()
    labels = dict(ActionLine.Status.choices)
    for row in statuses.order_by("-history_date", "-history_id").values(
        "title", "previous_status", "status", "history_date"
    )[:CHANGES_SHOWN]:
        row["previous_label"] = labels.get(row["previous_status"], row["previous_status"])
        row["label"] = labels.get(row["status"], row["status"])
        changes.latest_status_changes.append(row)
    return changes


def status_changes(lines, start):
    """History records since `start` in which a line's status differs from its record before: whether the change
    came with a progress update or from the admin."""
    history = ActionLine.history.model
    previous = history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date")).order_by(
        "-history_date", "-history_id"
    )
    return (
        history.objects.filter(id__in=lines.values("pk"), history_date__gte=start)
        .annotate(previous_status=Subquery(previous.values("status")[:1]))
        .filter(previous_status__isnull=False)
        .exclude(previous_status=F("status"))
    )


SECTOR_CHART_WIDTH = 680
SECTOR_LABEL_WIDTH = 220
SECTOR_VALUE_WIDTH = 60
SECTOR_ROW_HEIGHT = 28


def sector_chart(sectors):
    """Bars of mean progress per sector, in pixels, for an SVG that WeasyPrint draws (no percentages in it)."""
    track = SECTOR_CHART_WIDTH - SECTOR_LABEL_WIDTH - SECTOR_VALUE_WIDTH
    bars = []
    for index, figures in enumerate(sectors):
        progress = figures.progress
        bars.append(
            {
                "label": figures.name,
                "progress": progress,
                "lines": figures.lines,
                "y": index * SECTOR_ROW_HEIGHT,
                "text_y": index * SECTOR_ROW_HEIGHT + 18,
                "width": round(track * (progress or 0) / 100, 1),
            }
        )
    return {
        "bars": bars,
        "width": SECTOR_CHART_WIDTH,
        "height": max(len(bars), 1) * SECTOR_ROW_HEIGHT,
        "label_width": SECTOR_LABEL_WIDTH,
        "track_x": SECTOR_LABEL_WIDTH,
        "track_width": track,
        "value_x": SECTOR_CHART_WIDTH,
    }


def summarise(matrix):
    sectors = by_sector(matrix)
    late = overdue(matrix)
    return {
        "agreement_statuses": by_status(matrix.agreements, Agreement.Status),
        "line_statuses": by_status(matrix.lines, ActionLine.Status),
        "sectors": sectors,
        "overdue": late[:OVERDUE_SHOWN],
        "overdue_total": len(late),
        "overdue_more": max(len(late) - OVERDUE_SHOWN, 0),
        "changes": changes_since(matrix),
        "chart": sector_chart(sectors),
    }
