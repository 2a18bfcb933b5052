"""Contacts pages, under /w/<workspace slug>/contacts/."""

from django.urls import path

from accord.contacts import views

app_name = "contacts"

C = "w/<slug:slug>/contacts/"

urlpatterns = [
    path(C, views.contact_list, name="list"),
    path(C + "new/", views.contact_new, name="new"),
    path(C + "export.csv", views.export_csv, name="export"),
    path(C + "import/", views.import_upload, name="import"),
    path(C + "import/preview/<str:token>/", views.import_preview, name="import_preview"),
    path(C + "import/jobs/<int:job_id>/", views.import_job, name="import_job"),
    path(C + "import/jobs/<int:job_id>/progress/", views.import_progress, name="import_progress"),
    path(C + "import/jobs/<int:job_id>/errors.csv", views.import_errors, name="import_errors"),
    path(C + "<int:contact_id>/", views.contact_detail, name="detail"),
    path(C + "<int:contact_id>/edit/", views.contact_edit, name="edit"),
    path(C + "<int:contact_id>/merge/", views.contact_merge, name="merge"),
    path(C + "<int:contact_id>/gdpr.json", views.gdpr_export, name="gdpr_export"),
    path(C + "<int:contact_id>/erase/", views.contact_erase, name="erase"),
]
