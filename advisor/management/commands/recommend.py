"""python manage.py recommend --answers '{"task_complexity": 4, ...}' --task NAME
[--description TEXT] [--services SLUG,SLUG] [--preferences JSON] [--save]"""

import json
import sys

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django_countries import countries

from advisor import catalog_inputs, services
from advisor.engine import Requirement, Task
from advisor.engine.factors import AnswerError, parse_answers

CODE_LISTS = ("countries", "languages", "certifications")
PREFERENCE_KEYS = (
    *CODE_LISTS,
    "budget",
    "needs_24_7",
    "buyer_country",
    "buyer_timezone",
    "must",
    "hours_per_week",
    "data_sensitivity",
    "currency",
    "require_certifications",
)


class Command(BaseCommand):
    help = (
        "Score a JSON object of factor keys to answers (1 to 5) for a named piece of work "
        "and print the recommendation as JSON. With --save, also save it and print its "
        "share_url. A bad argument exits 1 with one line on standard error."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--answers", help="A JSON object of factor keys to answers.")
        source.add_argument(
            "--answers-file", help="A file holding that JSON object; - for standard input."
        )
        parser.add_argument("--task", required=True, help="The work's name, 3 to 120 characters.")
        parser.add_argument("--description", default="", help="What the work is, in words.")
        parser.add_argument(
            "--services", default="", help="Up to five catalog service slugs, comma-separated."
        )
        parser.add_argument(
            "--preferences",
            default="{}",
            help="A JSON object: countries, languages, certifications (lists of codes), "
            "budget (USD per hour), needs_24_7, buyer_country, buyer_timezone, must "
            "(the names of those that are required), hours_per_week (1 to 2,000), "
            "data_sensitivity (a list of personal, payment_cards, health, financial, "
            "confidential), currency (USD or a code the catalog keeps a rate for) and "
            "require_certifications (true unless the data's certifications should not "
            "filter vendors).",
        )
        parser.add_argument("--save", action="store_true", help="Save it behind a share link.")
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="Where the app is served, for share_url (default: %(default)s).",
        )

    def handle(self, *args, answers, answers_file, save, base_url, **options):
        try:
            answers = parse_answers(self._load(answers, answers_file))
            task = Task(
                name=options["task"],
                description=options["description"],
                services=tuple(slug.strip() for slug in options["services"].split(",") if slug),
            )
            preferences = self._preferences(options["preferences"])
            advice = services.advice_build(task=task, answers=answers, preferences=preferences)
        except (AnswerError, ValueError) as error:
            raise CommandError(str(error)) from error
        if save:
            snapshot = services.recommendation_create(
                task=task, answers=answers, preferences=preferences
            )
            extra = {"share_url": base_url.rstrip("/") + snapshot.get_absolute_url()}
        else:
            snapshot = advice.recommendation()
            extra = {}
        output = {
            **snapshot.result,
            "task": {
                "name": snapshot.task_name,
                "description": snapshot.task_description,
                "services": snapshot.task_services,
            },
            "services": snapshot.services,
            "vendors": snapshot.vendors,
            "close_vendors": snapshot.close_vendors,
            "cost": snapshot.guidance.get("cost"),
            "certifications_required": snapshot.guidance.get("certifications_required", []),
            "risks": snapshot.guidance.get("risks", []),
            "kpis": snapshot.guidance.get("kpis", []),
            "checklist": snapshot.guidance.get("checklist", []),
            **extra,
        }
        self.stdout.write(json.dumps(output, ensure_ascii=False))

    def _load(self, text, path):
        try:
            if path == "-":
                text = sys.stdin.read()
            elif path is not None:
                with open(path, encoding="utf-8") as file:
                    text = file.read()
        except OSError as error:
            raise CommandError(f"Cannot read the answers file: {error.strerror}.") from error
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"The answers are not valid JSON: {error.msg}.") from error
        if not isinstance(raw, dict):
            raise CommandError("The answers must be a JSON object of factor keys to 1..5.")
        return raw

    def _preferences(self, text: str) -> dict:
        """The preferences as the form hands them on; anything else is refused."""
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"The preferences are not valid JSON: {error.msg}.") from error
        if not isinstance(raw, dict):
            raise ValueError("The preferences must be a JSON object.")
        if unknown := sorted(raw.keys() - set(PREFERENCE_KEYS)):
            raise ValueError(
                f"Unknown preference “{unknown[0]}”: use {', '.join(PREFERENCE_KEYS)}."
            )
        names = catalog_inputs.code_names()
        known = {
            "countries": dict(countries),
            "languages": names["languages"],
            "certifications": names["certifications"],
            "must": {requirement.value: requirement for requirement in Requirement},
        }
        for name, codes in known.items():
            value = raw.get(name, [])
            if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
                raise ValueError(f"The preference “{name}” must be a list of codes.")
            if unknown := [code for code in value if code not in codes]:
                raise ValueError(f"Unknown code “{unknown[0]}” in the preference “{name}”.")
        budget = raw.get("budget")
        if budget is not None and (
            isinstance(budget, bool) or not isinstance(budget, int | float) or budget <= 0
        ):
            raise ValueError("The preference “budget” must be a number of USD above 0.")
        for name in ("needs_24_7", "require_certifications"):
            if not isinstance(raw.get(name, False), bool):
                raise ValueError(f"The preference “{name}” must be true or false.")
        for name in ("buyer_country", "buyer_timezone", "currency"):
            if not isinstance(raw.get(name, ""), str):
                raise ValueError(f"The preference “{name}” must be a string.")
        kinds = raw.get("data_sensitivity", [])
        if not isinstance(kinds, list) or not all(isinstance(kind, str) for kind in kinds):
            raise ValueError("The preference “data_sensitivity” must be a list of kinds of data.")
        # The values themselves (hours, kinds, currency) are judged by the services,
        # as the form's are: a bad one raises ValueError before anything is saved.
        return raw
