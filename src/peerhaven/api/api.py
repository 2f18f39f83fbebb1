"""The REST API at /api/, with OpenAPI docs at /api/docs. One router per domain app."""

from __future__ import annotations

from ninja import NinjaAPI

from peerhaven.accounts.api import router as accounts_router
from peerhaven.api import errors
from peerhaven.api.auth import API_AUTH
from peerhaven.api.parser import StorableTextParser
from peerhaven.clinical.api import router as clinical_router
from peerhaven.forums.api import router as forums_router
from peerhaven.groups.api import router as groups_router
from peerhaven.mentoring.api import router as mentoring_router
from peerhaven.notifications.api import router as notifications_router
from peerhaven.outcomes.api import router as outcomes_router
from peerhaven.safety.api import router as safety_router

api = NinjaAPI(
    title="Peerhaven API",
    version="1",
    description=(
        "Authenticate with the web session (send the CSRF token on writes) or a personal access "
        "token: `Authorization: Bearer ph_…`. Errors have one shape: "
        '`{"error": {"code": "...", "message": "...", "fields": {...}}}`. '
        "Lists are paginated by cursor: pass `next_cursor` back as `cursor`."
    ),
    auth=API_AUTH,
    urls_namespace="api",
    parser=StorableTextParser(),
)
errors.install(api)
api.add_router("/", accounts_router)
api.add_router("/", notifications_router)
api.add_router("/forums", forums_router)
api.add_router("/safety", safety_router)
api.add_router("/outcomes", outcomes_router)
api.add_router("/groups", groups_router)
api.add_router("/mentoring", mentoring_router)
api.add_router("/clinical", clinical_router)
