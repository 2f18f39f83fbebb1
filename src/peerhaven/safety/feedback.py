"""Moderators' judgements of screened text, as labelled examples to improve the screener.

The learned stage is off by default because the only labelled data here (Reddit users of
suicide-related forums) cannot teach what everyday writing in a depression community looks
like (``docs/safety.md``). Each organisation has that knowledge in its own queue: every alert a
moderator resolves says whether the author was at risk. This module keeps those judgements
(``ScreeningLabel``, no text) and exports them, with the text, only for members who agreed to
it (consent purpose ``screener``), for ``python -m peerhaven.safety.screening.train --labels``
and ``evaluate --labels``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any, TextIO

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from peerhaven.accounts import audit
from peerhaven.accounts.models import Consent, ConsentPurpose, User
from peerhaven.safety.models import AlertOutcome, RiskAlert, ScreeningLabel

# Which outcomes say what about the author. The others ("content or member action taken",
# "no action needed") say nothing about risk, so they record no label.
LABEL_FOR: dict[str, str] = {
    AlertOutcome.REACHED_OUT: ScreeningLabel.Label.AT_RISK,
    AlertOutcome.REFERRED: ScreeningLabel.Label.AT_RISK,
    AlertOutcome.EMERGENCY: ScreeningLabel.Label.AT_RISK,
    AlertOutcome.NO_RISK: ScreeningLabel.Label.NO_RISK,
}
# Fields a text object keeps its words in (forum posts, room and 1:1 messages, appeals, notes).
TEXT_FIELDS = ("body", "text", "change_note")
CONSENT_VERSION = "2026-11-26"


def record_label(alert: RiskAlert, moderator: User) -> ScreeningLabel | None:
    """After ``alert`` was resolved: keep what its outcome says about the text's author."""
    label = LABEL_FOR.get(alert.outcome)
    if label is None or alert.author_id is None or alert.content_type is None:
        return None
    if alert.content_type.model_class() is User:  # a report about a person, not a text
        return None
    record, _created = ScreeningLabel.objects.update_or_create(
        content_type=alert.content_type,
        object_id=alert.object_id,
        defaults={
            "author_id": alert.author_id,
            "kind": alert.kind,
            "label": label,
            "screened_level": alert.level,
            "source": alert.source,
            "alert": alert,
            "decided_by": moderator,
            "decided_at": timezone.now(),
        },
    )
    return record


def _active_consents(now: Any = None) -> Any:
    now = now or timezone.now()
    return Consent.objects.filter(purpose=ConsentPurpose.SCREENER, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def active_consent(user: User) -> Consent | None:
    """The member's active "help improve the screener" consent, if any."""
    return _active_consents().filter(user=user).order_by("-granted_at").first()


def consenting(now: Any = None) -> Q:
    """Labels whose author's "help improve the screener" consent is active now."""
    return Q(author_id__in=_active_consents(now).values("user_id"))


def pseudonym(user_id: int) -> str:
    """A stable author key that keeps one person's posts in one fold and names nobody."""
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, f"screener-label:{user_id}".encode(), hashlib.sha256).hexdigest()[:16]


def _text_of(obj: Any) -> str:
    for field in TEXT_FIELDS:
        value = getattr(obj, field, None)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def labelled_examples(now: Any = None) -> Iterator[dict[str, Any]]:
    """Rows for ``--export-labels``: consenting authors only, text read from the object now."""
    labels = (
        ScreeningLabel.objects.filter(consenting(now)).select_related("content_type").order_by("pk")
    )
    for record in labels.iterator(chunk_size=500):
        model = record.content_type.model_class()
        if model is None:
            continue
        obj = model._default_manager.filter(pk=record.object_id).first()
        text = _text_of(obj) if obj is not None else ""
        if not text:  # deleted, erased or emptied since the decision
            continue
        yield {
            "text": text,
            "label": record.label,
            "author": pseudonym(record.author_id),
            "kind": record.kind,
            "screened": record.screened_level,
            "source": record.source,
        }


def export_labels(out: TextIO, *, actor: User | None = None) -> int:
    """Write the labelled examples as JSON lines to ``out``; audited; returns the count."""
    count = 0
    for row in labelled_examples():
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    audit.record(actor=actor, action="safety.labels.export", detail={"examples": count})
    return count
