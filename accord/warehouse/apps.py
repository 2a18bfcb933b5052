from django.apps import AppConfig


class WarehouseConfig(AppConfig):
    name = "accord.warehouse"
    label = "warehouse"

    def ready(self) -> None:
        """Read ACCORD_WAREHOUSE_* once at start-up so that a bad value stops the process."""
        from accord.warehouse.config import warehouse_config

        warehouse_config()
