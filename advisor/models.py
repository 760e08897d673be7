"""Saved recommendations, and the weights and thresholds the advisor uses now."""

import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.urls import reverse

from advisor.engine import Factor, Verdict
from advisor.engine.parameters import DEFAULT_PARAMETERS, Parameters
from outsourcing.catalog_version import CatalogQuerySet

# 18 random bytes: 144 bits, 24 URL-safe characters.
TOKEN_BYTES = 18
# What a share-link token can look like; anything else is refused before any query.
TOKEN_PATTERN = "[A-Za-z0-9_-]{20,40}"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def weight_field(factor: Factor) -> models.DecimalField:
    return models.DecimalField(
        f"{factor.value.replace('_', ' ')} weight",
        max_digits=4,
        decimal_places=2,
        default=Decimal(str(DEFAULT_PARAMETERS.weights[factor])),
        validators=[
            MinValueValidator(Decimal("0.1"), "A weight must be at least 0.1."),
            MaxValueValidator(Decimal("10"), "A weight must be at most 10."),
        ],
    )


class ScoringSettings(models.Model):
    """The weights and thresholds new recommendations are scored with; a single row.

    Saved recommendations keep the parameters they were made with, so changing
    these never changes a link that was already shared.
    """

    task_complexity_weight = weight_field(Factor.TASK_COMPLEXITY)
    skill_scarcity_weight = weight_field(Factor.SKILL_SCARCITY)
    decision_authority_weight = weight_field(Factor.DECISION_AUTHORITY)
    process_definition_weight = weight_field(Factor.PROCESS_DEFINITION)
    core_proximity_weight = weight_field(Factor.CORE_PROXIMITY)
    customization_weight = weight_field(Factor.CUSTOMIZATION)
    driving_force_weight = weight_field(Factor.DRIVING_FORCE)
    technology_weight = weight_field(Factor.TECHNOLOGY)
    customer_contact_weight = weight_field(Factor.CUSTOMER_CONTACT)
    bpo_max = models.DecimalField(
        "BPO up to score",
        max_digits=4,
        decimal_places=1,
        default=Decimal(str(DEFAULT_PARAMETERS.bpo_max)),
        help_text="A KPO score at or below this is BPO.",
    )
    kpo_min = models.DecimalField(
        "KPO from score",
        max_digits=4,
        decimal_places=1,
        default=Decimal(str(DEFAULT_PARAMETERS.kpo_min)),
        help_text="A KPO score at or above this is KPO; scores in between are hybrid.",
    )
    opposite_pull_share = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal(str(DEFAULT_PARAMETERS.opposite_pull_share)),
        help_text=(
            "Work is hybrid when strongly BPO answers and strongly KPO answers each carry "
            "at least this share of the answered weight."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    # Cached with the catalog: bulk writes bump its version too.
    objects = CatalogQuerySet.as_manager()

    class Meta:
        verbose_name = "scoring settings"
        verbose_name_plural = "scoring settings"

    def __str__(self) -> str:
        return "Scoring settings"

    @classmethod
    def current_parameters(cls) -> Parameters:
        settings = cls.objects.first()
        return DEFAULT_PARAMETERS if settings is None else settings.parameters()

    def parameters(self) -> Parameters:
        return Parameters(
            weights={factor: float(getattr(self, f"{factor.value}_weight")) for factor in Factor},
            bpo_max=float(self.bpo_max),
            kpo_min=float(self.kpo_min),
            opposite_pull_share=float(self.opposite_pull_share),
        )

    def clean(self) -> None:
        super().clean()
        try:
            self.parameters()
        except (TypeError, ValueError) as error:
            raise ValidationError(str(error).capitalize() + ".", code="parameters") from error


VERDICT_CHOICES = [(verdict.value, verdict.label) for verdict in Verdict]


class RecommendationManager(models.Manager["Recommendation"]):
    def link_state(self, token: str) -> tuple[bool, str]:
        """Whether a link is live and, if its PDF is drawn, when ("" if not).

        Plain SQL: every brief's page and PDF download asks this before serving a kept
        copy, and the ORM spent 0.1 ms compiling it, a quarter of such a page
        (in-process: SQLite 0.12 -> 0.01 ms, PostgreSQL 0.3 -> 0.1 ms)."""
        connection = connections[self.db]
        quote = connection.ops.quote_name
        recommendations = quote(self.model._meta.db_table)
        pdfs = quote(RecommendationPdf._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pdfs}.created_at FROM {recommendations} LEFT JOIN {pdfs} "
                f"ON {pdfs}.recommendation_id = {recommendations}.id "
                f"WHERE {recommendations}.token = %s",
                [token],
            )
            row = cursor.fetchone()
        drawn_at = row[0] if row else None
        return row is not None, drawn_at.isoformat() if drawn_at else ""


class Recommendation(models.Model):
    """A snapshot: the answers, the parameters and engine version used, the full result
    and the matches, exactly as they were when the buyer submitted."""

    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    submission_key = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="Ties a form submission to its recommendation, so a resent form makes no copy.",
    )
    task_name = models.CharField("work", max_length=120, default="")
    task_description = models.TextField("description of the work", blank=True)
    task_services = models.JSONField(
        default=list,
        blank=True,
        help_text="The services the buyer chose, in their order: slug and name of each.",
    )
    answers = models.JSONField()
    preferences = models.JSONField(default=dict)
    preference_names = models.JSONField(
        default=dict,
        help_text="The names of the preferred countries, languages and certifications "
        "as they were when saved, by code.",
    )
    engine_version = models.CharField(max_length=20)
    parameters = models.JSONField()
    result = models.JSONField()
    services = models.JSONField(default=list)
    vendors = models.JSONField(default=list)
    close_vendors = models.JSONField(
        default=list,
        blank=True,
        help_text="Vendors offering the work that miss something the buyer required.",
    )
    guidance = models.JSONField(
        default=dict,
        blank=True,
        help_text="What can go wrong, what to measure in the contract and what to have "
        "ready, for the kind of work: kinds, risks, kpis and checklist.",
    )
    verdict = models.CharField(max_length=6, choices=VERDICT_CHOICES)
    kpo_score = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = RecommendationManager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} ({self.kpo_score:g}) on {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("advisor:recommendation_detail", args=[self.token])


class RecommendationPdf(models.Model):
    """A recommendation's brief as a PDF, drawn once: the brief never changes, and
    drawing takes about half a second of CPU. It goes when its recommendation does."""

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, primary_key=True, related_name="pdf"
    )
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "recommendation PDF"

    def __str__(self) -> str:
        return f"PDF of {self.recommendation}"
