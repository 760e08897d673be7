from django.apps import AppConfig
from django.core import checks


class OutsourcingConfig(AppConfig):
    name = "outsourcing"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from outsourcing.caching import connect_signals
        from outsourcing.ratelimit import check_trusted_proxies

        connect_signals()
        checks.register(check_trusted_proxies, checks.Tags.security, deploy=True)
