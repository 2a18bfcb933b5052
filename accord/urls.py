"""Root URLs: pages under /, the JSON API under /api/v1/, health at /healthz."""

from django.urls import include, path

from accord.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("accord.web.urls")),
    path("", include("accord.contacts.urls")),
    path("", include("accord.tracking.urls")),
    path("", include("accord.brand.urls")),
    path("", include("accord.segments.urls")),
    path("", include("accord.listening.urls")),
    path("", include("accord.crisis.urls")),
]
