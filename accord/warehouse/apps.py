from django.apps import AppConfig


class WarehouseConfig(AppConfig):
    name = "accord.warehouse"
    label = "warehouse"
