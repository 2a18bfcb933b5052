"""Django app for the brand voice: style guides, the content gate and consistency scores."""

from django.apps import AppConfig


class BrandConfig(AppConfig):
    name = "accord.brand"
    label = "brand"
    verbose_name = "Brand voice"
    default_auto_field = "django.db.models.BigAutoField"
