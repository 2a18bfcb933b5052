"""Tracking URLs: public endpoints at the root (/t.js, /t/e, /t.gif, /l/, /f/) and pages."""

from django.urls import path

from accord.tracking import public, views

app_name = "tracking"

W = "w/<slug:slug>/tracking/"

urlpatterns = [
    path("t.js", public.snippet, name="snippet"),
    path("t/e", public.collect, name="collect"),
    path("t.gif", public.pixel, name="pixel"),
    path("l/<str:code>", public.follow_link, name="link"),
    path("f.js", public.form_embed, name="embed"),
    path("f/<str:public_id>", public.lead_form, name="form"),
    path(W, views.health, name="health"),
    path(W + "site/", views.site, name="site"),
    path(W + "links/", views.links, name="links"),
    path(W + "forms/new/", views.form_new, name="form_new"),
    path(W + "forms/<int:form_id>/", views.form_edit, name="form_edit"),
    path("w/<slug:slug>/contacts/<int:contact_id>/journey/", views.journey, name="journey"),
]
