"""Group pages. Thin: fetch-and-authorize through ``queries``, write through ``services``."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerhaven.accounts.local_time import member_zone
from peerhaven.accounts.models import User
from peerhaven.groups import ical, permissions, queries, services
from peerhaven.groups.forms import (
    AssignForm,
    CancelForm,
    FacilitatorCheckInForm,
    GroupForm,
    InviteForm,
    JoinForm,
    MoodForm,
    MoveForm,
    NoteForm,
    RsvpForm,
    ScheduleForm,
    SeriesForm,
    TrainingForm,
)
from peerhaven.groups.models import (
    Attendance,
    FacilitatorNote,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Membership,
    PostMeetingMood,
    SupportGroup,
)
from peerhaven.safety.permissions import PostingRestrictedError
from peerhaven.safety.queries import crisis_resources
from peerhaven.web.inputs import row_id


def _errors(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _posted_id(request: HttpRequest, name: str) -> int:
    """A row id from the form; anything else is a 404 (never a 500 from the database)."""
    value = row_id(request.POST.get(name))
    if value is None:
        raise Http404
    return value


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    groups = list(queries.directory(request.user))
    mine = dict(Membership.objects.filter(user=request.user.pk).values_list("group_id", "status"))
    tz = request.user.time_zone  # type: ignore[union-attr]
    rows = []
    for g in groups:
        rows.append(
            {
                "group": g,
                "status": mine.get(g.pk, ""),
                "facilitators": [f.user.display_name for f in g.facilitators.all()],
                "schedule": [queries.local_schedule(s, g, tz) for s in g.series.all()],
            }
        )
    return render(
        request,
        "groups/directory.html",
        {
            "rows": rows,
            "viewer_tz": member_zone(request.user).key,
            "can_manage": permissions.can_manage_groups(request.user),
        },
    )


@login_required
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = queries.get_group(request.user, slug)
    membership = permissions.membership_of(request.user, group)
    takes_part = permissions.can_take_part(request.user, group)
    meetings = queries.upcoming_meetings(group) if takes_part else []
    rsvps = queries.my_rsvps(request.user, meetings) if takes_part else {}
    feed = services.calendar_feed_for(request.user) if takes_part else None  # type: ignore[arg-type]
    base = request.build_absolute_uri("/").rstrip("/")
    return render(
        request,
        "groups/detail.html",
        {
            "group": group,
            "membership": membership,
            "takes_part": takes_part,
            "meetings": [(m, rsvps.get(m.pk, "")) for m in meetings],
            "facilitators": [f.user for f in group.facilitators.select_related("user")],
            "join_form": JoinForm(),
            "rsvp_form": RsvpForm(),
            "can_manage": permissions.can_manage_group(request.user, group),
            "has_facilitator": permissions.group_has_current_facilitator(group),
            "member_feed": base + reverse("groups:ical_member", args=[feed.token]) if feed else "",
            # A token for this person and this group only (never ``feed.token``, which opens
            # all their groups); it stops working for them alone when they leave or are
            # removed, and for everyone when they reset their addresses.
            "group_feed": base
            + reverse("groups:ical_group", args=[group.slug, feed.group_token(group.pk)])
            if feed
            else "",
            "viewer_tz": member_zone(request.user).key,
        },
    )


@login_required
@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    group = queries.get_group(request.user, slug)
    form = JoinForm(request.POST)
    form.is_valid()
    try:
        m = services.join_group(
            group=group,
            user=request.user,  # type: ignore[arg-type]
            accept_agreement=bool(form.cleaned_data.get("accept")),
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        if m.status == "requested":
            messages.success(request, _("Your request was sent to the facilitators."))
        else:
            messages.success(request, _("Welcome to the group."))
    return redirect("groups:detail", slug=group.slug)


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    group = queries.get_group(request.user, slug)
    services.leave_group(group=group, user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("You have left the group. You are welcome back any time."))
    return redirect("groups:detail", slug=group.slug)


@login_required
@require_POST
def rsvp(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = queries.get_meeting_for_participant(request.user, meeting_id)
    form = RsvpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Answer yes, maybe or no."))
    else:
        try:
            services.rsvp(
                meeting=meeting,
                user=request.user,  # type: ignore[arg-type]
                response=form.cleaned_data["response"],
            )
            messages.success(request, _("Thanks for letting the group know."))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    return redirect("groups:detail", slug=meeting.group.slug)


@login_required
def room(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = queries.get_meeting_for_participant(request.user, meeting_id)
    closed_reason = ""
    is_fac = False
    try:
        access = queries.open_room(user=request.user, meeting_id=meeting.pk)
        is_fac = access.is_facilitator
    except ValidationError as exc:
        closed_reason = _errors(exc)
    except PermissionDenied:
        closed_reason = _("A facilitator removed you from this meeting.")
    return render(
        request,
        "groups/room.html",
        {
            "meeting": meeting,
            "group": meeting.group,
            "closed_reason": closed_reason,
            "is_facilitator": is_fac,
            "ws_path": f"/ws/groups/rooms/{meeting.pk}/",
            # Shown by room.js when a message of the person's screens at ideation or more:
            # crisis lines "in the same room", not only on the next page.
            "crisis": crisis_resources(
                country=request.user.country,  # type: ignore[union-attr]
                language=request.user.language,  # type: ignore[union-attr]
            ),
        },
        status=200,
    )


@login_required
def after(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """After the meeting: the mood question, and for facilitators the note and their check-in."""
    meeting = queries.get_meeting_for_participant(request.user, meeting_id)
    user: User = request.user  # type: ignore[assignment]
    is_fac = permissions.can_manage_group(user, meeting.group)
    mood_form = MoodForm(prefix="mood")
    note_form = NoteForm(prefix="note")
    check_form = FacilitatorCheckInForm(prefix="self")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "mood":
                mood_form = MoodForm(request.POST, prefix="mood")
                if mood_form.is_valid():
                    services.record_mood(
                        meeting=meeting, user=user, score=mood_form.cleaned_data["score"]
                    )
                    messages.success(request, _("Thank you for telling us."))
                    return redirect("groups:after", meeting_id=meeting.pk)
            elif action == "note" and is_fac:
                note_form = NoteForm(request.POST, prefix="note")
                if note_form.is_valid():
                    services.write_facilitator_note(
                        meeting=meeting,
                        actor=user,
                        text=note_form.cleaned_data["text"],
                        concern=note_form.cleaned_data["concern"],
                    )
                    messages.success(request, _("Note saved."))
                    return redirect("groups:after", meeting_id=meeting.pk)
            elif action == "self" and is_fac:
                check_form = FacilitatorCheckInForm(request.POST, prefix="self")
                if check_form.is_valid():
                    services.facilitator_checkin(
                        user=user,
                        meeting=meeting,
                        score=check_form.cleaned_data["score"],
                        note=check_form.cleaned_data["note"],
                        wants_support=check_form.cleaned_data["wants_support"],
                    )
                    messages.success(request, _("Thank you for looking after yourself too."))
                    return redirect("groups:after", meeting_id=meeting.pk)
            else:
                raise PermissionDenied
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    mood = PostMeetingMood.objects.filter(meeting=meeting, user=user).first()
    return render(
        request,
        "groups/after.html",
        {
            "meeting": meeting,
            "group": meeting.group,
            "mood": mood,
            "mood_form": mood_form,
            "is_facilitator": is_fac,
            "note_form": note_form,
            "check_form": check_form,
            "notes": FacilitatorNote.objects.filter(meeting=meeting) if is_fac else [],
            "attendance": queries.attendance_for(meeting) if is_fac else [],
        },
    )


@login_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    """Facilitators: requests, invitations, moving/cancelling meetings, in-person attendance."""
    group = queries.get_group(request.user, slug)
    if not permissions.can_manage_group(request.user, group):
        raise Http404
    user: User = request.user  # type: ignore[assignment]
    # A move or cancellation refused (a bad date: 400; a mute or ban: 403): the page is shown
    # again with the note and date kept in that meeting's form and the reason on it.
    refused: dict[str, Any] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        note_form: dict[str, Any] = {}
        try:
            if action in ("approve", "decline"):
                m = get_object_or_404(Membership, pk=_posted_id(request, "membership"), group=group)
                services.decide_request(membership=m, actor=user, approve=action == "approve")
            elif action == "invite":
                form = InviteForm(request.POST)
                if form.is_valid():
                    target = User.objects.filter(
                        display_name=form.cleaned_data["display_name"], is_active=True
                    ).first()
                    if target is None:
                        raise ValidationError(_("No one has that display name."))
                    services.invite_member(group=group, user=target, actor=user)
            elif action == "remove_member":
                leaving = get_object_or_404(
                    Membership.objects.select_related("user"),
                    pk=_posted_id(request, "membership"),
                    group=group,
                )
                services.remove_member(group=group, user=leaving.user, actor=user)
            elif action in ("cancel", "move", "attendance"):
                meeting = get_object_or_404(Meeting, pk=_posted_id(request, "meeting"), group=group)
                if action == "cancel":
                    cform = CancelForm(request.POST)
                    note_form = {"meeting": meeting.pk, "action": action, "form": cform}
                    if not cform.is_valid():  # else the note would be dropped
                        raise ValidationError(_("Check the note to members."))
                    services.cancel_meeting(
                        meeting=meeting,
                        actor=user,
                        note=cform.cleaned_data.get("note", ""),
                        request=request,
                    )
                elif action == "move":
                    mform = MoveForm(request.POST)
                    note_form = {"meeting": meeting.pk, "action": action, "form": mform}
                    if not mform.is_valid():
                        raise ValidationError(_("Give the new date and time."))
                    naive: datetime = mform.cleaned_data["starts_at"].replace(tzinfo=None)
                    start = naive.replace(tzinfo=ZoneInfo(group.time_zone))
                    services.move_meeting(
                        meeting=meeting,
                        actor=user,
                        starts_at=start,
                        note=mform.cleaned_data.get("note", ""),
                        request=request,
                    )
                else:
                    ids = [
                        pk for pk in map(row_id, request.POST.getlist("present")) if pk is not None
                    ]
                    services.record_manual_attendance(
                        meeting=meeting,
                        actor=user,
                        present=list(User.objects.filter(pk__in=ids)),
                    )
            messages.success(request, _("Done."))
        except ValidationError as exc:
            if note_form:
                note_form["form"].add_error(None, exc)
                refused = {**note_form, "status": 400}
            else:
                messages.error(request, _errors(exc))
        except PostingRestrictedError as exc:
            if not note_form:
                raise
            note_form["form"].add_error(None, str(exc))
            refused = {**note_form, "status": 403}
        if not refused:
            return redirect("groups:manage", slug=group.slug)
    meetings = list(Meeting.objects.filter(group=group).order_by("-starts_at")[:20])
    if refused and all(m.pk != refused["meeting"] for m in meetings):
        meetings.append(Meeting.objects.get(pk=refused["meeting"]))  # keep its form on the page
    attended = set(
        Attendance.objects.filter(meeting__in=meetings).values_list("meeting_id", "user_id")
    )
    return render(
        request,
        "groups/manage.html",
        {
            "group": group,
            "requests": queries.pending_requests(group),
            "memberships": Membership.objects.filter(group=group, status="active")
            .select_related("user")
            .order_by("user__display_name"),
            "meetings": meetings,
            "members": services.participants(group),
            "attended": attended,
            "invite_form": InviteForm(),
            "move_form": MoveForm(),
            "cancel_form": CancelForm(),
            "refused": refused,
            "scheduled": MeetingStatus.SCHEDULED,
        },
        status=refused["status"] if refused else 200,
    )


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or the form when unkeyed)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    elif getattr(exc, "code", None) == "invalid_rrule":
        form.add_error("rrule", exc)
    else:
        form.add_error(None, exc)


def _change_message(change: services.ScheduleChange) -> str:
    return (
        _(
            "Schedule saved. Upcoming meetings: %(moved)s moved, %(cancelled)s cancelled, "
            "%(removed)s removed, %(created)s added. Members were told."
        )
        % change.as_dict()
    )


@login_required
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    """Facilitators and admins edit the group's schedules (friendly form, or a custom RRULE).

    Invalid input re-renders the page with the values kept and a 400.
    """
    group = queries.get_group_for_schedule_editor(request.user, slug=slug)
    user: User = request.user  # type: ignore[assignment]
    all_series = list(MeetingSeries.objects.filter(group=group).order_by("-active", "pk"))
    for s in all_series:
        s.group = group
    forms_by_id: dict[int, ScheduleForm] = {
        s.pk: ScheduleForm(prefix=f"s{s.pk}", initial=ScheduleForm.initial_for(s))
        for s in all_series
        if s.active
    }
    new_form = ScheduleForm(
        prefix="new", initial={"time_zone": group.time_zone, "duration_minutes": 90}
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        target = None
        if action in ("edit", "stop"):
            target = next(
                (s for s in all_series if str(s.pk) == request.POST.get("series") and s.active),
                None,
            )
            if target is None:
                raise Http404
        try:
            if action == "stop" and target is not None:
                change = services.stop_series(series=target, actor=user)
                messages.success(request, _change_message(change))
                return redirect("groups:schedule", slug=group.slug)
            if action == "edit" and target is not None:
                form = ScheduleForm(request.POST, prefix=f"s{target.pk}")
                forms_by_id[target.pk] = form
                if form.is_valid():
                    try:
                        change = services.update_series(
                            series=target, actor=user, **form.service_kwargs()
                        )
                    except ValidationError as exc:
                        _form_errors(form, exc)
                    else:
                        messages.success(request, _change_message(change))
                        return redirect("groups:schedule", slug=group.slug)
                status = 400
            elif action == "add":
                new_form = ScheduleForm(request.POST, prefix="new")
                if new_form.is_valid():
                    try:
                        services.add_series(group=group, actor=user, **new_form.service_kwargs())
                    except ValidationError as exc:
                        _form_errors(new_form, exc)
                    else:
                        messages.success(request, _("Schedule added and meetings generated."))
                        return redirect("groups:schedule", slug=group.slug)
                status = 400
            else:
                return HttpResponse(_("Unknown action."), status=400)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
            status = 400
    return render(
        request,
        "groups/schedule.html",
        {
            "group": group,
            "rows": [
                {
                    "series": s,
                    "text": services.schedule_text(s),
                    "form": forms_by_id.get(s.pk),
                }
                for s in all_series
            ],
            "new_form": new_form,
        },
        status=status,
    )


@login_required
@require_POST
def reset_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """Replace the person's calendar addresses (all of them) and go back to the group's page."""
    group = queries.get_group(request.user, slug)
    services.reset_calendar_feed(user=request.user, request=request)  # type: ignore[arg-type]
    messages.success(
        request,
        _(
            "Your calendar addresses were replaced. The old ones no longer work: copy the new "
            "ones below into your calendar app, for this group and for all your groups."
        ),
    )
    return redirect("groups:detail", slug=group.slug)


def ical_member(request: HttpRequest, token: str) -> HttpResponse:
    """A member's own feed, by secret token (calendar apps cannot sign in)."""
    user = queries.feed_owner(token)
    body = ical.calendar(queries.meetings_for_member(user), name=_("My Peerhaven groups"))
    return _ics(body)


def ical_group(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """One group's meetings, by the person's token for this group (``CalendarFeed.group_token``);
    404 once they no longer take part or have reset their addresses.

    Addresses with the group's former shared token (``SupportGroup.calendar_token``) or with a
    person's "all my groups" token answer 404.
    """
    group, meetings = queries.group_feed(token=token, slug=slug)
    return _ics(ical.calendar(meetings, name=group.name))


@login_required
def open_group(request: HttpRequest, group_id: int, page: str = "detail") -> HttpResponse:
    """Where a notification's link leads. Notifications go out by e-mail with their link, so
    the link names no group (a slug such as "postpartum-circle" would) and this redirects."""
    group = queries.get_group_by_id(request.user, group_id)
    return redirect("groups:manage" if page == "manage" else "groups:detail", group.slug)


def _ics(body: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="peerhaven.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def staff(request: HttpRequest) -> HttpResponse:
    """Admins: create groups, schedules, training records, facilitators; attendance report."""
    if not permissions.can_manage_groups(request.user):
        raise Http404
    user: User = request.user  # type: ignore[assignment]
    group_form = GroupForm(prefix="g")
    training_form = TrainingForm(prefix="t")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "group":
                group_form = GroupForm(request.POST, prefix="g")
                if group_form.is_valid():
                    g = services.create_group(actor=user, **group_form.cleaned_data)
                    messages.success(request, _("Group created: %(name)s") % {"name": g.name})
                    return redirect("groups:staff")
            elif action == "training":
                training_form = TrainingForm(request.POST, prefix="t")
                if training_form.is_valid():
                    data = training_form.cleaned_data
                    person = get_object_or_404(User, display_name=data["display_name"])
                    services.record_training(
                        actor=user,
                        peer_supporter=person,
                        completed_on=data["completed_on"],
                        trainer=data["trainer"],
                        expires_on=data["expires_on"],
                    )
                    messages.success(request, _("Training recorded."))
                    return redirect("groups:staff")
            elif action == "series":
                sform = SeriesForm(request.POST)
                if not sform.is_valid():
                    raise ValidationError(_("Please fill in every field of the schedule."))
                data = sform.cleaned_data
                g = get_object_or_404(SupportGroup, pk=data.pop("group"))
                services.add_series(group=g, actor=user, **data)
                messages.success(request, _("Schedule added and meetings generated."))
                return redirect("groups:staff")
            elif action == "assign":
                aform = AssignForm(request.POST)
                if not aform.is_valid():
                    raise ValidationError(_("Give a display name."))
                g = get_object_or_404(SupportGroup, pk=aform.cleaned_data["group"])
                person = get_object_or_404(User, display_name=aform.cleaned_data["display_name"])
                services.assign_facilitator(group=g, user=person, actor=user)
                messages.success(request, _("Facilitator assigned."))
                return redirect("groups:staff")
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    return render(
        request,
        "groups/staff.html",
        {
            "report": queries.attendance_report(),
            "group_form": group_form,
            "training_form": training_form,
            "min_cell": queries.MIN_CELL,
        },
    )
