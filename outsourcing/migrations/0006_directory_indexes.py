from django.db import migrations, models

# The directory's search reads `UPPER(column) LIKE UPPER('%word%')` (Django's icontains),
# which only a trigram index on that same expression can answer without reading
# every vendor. PostgreSQL only: SQLite has no such index and needs none at its sizes.
# pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
TRIGRAM_INDEXES = {
    "vendor_name_trgm": "UPPER(name::text)",
    "vendor_pitch_trgm": "UPPER(pitch::text)",
    "vendor_description_trgm": "UPPER(description)",
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON outsourcing_vendor "
            f"USING gin ({expression} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("outsourcing", "0005_vendor_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="vendor",
            index=models.Index(fields=["name", "id"], name="vendor_name_order"),
        ),
        migrations.AddIndex(
            model_name="vendor",
            index=models.Index(
                fields=["hourly_rate_min", "hourly_rate_max", "name", "id"],
                name="vendor_rate_order",
            ),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
