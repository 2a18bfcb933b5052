"""Personas and best-channel pages, added to the segments app's ``urls.py``.

They must come before its ``segments/<slug:segment>/`` pattern, or "personas" would be read
as a segment's slug.
"""

from django.urls import URLPattern, path

from accord.segments import insight_views

urlpatterns: list[URLPattern] = [
    path("w/<slug:slug>/segments/personas/", insight_views.personas, name="personas"),
    path(
        "w/<slug:slug>/segments/personas/refresh/",
        insight_views.personas_refresh,
        name="personas_refresh",
    ),
    path(
        "w/<slug:slug>/segments/<slug:segment>/best-channel/",
        insight_views.best_channel,
        name="best_channel",
    ),
]
