"""Segments pages, under /w/<workspace slug>/segments/."""

from django.urls import path

from accord.segments import views
from accord.segments.insight_urls import urlpatterns as insight_patterns

app_name = "segments"

S = "w/<slug:slug>/segments/"
G = S + "<slug:segment>/"

urlpatterns = [
    path(S, views.segment_list, name="list"),
    path(S + "new/", views.segment_new, name="new"),
    path(S + "builder/", views.builder_partial, name="builder"),
    *insight_patterns,  # before G: "personas" is not a segment slug
    path(G, views.segment_detail, name="detail"),
    path(G + "edit/", views.segment_edit, name="edit"),
    path(G + "delete/", views.segment_delete, name="delete"),
    path(G + "members/add/", views.members_add, name="members_add"),
    path(G + "members/remove/", views.members_remove, name="members_remove"),
    path(G + "freeze/", views.segment_freeze, name="freeze"),
    path(G + "refresh/", views.segment_refresh, name="refresh"),
]
