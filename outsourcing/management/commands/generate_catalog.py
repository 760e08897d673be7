"""Synthetic catalog data for benchmarks and tests: `generate_catalog --vendors N --services M`.

Everything it makes is plainly fake: vendors are named "Synthetic Vendor 00042", marked
as sample data (`is_sample`) and sit on `.example` websites; services are named
"Synthetic Service 007" in their own "Synthetic services (generated)" category. The
same `--seed` gives the same data. Rows go in with bulk inserts, a chunk of vendors
and their many-to-many rows at a time, so memory stays flat: 10,000 vendors take a few
seconds, 300,000 a few minutes.
"""

import random

from django.core.management import BaseCommand, CommandError
from django.db import transaction

from advisor.engine import Factor, ProcessType
from outsourcing.models import (
    Certification,
    Language,
    Service,
    ServiceCategory,
    ServiceOffer,
    Vendor,
    vendor_timezone,
)

BATCH = 1000
# Vendors made, inserted and forgotten at a time, with their many-to-many rows.
CHUNK = 10_000
CATEGORY_SLUG = "synthetic-services"
COUNTRIES = [
    "PH", "IN", "PL", "RO", "UA", "MX", "CO", "BR", "AR", "ZA", "KE", "EG", "MA", "VN",
    "MY", "LK", "BG", "PT", "IE", "CZ", "EE", "GE", "AM", "TR", "CR", "GT", "JM", "NG",
]  # fmt: skip
LANGUAGES = [("en", "English"), ("es", "Spanish"), ("fr", "French"), ("de", "German")]
CERTIFICATIONS = [("iso-27001", "ISO/IEC 27001"), ("iso-9001", "ISO 9001")]


class Command(BaseCommand):
    help = "Add synthetic vendors and services, marked as sample data, for benchmarks and tests."

    def add_arguments(self, parser):
        parser.add_argument("--vendors", type=int, default=1000, help="Vendors to add.")
        parser.add_argument("--services", type=int, default=0, help="Services to add.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")

    def handle(self, *args, vendors: int, services: int, seed: int, **options):
        if vendors < 0 or services < 0:
            raise CommandError("--vendors and --services take a number from 0 up.")
        rng = random.Random(seed)
        with transaction.atomic():
            made_services = self._services(rng, services)
            pool = list(Service.objects.active().values_list("pk", flat=True))
            if vendors and not pool:
                raise CommandError("There are no active services to offer: add --services.")
            # The bulk inserts bump the catalog version as this transaction commits.
            self._vendors(rng, vendors, pool)
        self.stdout.write(f"Added {len(made_services)} services and {vendors} vendors.")

    def _services(self, rng: random.Random, count: int) -> list[Service]:
        if not count:
            return []
        category, _ = ServiceCategory.objects.get_or_create(
            slug=CATEGORY_SLUG,
            defaults={"name": "Synthetic services (generated)", "position": 999},
        )
        start = Service.objects.filter(slug__startswith="synthetic-service-").count()
        rows = []
        for number in range(start + 1, start + count + 1):
            kpo = rng.random() < 0.5
            low, high = (3, 5) if kpo else (1, 3)
            profile = {factor.value: rng.randint(low, high) for factor in Factor}
            profile[Factor.CUSTOMER_CONTACT.value] = rng.randint(1, 5)
            rows.append(
                Service(
                    category=category,
                    name=f"Synthetic Service {number:03d}",
                    slug=f"synthetic-service-{number:03d}",
                    process_type=ProcessType.KPO if kpo else ProcessType.BPO,
                    summary="Generated sample service for benchmarks and tests.",
                    description="Generated sample data; not a real service.",
                    typical_tasks="Generated task one\nGenerated task two",
                    **profile,
                )
            )
        return Service.objects.bulk_create(rows, batch_size=BATCH)

    def _vendors(self, rng: random.Random, count: int, service_pool: list[int]) -> None:
        if not count:
            return
        languages = _ensure(Language, LANGUAGES, "code", "name")
        certifications = _ensure(Certification, CERTIFICATIONS, "code", "name")
        start = Vendor.objects.filter(slug__startswith="synthetic-vendor-").count()
        for first in range(start + 1, start + count + 1, CHUNK):
            last = min(first + CHUNK, start + count + 1)
            self._vendor_chunk(rng, range(first, last), service_pool, languages, certifications)

    def _vendor_chunk(
        self,
        rng: random.Random,
        numbers: range,
        service_pool: list[int],
        languages: list[int],
        certifications: list[int],
    ) -> None:
        rows = []
        for number in numbers:
            rate_min = rng.randint(8, 90)
            countries = rng.sample(COUNTRIES, rng.randint(1, 3))
            rows.append(
                Vendor(
                    name=f"Synthetic Vendor {number:05d}",
                    slug=f"synthetic-vendor-{number:05d}",
                    pitch="Generated sample vendor for benchmarks and tests.",
                    description="Generated sample data; not a real company.",
                    website=f"https://synthetic-vendor-{number:05d}.example",
                    founded_year=rng.randint(1980, 2024),
                    headquarters=rng.choice(COUNTRIES),
                    delivery_countries=",".join(countries),
                    # Bulk inserts skip save(), which fills the zone in.
                    timezone=vendor_timezone(countries),
                    coverage=rng.choice(list(Vendor.Coverage)),
                    team_size=rng.choice(list(Vendor.TeamSize)),
                    hourly_rate_min=rate_min,
                    hourly_rate_max=rate_min + rng.randint(0, 60),
                    is_sample=True,  # so never verified
                )
            )
        created = Vendor.objects.bulk_create(rows, batch_size=BATCH)
        if created and created[0].pk is None:  # backends that return no keys
            created = list(Vendor.objects.filter(slug__in=[v.slug for v in rows]))
        offers, speaks, holds = [], [], []
        for vendor in created:
            for service_id in rng.sample(service_pool, min(len(service_pool), rng.randint(1, 4))):
                offers.append(Vendor.services.through(vendor_id=vendor.pk, service_id=service_id))
            for language_id in rng.sample(languages, rng.randint(1, 2)):
                speaks.append(
                    Vendor.languages.through(vendor_id=vendor.pk, language_id=language_id)
                )
            for certification_id in rng.sample(certifications, rng.randint(0, 1)):
                holds.append(
                    Vendor.certifications.through(
                        vendor_id=vendor.pk, certification_id=certification_id
                    )
                )
        Vendor.services.through.objects.bulk_create(offers, batch_size=BATCH * 5)
        Vendor.languages.through.objects.bulk_create(speaks, batch_size=BATCH * 5)
        Vendor.certifications.through.objects.bulk_create(holds, batch_size=BATCH * 5)
        # The through tables' own bulk writes send no signal.
        ServiceOffer.objects.refresh(vendor.pk for vendor in created)


def _ensure(model, defaults: list[tuple[str, str]], code_field: str, name_field: str) -> list[int]:
    """The primary keys of every row of `model`, making a few first if there are none."""
    if not model.objects.exists():
        model.objects.bulk_create(
            [model(**{code_field: code, name_field: name}) for code, name in defaults]
        )
    return list(model.objects.values_list("pk", flat=True))
