"""``peerhaven instruments``: the installed questionnaires and their item ids (CSV column names)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from peerhaven.outcomes.instruments import DefinitionError, load_all
from peerhaven.outcomes.instruments.batch import list_instruments_table


class Command(BaseCommand):
    help = "List the installed instruments with their item ids (the columns `score` expects)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            table = list_instruments_table(load_all())
        except DefinitionError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(table, ending="")
