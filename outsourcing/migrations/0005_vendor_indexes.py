from django.db import migrations


def by_code(table: str, column: str) -> migrations.RunSQL:
    """Matching finds a service's (or language's, certification's) vendors from the
    many-to-many table alone, without visiting its rows: an index led by the code's
    key. The table's own unique index leads with the vendor."""
    name = f"{table}_by_{column}"
    return migrations.RunSQL(
        f"CREATE INDEX {name} ON outsourcing_vendor_{table} ({column}, vendor_id)",
        f"DROP INDEX {name}",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("outsourcing", "0004_vendor_timezone"),
    ]

    operations = [
        by_code("services", "service_id"),
        by_code("languages", "language_id"),
        by_code("certifications", "certification_id"),
    ]
