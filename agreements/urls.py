from django.urls import path

from .views import access_list, carry_over, documents, feeds, health, imports, lists, outcomes, pages, progress, suggest
from .views.briefing import follow_up, follow_up_pdf, follow_up_xlsx
from .views.following import follow, following_list, unfollow

app_name = "agreements"

urlpatterns = [
    path("", pages.dashboard, name="home"),
    path("commissions/", pages.commission_list, name="commission_list"),
    path("commissions/<int:pk>/", pages.commission_detail, name="commission_detail"),
    path("commissions/<int:pk>/calendar.ics", feeds.commission_feed, name="commission_feed"),
    path("commissions/<int:pk>/follow-up/", follow_up, name="follow_up"),
    path("commissions/<int:pk>/follow-up.xlsx", follow_up_xlsx, name="follow_up_xlsx"),
    path("commissions/<int:pk>/briefing.pdf", follow_up_pdf, name="follow_up_pdf"),
    path("sessions/<int:pk>/", pages.session_detail, name="session_detail"),
    path("sessions/<int:pk>/next/", carry_over.prepare_next_session, name="prepare_next_session"),
    path("meetings/<int:pk>/", pages.meeting_detail, name="meeting_detail"),
    path("meetings/record/", outcomes.record_outcomes, name="outcomes_new"),
    path("meetings/<int:pk>/outcomes/", outcomes.edit_outcomes, name="outcomes_edit"),
    path("suggest/people/", suggest.people, name="suggest_people"),
    path("suggest/institutions/", suggest.institutions, name="suggest_institutions"),
    path("suggest/references/", suggest.references, name="suggest_references"),
    path("agreements/", lists.agreement_list, name="agreement_list"),
    path("agreements/export.csv", lists.agreement_export_csv, name="agreement_export_csv"),
    path("agreements/export.xlsx", lists.agreement_export_xlsx, name="agreement_export_xlsx"),
    path("agreements/<int:pk>/", pages.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/access/", access_list.grant_access, name="grant_access"),
    path("agreements/<int:pk>/access/<int:grant_pk>/remove/", access_list.revoke_access, name="revoke_access"),
    path("agreements/<int:pk>/follow/", follow, name="follow"),
    path("agreements/<int:pk>/unfollow/", unfollow, name="unfollow"),
    path("following/", following_list, name="following_list"),
    path("action-lines/", lists.action_line_list, name="action_line_list"),
    path("action-lines/mine/", lists.my_action_lines, name="my_action_lines"),
    path("action-lines/export.csv", lists.action_line_export_csv, name="action_line_export_csv"),
    path("action-lines/export.xlsx", lists.action_line_export_xlsx, name="action_line_export_xlsx"),
    path("action-lines/<int:pk>/", pages.action_line_detail, name="action_line_detail"),
    path("action-lines/<int:pk>/update/", progress.post_update, name="action_line_update"),
    path("sessions/<int:pk>/documents/", documents.attach_to_session, name="session_attach_document"),
    path("meetings/<int:pk>/documents/", documents.attach_to_meeting, name="meeting_attach_document"),
    path("agreements/<int:pk>/documents/", documents.attach_to_agreement, name="agreement_attach_document"),
    path("action-lines/<int:pk>/documents/", documents.attach_to_action_line, name="action_line_attach_document"),
    path("documents/<int:pk>/download/", documents.download, name="document_download"),
    path("imports/", imports.import_list, name="import_list"),
    path("imports/new/", imports.import_upload, name="import_upload"),
    path("imports/template.xlsx", imports.template_xlsx, name="import_template_xlsx"),
    path("imports/template.csv", imports.template_csv, name="import_template_csv"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/apply/", imports.import_apply, name="import_apply"),
    path("calendar/<uuid:token>.ics", feeds.person_feed, name="person_feed"),
    path("calendar/revoke/", feeds.revoke_person_feed, name="person_feed_revoke"),
    path("healthz", health.healthz, name="healthz"),
]
