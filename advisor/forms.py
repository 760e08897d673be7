"""The needs questionnaire: nine answers and optional vendor preferences.

The form translates what the browser sent into the engine's input; the engine's
`parse_answers` judges the answers, so the web form and the `recommend` command
refuse the same things with the same words.
"""

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.choices import BaseChoiceIterator

from advisor.engine import Factor
from advisor.engine.factors import AnswerError, parse_answers
from advisor.engine.questions import FACTOR_TEXTS

SKIP_CHOICE = ("", "Skip: leave this out of the advice")
BUDGET_MAX_USD = 1000


class SharedChoices(BaseChoiceIterator):
    """Choices made once and shared by every form instance. Django normalizes and
    copies a plain list again for each instance and its widget; a choice iterator
    it takes as it is, and these pairs never change."""

    def __init__(self, choices):
        self.choices = tuple(choices)

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)

    def __getitem__(self, index):
        return self.choices[index]

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


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
    submission_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    countries = forms.MultipleChoiceField(
        label="Delivered from",
        required=False,
        help_text="Leave empty for any country.",
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label="Languages the team must speak",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    certifications = forms.MultipleChoiceField(
        label="Certifications you require",
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
    needs_24_7 = forms.BooleanField(label="The work needs 24/7 coverage", required=False)

    def __init__(self, *args, preference_choices=None, **kwargs):
        """`preference_choices` maps "countries", "languages" and "certifications" to
        their `SharedChoices` of (code, name) pairs, made once per catalog."""
        super().__init__(*args, **kwargs)
        for name, choices in (preference_choices or {}).items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # the three preference lists
            field.choices = choices

    @property
    def factor_fields(self):
        return [self[factor.value] for factor in Factor]

    @property
    def preference_fields(self):
        return [
            self[name]
            for name in ("countries", "languages", "certifications", "budget", "needs_24_7")
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        self._refuse_tampering()
        raw = {factor.value: cleaned.get(factor.value) for factor in Factor}
        try:
            cleaned["answers"] = parse_answers(raw)
        except AnswerError as error:
            for key, message in error.errors.items():
                if key not in self.errors:
                    self.add_error(key, forms.ValidationError(message, code="invalid_answer"))
        return cleaned

    def _refuse_tampering(self):
        allowed = set(self.fields) | {"csrfmiddlewaretoken"}
        if unknown := sorted(set(self.data) - allowed):
            names = ", ".join(f"“{name[:40]}”" for name in unknown[:5])
            raise forms.ValidationError(
                "The form arrived with fields it does not have (%(names)s), so nothing was "
                "saved. Please reload the page and try again.",
                code="unknown_field",
                params={"names": names},
            )
        data = cast(QueryDict, self.data)  # a bound form's data is the request's
        single = [
            name
            for name in self.fields
            if not isinstance(self.fields[name], forms.MultipleChoiceField)
        ]
        if repeated := [name for name in single if len(data.getlist(name)) > 1]:
            raise forms.ValidationError(
                "The form arrived with more than one answer to the same question (%(names)s), "
                "so nothing was saved. Please choose one answer each.",
                code="repeated_field",
                params={"names": ", ".join(repeated)},
            )

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
        }

    def answered_count(self) -> int:
        """How many questions have an answer in the submitted data, valid or not."""
        return sum(1 for factor in Factor if self.data.get(factor.value, "").strip())
