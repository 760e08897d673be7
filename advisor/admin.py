"""Tuning the advisor, and a read-only view of saved recommendations."""

from django.contrib import admin

from advisor.engine import Factor
from advisor.models import Recommendation, ScoringSettings
from outsourcing.admin import IdCheckingModelAdmin


@admin.register(ScoringSettings)
class ScoringSettingsAdmin(IdCheckingModelAdmin):
    list_display = ["__str__", "bpo_max", "kpo_min", "opposite_pull_share", "updated_at"]
    fieldsets = [
        (
            "Weights",
            {
                "description": "How much each answer counts toward the KPO score. "
                "Saved recommendations keep the weights they were made with.",
                "fields": [f"{factor.value}_weight" for factor in Factor],
            },
        ),
        ("Thresholds", {"fields": ["bpo_max", "kpo_min", "opposite_pull_share"]}),
    ]

    def has_add_permission(self, request):
        return not ScoringSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(IdCheckingModelAdmin):
    list_display = ["created_at", "verdict", "kpo_score", "engine_version", "token"]
    list_filter = ["verdict", "engine_version", "created_at"]
    search_fields = ["token"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "token",
        "created_at",
        "verdict",
        "kpo_score",
        "engine_version",
        "answers",
        "preferences",
        "preference_names",
        "parameters",
        "result",
        "services",
        "vendors",
    ]
    fields = tuple(readonly_fields)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def view_on_site(self, obj):
        return obj.get_absolute_url()
