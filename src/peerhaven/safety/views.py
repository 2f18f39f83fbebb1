"""Web pages: Get help now, the safety plan, my moderation actions, the moderation queue."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerhaven.accounts import audit, ratelimit
from peerhaven.accounts.countries import COUNTRIES, COUNTRY_CODES, country_from_language
from peerhaven.accounts.models import ConsentPurpose
from peerhaven.accounts.services import grant_consent, revoke_consent
from peerhaven.api.errors import error_body
from peerhaven.safety import conversation, feedback, queries, services
from peerhaven.safety.forms import (
    STEP_LABELS,
    ActionForm,
    AppealDecisionForm,
    AppealForm,
    CrisisResourceForm,
    OutreachForm,
    OutreachTemplateForm,
    ResolveForm,
    SafetyPlanForm,
)
from peerhaven.safety.models import (
    AlertSource,
    AlertStatus,
    Appeal,
    AppealStatus,
    CrisisResource,
    Level,
    ModerationAction,
    OutreachTemplate,
    RiskAlert,
    SafetyMessage,
    SafetyPlan,
)
from peerhaven.safety.permissions import can_manage_resources, can_moderate, may_decide_appeal
from peerhaven.web.inputs import row_id

# Where "back to the queue" leads: the query string of the queue view the moderator last saw.
QUEUE_VIEW_KEY = "safety.queue_view"

# --- Get help now ------------------------------------------------------------------------------


def get_help(request: HttpRequest) -> HttpResponse:
    """Crisis lines by country, reachable from every page without JavaScript or an account."""
    user: Any = request.user
    chosen = request.GET.get("country", "").upper()
    if chosen and chosen not in COUNTRY_CODES:
        chosen = ""
    country = chosen or (user.country if user.is_authenticated else "")
    if not country:
        country = country_from_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
    language = user.language if user.is_authenticated else getattr(request, "LANGUAGE_CODE", "en")
    directory = queries.crisis_resources(country=country, language=language)
    names = dict(COUNTRIES)
    return render(
        request,
        "web/help.html",
        {
            "directory": directory,
            "country": country,
            "country_name": names.get(country, ""),
            "countries": COUNTRIES,
            "plan": queries.safety_plan_for(user),
        },
    )


# --- Safety plan ------------------------------------------------------------------------------


def _plan_steps(plan: SafetyPlan | None) -> list[dict[str, Any]]:
    return [
        {"key": key, "label": label, "help": help_text, "value": getattr(plan, key, "")}
        for key, (label, help_text) in STEP_LABELS.items()
    ]


@login_required
def safety_plan(request: HttpRequest) -> HttpResponse:
    plan = queries.safety_plan_for(request.user)
    return render(request, "safety/plan.html", {"plan": plan, "steps": _plan_steps(plan)})


@login_required
def safety_plan_print(request: HttpRequest) -> HttpResponse:
    plan = queries.safety_plan_for(request.user)
    user: Any = request.user
    return render(
        request,
        "safety/plan_print.html",
        {
            "plan": plan,
            "steps": _plan_steps(plan),
            "directory": queries.crisis_resources(country=user.country, language=user.language),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def safety_plan_edit(request: HttpRequest) -> HttpResponse:
    plan = queries.safety_plan_for(request.user)
    form = SafetyPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_safety_plan(
                user=request.user,  # type: ignore[arg-type]
                steps={k: form.cleaned_data[k] for k in SafetyPlan.STEPS},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your safety plan is saved. You can change it any time."))
            return redirect("safety:plan")
    return render(request, "safety/plan_edit.html", {"form": form})


# --- My moderation actions and appeals ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def screener_consent(request: HttpRequest) -> HttpResponse:
    """The member agrees, or stops agreeing, that moderator-reviewed texts of theirs may be
    used to retrain and test the screener (``safety.feedback``)."""
    user: Any = request.user
    consent = feedback.active_consent(user)
    if request.method == "POST":
        choice = request.POST.get("choice")
        if choice == "yes" and consent is None:
            grant_consent(
                user=user, purpose=ConsentPurpose.SCREENER, text_version=feedback.CONSENT_VERSION
            )
            messages.success(request, _("Thank you. You can stop at any time on this page."))
        elif choice == "no" and consent is not None:
            revoke_consent(consent=consent, actor=user)
            messages.success(request, _("Done. Your reviewed posts are left out from now on."))
        elif choice not in ("yes", "no"):
            return render(
                request,
                "safety/screener_consent.html",
                {"consent": consent, "error": _("Choose yes or no.")},
                status=400,
            )
        return redirect("safety:screener_consent")
    return render(request, "safety/screener_consent.html", {"consent": consent})


@login_required
def my_actions(request: HttpRequest) -> HttpResponse:
    return _my_actions_page(request)


def _my_actions_page(
    request: HttpRequest, refused: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    actions = list(queries.actions_for_member(request.user))
    return render(
        request,
        "safety/my_actions.html",
        {"actions": actions, "form": AppealForm(), "refused": refused or {}},
        status=status,
    )


@login_required
@require_POST
def appeal(request: HttpRequest, action_id: int) -> HttpResponse:
    """File an appeal. Refused (empty, too long, already appealed): the page is shown again
    with the member's words kept in that action's box and the reason, never a redirect that
    would lose them (400; 409 when this decision was already appealed)."""
    # Fetch and authorize in one: someone else's action is simply not found.
    action = get_object_or_404(ModerationAction, pk=action_id, member=request.user)
    form = AppealForm(request.POST)
    typed = request.POST.get("text", "")
    if not form.is_valid():
        reason = _("Please write why the decision should change.")
        if typed.strip() and "text" in form.errors:
            reason = " ".join(str(e) for e in form.errors["text"])
        return _my_actions_page(
            request, {"action": action.pk, "text": typed, "error": reason}, status=400
        )
    try:
        services.file_appeal(
            action=action,
            member=request.user,  # type: ignore[arg-type]
            text=form.cleaned_data["text"],
            request=request,
        )
    except ValidationError as exc:
        return _my_actions_page(
            request,
            {"action": action.pk, "text": typed, "error": " ".join(exc.messages)},
            status=409 if exc.code == "duplicate" else 400,
        )
    messages.success(request, _("Your appeal is sent. Another moderator will review it."))
    return redirect("safety:my_actions")


# --- My conversation with the safety team --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def safety_messages(request: HttpRequest) -> HttpResponse:
    """The signed-in member's own conversation with the safety team, and their reply.

    Only ever the requester's conversation (no id in the URL). Open under a mute or a ban.
    A refused reply (empty, too long, too fast, nothing to answer yet) shows the page again
    with the words kept and why (400, 429, 403), never a redirect that would lose them.
    """
    user: Any = request.user
    if request.method == "POST":
        typed = request.POST.get("body", "")
        try:
            conversation.reply_to_team(member=user, body=typed, request=request)
        except ValidationError as exc:
            return _messages_page(
                request,
                typed=typed[:20000],  # shown back in full when too long, within reason
                error=" ".join(exc.messages),
                status=conversation.status_for(exc),
            )
        messages.success(request, _("Sent. The safety team will read it."))
        return redirect(reverse("safety:messages") + "#latest")
    conversation.mark_read_by_member(member=user)
    return _messages_page(request)


def _messages_page(
    request: HttpRequest, *, typed: str = "", error: str = "", status: int = 200
) -> HttpResponse:
    user: Any = request.user
    rows = conversation.messages_for_member(user)
    return render(
        request,
        "safety/messages.html",
        {
            "conversation": rows,
            # Where the page's live updates start (safety/live_conversation.js).
            "last_id": max((m.pk for m in rows), default=0),
            "can_reply": conversation.has_conversation(user),
            "max_reply": conversation.MAX_REPLY,
            "typed": typed,
            "error": error,
            "directory": queries.crisis_resources(country=user.country, language=user.language),
        },
        status=status,
    )


# --- Live updates of the conversation (polled by safety/live_conversation.js) -------------------
#
# Polling, not a socket: the team writes rarely, a few seconds' delay is fine, and a plain GET
# passes every proxy, needs no new publishing in the services and is checked like any page.
# The pages ask every few seconds while visible, slower when quiet, and back off on errors.


def _live_refusal(status: int, code: str, message: str) -> JsonResponse:
    response = JsonResponse(error_body(code, message), status=status)
    if status == 429:
        response["Retry-After"] = str(ratelimit.retry_after(conversation.LIVE_WINDOW))
    return response


def _live_gate(request: HttpRequest, kind: str) -> tuple[int, JsonResponse | None]:
    """The ``after`` cursor, or the refusal of a signed-out, too-fast or malformed request.

    JSON endpoints answer 401 rather than redirect to the sign-in page, which a script cannot
    follow (the page then says to reload, which leads to sign-in).
    """
    if not request.user.is_authenticated:
        return 0, _live_refusal(401, "unauthenticated", _("You are signed out."))
    if not conversation.may_poll(request.user, kind):
        return 0, _live_refusal(429, "rate_limited", _("Too many requests; slow down."))
    after = row_id(request.GET.get("after", "0"))
    if after is None:
        return 0, _live_refusal(400, "invalid", _("'after' must be a message id."))
    return after, None


def _live_message(m: SafetyMessage, *, who: str, notes: list[dict[str, Any]]) -> dict[str, Any]:
    """One message for the page's script, which renders every string as text, never HTML."""
    return {
        "id": m.pk,
        "from_team": m.from_team,
        "who": who,
        "title": m.title,
        "body": m.body,
        # As the page's <time datetime> carries it (the "c" date format): the viewer's zone.
        "created_at": timezone.localtime(m.created_at).isoformat(),
        # As the page prints it: in the viewer's time zone and language.
        "time": formats.localize(timezone.localtime(m.created_at)),
        "notes": notes,
    }


@never_cache
@require_GET
def safety_messages_updates(request: HttpRequest) -> JsonResponse:
    """The signed-in member's messages after ``?after=<id>``, as JSON, oldest first.

    Only the requester's own conversation (no member id anywhere). The team's messages
    delivered here count as read, as on the page. ``more`` says to ask again at once.
    """
    after, refused = _live_gate(request, "member")
    if refused is not None:
        return refused
    rows, more = conversation.member_messages_after(member=request.user, after=after)
    return JsonResponse(
        {
            "messages": [
                _live_message(m, who=_("Safety team") if m.from_team else _("You"), notes=[])
                for m in rows
            ],
            "more": more,
        }
    )


def _moderator_who(m: SafetyMessage) -> str:
    if not m.from_team:
        return _("Member")
    return _("Safety team") + (f" ({m.sender.display_name})" if m.sender else "")


def _moderator_notes(m: SafetyMessage, alert: RiskAlert) -> list[dict[str, Any]]:
    """What the alert page prints after a message's time (safety/moderation/alert.html)."""
    notes: list[dict[str, Any]] = []
    if m.alert_id == alert.pk:
        notes.append({"text": _("this alert")})
    elif m.alert_id:
        notes.append(
            {
                "text": _("alert %(n)s") % {"n": m.alert_id},
                "href": reverse("moderation:alert", args=[m.alert_id]),
            }
        )
    if not m.from_team and m.risk_level != Level.NONE:
        level = m.get_risk_level_display()
        notes.append({"text": _("screened: %(level)s") % {"level": level}, "strong": True})
    if m.from_team:
        # "read" marks the label the page updates in place once the member reads it
        # (``?unread=`` in alert_messages_updates).
        read = m.read_at is not None
        notes.append({"text": _read_label(read), "read": read})
    return notes


def _read_label(read: bool) -> str:
    return _("read by the member") if read else _("not read yet")


@never_cache
@require_GET
def alert_messages_updates(request: HttpRequest, alert_id: int) -> JsonResponse:
    """New messages of the conversation shown on an alert page, as JSON, for moderators.

    The same checks as the alert page: moderators with two-factor authentication only (403;
    the /moderation/ prefix also sends staff without it to set it up), 404 for no such alert.
    The alert read itself is not audited again on every poll (the page view recorded it);
    each poll that delivers messages is (``conversation.moderator_messages_after``).

    ``?unread=<id>``: the oldest of the team's messages the page shows as "not read yet".
    ``read`` then lists those from it up to ``after`` that the member has read since, with the
    label to show (``read_label``), so the page updates them in place; the page sends it only
    while it shows an unread one (one more query then, whatever the number of messages).
    """
    after, refused = _live_gate(request, "moderator")
    if refused is not None:
        return refused
    if not can_moderate(request.user):
        return _live_refusal(403, "forbidden", _("Moderators with two-factor authentication only."))
    raw_unread = request.GET.get("unread")
    unread = None if raw_unread is None else row_id(raw_unread)
    if raw_unread is not None and unread is None:
        return _live_refusal(400, "invalid", _("'unread' must be a message id."))
    alert = RiskAlert.objects.select_related("author").filter(pk=alert_id).first()
    if alert is None or alert.author is None:
        return _live_refusal(404, "not_found", _("No such alert."))
    user: Any = request.user
    rows, more = conversation.moderator_messages_after(
        moderator=user, member=alert.author, alert=alert, after=after, request=request
    )
    read = (
        conversation.read_by_member_between(
            moderator=user, member=alert.author, first=unread, last=after
        )
        if unread is not None
        else []
    )
    return JsonResponse(
        {
            "messages": [
                _live_message(m, who=_moderator_who(m), notes=_moderator_notes(m, alert))
                for m in rows
            ],
            "more": more,
            "read": read,
            "read_label": _read_label(True),
        }
    )


# --- Moderation --------------------------------------------------------------------------------


def _moderator(request: HttpRequest) -> Any:
    if not can_moderate(request.user):
        raise PermissionDenied
    return request.user


def moderation_queue(request: HttpRequest) -> HttpResponse:
    user = _moderator(request)
    status = request.GET.get("status", "active")
    level = request.GET.get("level", "")
    source = request.GET.get("source", "")
    if level not in Level.values:
        level = ""
    if source not in AlertSource.values:
        source = ""
    mine_for = user if request.GET.get("mine") else None
    # Where "back to the queue" leads after acting on an alert: the view with these filters.
    shown = {"status": status, "level": level, "source": source, "mine": request.GET.get("mine")}
    request.session[QUEUE_VIEW_KEY] = urlencode({k: v for k, v in shown.items() if v})
    alerts = list(queries.queue(status=status, level=level, source=source, mine_for=mine_for)[:200])
    kept = queries.queue_filters(status=status, level=level, source=source, mine_for=mine_for)
    return render(
        request,
        "safety/moderation/queue.html",
        {
            "alerts": alerts,
            "on_duty": services.is_on_duty(user),
            "status": status,
            "level": level,
            "source": source,
            "levels": Level.choices,
            "sources": AlertSource.choices,
            "statuses": [("active", _("Open and acknowledged")), *AlertStatus.choices],
            "live_labels": _live_queue_labels(kept),
        },
    )


def _live_queue_labels(kept: dict[str, list[Any]]) -> dict[str, Any]:
    """What ``live_queue.js`` needs to draw a row as this page does: the labels in the
    moderator's language, their time zone (the server prints due times in it) and the link
    patterns. The CSRF token for the Acknowledge form is read from the page's own forms.

    ``filters`` is what this page's filters keep (``queries.queue_filters``, the same
    definition the page's rows were read with): a live alert outside it is not drawn, and a
    new one is counted in a note instead, with a link to the queue without filters."""
    return {
        "filters": kept,
        # The two forms, for 1 and for more ("{count}" is filled in by the script).
        "not_shown_one": ngettext(
            "{count} open alert not shown by your filters.",
            "{count} open alerts not shown by your filters.",
            1,
        ),
        "not_shown_many": ngettext(
            "{count} open alert not shown by your filters.",
            "{count} open alerts not shown by your filters.",
            2,
        ),
        "clear_filters": _("Clear filters"),
        # The tab's title while the page is hidden and new imminent alerts arrive ("{count}"
        # and "{title}", the page's own title, are filled in by the script).
        "imminent_title_one": ngettext(
            "({count}) Imminent alert — {title}", "({count}) Imminent alerts — {title}", 1
        ),
        "imminent_title_many": ngettext(
            "({count}) Imminent alert — {title}", "({count}) Imminent alerts — {title}", 2
        ),
        "clear_url": reverse("moderation:queue"),
        "levels": dict(Level.choices),
        "sources": dict(AlertSource.choices),
        "statuses": dict(AlertStatus.choices),
        "deleted_member": _("[deleted member]"),
        "held": _("held"),
        "overdue": _("overdue"),
        "acknowledge": _("Acknowledge"),
        # "{id}" and "{level}" (the level's label, lower case) are filled in by the script.
        "new_alert": _("New {level} alert #{id}."),
        "time_zone": timezone.get_current_timezone_name(),
        "alert_url": reverse("moderation:alert", args=[0]).replace("/0/", "/{id}/"),
        "acknowledge_url": reverse("moderation:acknowledge", args=[0]).replace("/0/", "/{id}/"),
    }


@require_POST
def toggle_duty(request: HttpRequest) -> HttpResponse:
    user = _moderator(request)
    on = request.POST.get("on_duty") == "1"
    services.set_on_duty(moderator=user, on_duty=on, request=request)
    messages.success(request, _("You are on duty.") if on else _("You are off duty."))
    return redirect("moderation:queue")


@require_POST
def claim_next(request: HttpRequest) -> HttpResponse:
    user = _moderator(request)
    alert = services.claim_next_alert(moderator=user, request=request)
    if alert is None:
        messages.info(request, _("No open alerts right now."))
        return redirect("moderation:queue")
    return redirect("moderation:alert", alert_id=alert.pk)


def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    return _alert_page(request, alert_id)


def _alert_page(
    request: HttpRequest,
    alert_id: int,
    *,
    outreach_form: OutreachForm | None = None,
    resolve_form: ResolveForm | None = None,
    action_form: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The alert page; after a refused form, shown again with what the moderator typed kept
    in that form (a redirect would lose a message to a member in crisis)."""
    user = _moderator(request)
    alert = services.get_alert_for_moderator(user=user, alert_id=alert_id, request=request)
    rows = (
        conversation.messages_for_moderator(
            moderator=user, member=alert.author, alert=alert, request=request
        )
        if alert.author is not None
        else []
    )
    mine = alert.assigned_to_id == user.pk and alert.status == AlertStatus.ACKNOWLEDGED
    # Every template's words as the member would read them, shown before anything is sent
    # (and put into the fields by safety/outreach_templates.js when one is chosen).
    previews = (
        [
            (t, *services.render_template(t, alert.author))
            for t in OutreachTemplate.objects.filter(is_active=True)
        ]
        if mine and alert.author is not None
        else []
    )
    kept: list[tuple[str, str]] = []
    if not mine:
        # The forms are not shown (the alert is no longer this moderator's): give the words
        # back to copy, as the member's pages do.
        for form in (outreach_form, resolve_form, action_form):
            if form is not None and form.is_bound:
                kept += [
                    (str(form.fields[name].label), form.data.get(name, ""))
                    for name in ("title", "body", "note", "reason")
                    if name in form.fields and form.data.get(name, "").strip()
                ]
    others_count, others = queries.other_open_alerts(alert)
    # Where the member is and their time now, to decide how (and whether now) to reach them.
    clock = queries.member_clock(alert.author)
    return render(
        request,
        "safety/moderation/alert.html",
        {
            "alert": alert,
            "member_clock": clock,
            # "03:12, Tuesday" in the member's zone (the template's date filter would show it
            # in the moderator's).
            "member_local_time": (
                formats.date_format(clock.local_now, "H:i, l") if clock.local_now else ""
            ),
            "other_open": others,
            "other_open_count": others_count,
            "kept": kept,
            "conversation": rows,
            # Where the page's live updates start (safety/live_conversation.js).
            "conversation_last_id": max((m.pk for m in rows), default=0),
            "mine": mine,
            "outreach_form": outreach_form or OutreachForm(),
            "template_previews": previews,
            "resolve_form": resolve_form or ResolveForm(held=alert.held),
            "action_form": action_form or ActionForm(),
        },
        status=status,
    )


def _alert_or_404(alert_id: int) -> Any:
    return get_object_or_404(RiskAlert.objects.select_related("author"), pk=alert_id)


@require_POST
def acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = _moderator(request)
    try:
        services.claim_alert(alert_id=alert_id, moderator=user, request=request)
    except services.AlertUnavailableError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("moderation:queue")
    messages.success(request, _("Acknowledged. This alert is yours."))
    return redirect("moderation:alert", alert_id=alert_id)


@require_POST
def outreach(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = _moderator(request)
    alert = _alert_or_404(alert_id)
    form = OutreachForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the message below; nothing was sent."))
        return _alert_page(request, alert_id, outreach_form=form, status=400)
    try:
        services.send_outreach(
            alert=alert,
            moderator=user,
            template=form.cleaned_data["template"],
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            request=request,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
        return _alert_page(request, alert_id, outreach_form=form, status=_refused_status(exc))
    messages.success(request, _("Your message was sent to the member."))
    return redirect("moderation:alert", alert_id=alert_id)


def _refused_status(exc: Exception) -> int:
    return 403 if isinstance(exc, PermissionDenied) else 400


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do that.")


@require_POST
def resolve(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = _moderator(request)
    alert = _alert_or_404(alert_id)
    form = ResolveForm(request.POST, held=alert.held)
    if not form.is_valid():
        messages.error(request, _("Choose an outcome."))
        return _alert_page(request, alert_id, resolve_form=form, status=400)
    try:
        services.resolve_alert(
            alert=alert,
            moderator=user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            release_held=form.cleaned_data.get("release_held", False),
            held_reason=form.cleaned_data.get("held_reason", ""),
            request=request,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
        return _alert_page(request, alert_id, resolve_form=form, status=_refused_status(exc))
    messages.success(request, _("Resolved. Thank you."))
    return _back_to_queue(request)


def _back_to_queue(request: HttpRequest) -> HttpResponse:
    """The queue as the moderator last looked at it (its filters kept), not the unfiltered one."""
    query = request.session.get(QUEUE_VIEW_KEY, "")
    url = reverse("moderation:queue")
    return redirect(f"{url}?{query}" if isinstance(query, str) and query else url)


@require_POST
def take_action(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = _moderator(request)
    alert = _alert_or_404(alert_id)
    if alert.author is None:
        raise Http404
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action and give a reason."))
        return _alert_page(request, alert_id, action_form=form, status=400)
    try:
        services.take_action(
            member=alert.author,
            moderator=user,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
            hours=form.cleaned_data["hours"],
            alert=alert,
            request=request,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
        return _alert_page(request, alert_id, action_form=form, status=_refused_status(exc))
    messages.success(request, _("Done. The member sees the reason."))
    return redirect("moderation:alert", alert_id=alert_id)


def dashboard(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    return render(
        request,
        "safety/moderation/dashboard.html",
        {"stats": queries.dashboard(), "on_duty": services.on_duty_moderators()},
    )


def appeals(request: HttpRequest) -> HttpResponse:
    return _appeals_page(request)


def _appeals_page(
    request: HttpRequest, refused: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """Open appeals; after a refused decision, shown again with the response typed kept in
    that appeal's box (``refused``), not a redirect that would lose it."""
    user = _moderator(request)
    items = list(
        Appeal.objects.filter(status=AppealStatus.OPEN)
        .select_related("action", "action__member", "action__created_by")
        .order_by("created_at")[:200]
    )
    # Members' own words about a sanction, read by staff: one audit event per member shown.
    shown = {a.action.member_id: a.action.member for a in items if a.action.member_id}
    if shown:
        audit.record_many(
            actor=user, action="safety.appeals.read", subjects=list(shown.values()), request=request
        )
    refused = refused or {}
    return render(
        request,
        "safety/moderation/appeals.html",
        {
            # The form is offered only to a moderator who may decide (the service refuses the
            # others with 403): not the one who took the action, not the member it is about.
            "appeals": [(a, may_decide_appeal(user, a.action)) for a in items],
            "form": AppealDecisionForm(),
            "refused": refused,
            # An appeal decided meanwhile has left the open list: its error and the words
            # typed for it are shown above the list instead, read-only to copy.
            "refused_elsewhere": bool(refused)
            and all(
                a.pk != refused.get("appeal") or not may_decide_appeal(user, a.action)
                for a in items
            ),
        },
        status=status,
    )


@require_POST
def decide_appeal(request: HttpRequest, appeal_id: int) -> HttpResponse:
    user = _moderator(request)
    item = get_object_or_404(Appeal, pk=appeal_id)
    form = AppealDecisionForm(request.POST)
    typed = {
        "appeal": item.pk,
        "response": request.POST.get("response", ""),
        "overturn": bool(request.POST.get("overturn")),
    }
    if not form.is_valid():
        return _appeals_page(
            request, {**typed, "error": _("Write a response to the member.")}, status=400
        )
    try:
        services.decide_appeal(
            appeal=item,
            moderator=user,
            overturn=form.cleaned_data["overturn"],
            response=form.cleaned_data["response"],
            request=request,
        )
    except (ValidationError, PermissionDenied) as exc:
        return _appeals_page(
            request, {**typed, "error": _message(exc)}, status=_refused_status(exc)
        )
    messages.success(request, _("The appeal is decided and the member told."))
    return redirect("moderation:appeals")


def resources(request: HttpRequest) -> HttpResponse:
    if not can_manage_resources(request.user):
        raise PermissionDenied
    cutoff = queries.verification_cutoff()
    rows = [(r, r.verified_on < cutoff) for r in CrisisResource.objects.all()]
    return render(
        request,
        "safety/moderation/resources.html",
        {
            "rows": rows,
            "stale_count": sum(1 for r, stale in rows if stale and r.is_active),
            "cutoff": cutoff,
            "reverify_days": queries.reverify_after_days(),
        },
    )


@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, resource_id: int | None = None) -> HttpResponse:
    if not can_manage_resources(request.user):
        raise PermissionDenied
    resource = get_object_or_404(CrisisResource, pk=resource_id) if resource_id else None
    form = CrisisResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        target = resource or CrisisResource()
        services.update_crisis_resource(
            resource=target,
            actor=request.user,  # type: ignore[arg-type]
            fields={k: form.cleaned_data[k] for k in form.Meta.fields},
            request=request,
        )
        messages.success(request, _("Saved."))
        return redirect("moderation:resources")
    return render(
        request, "safety/moderation/resource_edit.html", {"form": form, "resource": resource}
    )


def templates(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    return render(
        request,
        "safety/moderation/templates.html",
        {"templates": list(OutreachTemplate.objects.all())},
    )


@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, template_id: int | None = None) -> HttpResponse:
    user = _moderator(request)
    template = get_object_or_404(OutreachTemplate, pk=template_id) if template_id else None
    form = OutreachTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        services.save_outreach_template(
            template=template or OutreachTemplate(),
            actor=user,
            fields={k: form.cleaned_data[k] for k in ("name", "title", "body", "is_active")},
            request=request,
        )
        messages.success(request, _("Saved."))
        return redirect("moderation:templates")
    return render(
        request, "safety/moderation/template_edit.html", {"form": form, "template": template}
    )
