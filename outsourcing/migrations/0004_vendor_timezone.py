from django.db import migrations, models

import outsourcing.models
from advisor.engine import default_timezone


def fill_timezones(apps, schema_editor):
    """Each vendor's zone from its first delivery country: one update per distinct
    list of countries, however many vendors share it."""
    Vendor = apps.get_model("outsourcing", "Vendor")
    lists = Vendor.objects.filter(timezone="").values_list("delivery_countries", flat=True)
    for countries in set(lists):
        zones = (default_timezone(code) for code in countries.split(",") if code)
        zone = next((zone for zone in zones if zone), "")
        if zone:
            Vendor.objects.filter(timezone="", delivery_countries=countries).update(timezone=zone)


class Migration(migrations.Migration):
    dependencies = [
        ("outsourcing", "0003_rate_counter"),
    ]

    operations = [
        migrations.AddField(
            model_name="vendor",
            name="timezone",
            field=models.CharField(
                blank=True,
                help_text="An IANA zone, e.g. Asia/Manila; left blank, the first delivery "
                "country's main zone.",
                max_length=64,
                validators=[outsourcing.models.validate_timezone],
                verbose_name="working time zone",
            ),
        ),
        migrations.RunPython(fill_timezones, migrations.RunPython.noop),
    ]
