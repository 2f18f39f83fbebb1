from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from peerhaven.api.pagination import Page, keyset_page
from peerhaven.notifications import services
from peerhaven.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class UnreadOut(Schema):
    unread: int


@router.get("/notifications", response=Page[NotificationOut], summary="My notifications")
def list_notifications(
    request: HttpRequest, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    qs = Notification.objects.filter(recipient=request.auth)  # type: ignore[attr-defined]
    return keyset_page(qs, cursor=cursor, limit=limit, serialize=NotificationOut.from_orm)


@router.get("/notifications/unread", response=UnreadOut, summary="How many are unread")
def unread(request: HttpRequest) -> UnreadOut:
    return UnreadOut(unread=services.unread_count(request.auth))  # type: ignore[attr-defined]


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def mark_read(request: HttpRequest, notification_id: int) -> Notification:
    notification = get_object_or_404(
        Notification,
        pk=notification_id,
        recipient=request.auth,  # type: ignore[attr-defined]
    )
    services.mark_read(notification=notification, actor=request.auth)  # type: ignore[attr-defined]
    return notification
