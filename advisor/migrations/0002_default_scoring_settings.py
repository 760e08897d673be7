from django.db import migrations


def create_settings(apps, schema_editor):
    # The field defaults are the engine's defaults at the time of this migration.
    apps.get_model("advisor", "ScoringSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("advisor", "0001_initial")]

    operations = [migrations.RunPython(create_settings, migrations.RunPython.noop)]
