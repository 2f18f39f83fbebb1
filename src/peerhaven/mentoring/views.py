"""Mentoring pages. Thin: fetch-and-authorize through ``queries``, write through ``services``."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerhaven.accounts import ratelimit
from peerhaven.accounts.models import User
from peerhaven.mentoring import forms, permissions, queries, services
from peerhaven.mentoring.models import (
    OPEN_STATUSES,
    CohortRun,
    DirectMessage,
    MenteeIntake,
    Mentorship,
    MentorshipStatus,
    ServiceType,
    Supervision,
    TrainingRecord,
)
from peerhaven.safety.permissions import PostingRestrictedError
from peerhaven.web.inputs import row_id


def _me(request: HttpRequest) -> User:
    """The signed-in person (every view here is behind ``login_required``)."""
    return cast(User, request.user)


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _admin_only(request: HttpRequest) -> None:
    if not permissions.can_administer(_me(request)):
        raise Http404


def _user_by_name(name: str) -> User | None:
    return User.objects.filter(display_name__iexact=name.strip(), is_active=True).first()


# --- Overview, intake, suggestions, requests ------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    context = {
        "mentorships": list(queries.my_mentorships(user)),
        "open_request": queries.my_open_request(user),
        "has_intake": MenteeIntake.objects.filter(member=user).exists(),
        "is_mentor": permissions.can_mentor(user),
        "inbox_count": queries.inbox(user).count() if permissions.can_mentor(user) else 0,
        "is_supervisor": Supervision.objects.filter(
            supervisor=user, ended_at__isnull=True
        ).exists(),
        "is_admin": permissions.can_administer(user),
    }
    return render(request, "mentoring/index.html", context)


def _intake_initial(intake: MenteeIntake | None, user: Any) -> dict[str, Any]:
    if intake is None:
        return {"time_zone": user.time_zone, "languages": [user.language]}
    return {
        "support_text": intake.support_text,
        "tags": list(intake.tags.all()),
        "priority_tags": list(intake.priority_tags.all()),
        "languages": intake.languages,
        "preferred_gender": intake.preferred_gender,
        "preferred_age_band": intake.preferred_age_band,
        "time_zone": intake.time_zone,
        "availability": intake.availability,
    }


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    existing = MenteeIntake.objects.filter(member=_me(request)).first()
    if request.method == "POST":
        form = forms.IntakeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.save_intake(
                    member=_me(request),
                    support_text=data["support_text"],
                    tags=data["tags"],
                    priority_tags=data["priority_tags"],
                    languages=data["languages"],
                    preferred_gender=data["preferred_gender"],
                    preferred_age_band=data["preferred_age_band"],
                    time_zone=data["time_zone"],
                    availability=data["availability"],
                    request=request,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                return redirect("mentoring:suggestions")
    else:
        form = forms.IntakeForm(initial=_intake_initial(existing, _me(request)))
    return render(request, "mentoring/intake.html", {"form": form, "existing": existing})


@login_required
def suggestions(request: HttpRequest) -> HttpResponse:
    try:
        found = services.suggest_for(member=_me(request))
    except ValidationError:
        return redirect("mentoring:intake")
    return render(
        request,
        "mentoring/suggestions.html",
        {
            "suggestions": found,
            "open_request": queries.my_open_request(_me(request)),
            "current": Mentorship.objects.filter(
                mentee=_me(request), status__in=OPEN_STATUSES
            ).first(),
        },
    )


@login_required
@require_POST
def request_mentor(request: HttpRequest, mentor_id: int) -> HttpResponse:
    mentor = User.objects.filter(pk=mentor_id, is_active=True).first()
    if mentor is None:
        raise Http404
    try:
        services.request_mentor(mentee=_me(request), mentor=mentor)
    except ValidationError as exc:
        _flash(request, exc)
        return redirect("mentoring:suggestions")
    messages.success(
        request,
        _("We have asked %(name)s. You will hear as soon as they answer.")
        % {"name": mentor.display_name},
    )
    return redirect("mentoring:index")


@login_required
@require_POST
def withdraw_request(request: HttpRequest, request_id: int) -> HttpResponse:
    req = queries.get_request_for_mentee(_me(request), request_id)
    try:
        services.withdraw_request(req=req, mentee=_me(request))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("mentoring:index")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if not permissions.can_mentor(_me(request)):
        raise Http404
    return render(request, "mentoring/inbox.html", {"requests": list(queries.inbox(_me(request)))})


@login_required
@require_POST
def answer_request(request: HttpRequest, request_id: int, answer: str) -> HttpResponse:
    req = queries.get_request_for_mentor(_me(request), request_id)
    try:
        if answer == "accept":
            mentorship = services.accept_request(req=req, mentor=_me(request))
            return redirect("mentoring:mentorship", mentorship.pk)
        if answer == "decline":
            services.decline_request(req=req, mentor=_me(request))
            messages.success(request, _("Thank you for answering. We will suggest someone else."))
        else:
            raise Http404
    except ValidationError as exc:
        _flash(request, exc)
    except PostingRestrictedError as exc:  # a mute or ban: say why and until when
        messages.error(request, str(exc))
    return redirect("mentoring:inbox")


# --- The mentorship -------------------------------------------------------------------------------


def _message_json(message: DirectMessage, viewer: Any) -> dict[str, Any]:
    return {
        "id": message.pk,
        "mine": message.sender_id == viewer.pk,
        "sender": message.sender.display_name if message.sender else _("[deleted member]"),
        "body": message.body,
        "held": message.held,
        "created_at": message.created_at.isoformat(),
    }


def _mentorship_page(
    request: HttpRequest,
    m: Mentorship,
    *,
    message_form: forms.MessageForm | None = None,
    goal_form: forms.GoalForm | None = None,
    session_form: forms.SessionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The mentorship page; a refused form is shown again with what was typed (nothing lost)."""
    me = _me(request)
    is_mentor = me.pk == m.mentor_id
    thread = queries.visible_messages(m, me)
    blocked = services.is_blocked(m.mentor_id, m.mentee_id)
    # The mentee's intake is for their current mentor: not after the mentorship ended or a
    # block (it may since say what they want from their next mentor).
    intake = (
        MenteeIntake.objects.filter(member_id=m.mentee_id).first()
        if is_mentor and m.mentee_id and m.status != MentorshipStatus.ENDED and not blocked
        else None
    )
    return render(
        request,
        "mentoring/mentorship.html",
        {
            "m": m,
            "is_mentor": is_mentor,
            "is_mentee": me.pk == m.mentee_id,
            "other": m.mentee if is_mentor else m.mentor,
            "intake": intake,
            "thread": thread,
            "last_id": thread[-1].pk if thread else 0,
            "goals": queries.goals(m),
            "sessions": queries.sessions(m, me, request=request),
            "message_form": message_form or forms.MessageForm(),
            "goal_form": goal_form or forms.GoalForm(),
            "goal_open": goal_form is not None,
            "session_form": session_form
            or forms.SessionForm(initial={"held_on": timezone.localdate()}),
            "session_open": session_form is not None,
            "blocked": blocked,
        },
        status=status,
    )


@login_required
def mentorship(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    return _mentorship_page(
        request, queries.get_mentorship_for_participant(_me(request), mentorship_id)
    )


@login_required
def messages_json(request: HttpRequest, mentorship_id: int) -> JsonResponse:
    m = queries.get_mentorship_for_participant(_me(request), mentorship_id)
    if not queries.may_poll_messages(request.user):
        response = JsonResponse(
            {"error": {"code": "rate_limited", "message": _("Too many requests; slow down.")}},
            status=429,
        )
        response["Retry-After"] = str(ratelimit.retry_after(queries.POLL_WINDOW))
        return response
    # A message id: digits only (a typo or a negative number says so instead of
    # silently returning the newest messages).
    after = row_id(request.GET.get("after", "0"))
    if after is None:
        return JsonResponse(
            {"error": {"code": "invalid", "message": _("'after' must be a message id.")}},
            status=400,
        )
    rows = queries.visible_messages(m, _me(request), after=after)
    return JsonResponse(
        {"status": m.status, "messages": [_message_json(r, _me(request)) for r in rows]}
    )


@login_required
@require_POST
def send_message(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    m = queries.get_mentorship_for_participant(_me(request), mentorship_id)
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = forms.MessageForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Write a message first."), code="empty")
        message = services.send_message(
            mentorship=m, sender=_me(request), body=form.cleaned_data["body"], request=request
        )
    except ValidationError as exc:
        if wants_json:
            return JsonResponse(
                {"error": {"code": services.error_code(exc), "message": " ".join(exc.messages)}},
                status=services.status_for(exc),
            )
        _add_errors(form, exc)
        return _mentorship_page(request, m, message_form=form, status=services.status_for(exc))
    except PostingRestrictedError as exc:  # a ban, or a mute of the mentor: say why, keep the text
        if wants_json:
            return JsonResponse({"error": {"code": exc.code, "message": str(exc)}}, status=403)
        form.add_error(None, str(exc))
        return _mentorship_page(request, m, message_form=form, status=403)
    if wants_json:
        return JsonResponse({"message": _message_json(message, _me(request))}, status=201)
    return redirect(reverse("mentoring:mentorship", args=[m.pk]) + "#messages")


@login_required
@require_POST
def report_message(request: HttpRequest, message_id: int) -> HttpResponse:
    message = queries.get_message_for_participant(_me(request), message_id)
    form = forms.ReportForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Please say briefly what is wrong."), code="reason_required")
        services.report_message(
            message=message, reporter=_me(request), reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Thank you. The safety team will look at it."))
    return redirect("mentoring:mentorship", message.mentorship_id)


@login_required
@require_POST
def change_state(request: HttpRequest, mentorship_id: int, action: str) -> HttpResponse:
    m = queries.get_mentorship_for_participant(_me(request), mentorship_id)
    try:
        if action == "pause":
            services.pause_mentorship(mentorship=m, actor=_me(request))
        elif action == "resume":
            services.resume_mentorship(mentorship=m, actor=_me(request))
        elif action == "block":
            services.block_in_mentorship(mentorship=m, actor=_me(request))
            messages.success(request, _("Blocked. They cannot message you any more."))
        else:
            raise Http404
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("mentoring:mentorship", m.pk)


@login_required
def end(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    m = queries.get_mentorship_for_participant(_me(request), mentorship_id)
    if m.status == MentorshipStatus.ENDED:
        return redirect("mentoring:mentorship", m.pk)
    form = forms.EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.end_mentorship(
                mentorship=m,
                actor=_me(request),
                helpfulness=data["helpfulness"] or None,
                reason=data["reason"],
                comment=data["comment"],
                request=request,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The mentorship has ended. Thank you for the feedback."))
            return redirect("mentoring:mentorship", m.pk)
    return render(request, "mentoring/end.html", {"m": m, "form": form})


@login_required
@require_POST
def add_goal(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    m = queries.get_mentorship_for_participant(_me(request), mentorship_id)
    form = forms.GoalForm(request.POST)
    if form.is_valid():
        try:
            services.create_goal(
                mentorship=m,
                owner=_me(request),
                title=form.cleaned_data["title"],
                steps=form.step_list(),
                request=request,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect(reverse("mentoring:mentorship", args=[m.pk]) + "#goals")
    return _mentorship_page(request, m, goal_form=form, status=422)


@login_required
@require_POST
def step_done(request: HttpRequest, step_id: int) -> HttpResponse:
    step = queries.get_step_for_owner(_me(request), step_id)
    services.set_step_done(step=step, actor=_me(request), done=request.POST.get("done") != "0")
    target = step.goal.mentorship_id
    if target is None:
        return redirect("mentoring:index")
    return redirect(reverse("mentoring:mentorship", args=[target]) + "#goals")


@login_required
@require_POST
def add_session(request: HttpRequest, mentorship_id: int) -> HttpResponse:
    m = queries.get_mentorship_for_participant(_me(request), mentorship_id)
    form = forms.SessionForm(request.POST)
    if form.is_valid():
        try:
            services.log_session(mentorship=m, mentor=_me(request), **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        except PostingRestrictedError as exc:  # a mute or ban of the mentor: say why, keep it
            form.add_error(None, str(exc))
            return _mentorship_page(request, m, session_form=form, status=403)
        else:
            return redirect(reverse("mentoring:mentorship", args=[m.pk]) + "#sessions")
    return _mentorship_page(request, m, session_form=form, status=422)


# --- Peer supporters ------------------------------------------------------------------------------


@login_required
def mentor_profile(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    if not permissions.can_mentor(user):
        raise Http404
    profile = queries.mentor_profile(user)
    status = 200
    if request.method == "POST":
        form = forms.MentorProfileForm(request.POST)
        if form.is_valid():
            try:
                services.save_mentor_profile(user=user, request=request, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            except PostingRestrictedError as exc:  # muted: say why, keep the text
                form.add_error(None, str(exc))
                status = 403
            else:
                messages.success(request, _("Your mentor profile is saved."))
                return redirect("mentoring:mentor_profile")
    elif profile is not None:
        form = forms.MentorProfileForm(
            initial={
                "tags": list(profile.tags.all()),
                "languages": profile.languages,
                "time_zone": profile.time_zone,
                "availability": profile.availability,
                "capacity": profile.capacity,
                "gender": profile.gender,
                "age_band": profile.age_band,
                "story": profile.story,
            }
        )
    else:
        form = forms.MentorProfileForm(
            initial={"time_zone": user.time_zone, "languages": [user.language]}
        )
    return render(
        request,
        "mentoring/mentor_profile.html",
        {
            "form": form,
            "profile": profile,
            "training": list(TrainingRecord.objects.filter(mentor=user)),
            "training_current": queries.training_current(user),
            "supervision": Supervision.objects.filter(mentor=user, ended_at__isnull=True)
            .select_related("supervisor")
            .first(),
            "load": queries.open_mentorship_count(user.pk),
            "wellbeing_form": forms.WellbeingForm(),
        },
        status=status,
    )


@login_required
@require_POST
def pause_mentoring(request: HttpRequest) -> HttpResponse:
    if not permissions.can_mentor(_me(request)):
        raise Http404
    try:
        services.set_paused(user=_me(request), paused=request.POST.get("paused") == "1")
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("mentoring:mentor_profile")


@login_required
@require_POST
def wellbeing(request: HttpRequest) -> HttpResponse:
    if not permissions.can_mentor(_me(request)):
        raise Http404
    form = forms.WellbeingForm(request.POST)
    if form.is_valid():
        checkin = services.record_wellbeing(mentor=_me(request), **form.cleaned_data)
        if checkin.feeling <= 2:
            messages.info(
                request,
                _(
                    "Thank you for being honest. It is fine to pause taking new mentees, and your "
                    "supervisor is there for you too."
                ),
            )
        else:
            messages.success(request, _("Thank you for checking in."))
    return redirect("mentoring:mentor_profile")


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    rows = queries.supervisees(_me(request))
    if not rows:
        raise Http404
    return render(request, "mentoring/supervision.html", {"supervisions": rows})


@login_required
def supervisee(request: HttpRequest, supervision_id: int) -> HttpResponse:
    sup = queries.get_supervision_for_supervisor(_me(request), supervision_id)
    form = forms.SupervisionSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_supervision_session(
                supervision=sup, supervisor=_me(request), **form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("mentoring:supervisee", sup.pk)
    mentorships = [
        (m, queries.sessions(m, _me(request), request=request))
        for m in queries.supervisee_mentorships(sup)
    ]
    return render(
        request,
        "mentoring/supervisee.html",
        {"sup": sup, "form": form, "mentorships": mentorships, "sessions": sup.sessions.all()},
    )


# --- Admin: mentors, cohorts, services ------------------------------------------------------------


@login_required
def admin_mentors(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    return render(
        request,
        "mentoring/admin_mentors.html",
        {"mentors": list(queries.peer_supporters()[:500]), "today": timezone.localdate()},
    )


@login_required
def admin_mentor(request: HttpRequest, user_id: int) -> HttpResponse:
    _admin_only(request)
    mentor = User.objects.filter(pk=user_id).first()
    if mentor is None or not permissions.can_mentor(mentor):
        raise Http404
    training_form = forms.TrainingForm(request.POST if "course" in request.POST else None)
    supervisor_form = forms.SupervisorForm(request.POST if "supervisor" in request.POST else None)
    if request.method == "POST":
        try:
            if training_form.is_valid():
                services.add_training_record(
                    mentor=mentor, actor=_me(request), request=request, **training_form.cleaned_data
                )
                return redirect("mentoring:admin_mentor", mentor.pk)
            if supervisor_form.is_valid():
                supervisor = _user_by_name(supervisor_form.cleaned_data["supervisor"])
                if supervisor is None:
                    supervisor_form.add_error("supervisor", _("No one has that display name."))
                else:
                    services.assign_supervisor(
                        mentor=mentor, supervisor=supervisor, actor=_me(request), request=request
                    )
                    return redirect("mentoring:admin_mentor", mentor.pk)
        except ValidationError as exc:
            _flash(request, exc)
    return render(
        request,
        "mentoring/admin_mentor.html",
        {
            "mentor": mentor,
            "training": list(TrainingRecord.objects.filter(mentor=mentor)),
            "supervision": Supervision.objects.filter(mentor=mentor, ended_at__isnull=True)
            .select_related("supervisor")
            .first(),
            "training_form": training_form,
            "supervisor_form": supervisor_form,
        },
    )


@login_required
def cohort(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form = forms.CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.run_cohort(
                actor=_me(request), min_score=form.cleaned_data["min_score"], request=request
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("mentoring:cohort_run", run.pk)
    runs = CohortRun.objects.select_related("created_by", "confirmed_by")[:20]
    return render(request, "mentoring/cohort.html", {"form": form, "runs": runs})


@login_required
def cohort_run(request: HttpRequest, run_id: int) -> HttpResponse:
    run = queries.get_cohort_run(_me(request), run_id)
    if request.method == "POST":
        try:
            created = services.confirm_cohort(run=run, actor=_me(request), request=request)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(
                request,
                _("%(n)s mentorships were created.") % {"n": len(created)},
            )
        return redirect("mentoring:cohort_run", run.pk)
    people = User.objects.in_bulk([pid for row in run.proposal for pid in row[:2]])
    rows = [(people.get(a), people.get(b), s) for a, b, s in run.proposal]
    return render(
        request,
        "mentoring/cohort_run.html",
        {
            "run": run,
            "rows": rows,
            "unmatched": len(run.mentee_ids) - run.optimal_matched,
            "gain": run.optimal_total - run.greedy_total,
        },
    )


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    if not permissions.can_keep_caseload(_me(request)):
        raise Http404
    form = forms.OpenCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = _user_by_name(form.cleaned_data["member"])
        if member is None:
            form.add_error("member", _("No one has that display name."))
        else:
            try:
                case = services.open_case(specialist=_me(request), member=member)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                return redirect("mentoring:case", case.pk)
    return render(
        request, "mentoring/caseload.html", {"cases": queries.caseload(_me(request)), "form": form}
    )


@login_required
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    entry = queries.get_case_for_specialist(_me(request), case_id)
    form = forms.ServiceLogForm(
        request.POST or None, initial={"delivered_on": timezone.localdate()}
    )
    if request.method == "POST":
        if request.POST.get("close") == "1":
            services.close_case(case=entry, specialist=_me(request))
            return redirect("mentoring:caseload")
        if form.is_valid():
            try:
                services.log_service(case=entry, specialist=_me(request), **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Service logged."))
                return redirect("mentoring:case", entry.pk)
    return render(
        request,
        "mentoring/case.html",
        {"case": entry, "form": form, "deliveries": list(queries.case_deliveries(entry))},
    )


@login_required
def my_services(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "mentoring/my_services.html",
        {"deliveries": list(queries.service_history(_me(request))[:200])},
    )


@login_required
def service_totals(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    today = timezone.localdate()
    period = forms.PeriodForm(
        request.GET or None, initial={"start": today - dt.timedelta(days=90), "end": today}
    )
    start, end = today - dt.timedelta(days=90), today
    if request.GET and period.is_valid():
        start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    type_form = forms.ServiceTypeForm(request.POST or None)
    if request.method == "POST" and type_form.is_valid():
        try:
            services.save_service_type(actor=_me(request), **type_form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            type_form.add_error(None, str(exc))
        else:
            return redirect("mentoring:service_totals")
    return render(
        request,
        "mentoring/service_totals.html",
        {
            "period": period,
            "start": start,
            "end": end,
            "totals": queries.service_totals(start, end),
            "type_form": type_form,
            "types": ServiceType.objects.all(),
            "min_cell": queries.MIN_CELL,
        },
    )
