"""Small JSON answers for the outcomes page: people, institutions and references suggested as the editor types."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from ..access import require_outcomes_editor
from ..models import Sector, Session
from ..outcomes import lookups
from ..outcomes.forms import placement_session
from ..outcomes.references import reference_prefix, suggest_references

MAX_QUERY = 100
MAX_REFERENCES = 50


def _query(request):
    return request.GET.get("q", "").strip()[:MAX_QUERY]


@require_GET
def people(request):
    require_outcomes_editor(request)
    text = _query(request)
    found = lookups.people_starting_with(text) if text else []
    return JsonResponse({"results": lookups.person_payload(found)})


@require_GET
def institutions(request):
    require_outcomes_editor(request)
    text = _query(request)
    found = lookups.institutions_starting_with(text) if text else []
    return JsonResponse({"results": lookups.institution_payload(found)})


def _number(value, default=None):
    return int(value) if value and value.isdigit() else default


@require_GET
def references(request):
    """The next free references for new agreements of a meeting of `session` in `sector`."""
    require_outcomes_editor(request)
    session_id, sector_id = _number(request.GET.get("session")), _number(request.GET.get("sector"))
    count = min(_number(request.GET.get("count"), 1), MAX_REFERENCES)
    try:
        session = placement_session(session_id)
        sector = Sector.objects.get(pk=sector_id)
    except (Session.DoesNotExist, Sector.DoesNotExist):
        return JsonResponse({"prefix": "", "references": []})
    taken = [code.strip() for code in request.GET.getlist("taken")[:MAX_REFERENCES]]
    return JsonResponse(
        {
            "prefix": reference_prefix(session, sector),
            "references": suggest_references(session, sector, max(count, 0), taken),
        }
    )
