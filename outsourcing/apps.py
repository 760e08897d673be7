from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import m2m_changed, post_delete, post_save


class OutsourcingConfig(AppConfig):
    name = "outsourcing"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from outsourcing.catalog_version import catalog_changed, catalog_m2m_changed
        from outsourcing.models import Certification, Language, Service, ServiceCategory, Vendor
        from outsourcing.ratelimit import check_trusted_proxies

        # Fixture loads save with raw=True, and bump too.
        for model in (ServiceCategory, Service, Language, Certification, Vendor):
            post_save.connect(catalog_changed, sender=model, dispatch_uid=f"catalog-{model}")
            post_delete.connect(catalog_changed, sender=model, dispatch_uid=f"catalog-{model}")
        for field in ("services", "languages", "certifications"):
            m2m_changed.connect(
                catalog_m2m_changed,
                sender=getattr(Vendor, field).through,
                dispatch_uid=f"catalog-{field}",
            )
        checks.register(check_trusted_proxies, checks.Tags.security, deploy=True)
