"""The needs questionnaire: what the work is, nine answers about how it is done, and
vendor preferences, each required or merely preferred.

The form translates what the browser sent into the engine's input; the engine's
`parse_answers` judges the answers, so the web form and the `recommend` command
refuse the same things with the same words. The preferences it hands on are the ones
`advisor.services.preferences_for_matching` reads; the form checks them first, so a
bad value is shown beside its field.
"""

import zoneinfo
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django_countries import countries

from advisor.catalog_inputs import USD_CHOICE
from advisor.engine import Factor
from advisor.engine.costs import FULL_TIME_HOURS, USD
from advisor.engine.factors import AnswerError, parse_answers
from advisor.engine.questions import FACTOR_TEXTS
from advisor.engine.work import (
    TASK_DESCRIPTION_MAX,
    TASK_NAME_MAX,
    TASK_NAME_MIN,
    TASK_SERVICES_MAX,
    DataKind,
    Requirement,
    Task,
    default_timezone,
)
from advisor.services import HOURS_PER_WEEK_MAX
from outsourcing.forms import SharedChoices

SKIP_CHOICE = ("", "Skip: leave this out of the advice")
BUDGET_MAX_USD = 1000
HOURS_MESSAGE = f"Please give the hours as a whole number from 1 to {HOURS_PER_WEEK_MAX:,}."
# What counts as each kind of data, in a line a buyer can check their work against.
DATA_KIND_HINTS = {
    DataKind.PERSONAL: "Anything that identifies a person: names, email addresses, phone "
    "numbers, customer or staff records.",
    DataKind.PAYMENT_CARDS: "Card numbers taken, kept or seen, even read out over the phone.",
    DataKind.HEALTH: "Patients’ conditions, treatment, prescriptions or health insurance claims.",
    DataKind.FINANCIAL: "Bank details, accounts, invoices, payroll or tax records.",
    DataKind.CONFIDENTIAL: "Trade secrets, unreleased plans, contracts, prices or source code.",
}


def hours_help(default: int) -> str:
    """What an empty hours field stands for, with the assumption editors keep."""
    people = default / FULL_TIME_HOURS
    if people == 1:
        who = " (one full-time person)"
    elif people.is_integer():
        who = f" ({people:.0f} full-time people)"
    else:
        who = ""
    return (
        f"Count everyone’s hours: three people full time are {3 * FULL_TIME_HOURS}. "
        f"Leave empty to assume {default} hours a week{who}."
    )


def factor_field(factor: Factor) -> forms.CharField:
    """A question as radio buttons; the optional ones can be skipped."""
    text = FACTOR_TEXTS[factor]
    choices = [(str(choice.value), choice.text) for choice in text.choices]
    return forms.CharField(
        label=text.question,
        help_text=text.help_text,
        required=factor.required,
        error_messages={
            "required": f"Please answer this question: the advice needs {factor.label.lower()}."
        },
        widget=forms.RadioSelect(
            choices=SharedChoices(choices if factor.required else [SKIP_CHOICE, *choices])
        ),
    )


class FactorQuestions(forms.Form):
    """The nine questions, first and in factor order (tests/advisor hold them to Factor)."""

    task_complexity = factor_field(Factor.TASK_COMPLEXITY)
    skill_scarcity = factor_field(Factor.SKILL_SCARCITY)
    decision_authority = factor_field(Factor.DECISION_AUTHORITY)
    process_definition = factor_field(Factor.PROCESS_DEFINITION)
    core_proximity = factor_field(Factor.CORE_PROXIMITY)
    customization = factor_field(Factor.CUSTOMIZATION)
    driving_force = factor_field(Factor.DRIVING_FORCE)
    technology = factor_field(Factor.TECHNOLOGY)
    customer_contact = factor_field(Factor.CUSTOMER_CONTACT)


class QuestionnaireForm(FactorQuestions):
    # The work comes first on the page, so its errors head the summary.
    field_order = [
        "task_name",
        "task_description",
        "task_services",
        "hours_per_week",
        "data_sensitivity",
    ]
    submission_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    task_name = forms.CharField(
        label="What is the work called?",
        min_length=TASK_NAME_MIN,
        max_length=TASK_NAME_MAX,
        help_text="A short name your colleagues would recognise; the brief carries it.",
        error_messages={
            "required": "Please name the work, for example “Customer email and chat support”.",
            "min_length": "Please give the work a name of at least %(limit_value)d characters.",
            "max_length": "Please keep the work’s name to %(limit_value)d characters.",
        },
        widget=forms.TextInput(
            attrs={"placeholder": "e.g. Customer email and chat support", "autocomplete": "off"}
        ),
    )
    task_description = forms.CharField(
        label="Describe it in a few sentences (optional)",
        required=False,
        max_length=TASK_DESCRIPTION_MAX,
        error_messages={
            "max_length": "Please keep the description to %(limit_value)d characters.",
        },
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    task_services = forms.MultipleChoiceField(
        label="Which services describe it?",
        required=False,
        help_text=f"Pick up to {TASK_SERVICES_MAX}, or none if no service fits.",
        error_messages={
            "invalid_choice": "“%(value)s” is not in the catalog; please pick from the list.",
        },
        widget=forms.CheckboxSelectMultiple,
    )
    hours_per_week = forms.IntegerField(
        label="How many hours of this work are there a week? (optional)",
        required=False,
        min_value=1,
        max_value=HOURS_PER_WEEK_MAX,
        help_text=hours_help(FULL_TIME_HOURS),
        error_messages={
            "invalid": HOURS_MESSAGE,
            "min_value": HOURS_MESSAGE,
            "max_value": HOURS_MESSAGE,
        },
        widget=forms.NumberInput(
            attrs={"placeholder": f"{FULL_TIME_HOURS} if left empty", "inputmode": "numeric"}
        ),
    )
    data_sensitivity = forms.MultipleChoiceField(
        label="Which kinds of data does the work touch?",
        required=False,
        choices=SharedChoices((kind.value, kind.label) for kind in DataKind),
        help_text="Tick all that apply, or none. The brief lists the certifications they call for.",
        error_messages={
            "invalid_choice": "“%(value)s” is not a kind of data we know; please pick from "
            "the list.",
        },
        widget=forms.CheckboxSelectMultiple,
    )
    buyer_country = forms.ChoiceField(
        label="Your country",
        required=False,
        choices=SharedChoices([("", "Choose a country…"), *countries]),
    )
    buyer_timezone = forms.CharField(
        label="Your time zone",
        required=False,
        max_length=64,
        help_text="Leave empty to use your country’s main zone, e.g. Australia/Sydney.",
        widget=forms.TextInput(attrs={"placeholder": "e.g. Europe/Berlin", "autocomplete": "off"}),
    )
    currency = forms.ChoiceField(
        label="Your currency",
        required=False,
        initial=USD.currency,
        choices=SharedChoices([USD_CHOICE]),
        help_text="The brief’s costs are shown in it. The hourly rate below stays in US dollars.",
        error_messages={"invalid_choice": "Please pick a currency from the list."},
    )
    countries = forms.MultipleChoiceField(
        label="Delivered from",
        required=False,
        help_text="Leave empty for any country.",
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label="Languages the team speaks",
        required=False,
        help_text="Vendors must speak all of the languages you pick.",
        widget=forms.CheckboxSelectMultiple,
    )
    certifications = forms.MultipleChoiceField(
        label="Certifications",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    budget = forms.IntegerField(
        label="Highest hourly rate you would pay (USD)",
        required=False,
        min_value=1,
        max_value=BUDGET_MAX_USD,
        widget=forms.NumberInput(attrs={"placeholder": "e.g. 25", "inputmode": "numeric"}),
    )
    # An unticked box sends nothing: a sent form without it means "off"; a new form
    # starts with it ticked.
    require_certifications = forms.BooleanField(
        label="Only vendors holding the certifications your data needs",
        required=False,
        initial=True,
        help_text="Worked out from the data the work touches and your country: PCI DSS for "
        "card payments, say. Untick to see vendors without them too; the brief still lists "
        "what is needed.",
    )
    needs_24_7 = forms.BooleanField(label="The work needs 24/7 coverage", required=False)
    must = forms.MultipleChoiceField(
        label="Required",
        required=False,
        choices=SharedChoices(
            (requirement.value, requirement.label) for requirement in Requirement
        ),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, preference_choices=None, default_hours=None, **kwargs):
        """`preference_choices` maps "countries", "languages", "certifications",
        "currency" and "task_services" to their `SharedChoices` of (code, name) pairs,
        made once per catalog. `default_hours` is the hours a week the costs assume
        when none are given, as editors keep it."""
        super().__init__(*args, **kwargs)
        for name, choices in (preference_choices or {}).items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # the catalog's lists
            field.choices = choices
        if default_hours:
            hours = self.fields["hours_per_week"]
            hours.help_text = hours_help(default_hours)
            hours.widget.attrs["placeholder"] = f"{default_hours} if left empty"

    @property
    def factor_fields(self):
        return [self[factor.value] for factor in Factor]

    @property
    def data_kind_options(self) -> list[tuple[str, str, str, str, bool]]:
        """Each kind of data as (value, label, what counts, HTML id, ticked)."""
        ticked = set(self["data_sensitivity"].value() or ())
        return [
            (
                kind.value,
                kind.label,
                DATA_KIND_HINTS[kind],
                f"data-{kind.value.replace('_', '-')}",
                kind.value in ticked,
            )
            for kind in DataKind
        ]

    @property
    def preference_rows(self) -> list[tuple[forms.BoundField, str, bool]]:
        """Each preference that can be required, with its `must` value and whether the
        buyer marked it required."""
        marked = set(self["must"].value() or ())
        return [
            (self[requirement.value], requirement.value, requirement.value in marked)
            for requirement in Requirement
        ]

    def clean_task_services(self) -> list[str]:
        chosen = list(dict.fromkeys(self.cleaned_data["task_services"]))
        if len(chosen) > TASK_SERVICES_MAX:
            raise forms.ValidationError(
                "Please pick at most %(max)d services; you picked %(count)d.",
                code="too_many_services",
                params={"max": TASK_SERVICES_MAX, "count": len(chosen)},
            )
        return chosen

    def clean_data_sensitivity(self) -> list[str]:
        """The kinds ticked, in the engine's order, each once."""
        ticked = set(self.cleaned_data["data_sensitivity"])
        return [kind.value for kind in DataKind if kind.value in ticked]

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"] or USD.currency

    def clean_buyer_timezone(self) -> str:
        zone = self.cleaned_data["buyer_timezone"].strip()
        if zone and zone not in zoneinfo.available_timezones():
            raise forms.ValidationError(
                "“%(zone)s” is not a time zone we know. Use a name like Europe/Berlin or "
                "America/New_York, or leave it empty.",
                code="unknown_timezone",
                params={"zone": zone[:64]},
            )
        return zone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if not cleaned.get("buyer_timezone") and cleaned.get("buyer_country"):
            cleaned["buyer_timezone"] = default_timezone(cleaned["buyer_country"]) or ""
        for requirement in cleaned.get("must") or ():
            if requirement in self.errors or cleaned.get(requirement):
                continue
            self.add_error(
                requirement,
                forms.ValidationError(
                    "You marked this as required but left it empty: fill it in, or untick "
                    "“Required”.",
                    code="required_but_empty",
                ),
            )
        # A bound form's data is the request's.
        if refusal := tampering(cast(QueryDict, self.data)):
            raise refusal
        raw = {factor.value: cleaned.get(factor.value) for factor in Factor}
        try:
            cleaned["answers"] = parse_answers(raw)
        except AnswerError as error:
            for key, message in error.errors.items():
                if key not in self.errors:
                    self.add_error(key, forms.ValidationError(message, code="invalid_answer"))
        return cleaned

    @property
    def error_summary(self) -> list[tuple[str, str, object]]:
        """(anchor, short label, first message) for each field in error, in form order,
        so the summary at the top can link to each question."""
        factor_keys = {factor.value for factor in Factor}
        return [
            (
                f"div_id_{name}",
                Factor(name).label if name in factor_keys else str(self.fields[name].label),
                errors[0],
            )
            for name, errors in self.errors.items()
            if name in self.fields
        ]

    def task(self) -> Task:
        data = self.cleaned_data
        return Task(
            name=data["task_name"],
            description=data["task_description"],
            services=tuple(data["task_services"]),
        )

    def answers(self) -> dict[Factor, int]:
        return self.cleaned_data["answers"]

    def preferences(self) -> dict:
        """The vendor preferences as plain JSON-safe data."""
        data = self.cleaned_data
        return {
            "countries": sorted(set(data.get("countries") or [])),
            "languages": sorted(set(data.get("languages") or [])),
            "certifications": sorted(set(data.get("certifications") or [])),
            "budget": data.get("budget"),
            "needs_24_7": bool(data.get("needs_24_7")),
            "hours_per_week": data.get("hours_per_week"),
            "data_sensitivity": list(data.get("data_sensitivity") or []),
            "currency": data.get("currency") or USD.currency,
            "require_certifications": bool(data.get("require_certifications")),
            "buyer_country": data.get("buyer_country") or "",
            "buyer_timezone": data.get("buyer_timezone") or "",
            "must": [item.value for item in Requirement if item.value in data["must"]],
        }


def tampering(data: QueryDict) -> forms.ValidationError | None:
    """Why the sent form cannot be read as the questionnaire sent it, if it cannot: a
    field the form does not have, or one answer sent twice. The submit refuses it, and
    the live preview says so."""
    fields = QuestionnaireForm.base_fields
    allowed = set(fields) | {"csrfmiddlewaretoken", "action"}
    if unknown := sorted(set(data) - allowed):
        names = ", ".join(f"“{name[:40]}”" for name in unknown[:5])
        return forms.ValidationError(
            "The form arrived with fields it does not have (%(names)s), so nothing was "
            "saved. Please reload the page and try again.",
            code="unknown_field",
            params={"names": names},
        )
    single = [
        name for name, field in fields.items() if not isinstance(field, forms.MultipleChoiceField)
    ]
    if repeated := [name for name in single if len(data.getlist(name)) > 1]:
        return forms.ValidationError(
            "The form arrived with more than one answer to the same question (%(names)s), "
            "so nothing was saved. Please choose one answer each.",
            code="repeated_field",
            params={"names": ", ".join(repeated)},
        )
    return None
