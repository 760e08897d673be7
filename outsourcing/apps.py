from django.apps import AppConfig


class OutsourcingConfig(AppConfig):
    name = "outsourcing"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from outsourcing.caching import connect_signals

        connect_signals()
