"""The admin site: the catalog first, as editors spend most of their time there."""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView

# Apps in the order the admin home and its sidebar list them; the rest follow.
APP_ORDER = ["outsourcing", "advisor"]
# Models of each app, in the order an editor works through them; any other model of
# the app follows these, alphabetically.
MODEL_ORDER = {
    "outsourcing": [
        "servicecategory",
        "service",
        "vendor",
        "ratecard",
        "countrycost",
        "costassumptions",
        "exchangerate",
        "language",
        "certification",
    ],
    "advisor": ["recommendation", "scoringsettings"],
}


def place(order: list[str], key: str) -> tuple[int, str]:
    return (order.index(key) if key in order else len(order), key)


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete whose option text comes from the listed model's admin, where it
    defines `autocomplete_label(obj)`: a service shows its category beside its name."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if label := getattr(self.model_admin, "autocomplete_label", None):
            result["text"] = label(obj)
        return result


class CatalogAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        app_list.sort(key=lambda app: place(APP_ORDER, app["app_label"]))
        for app in app_list:
            order = MODEL_ORDER.get(app["app_label"], [])
            app["models"].sort(key=lambda model: place(order, model["object_name"].lower()))
        return app_list

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)
