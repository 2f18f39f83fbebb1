from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peerhaven.notifications import services
from peerhaven.notifications.kinds import KINDS
from peerhaven.notifications.models import Notification


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    items = Notification.objects.filter(recipient=request.user.pk)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    services.mark_read(notification=notification, actor=request.user)  # type: ignore[arg-type]
    target = notification.url if request.POST.get("open") else ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("%(n)d notifications marked as read.") % {"n": count})
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        choices = {
            key: (f"{key}-in_app" in request.POST, f"{key}-email" in request.POST) for key in KINDS
        }
        services.set_preferences(user=user, choices=choices)  # type: ignore[arg-type]
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    prefs = services.effective_preferences(user)  # type: ignore[arg-type]
    rows = [
        {"kind": kind, "in_app": prefs[key][0], "email": prefs[key][1]}
        for key, kind in KINDS.items()
    ]
    return render(request, "notifications/preferences.html", {"rows": rows})
