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
# The texts that can become examples, by model: the field with the words and the field naming
# the one person who wrote them. Nothing else is labelled (a meeting's note can have several
# writers; appeals, private notes and messages to the safety team are not what members agreed
# to share), and the consent page names exactly these: posts and messages.
SOURCES: dict[str, tuple[str, str]] = {
    "forums.post": ("body", "author_id"),
    "groups.roommessage": ("body", "author_id"),
    "mentoring.directmessage": ("body", "sender_id"),
}
CONSENT_VERSION = "2026-11-26"


def record_label(alert: RiskAlert, moderator: User) -> ScreeningLabel | None:
    """After ``alert`` was resolved: keep what its outcome says about the text's author."""
    label = LABEL_FOR.get(alert.outcome)
    if label is None or alert.author_id is None or alert.content_type is None:
        return None
    found = _text_and_writer(alert.content_type, alert.object_id)
    if found is None or found[1] != alert.author_id:
        return None
    record, _created = ScreeningLabel.objects.update_or_create(
        content_type=alert.content_type,
        object_id=alert.object_id,
        defaults={
            "author_id": alert.author_id,
            "kind": alert.kind,
            "text_sha256": _digest(found[0]),
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


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _texts_and_writers(content_type: Any, object_ids: list[str]) -> dict[str, tuple[str, Any]]:
    """The words and writer's id of each object (labelled kinds only), in one query."""
    source = SOURCES.get(f"{content_type.app_label}.{content_type.model}")
    model = content_type.model_class()
    if source is None or model is None:
        return {}
    rows = model._default_manager.filter(pk__in=object_ids).values_list("pk", *source)
    return {
        str(pk): (text, writer)
        for pk, text, writer in rows
        if isinstance(text, str) and text.strip()
    }


def _text_and_writer(content_type: Any, object_id: str) -> tuple[str, Any] | None:
    return _texts_and_writers(content_type, [object_id]).get(str(object_id))


def labelled_examples(now: Any = None) -> Iterator[dict[str, Any]]:
    """Rows for ``--export-labels``: consenting authors only, and only texts that are still
    exactly what the moderator judged, by the same writer (an edit, deletion or erasure since
    the decision leaves the text out). One query per batch of labels and kind of text."""
    labels = (
        ScreeningLabel.objects.filter(consenting(now)).select_related("content_type").order_by("pk")
    )
    batch: list[ScreeningLabel] = []
    for record in labels.iterator(chunk_size=500):
        batch.append(record)
        if len(batch) == 500:
            yield from _rows(batch)
            batch = []
    yield from _rows(batch)


def _rows(batch: list[ScreeningLabel]) -> Iterator[dict[str, Any]]:
    by_type: dict[int, list[ScreeningLabel]] = {}
    for record in batch:
        by_type.setdefault(record.content_type_id, []).append(record)
    for records in by_type.values():
        found = _texts_and_writers(records[0].content_type, [r.object_id for r in records])
        for record in records:
            text, writer = found.get(str(record.object_id), ("", None))
            if not text or writer != record.author_id:
                continue  # deleted, erased or no longer theirs
            if _digest(text) != record.text_sha256:
                continue  # edited since the moderator judged it
            yield {
                "text": text,
                "label": record.label,
                "author": pseudonym(record.author_id),
                "kind": record.kind,
                "screened": record.screened_level,
                "source": record.source,
            }


def export_labels(
    out: TextIO, *, actor: User | None = None, detail: dict[str, Any] | None = None
) -> int:
    """Write the labelled examples as JSON lines to ``out``; audited; returns the count."""
    count = 0
    for row in labelled_examples():
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    audit.record(
        actor=actor, action="safety.labels.export", detail={**(detail or {}), "examples": count}
    )
    return count
