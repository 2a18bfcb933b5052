"""Django app for listening: sources, queries, mentions, sentiment and the reputation index."""

from django.apps import AppConfig


class ListeningConfig(AppConfig):
    name = "accord.listening"
    label = "listening"
    verbose_name = "Listening"
    default_auto_field = "django.db.models.BigAutoField"
