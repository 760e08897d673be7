from django.core.management import BaseCommand

from outsourcing.catalog_version import bump_catalog_version
from outsourcing.models import ServiceOffer, Vendor


class Command(BaseCommand):
    help = (
        "Make matching's copy of every vendor's offers afresh. Every write through Django "
        "keeps them in step; run this after writing the catalog with plain SQL."
    )

    def handle(self, *args, **options):
        ServiceOffer.objects.refresh(Vendor.objects.values_list("pk", flat=True))
        # Rankings kept under the old version were made from the old copies.
        bump_catalog_version()
        self.stdout.write(f"{ServiceOffer.objects.count()} offers made afresh.")
