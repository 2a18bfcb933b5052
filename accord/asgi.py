import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
django_application = get_asgi_application()

from django.urls import get_resolver  # noqa: E402  # Django is set up from here on

from accord.warehouse.asgi_events import EventsEndpoint  # noqa: E402

# Import every URLconf (and the apps' API modules) now, at start-up: lazily, the first request
# paid ~3 s of imports, which the ingestion bench measured as part of "sustained" throughput.
get_resolver().url_patterns  # noqa: B018

# POST /api/v1/events is answered in front of Django's middleware with group commit (see
# accord/warehouse/asgi_events.py and docs/decisions/0004-ingestion-throughput.md).
application = EventsEndpoint(django_application)
