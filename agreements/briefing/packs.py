"""Briefing packs too large to draw in a request: recorded as a BriefingPack, drawn by a task, kept for a day.

The Celery task (agreements/tasks.py) calls `produce`; without a broker (no REDIS_URL) Celery runs it in-process,
and if the broker does not answer the pack is drawn in the request rather than left waiting. The pack is drawn
for the person who asked: the matrix is built with their clearance, as the page and the immediate PDF are.

Old packs are deleted when someone next asks for a pack (`forget_old`), not by a periodic task: a pack is a
convenience copy, and the pages never show one older than PACK_LIFETIME even before it is deleted.
"""

import datetime
import logging

from django.core.files.base import ContentFile
from django.utils import timezone, translation

from ..clock import local_today
from ..models import BriefingPack
from . import matrix, pdf

logger = logging.getLogger(__name__)
State = BriefingPack.State
PACK_LIFETIME = datetime.timedelta(days=1)
# WeasyPrint's cost per action line, measured on the demo data: what the progress page's estimate counts on.
SECONDS_PER_LINE = 0.03


def runs_in_background(built):
    return pdf.too_large(built)


def live():
    """Packs young enough to be shown and downloaded."""
    return BriefingPack.objects.filter(created_at__gte=timezone.now() - PACK_LIFETIME)


def forget_old():
    """Delete packs older than PACK_LIFETIME with their files; the row goes even if its file is already gone."""
    old = list(BriefingPack.objects.filter(created_at__lt=timezone.now() - PACK_LIFETIME))
    for pack in old:
        if pack.file:
            pack.file.delete(save=False)
        pack.delete()
    return len(old)


def request_pack(user, built, language):
    """Record a pack of the matrix `built` for `user` in `language`, waiting to be drawn."""
    forget_old()
    pack = BriefingPack.objects.create(
        requested_by=user, commission=built.commission, language=language, lines_count=len(built.lines)
    )
    pack.sessions.set(built.sessions)
    return pack


def claim(pack_id):
    """Mark the pack as being drawn; False when it is done or failed already.

    A running pack can be claimed again: that is a task redelivered after its worker was lost mid-drawing.
    """
    claimed = BriefingPack.objects.filter(pk=pack_id, state__in=[State.WAITING, State.RUNNING]).update(
        state=State.RUNNING
    )
    return claimed == 1


def produce(pack_id):
    """Draw a waiting pack for its requester and store it; a failure is recorded on the pack and logged."""
    if not claim(pack_id):
        return None
    pack = BriefingPack.objects.select_related("commission", "requested_by").get(pk=pack_id)
    try:
        with translation.override(pack.language):
            sessions = list(pack.sessions.order_by("number"))
            built = matrix.build(pack.commission, sessions, pack.requested_by, local_today())
            document = pdf.draw(built, pack.language)
    except Exception as error:
        # The page says the pack failed in the reader's language; the reason is kept for the administrator.
        logger.exception("Drawing briefing pack %s failed", pack.pk)
        return finish(pack, State.FAILED, error=f"{type(error).__name__}: {error}"[:500])
    name = f"briefing-{matrix.download_name(built, 'pdf')}"
    pack.file.save(name, ContentFile(document), save=False)
    return finish(pack, State.DONE, lines_count=len(built.lines), download_name=name)


def finish(pack, state, **fields):
    pack.state, pack.finished_at = state, timezone.now()
    for name, value in fields.items():
        setattr(pack, name, value)
    pack.save()
    return pack


def estimate(pack):
    """(seconds elapsed, seconds the drawing is expected to take) for the progress bar, from the pack's size."""
    expected = max(1, round(pack.lines_count * SECONDS_PER_LINE))
    elapsed = int((timezone.now() - pack.created_at).total_seconds())
    return min(elapsed, expected), expected
