"""The briefing pack as a PDF, drawn by WeasyPrint from templates/briefing/pack.html and static/css/briefing.css.

WeasyPrint reads the stylesheet from its file (found like any static file) and may open nothing else: only file
URLs are allowed, so a pack never reaches the network. The chart is inline SVG. WeasyPrint is imported on the
first pack, not at start-up: it loads Pango and parses its own stylesheets, which the other pages never need.
"""

import logging

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from . import summary

STYLESHEET = "css/briefing.css"

# WeasyPrint reports every rendering step at INFO; the site's log keeps its warnings only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def too_large(matrix):
    """Whether the pack would take too long to draw in a request (BRIEFING_PDF_MAX_LINES)."""
    return len(matrix.lines) > settings.BRIEFING_PDF_MAX_LINES


def stylesheet_path():
    path = finders.find(STYLESHEET)
    if path is None:
        raise FileNotFoundError(STYLESHEET)
    return path


def render_pdf(context):
    """PDF bytes of the pack; call it inside translation.override() for the pack's language."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string("briefing/pack.html", context)
    fetcher = URLFetcher(allowed_protocols={"file"})
    stylesheet = CSS(filename=stylesheet_path(), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])


def draw(built, language):
    """PDF bytes of the pack of the matrix `built`, in `language`; the request and the background task both call it.

    Build the matrix inside translation.override(language) too: its labels are the pack's words.
    """
    with translation.override(language):
        context = {
            "commission": built.commission,
            "matrix": built,
            "summary": summary.summarise(built),
            "LANGUAGE_CODE": language,
        }
        return render_pdf(context)
