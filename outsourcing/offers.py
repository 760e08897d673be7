"""Keeping matching's copies of each vendor (`ServiceOffer`) in step with the catalog.

Connected in outsourcing/apps.py. Saves, deletes and many-to-many changes arrive as
signals (fixture loads included); `VendorQuerySet.update()` refreshes the vendors it
changed itself, and `generate_catalog` after its bulk inserts.
"""

from outsourcing.models import Language, ServiceOffer, Vendor, listing


def vendor_saved(instance: Vendor, **kwargs) -> None:
    ServiceOffer.objects.refresh([instance.pk])


def vendor_m2m_changed(instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """A vendor's services, languages or certifications changed, from either side."""
    if not reverse:
        if action.startswith("post_"):
            ServiceOffer.objects.refresh([instance.pk])
    elif action == "pre_clear":
        # The vendors losing it are known only before the clear.
        instance._offer_vendors = list(instance.vendors.values_list("pk", flat=True))
    elif action == "post_clear":
        ServiceOffer.objects.refresh(getattr(instance, "_offer_vendors", []))
    elif action in ("post_add", "post_remove"):
        ServiceOffer.objects.refresh(pk_set or [])


def code_saved(instance, created: bool, **kwargs) -> None:
    """A language or certification saved: the copies that lack its code are stale
    (none unless the code changed)."""
    if created:
        return
    field = "language_codes" if isinstance(instance, Language) else "certification_codes"
    stale = ServiceOffer.objects.filter(vendor__in=instance.vendors.all()).exclude(
        listing(field, instance.code)
    )
    ServiceOffer.objects.refresh(stale.values_list("vendor_id", flat=True).distinct())


def held_deleting(instance, **kwargs) -> None:
    # Its vendors' rows in the many-to-many table go with it, without a signal.
    instance._offer_vendors = list(instance.vendors.values_list("pk", flat=True))


def held_deleted(instance, **kwargs) -> None:
    ServiceOffer.objects.refresh(getattr(instance, "_offer_vendors", []))
