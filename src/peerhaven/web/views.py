from __future__ import annotations

import logging
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from peerhaven.accounts.models import Role
from peerhaven.safety.screening import learned
from peerhaven.web.context_processors import prime_viewer

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    """Public landing page, or what is next for a signed-in member."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "web/landing.html")
    prime_viewer(request)  # roles (needed below) and the header's count in one query
    next_steps = []
    if not user.bio:
        next_steps.append("profile")
    if user.has_role(Role.PEER_SUPPORTER):
        next_steps.append("peer_supporter")
    if user.holds_staff_role:
        next_steps.append("staff")
    return render(request, "web/home.html", {"next_steps": next_steps})


def guidelines(request: HttpRequest) -> HttpResponse:
    return render(request, "web/guidelines.html")


def get_help(request: HttpRequest) -> HttpResponse:
    """Crisis help, reachable from every page without JavaScript or an account."""
    return render(request, "web/help.html")


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


async def _round_trip(layer: object) -> bool:
    channel = await layer.new_channel("healthz.")  # type: ignore[attr-defined]
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz.ping", "token": token})  # type: ignore[attr-defined]
    message = await layer.receive(channel)  # type: ignore[attr-defined]
    return bool(message.get("token") == token)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and channel-layer status, for load balancers and monitoring."""
    checks: dict[str, str] = {}
    try:
        checks["database"] = _check_database()
    except Exception as exc:  # report, do not crash: this page exists to say what is down
        logger.warning("healthz: database check failed: %s", exc)
        checks["database"] = "error"
    try:
        layer = get_channel_layer()
        checks["channel_layer"] = "ok" if layer and async_to_sync(_round_trip)(layer) else "error"
    except Exception as exc:
        logger.warning("healthz: channel layer check failed: %s", exc)
        checks["channel_layer"] = "error"
    healthy = all(v == "ok" for v in checks.values())
    # Information, not a check: the rules screen every text either way.
    screening = {"rules": "on", "learned": learned.status()}
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks, "screening": screening},
        status=200 if healthy else 503,
    )


def error_404(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def error_403(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_400(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
