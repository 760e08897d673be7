"""Save preference names with each recommendation, filling existing rows from the
catalog as it is now (the nearest there is to what it was when they were saved)."""

from django.db import migrations, models
from django_countries import countries


def fill_preference_names(apps, schema_editor):
    Recommendation = apps.get_model("advisor", "Recommendation")
    Language = apps.get_model("outsourcing", "Language")
    Certification = apps.get_model("outsourcing", "Certification")
    languages = dict(Language.objects.values_list("code", "name"))
    certifications = dict(Certification.objects.values_list("code", "name"))
    for recommendation in Recommendation.objects.exclude(preferences={}).iterator():
        prefs = recommendation.preferences
        recommendation.preference_names = {
            "countries": {code: countries.name(code) for code in prefs.get("countries", ())},
            "languages": {code: languages.get(code, code) for code in prefs.get("languages", ())},
            "certifications": {
                code: certifications.get(code, code) for code in prefs.get("certifications", ())
            },
        }
        recommendation.save(update_fields=["preference_names"])


class Migration(migrations.Migration):
    dependencies = [
        ("advisor", "0002_default_scoring_settings"),
        ("outsourcing", "0002_catalog_editors_group"),
    ]

    operations = [
        migrations.AddField(
            model_name="recommendation",
            name="preference_names",
            field=models.JSONField(
                default=dict,
                help_text="The names of the preferred countries, languages and certifications "
                "as they were when saved, by code.",
            ),
        ),
        migrations.RunPython(fill_preference_names, migrations.RunPython.noop),
    ]
