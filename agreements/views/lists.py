"""The agreement and action-line lists, "my action items", and their CSV and XLSX exports."""

from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import exports
from ..access import mark_hidden_agreements, person_of, progress_reporter
from ..clock import local_today
from ..filters import ActionLineFilter, AgreementFilter, MyActionLineFilter
from ..jinja_env import render
from ..kept_lists import ListStatements
from ..pagination import CappedPaginator
from ..table_rows import action_line_rows, agreement_rows

PER_PAGE = 25


def paginate(request, filterset, read, lookup):
    # The count and the page's ids by SQL kept per reader and filter values (kept_lists.py); the page's rows as the
    # tables read them (agreements/table_rows.py), not as model instances, looked up by id with a statement
    # compiled once per reader (list_bases.lookup). Past the cap a ranked list is read in its usual order:
    # ranking means scoring every match before the first page, for a word found in 100,000 lines seconds.
    statements = ListStatements(filterset, request.user)
    paginator = CappedPaginator(None, PER_PAGE, read=read, lookup=lookup, statements=statements)
    return paginator.get_page(request.GET.get("page"))


def list_context(filterset, page_obj, **extra):
    return {"filter": filterset, "page_obj": page_obj, "paginator": page_obj.paginator, **extra}


def reportable(user, lines):
    """Ids of the open lines on this page that `user` may report progress on, for a "Report progress" link."""
    may_report = progress_reporter(user)
    return {line.pk for line in lines if line.is_open and may_report(line)}


def invalid_export(filterset):
    lines = [_("The filters are not valid:")]
    for field, errors in filterset.errors.items():
        label = filterset.form.fields[field].label if field in filterset.form.fields else field
        lines.extend(f"{label}: {error}" for error in errors)
    return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")


def export_name(kind, extension, today):
    return f"{kind}-{today.isoformat()}.{extension}"


def agreement_filter(request, today):
    return AgreementFilter(request.GET, queryset=AgreementFilter.rows(request.user, today), today=today)


def action_line_filter(request, today):
    return ActionLineFilter(request.GET, queryset=ActionLineFilter.rows(request.user), today=today)


def agreement_list(request):
    today = local_today()
    filterset = agreement_filter(request, today)
    page_obj = paginate(request, filterset, agreement_rows, AgreementFilter.lookup(request.user, today, agreement_rows))
    context = list_context(filterset, page_obj, agreements=page_obj.object_list, today=today)
    return render(request, "agreements/agreement_list.html", context)


def agreement_export_csv(request):
    today = local_today()
    filterset = agreement_filter(request, today)
    if not filterset.is_valid():
        return invalid_export(filterset)
    columns, rows = exports.agreement_export(filterset.qs)
    return exports.csv_response(columns, rows, export_name("agreements", "csv", today))


def agreement_export_xlsx(request):
    today = local_today()
    filterset = agreement_filter(request, today)
    if not filterset.is_valid():
        return invalid_export(filterset)
    columns, rows = exports.agreement_export(filterset.qs)
    filename = export_name("agreements", "xlsx", today)
    return exports.xlsx_response(columns, rows, filename, _("Agreements"))


def action_line_list(request):
    today = local_today()
    filterset = action_line_filter(request, today)
    page_obj = paginate(request, filterset, action_line_rows, ActionLineFilter.lookup(request.user, action_line_rows))
    lines = mark_hidden_agreements(page_obj.object_list, request.user)
    context = list_context(
        filterset, page_obj, action_lines=lines, today=today, reportable=reportable(request.user, lines)
    )
    return render(request, "agreements/action_line_list.html", context)


def action_line_export_csv(request):
    today = local_today()
    filterset = action_line_filter(request, today)
    if not filterset.is_valid():
        return invalid_export(filterset)
    columns, rows = exports.action_line_export(filterset.qs, today)
    return exports.csv_response(columns, rows, export_name("action-lines", "csv", today))


def action_line_export_xlsx(request):
    today = local_today()
    filterset = action_line_filter(request, today)
    if not filterset.is_valid():
        return invalid_export(filterset)
    columns, rows = exports.action_line_export(filterset.qs, today)
    filename = export_name("action-lines", "xlsx", today)
    return exports.xlsx_response(columns, rows, filename, _("Action lines"))


def my_action_lines(request):
    person = person_of(request.user)
    if person is None:
        return render(request, "agreements/my_action_lines.html", {"person": None})
    today = local_today()
    queryset = MyActionLineFilter.rows(request.user).responsible(person)
    filterset = MyActionLineFilter(request.GET, queryset=queryset, today=today)
    page_obj = paginate(request, filterset, action_line_rows, MyActionLineFilter.lookup(request.user, action_line_rows))
    feed_url = request.build_absolute_uri(reverse("agreements:person_feed", args=[person.feed_token]))
    lines = mark_hidden_agreements(page_obj.object_list, request.user)
    context = list_context(
        filterset,
        page_obj,
        action_lines=lines,
        today=today,
        reportable=reportable(request.user, lines),
        person=person,
        feed_url=feed_url,
    )
    return render(request, "agreements/my_action_lines.html", context)
