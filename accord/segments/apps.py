"""Django app for segments: rules, personas and the best channel per segment."""

from django.apps import AppConfig


class SegmentsConfig(AppConfig):
    name = "accord.segments"
    label = "segments"
    verbose_name = "Segments"
    default_auto_field = "django.db.models.BigAutoField"
