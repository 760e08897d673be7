from django.apps import AppConfig


class OutsourcingConfig(AppConfig):
    name = "outsourcing"
    verbose_name = "Catalog"
