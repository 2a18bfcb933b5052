"""Brand voice pages, under /w/<workspace slug>/brand/."""

from django.urls import path

from accord.brand import views

app_name = "brand"

B = "w/<slug:slug>/brand/"
C = B + "contents/<int:content_id>/"

urlpatterns = [
    path(B, views.guide, name="guide"),
    path(B + "dashboard/", views.brand_dashboard, name="dashboard"),
    path(B + "check/", views.lint_partial, name="lint"),
    path(B + "check/fix/", views.fix_partial, name="fix"),
    path(B + "contents/", views.content_list, name="contents"),
    path(B + "contents/new/", views.content_new, name="content_new"),
    path(C, views.content_detail, name="content"),
    path(C + "submit/", views.content_submit, name="submit"),
    path(C + "override/", views.content_override, name="override"),
    path(C + "approve/", views.content_approve, name="approve"),
    path(C + "reject/", views.content_reject, name="reject"),
]
