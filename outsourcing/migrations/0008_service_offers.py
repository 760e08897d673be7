import django.db.models.deletion
from django.db import migrations, models

BATCH = 5_000


def fill_offers(apps, schema_editor):
    """The offers of the vendors already there, as `ServiceOffer.objects.refresh`
    makes them (written out here against the models as they are at this migration)."""
    Vendor = apps.get_model("outsourcing", "Vendor")
    ServiceOffer = apps.get_model("outsourcing", "ServiceOffer")
    ids = list(Vendor.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        held = {}
        for field, code in [
            ("services", "service_id"),
            ("languages", "language__code"),
            ("certifications", "certification__code"),
        ]:
            through = Vendor._meta.get_field(field).remote_field.through
            for vendor_id, value in through.objects.filter(vendor_id__in=batch).values_list(
                "vendor_id", code
            ):
                held.setdefault((field, vendor_id), []).append(str(value))
        offers = []
        fields = ["pk", "name", "slug", "delivery_countries", "hourly_rate_min"]
        fields += ["hourly_rate_max", "coverage", "is_verified", "is_sample"]
        for vendor in Vendor.objects.filter(pk__in=batch).values(*fields):
            pk = vendor.pop("pk")
            verified, sample = vendor.pop("is_verified"), vendor.pop("is_sample")
            codes = {
                field: "," + "".join(f"{code}," for code in sorted(held.get((field, pk), [])))
                for field in ("services", "languages", "certifications")
            }
            offers.extend(
                ServiceOffer(
                    vendor_id=pk,
                    service_id=int(service_id),
                    shows_as_verified=verified and not sample,
                    language_codes=codes["languages"],
                    certification_codes=codes["certifications"],
                    service_ids=codes["services"],
                    **vendor,
                )
                for service_id in held.get(("services", pk), [])
            )
        ServiceOffer.objects.bulk_create(offers, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("outsourcing", "0007_active_vendor_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ServiceOffer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120)),
                ("slug", models.CharField(max_length=120)),
                ("delivery_countries", models.TextField()),
                ("hourly_rate_min", models.PositiveSmallIntegerField()),
                ("hourly_rate_max", models.PositiveSmallIntegerField()),
                ("coverage", models.CharField(max_length=20)),
                ("shows_as_verified", models.BooleanField()),
                ("language_codes", models.TextField()),
                ("certification_codes", models.TextField()),
                ("service_ids", models.TextField(help_text="Every service the vendor offers.")),
                (
                    "service",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="outsourcing.service",
                    ),
                ),
                (
                    "vendor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="outsourcing.vendor",
                    ),
                ),
            ],
            options={
                "default_permissions": (),
                "constraints": [
                    models.UniqueConstraint(
                        fields=("vendor", "service"), name="one_offer_a_service"
                    )
                ],
            },
        ),
        migrations.RunPython(fill_offers, migrations.RunPython.noop),
    ]
