"""Sign-in, sign-out and the password change.

There is deliberately no password reset: accounts are issued by the secretariat, and a reset link sent by
email to diplomatic staff would be one more way into their accounts. The sign-in page says whom to ask.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import SignInView

urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
