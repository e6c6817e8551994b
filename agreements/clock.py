"""Today's date in the site's time zone, whether or not USE_TZ is on."""

import datetime

from django.conf import settings
from django.utils import timezone


def local_today():
    # timezone.localdate() refuses naive datetimes, which is what now() gives with USE_TZ off.
    return timezone.localdate() if settings.USE_TZ else datetime.date.today()
