"""The upload form: a spreadsheet, checked by content and size as every uploaded document is."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ..uploads import XLSX, check_upload, original_name

# What libmagic calls an XLSX file and a CSV file (plain text, when it does not recognise the delimiters).
SPREADSHEET_TYPES = {XLSX, "text/csv", "text/plain"}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        error_messages={"required": _("Choose a spreadsheet to upload.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "file-upload"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("XLSX or CSV made from the template, up to %(limit)s.") % {
            "limit": filesizeformat(settings.DOCUMENT_MAX_BYTES)
        }

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if isinstance(uploaded, UploadedFile):
            try:
                content_type = check_upload(uploaded)
            except ValidationError as error:
                if error.code != "type_not_allowed":
                    raise
                content_type = None
            if content_type not in SPREADSHEET_TYPES:
                raise ValidationError(_("Upload an XLSX or CSV file made from the template."), code="not_spreadsheet")
            self.file_name = original_name(uploaded)
        return uploaded
