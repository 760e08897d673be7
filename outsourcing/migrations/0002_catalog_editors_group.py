from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Catalog editors"
CATALOG_MODELS = ["servicecategory", "service", "vendor", "language", "certification"]
ACTIONS = ["view", "add", "change", "delete"]


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations ran; make them now so
    # the group can be given them on a fresh database.
    app_config = apps.get_app_config("outsourcing")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    codenames = [f"{action}_{model}" for model in CATALOG_MODELS for action in ACTIONS]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="outsourcing", codename__in=codenames)
    )


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("outsourcing", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
