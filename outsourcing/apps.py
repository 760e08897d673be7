from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.core import checks
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save


class OutsourcingConfig(AppConfig):
    name = "outsourcing"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from outsourcing import history, offers
        from outsourcing.catalog_version import catalog_changed, catalog_m2m_changed
        from outsourcing.models import (
            Certification,
            CostAssumptions,
            CountryCost,
            ExchangeRate,
            Language,
            RateCard,
            Service,
            ServiceCategory,
            Vendor,
        )
        from outsourcing.ratelimit import check_trusted_proxies

        # Fixture loads save with raw=True, and bump too.
        catalog = (ServiceCategory, Service, Language, Certification, Vendor)
        costs = (RateCard, CountryCost, CostAssumptions, ExchangeRate)
        for model in (*catalog, *costs):
            post_save.connect(catalog_changed, sender=model, dispatch_uid=f"catalog-{model}")
            post_delete.connect(catalog_changed, sender=model, dispatch_uid=f"catalog-{model}")
        for field in ("services", "languages", "certifications"):
            m2m_changed.connect(
                catalog_m2m_changed,
                sender=getattr(Vendor, field).through,
                dispatch_uid=f"catalog-{field}",
            )
        pre_save.connect(history.skip_fixture_loads, sender=Vendor, dispatch_uid="history-fixtures")
        # Matching's copies of each vendor (outsourcing.models.ServiceOffer).
        post_save.connect(offers.vendor_saved, sender=Vendor, dispatch_uid="offers-vendor")
        for field in ("services", "languages", "certifications"):
            m2m_changed.connect(
                offers.vendor_m2m_changed,
                sender=getattr(Vendor, field).through,
                dispatch_uid=f"offers-{field}",
            )
        for model in (Language, Certification):
            post_save.connect(offers.code_saved, sender=model, dispatch_uid=f"offers-{model}")
        for model in (Service, Language, Certification):
            pre_delete.connect(offers.held_deleting, sender=model, dispatch_uid=f"offers-{model}")
            post_delete.connect(offers.held_deleted, sender=model, dispatch_uid=f"offers-{model}")
        checks.register(check_trusted_proxies, checks.Tags.security, deploy=True)


class CatalogAdminConfig(admin_apps.AdminConfig):
    """The admin, with the site that lists the catalog first (outsourcing/sites.py).
    Not this module's default: "outsourcing" in INSTALLED_APPS means OutsourcingConfig."""

    default = False
    default_site = "outsourcing.sites.CatalogAdminSite"
