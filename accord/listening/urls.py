"""Listening pages, under /w/<workspace slug>/listening/."""

from django.urls import path

from accord.listening import views

app_name = "listening"

L = "w/<slug:slug>/listening/"
M = L + "mentions/<int:mention_id>/"
S = L + "sources/<int:source_id>/"

urlpatterns = [
    path(L, views.mention_list, name="mentions"),
    path(L + "export.csv", views.export_csv, name="export"),
    path(L + "mentions/new/", views.mention_new, name="mention_new"),
    path(M + "tag/", views.mention_tag, name="tag"),
    path(M + "assign/", views.mention_assign, name="assign"),
    path(M + "spam/", views.mention_spam, name="spam"),
    path(M + "reply/", views.mention_reply, name="reply"),
    path(L + "reputation/", views.reputation, name="reputation"),
    path(L + "queries/", views.query_list, name="queries"),
    path(L + "queries/new/", views.query_new, name="query_new"),
    path(L + "queries/<int:query_id>/", views.query_edit, name="query"),
    path(L + "sources/", views.source_list, name="sources"),
    path(L + "sources/new/", views.source_new, name="source_new"),
    path(S, views.source_edit, name="source"),
    path(S + "<str:action>/", views.source_action, name="source_action"),
]
