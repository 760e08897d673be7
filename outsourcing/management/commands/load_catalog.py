from django.conf import settings
from django.core.management import BaseCommand, call_command

from outsourcing.models import RateCard, Service, Vendor

CATALOG_FIXTURES = ["catalog.json", "sample_vendors.json", "costs.json"]
# Rate cards came after the first catalogs were loaded.
COST_FIXTURES = ["costs.json"]


class Command(BaseCommand):
    help = "Load the shipped catalog and sample vendors from fixtures/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the catalog already has services or vendors.",
        )

    def handle(self, *args, if_empty, **options):
        names = CATALOG_FIXTURES
        if if_empty and (Service.objects.exists() or Vendor.objects.exists()):
            if RateCard.objects.exists():
                self.stdout.write("The catalog already has entries; nothing loaded.")
                return
            names = COST_FIXTURES
        paths = [settings.BASE_DIR / "fixtures" / name for name in names]
        call_command("loaddata", *paths, verbosity=options["verbosity"])
