from django.urls import path

from commission.urls import urlpatterns as project_urlpatterns

from .stock_admin import site

urlpatterns = [path("bench-admin/", site.urls), *project_urlpatterns]
