"""Progress reporting on an action line, by its focal point or by the secretariat."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..access import get_action_line_for_user
from ..clock import local_today
from ..forms import ProgressUpdateForm
from ..progress import report_progress


@require_http_methods(["GET", "POST"])
def post_update(request, pk):
    line = get_action_line_for_user(request, pk, write=True)
    if not line.is_open:
        # A done or cancelled line's record is closed; reopening it is an editor's change in the admin.
        if line.status == line.Status.DONE:
            messages.error(request, _("This action line is done: progress can no longer be reported on it."))
        else:
            messages.error(request, _("This action line was cancelled: progress can no longer be reported on it."))
        return redirect(line)
    form = ProgressUpdateForm(request.POST if request.method == "POST" else None, line=line)
    if form.is_valid():
        try:
            report_progress(line, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, _("Your progress update has been saved."))
            return redirect(line)
    context = {"line": line, "form": form, "today": local_today()}
    return render(request, "agreements/action_line_update.html", context)


def add_model_errors(form, error):
    """Show the model's objections on the form: on the field when the form has it, else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    renamed = {"reason": "deadline_reason", "due_date": "new_due_date"}
    for field, errors in error.error_dict.items():
        name = renamed.get(field, field)
        form.add_error(name if name in form.fields else None, errors)
