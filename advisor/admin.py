"""Tuning the advisor, a read-only view of saved recommendations, and the service form's
live classification of a typical answer profile."""

from collections.abc import Mapping
from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html

from advisor.catalog_inputs import scoring_parameters
from advisor.engine import (
    AnswerError,
    Factor,
    ProcessType,
    Result,
    Verdict,
    parse_answers,
    score,
)
from advisor.models import Recommendation, ScoringSettings
from outsourcing import admin as catalog_admin
from outsourcing.admin import IdCheckingModelAdmin
from outsourcing.models import Service

CONFIRM_LABEL = "Save anyway: I confirm this profile"


@dataclass(frozen=True)
class Classification:
    """What the advisor makes of a service's typical answers, against its type."""

    result: Result
    process_type: ProcessType | None

    @property
    def contradicts(self) -> bool:
        """A BPO verdict for a KPO service or the reverse; hybrid fits either."""
        verdict = self.result.verdict
        return (
            self.process_type is not None
            and verdict is not Verdict.HYBRID
            and verdict.value != self.process_type.value
        )

    @property
    def text(self) -> str:
        verdict = self.result.verdict
        found = (
            f"The advisor classifies this profile as {verdict.label} "
            f"(KPO score {self.result.kpo_score:g} of 100)"
        )
        if self.process_type is None:
            return f"{found}."
        if self.contradicts:
            return (
                f"{found}, but the service is {self.process_type.label}: a buyer with "
                "these answers is told the opposite of the service's type."
            )
        if verdict is Verdict.HYBRID:
            return f"{found}: a mix, which fits a {self.process_type.label} service."
        return f"{found}, which agrees with the service's type."

    def as_json(self) -> dict[str, object]:
        return {
            "verdict": self.result.verdict.value,
            "kpo_score": self.result.kpo_score,
            "contradicts": self.contradicts,
            "text": self.text,
        }


def classify(answers: Mapping[str, object], process_type: str | None) -> Classification:
    """Raises AnswerError for answers the engine refuses, ValueError for an unknown type."""
    kind = ProcessType(process_type) if process_type else None
    return Classification(score(parse_answers(answers), scoring_parameters()), kind)


class ClassifiedServiceForm(forms.ModelForm):
    """A service whose typical answers contradict its type saves only when confirmed."""

    confirm_profile = forms.BooleanField(
        label=CONFIRM_LABEL, required=False, widget=forms.HiddenInput
    )

    def clean(self):
        super().clean()
        cleaned_data = self.cleaned_data
        answers = {factor.value: cleaned_data.get(factor.value) for factor in Factor}
        if None in answers.values() or not cleaned_data.get("process_type"):
            return cleaned_data
        classification = classify(answers, cleaned_data["process_type"])
        if classification.contradicts:
            # Shown from now on, ticked or not, so the editor sees what they confirm.
            self.fields["confirm_profile"].widget = forms.CheckboxInput()
            if not cleaned_data.get("confirm_profile"):
                self.add_error(
                    "confirm_profile",
                    ValidationError(
                        "The advisor classifies this profile as %(verdict)s, but the service "
                        "is %(kind)s. Change the answers or the type, or tick “%(confirm)s”.",
                        code="profile_contradicts_type",
                        params={
                            "verdict": classification.result.verdict.label,
                            "kind": ProcessType(cleaned_data["process_type"]).label,
                            "confirm": CONFIRM_LABEL,
                        },
                    ),
                )
        return cleaned_data


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


admin.site.unregister(Service)


@admin.register(Service)
class ServiceAdmin(catalog_admin.ServiceAdmin):
    """The catalog's service admin, plus how the advisor classifies the typical answers
    as they are edited (profile-classification.js asks `classify_view`)."""

    form = ClassifiedServiceForm

    class Media:
        js = ["outsourcing/profile-classification.js"]
        css = {"all": ["outsourcing/admin.css"]}

    def get_fieldsets(self, request, obj=None):
        return [
            (name, {**options, "fields": [*options["fields"], "classification", "confirm_profile"]})
            if Factor.TASK_COMPLEXITY.value in options["fields"]
            else (name, options)
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "classification"]

    def get_urls(self):
        classify_url = path(
            "classify/",
            self.admin_site.admin_view(self.classify_view),
            name="outsourcing_service_classify",
        )
        return [classify_url, *super().get_urls()]

    @admin.display(description="How the advisor classifies it")
    def classification(self, service):
        if service is None or service.pk is None:
            text = "Answer all nine questions to see how the advisor classifies the profile."
            contradicts = False
        else:
            found = classify({f.value: v for f, v in service.profile.items()}, service.process_type)
            text, contradicts = found.text, found.contradicts
        return format_html(
            '<output id="profile-classification" class="{}" aria-live="polite" '
            'data-url="{}" data-fields="{}">{}</output>',
            "contradicts" if contradicts else "",
            reverse(f"{self.admin_site.name}:outsourcing_service_classify"),
            " ".join(["process_type", *(factor.value for factor in Factor)]),
            text,
        )

    def classify_view(self, request: HttpRequest) -> JsonResponse:
        """The verdict and score for the answers in the query, and whether they agree
        with `process_type`: JSON, 400 with an `error` for input the engine refuses."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        answers = {factor.value: request.GET.get(factor.value, "") for factor in Factor}
        try:
            found = classify(answers, request.GET.get("process_type", ""))
        except AnswerError as error:
            return JsonResponse({"error": str(error)}, status=400)
        except ValueError:
            return JsonResponse({"error": "The type must be BPO or KPO."}, status=400)
        return JsonResponse(found.as_json())
