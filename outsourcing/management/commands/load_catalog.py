from django.conf import settings
from django.core.management import BaseCommand, call_command

from outsourcing.models import Service, Vendor

CATALOG_FIXTURES = ["catalog.json", "sample_vendors.json"]


class Command(BaseCommand):
    help = "Load the shipped catalog and sample vendors from fixtures/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the catalog already has services or vendors.",
        )

    def handle(self, *args, if_empty, **options):
        if if_empty and (Service.objects.exists() or Vendor.objects.exists()):
            self.stdout.write("The catalog already has entries; nothing loaded.")
            return
        paths = [settings.BASE_DIR / "fixtures" / name for name in CATALOG_FIXTURES]
        call_command("loaddata", *paths, verbosity=options["verbosity"])
