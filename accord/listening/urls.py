"""Listening pages, under /w/<workspace slug>/listening/."""

from django.urls import URLPattern

app_name = "listening"

urlpatterns: list[URLPattern] = []
