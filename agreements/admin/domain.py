from django.contrib import admin

from agreements import models

for model in (
    models.Country,
    models.Sector,
    models.Institution,
    models.Person,
    models.Commission,
    models.Session,
    models.SectoralMeeting,
    models.Agreement,
    models.ActionLine,
    models.ProgressUpdate,
    models.DeadlineChange,
    models.Document,
):
    admin.site.register(model)
