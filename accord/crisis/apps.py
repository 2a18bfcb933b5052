"""Django app for crisis: spike detection over mention streams, alerts and their delivery."""

from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "accord.crisis"
    label = "crisis"
    verbose_name = "Crisis"
    default_auto_field = "django.db.models.BigAutoField"
