"""python manage.py recommend --answers '{"task_complexity": 4, ...}' [--save]"""

import json
import sys

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from advisor import services
from advisor.engine.factors import AnswerError, parse_answers


class Command(BaseCommand):
    help = (
        "Score a JSON object of factor keys to answers (1 to 5) and print the "
        "recommendation as JSON. With --save, also save it and print its share_url."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--answers", help="A JSON object of factor keys to answers.")
        source.add_argument(
            "--answers-file", help="A file holding that JSON object; - for standard input."
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
        except AnswerError as error:
            raise CommandError(str(error)) from error
        if save:
            snapshot = services.recommendation_create(answers=answers, preferences={})
            extra = {"share_url": base_url.rstrip("/") + snapshot.get_absolute_url()}
        else:
            snapshot = services.advice_build(answers=answers, preferences={}).recommendation()
            extra = {}
        output = {
            **snapshot.result,
            "services": snapshot.services,
            "vendors": snapshot.vendors,
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
