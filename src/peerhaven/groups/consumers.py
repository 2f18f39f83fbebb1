"""The live room of a meeting: a JSON protocol over one WebSocket (see docs/groups.md).

Authorisation on connect uses ``queries.open_room``, the same fetch-and-authorize the room
page uses. Every chat message is screened, stored, broadcast after commit, and then
acknowledged with its stored id; a client that reconnects sends ``hello`` with the last id it
saw and receives what it missed from the database, so a restarted server process loses nothing.

While connected, each connection heartbeats (refreshing its presence and re-checking that the
person may still be here); frames re-check at most every ``ROOM_RECHECK_SECONDS`` and whenever a
service refuses them. A change to the person's standing re-checks at once
(``safety.sockets.standing_changed``, received as ``person.standing``), so a person who left the
group, was removed or banned is closed out with the reason, and one who signed out (in another
tab), changed their password or was deactivated is closed with 4401
(``safety.sockets.current_user``); a moderator's mute is told as a ``muted`` frame. The flood
limit counts per person and room across all their connections and server processes
(``ratelimit``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from peerhaven.groups import conf, live, queries, ratelimit, services
from peerhaven.safety import sockets
from peerhaven.safety.queries import crisis_payload

T = TypeVar("T")
logger = logging.getLogger(__name__)

# The heartbeat's sleep; tests replace it to tick the heartbeat without waiting.
heartbeat_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

# Close codes (the reason a client sees). 1000 is used after an "ended" event.
CLOSE_BAD_FRAME = 4400
CLOSE_UNAUTHENTICATED = queries.CLOSE_UNAUTHENTICATED
CLOSE_REMOVED = queries.CLOSE_REMOVED
CLOSE_NOT_FOUND = queries.CLOSE_NOT_FOUND
CLOSE_ROOM_CLOSED = queries.CLOSE_ROOM_CLOSED
CLOSE_TOO_LARGE = 4413
CLOSE_RATE_LIMITED = 4429

# Frames that always re-check the person's standing first: they read the room's messages.
# Other frames re-check at most every ROOM_RECHECK_SECONDS, and whenever a service refuses them
# (the services check membership, facilitation, removal, mutes and bans on every write).
ALWAYS_RECHECK = frozenset({"hello", "resume"})

# Codes of queries.check_room_open: the room is not open (any more).
ROOM_CLOSED_CODES = frozenset({"cancelled", "ended", "no_facilitator", "room_closed"})

FACILITATOR_ACTIONS = frozenset(
    {
        "welcome",
        "checkin.start",
        "checkin.next",
        "pause",
        "unpause",
        "mute",
        "unmute",
        "remove",
        "end",
    }
)


def _code(exc: ValidationError) -> str:
    return str(getattr(exc, "code", None) or "invalid")


def _message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def standing_now(scope: dict[str, Any], user: Any, meeting_id: int) -> tuple[Any, queries.Standing]:
    """(the person as the database sees them now, or None; their standing in the room).

    ``queries.room_standing`` first (one query plus the ban check: membership, removal, a ban
    with its reason and end, a deactivated account, the room closing), then the session
    (``safety.sockets.current_user``: the session row, the account and its roles): a session
    deleted or flushed by signing out in another tab, one that now holds someone else, or a
    password change (the session's auth hash no longer matches) close the socket with 4401.
    """
    standing = queries.room_standing(user=user, meeting_id=meeting_id)
    if not standing.ok:
        return None, standing
    fresh = sockets.current_user(scope)
    if fresh is None:
        out = sockets.signed_out()
        return None, queries.Standing(
            False, code=out.code, message=out.message, close_code=out.close_code
        )
    return fresh, standing


class RoomConsumer(AsyncJsonWebsocketConsumer):
    meeting_id: int = 0
    visit_id: int = 0
    is_facilitator = False
    joined = False
    closing = False
    checked_at = 0.0
    heartbeat_task: asyncio.Task[None] | None = None
    person = ""
    muted = False  # as last told on a standing change

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        if self.user is None or not getattr(self.user, "is_authenticated", False):
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        # Joined before the checks, so a change committed during them is re-checked too.
        self.person = sockets.person_group(self.user.pk)
        await self.channel_layer.group_add(self.person, self.channel_name)
        try:
            meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
            access = await database_sync_to_async(queries.open_room)(
                user=self.user, meeting_id=meeting_id
            )
        except (Http404, ValueError, KeyError):
            # Missing and not-yours look the same, and the handshake is refused outright.
            await self.close(code=CLOSE_NOT_FOUND)
            return
        except PermissionDenied:
            await self._refuse(
                "removed", "A facilitator removed you from this meeting.", CLOSE_REMOVED
            )
            return
        except ValidationError as exc:
            await self._refuse(_code(exc), _message(exc), CLOSE_ROOM_CLOSED)
            return
        # The ban's reason, its end in the person's time zone and the appeal page.
        banned = await database_sync_to_async(sockets.member_refusal)(self.user)
        if banned is not None:
            await self._refuse(banned.code, banned.message, banned.close_code)
            return
        self.meeting_id = meeting_id
        self.is_facilitator = access.is_facilitator
        self.checked_at = sockets.clock()
        await self.channel_layer.group_add(live.room_group(meeting_id), self.channel_name)
        await self.accept()
        visit = await self._db(
            services.enter_room,
            meeting_id=meeting_id,
            user=self.user,
            channel_name=self.channel_name,
        )
        self.visit_id = visit.pk
        self.joined = True
        self.heartbeat_task = asyncio.create_task(self._heartbeat())

    async def _db(self, fn: Callable[..., T], **kwargs: Any) -> T:
        """Run a service in the database thread; then send the events it published.

        Services publish with ``transaction.on_commit``; here those events are collected and
        sent from this event loop after the call returned, i.e. after the commit.
        """
        events: list[tuple[str, dict[str, Any]]] = []

        def run() -> T:
            token = live.COLLECTOR.set(events)
            try:
                return fn(**kwargs)
            finally:
                live.COLLECTOR.reset(token)

        result = await database_sync_to_async(run)()
        for group, message in events:
            await self.channel_layer.group_send(group, message)
        return result

    async def _refuse(self, code: str, message: str, close_code: int) -> None:
        # Accept so the browser learns why (a refused handshake carries no reason).
        await self.accept()
        await self.send_json({"type": "error", "code": code, "message": message})
        await self.close(code=close_code)

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        self._stop_heartbeat()
        await self._leave_person()
        await super().close(code=code, reason=reason)

    async def _leave_person(self) -> None:
        if self.person:
            person, self.person = self.person, ""
            await self.channel_layer.group_discard(person, self.channel_name)

    def _stop_heartbeat(self) -> None:
        task = self.heartbeat_task
        # Never cancel the running task itself: it may be the one closing the connection.
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()

    async def disconnect(self, code: int) -> None:
        self._stop_heartbeat()
        await self._leave_person()
        if not self.meeting_id:
            return
        await self.channel_layer.group_discard(live.room_group(self.meeting_id), self.channel_name)
        if self.joined:
            self.joined = False
            await self._db(
                services.leave_room,
                meeting_id=self.meeting_id,
                user=self.user,
                channel_name=self.channel_name,
            )

    # --- Heartbeat and standing ----------------------------------------------------------

    async def _heartbeat(self) -> None:
        interval = conf.get("ROOM_HEARTBEAT_SECONDS")
        while not self.closing:
            await heartbeat_sleep(interval)
            if self.closing or not self.joined:
                return
            try:
                await self.beat()
            except Exception:
                # A database hiccup must not kill the connection; the next beat tries again.
                logger.exception("Room heartbeat failed for meeting %s", self.meeting_id)

    async def beat(self) -> None:
        """Refresh this connection's presence and re-check that the person may stay."""
        if not await self._still_allowed():
            return
        alive = await database_sync_to_async(services.heartbeat)(visit_id=self.visit_id)
        if not alive and not self.closing:
            # The visit was expired while this process stalled past the presence window:
            # the connection is alive, so it comes back into the room.
            visit = await self._db(
                services.enter_room,
                meeting_id=self.meeting_id,
                user=self.user,
                channel_name=self.channel_name,
            )
            self.visit_id = visit.pk

    async def _still_allowed(self) -> bool:
        """Re-check standing and the session (``standing_now``); close with the reason if lost."""
        fresh, standing = await database_sync_to_async(standing_now)(
            self.scope, self.user, self.meeting_id
        )
        self.checked_at = sockets.clock()
        if self.closing:
            return False
        if not standing.ok:
            await self._shut(standing.code, standing.message, standing.close_code)
            return False
        # The account as it is now (roles included), for the services this connection calls.
        self.user = fresh
        self.is_facilitator = standing.is_facilitator
        return True

    async def _recheck(self, kind: str) -> bool:
        due = sockets.clock() - self.checked_at >= conf.get("ROOM_RECHECK_SECONDS")
        if kind in ALWAYS_RECHECK or due:
            return await self._still_allowed()
        return True

    # --- Incoming frames -------------------------------------------------------------------

    async def _shut(self, code: str, message: str, close_code: int) -> None:
        if self.closing:
            return
        self.closing = True
        await self.send_json({"type": "error", "code": code, "message": message})
        await self.close(code=close_code)

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        if self.closing or not self.joined:
            return
        if text_data is None:
            await self._shut("bad_frame", "Send JSON text frames.", CLOSE_BAD_FRAME)
            return
        if len(text_data) > conf.get("ROOM_MAX_FRAME"):
            await self._shut("too_large", "That frame is too large.", CLOSE_TOO_LARGE)
            return
        if not await ratelimit.allow(meeting_id=self.meeting_id, user_id=self.user.pk):
            await self._shut(
                "rate_limited", "Too many messages; please slow down.", CLOSE_RATE_LIMITED
            )
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self._shut("bad_frame", "That was not JSON.", CLOSE_BAD_FRAME)
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_json(
                {
                    "type": "error",
                    "code": "bad_message",
                    "message": "Each frame is an object with a type.",
                }
            )
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content["type"]
        if not await self._recheck(kind):
            return
        try:
            if kind in FACILITATOR_ACTIONS and not self.is_facilitator:
                raise PermissionDenied
            await self.dispatch_action(kind, content)
        except ValidationError as exc:
            # The room closed under us (cancelled, no trained facilitator …): leave with why.
            if _code(exc) in ROOM_CLOSED_CODES and not await self._still_allowed():
                return
            await self.send_json(
                {
                    "type": "error",
                    "code": _code(exc),
                    "message": _message(exc),
                    "client_id": content.get("client_id"),
                }
            )
        except PermissionDenied as exc:
            # A moderator's mute or ban refused the write (safety's PostingRestrictedError carries a
            # code and the member-facing reason); anything else is a facilitator-only action.
            code = getattr(exc, "code", None)
            if code == "banned":
                await self._shut("banned", str(exc), CLOSE_REMOVED)
                return
            # Refused: has the person left the group, been removed or banned since the last
            # check? Then they leave the room with the reason; else it was a tool they lack.
            if not code and not await self._still_allowed():
                return
            await self.send_json(
                {
                    "type": "error",
                    "code": str(code) if code else "forbidden",
                    "message": str(exc) if code else _("Only facilitators can do that."),
                    "client_id": content.get("client_id"),
                }
            )

    async def dispatch_action(self, kind: str, content: dict[str, Any]) -> None:
        mid, user = self.meeting_id, self.user
        if kind in ("hello", "resume"):
            last = content.get("last_seen_id")
            last_id = last if isinstance(last, int) and last >= 0 else None
            state = await self._db(
                services.room_state, meeting_id=mid, user=user, last_seen_id=last_id
            )
            await self.send_json(state)
        elif kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "message":
            body = content.get("body")
            if not isinstance(body, str):
                raise ValidationError("The message needs a text body.", code="bad_message")
            client_id = str(content.get("client_id") or "")[:64]
            msg = await self._db(services.post_room_message, meeting_id=mid, author=user, body=body)
            # Stored and published: only now is it acknowledged.
            await self.send_json(
                {"type": "ack", "client_id": client_id, "id": msg.pk, "held": msg.held}
            )
            if msg.risk_level in ("ideation", "imminent"):
                # Help in the same room, to the author's socket only (room.js shows it).
                await self.send_json(
                    await self._db(crisis_payload, user=user, level=msg.risk_level, held=msg.held)
                )
        elif kind in ("checkin.pass", "checkin.done", "checkin.next"):
            await self._db(
                services.advance_checkin, meeting_id=mid, actor=user, passed=kind == "checkin.pass"
            )
        elif kind == "welcome":
            text = content.get("body") if isinstance(content.get("body"), str) else ""
            await self._db(services.post_welcome, meeting_id=mid, actor=user, text=text)
        elif kind == "checkin.start":
            await self._db(services.start_checkin, meeting_id=mid, actor=user)
        elif kind in ("pause", "unpause"):
            await self._db(services.set_paused, meeting_id=mid, actor=user, paused=kind == "pause")
        elif kind in ("mute", "unmute", "remove"):
            target = content.get("user_id")
            if not isinstance(target, int):
                raise ValidationError("Say whom (user_id).", code="invalid_target")
            await self._db(
                services.restrict_participant,
                meeting_id=mid,
                actor=user,
                user_id=target,
                mute=None if kind == "remove" else kind == "mute",
                remove=kind == "remove",
            )
        elif kind == "end":
            await self._db(services.end_meeting, meeting_id=mid, actor=user)
        else:
            raise ValidationError(f"Unknown message type {kind[:40]!r}.", code="unknown_type")

    # --- Events from the channel layer ------------------------------------------------------

    async def room_event(self, message: dict[str, Any]) -> None:
        event = message["event"]
        if not live.reaches(message, user_id=self.user.pk, is_facilitator=self.is_facilitator):
            return
        if self.closing:
            return
        await self.send_json(event)
        kind = event.get("type")
        if kind == "muted" and (event.get("user") or {}).get("id") == self.user.pk:
            self.muted = bool(event.get("muted"))
        if kind == "removed" and (event.get("user") or {}).get("id") == self.user.pk:
            self.closing = True
            self.joined = False  # the visit was closed by the service
            await self.close(code=CLOSE_REMOVED)
        elif kind == "ended":
            self.closing = True
            self.joined = False
            await self.close(code=1000)

    async def person_standing(self, message: dict[str, Any]) -> None:
        """The person's standing changed (``safety.sockets.standing_changed``): re-check now,
        whatever ``ROOM_RECHECK_SECONDS`` says, and close with the reason as a heartbeat would.

        A person who stays but may now only read (a moderator's mute), or may write again, is
        sent ``muted`` about themselves, with the moderator's reason and end when theirs.
        """
        if self.closing or not self.joined:
            return
        if not await self._still_allowed():
            return
        muted, why = await database_sync_to_async(queries.room_mute)(
            user=self.user, meeting_id=self.meeting_id, is_facilitator=self.is_facilitator
        )
        if muted == self.muted or self.closing:
            return
        self.muted = muted
        me = services.person(self.user)
        frame: dict[str, Any] = {"type": "muted", "user": me, "muted": muted}
        if why:
            frame["message"] = why
        await self.send_json(frame)
