from django.contrib import admin

from agreements.models import Reminder, SweepRun

admin.site.register(Reminder)
admin.site.register(SweepRun)
