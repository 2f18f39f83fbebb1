"""``peerhaven demo``: load the demo community (idempotent) and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from peerhaven.demo import STEPS
from peerhaven.demo.people import DEMO_PASSWORD, DEMO_TOTP_SECRET, DemoContext, demo_email
from peerhaven.notifications.services import emails_suppressed

LOGINS = [
    ("member", "Member"),
    ("peer", "Peer supporter"),
    ("moderator", "Moderator (also a peer supporter)"),
    ("clinician", "Clinician (verified)"),
    ("admin", "Programme admin"),
]


class Command(BaseCommand):
    help = "Load the demo community (safe to run again) and print demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        total = sum(step.weight for step in STEPS)
        with tqdm(
            total=total, desc="Loading demo community", unit="item", disable=options["no_progress"]
        ) as bar:
            ctx = DemoContext(tick=bar.update)
            # Invented people get no e-mail about invented activity.
            with emails_suppressed():
                for step in STEPS:
                    bar.set_postfix_str(step.name)
                    step.run(ctx)
        self.stdout.write(self.style.SUCCESS(f"Demo community ready: {len(ctx.users)} people."))
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for key, label in LOGINS:
            user = ctx.users[key]
            self.stdout.write(f"  {label:36} {demo_email(key):34} shown as “{user.display_name}”")
        self.stdout.write(
            "\nStaff roles need two-factor authentication. The demo staff accounts share the\n"
            f"TOTP secret {DEMO_TOTP_SECRET}: add it to an authenticator app, or run\n"
            "  .venv/bin/peerhaven totp_code\n"
            "to print the current code.\n"
        )
