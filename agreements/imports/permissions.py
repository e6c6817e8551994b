"""Who may import, and the one helper that fetches an import for a page.

An import's preview shows rows of existing agreements at every confidentiality level, so only the secretariat
(cleared for everything by agreements/access.py) may upload, see or apply one, and see the list of imports.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .. import access
from ..models import SpreadsheetImport


def can_import(user):
    return access.is_secretariat(user) and user.has_perm("agreements.add_spreadsheetimport")


def require_importer(request):
    if not can_import(request.user):
        raise PermissionDenied


def get_import_for_user(request, pk):
    require_importer(request)
    return get_object_or_404(SpreadsheetImport.objects.select_related("uploaded_by"), pk=pk)
