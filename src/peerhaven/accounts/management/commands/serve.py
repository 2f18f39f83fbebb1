"""``peerhaven serve``: the ASGI server and, unless told otherwise, a job-queue worker.

Its e-mail links point where it serves: without ``SITE_URL`` in the environment,
``peerhaven serve --port 8201`` would put ``http://127.0.0.1:8000`` (the default) in its e-mails
and FHIR identifiers, another instance's address or none. In local mode it uses the address it
serves instead. In production the bound address is the one behind the reverse proxy, never the
public one, so nothing is guessed there; ``SITE_URL`` must be set (``docs/operations.md``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

# Addresses that mean "every interface": no one can follow a link to them.
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::", "[::]"})  # noqa: S104 - compared, not bound


def served_site_url(host: str, port: int) -> str:
    """The ``SITE_URL`` for a server bound to ``host``:``port`` (plain HTTP, as uvicorn serves).

    A wildcard address gives ``127.0.0.1``: links work on this machine only."""
    if host in WILDCARD_HOSTS:
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    return f"http://{host}:{port}"


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
        if not os.environ.get("SITE_URL"):
            if settings.PRODUCTION:
                self.stderr.write(
                    f"SITE_URL is not set: links in e-mails will point to {settings.SITE_URL}."
                    " Set it to the public address (docs/operations.md)."
                )
            else:
                url = served_site_url(options["host"], options["port"])
                # The environment reaches the job worker and any further ASGI worker process;
                # this process has read its settings already.
                os.environ["SITE_URL"] = url
                settings.SITE_URL = url
                note = ""
                if options["host"] in WILDCARD_HOSTS:
                    note = " (this machine only: set SITE_URL to the address people use)"
                self.stdout.write(f"Links in e-mails point to {url}{note}.")
        jobs = None
        if not options["no_jobs"]:
            # The job worker is its own process so a slow job never holds up a page. It must
            # not outlive this one: uvicorn re-raises SIGTERM after its graceful shutdown, which
            # ends this process before the ``finally`` below can stop the worker.
            jobs = subprocess.Popen(
                [sys.executable, "-m", "peerhaven", "run_huey", "--quiet"],
                preexec_fn=_parent_death_signal(),
            )
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


def _parent_death_signal() -> Callable[[], None] | None:
    """A ``preexec_fn`` for the job worker: on Linux, the kernel sends it SIGTERM when this
    process ends, however it ends (SIGTERM re-raised by uvicorn, SIGKILL, a crash). Elsewhere
    ``None``, and the ``finally`` in ``handle`` is what stops it.

    Everything is looked up here, in this process: between fork and exec the child only makes
    the ``prctl`` call (nothing imported or loaded there), then exits at once if this process
    already died in between."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import signal

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()
    pr_set_pdeathsig, sigterm = 1, int(signal.SIGTERM)

    def set_signal() -> None:
        prctl(pr_set_pdeathsig, sigterm)
        if os.getppid() != parent:
            os._exit(0)

    return set_signal
