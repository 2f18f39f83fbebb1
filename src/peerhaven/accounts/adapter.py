"""django-allauth hooks: pseudonyms at sign-up, e-mail through the job queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.http import HttpRequest

from peerhaven.accounts.names import skeleton
from peerhaven.notifications.tasks import send_email_task
from peerhaven.safety.sockets import standing_changed


@dataclass(frozen=True)
class EmailSite:
    """What allauth's e-mail templates read from ``current_site``."""

    name: str
    domain: str


def _site_url_host() -> str:
    return urlsplit(settings.SITE_URL).netloc


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(getattr(settings, "SIGNUP_OPEN", True))

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        name = form.cleaned_data["display_name"]
        user.display_name = name
        user.display_name_key = skeleton(name)
        user.language = getattr(request, "LANGUAGE_CODE", "en") or "en"
        return super().save_user(request, user, form, commit=commit)

    def logout(self, request: HttpRequest) -> None:
        """Sign out, then have the person's open sockets re-check: those opened with this
        session close now (after the flush, unlike Django's ``user_logged_out`` signal)."""
        user_id = getattr(request.user, "pk", None)
        super().logout(request)
        standing_changed(user_id)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render now (the request is here), deliver through the job queue.

        allauth's own ``send_mail`` adds ``current_site`` (the templates' "Hello from {name}!"
        and "register an account on {domain}"); without ``django.contrib.sites`` that would be
        the bare host, so the name comes from ``SITE_NAME`` and the domain from the request
        the links are built from (``SITE_URL``'s host when there is no request)."""
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": EmailSite(
                name=settings.SITE_NAME,
                domain=request.get_host() if request is not None else _site_url_host(),
            ),
            **context,
        }
        message = self.render_mail(template_prefix, email, context)
        html = None
        for content, mimetype in getattr(message, "alternatives", []) or []:
            if mimetype == "text/html":
                html = str(content)
        send_email_task(
            subject=message.subject,
            body=message.body,
            to=list(message.to),
            html=html,
        )
