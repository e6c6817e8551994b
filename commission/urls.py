from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    # Sign-in, sign-out and password change; no password reset by email (see agreements/signin/urls.py).
    path("accounts/", include("agreements.signin.urls")),
    # Open to everyone: the sign-in page has the language switcher too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # Uploaded files are never served from /media/: only agreements:document_download hands them out.
    path("", include("agreements.urls")),
]
