"""``peerhaven serve``: the ASGI server and, unless told otherwise, a job-queue worker."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Peerhaven over ASGI (uvicorn) with a job-queue worker beside it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=1, help="ASGI worker processes")
        parser.add_argument(
            "--no-jobs", action="store_true", help="do not start a job worker (run one apart)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = None
        if not options["no_jobs"]:
            # The job worker is its own process so a slow job never holds up a page.
            jobs = subprocess.Popen([sys.executable, "-m", "peerhaven", "run_huey", "--quiet"])
        try:
            import uvicorn

            uvicorn.run(
                "peerhaven.asgi:application",
                host=options["host"],
                port=options["port"],
                workers=options["workers"],
                proxy_headers=True,
                log_level="info",
                lifespan="off",
            )
        finally:
            if jobs is not None:
                jobs.terminate()
                jobs.wait(timeout=10)
