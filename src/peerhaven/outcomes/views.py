"""Check-in pages: one question per screen, progress charts, the safety screener, admin switches.

Every page works without JavaScript: each answer is a POST that saves and redirects to the
next question (post/redirect/get), so a check-in can be left and resumed at any point.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from peerhaven.accounts.models import Role, User
from peerhaven.accounts.permissions import can_use_staff_role
from peerhaven.outcomes import cssrs, queries, services
from peerhaven.outcomes.charts import build_chart
from peerhaven.outcomes.instruments import InstrumentDefinition
from peerhaven.outcomes.models import Response, SafetyScreen

TABLE_ROWS = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _unavailable(request: HttpRequest, error: ValidationError, status: int = 409) -> HttpResponse:
    return render(
        request, "outcomes/unavailable.html", {"message": " ".join(error.messages)}, status=status
    )


class ItemForm(forms.Form):
    answer = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Please choose an answer.")},
    )

    def __init__(
        self, *args: object, defn: InstrumentDefinition, item_id: str, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        item = defn.item(item_id)
        field = self.fields["answer"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(o.value, o.label) for o in item.option_set.options]
        field.label = item.text


class ScreenerForm(forms.Form):
    answer = forms.TypedChoiceField(
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        error_messages={"required": gettext_lazy("Please choose yes or no.")},
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "outcomes/index.html", queries.overview(_user(request)))


@login_required
def start(request: HttpRequest, instrument_id: str) -> HttpResponse:
    """GET: why we ask and who sees it. POST: start (or resume) and go to the first question."""
    user = _user(request)
    try:
        defn = services.enabled_definition(instrument_id)
    except ValidationError as exc:
        if exc.code == "unknown_instrument":
            raise Http404 from exc
        return _unavailable(request, exc)
    if request.method == "POST":
        try:
            response = services.start_checkin(
                user=user, instrument_id=instrument_id, context=request.POST.get("context", "")
            )
        except ValidationError as exc:
            return _unavailable(request, exc, status=400)
        return redirect("outcomes:take", response.pk)
    in_progress = Response.objects.filter(
        services.RESUMABLE, member_id=user.pk, instrument_id=instrument_id
    ).first()
    schedule = user.checkin_schedules.filter(instrument_id=instrument_id).first()
    return render(
        request,
        "outcomes/start.html",
        {"defn": defn, "in_progress": in_progress, "schedule": schedule},
    )


@login_required
def take(request: HttpRequest, response_id: int) -> HttpResponse:
    """One question per screen. ``?item=`` revisits an answered question to change it."""
    user = _user(request)
    response = queries.get_response_for_member(user, response_id)
    if response.is_complete:
        return redirect("outcomes:progress", response.instrument_id)
    if response.idempotency_key:
        # It holds the safety answers of a refused API submission: check in afresh instead.
        return redirect("outcomes:start", response.instrument_id)
    defn = services.definition(response.instrument_id)
    item_id = request.POST.get("item") or request.GET.get("item") or services.next_item_id(response)
    if item_id is None or not defn.has_item(item_id):
        item_id = services.next_item_id(response)
    if item_id is None:  # every item answered: finish
        try:
            services.complete_checkin(response=response, user=user, request=request)
        except ValidationError as exc:
            return _unavailable(request, exc)
        messages.success(request, _("Thank you. Your check-in is saved."))
        return redirect("outcomes:progress", response.instrument_id)

    initial = {"answer": response.answers.get(item_id)}
    form = ItemForm(request.POST or None, defn=defn, item_id=item_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_item(
                response=response,
                user=user,
                item_id=item_id,
                value=form.cleaned_data["answer"],
                request=request,
            )
        except ValidationError as exc:
            if exc.code == "instrument_disabled":
                return _unavailable(request, exc)
            form.add_error("answer", exc)
        else:
            screen = SafetyScreen.objects.filter(
                response=response, status=SafetyScreen.Status.IN_PROGRESS
            ).first()
            if screen is not None and not screen.answers:
                return redirect("outcomes:screener", response.pk)
            return redirect("outcomes:take", response.pk)
    position = defn.item_ids.index(item_id) + 1
    previous = defn.item_ids[position - 2] if position > 1 else None
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "outcomes/take.html",
        {
            "defn": defn,
            "response": response,
            "item": defn.item(item_id),
            "form": form,
            "position": position,
            "count": len(defn.items),
            "previous": previous,
        },
        status=status,
    )


def _safety_plan_url() -> str:
    try:
        return reverse("safety:plan")
    except NoReverseMatch:
        return ""


@login_required
def screener(request: HttpRequest, response_id: int) -> HttpResponse:
    """Crisis support first, then the C-SSRS screener questions, one per screen."""
    user = _user(request)
    screen = queries.get_screen_for_member(user, response_id)
    if request.method == "POST" and request.POST.get("action") == "decline":
        services.decline_screener(screen=screen, user=user)
        return redirect("outcomes:take", response_id)
    question = cssrs.next_question(screen.answers)
    if screen.status != SafetyScreen.Status.IN_PROGRESS:
        question = None
    form = ScreenerForm(request.POST or None)
    if request.method == "POST" and question is not None:
        question_id = request.POST.get("question", "")
        if form.is_valid():
            try:
                services.answer_screener(
                    screen=screen,
                    user=user,
                    question_id=question_id,
                    answer=form.cleaned_data["answer"],
                    request=request,
                )
            except ValidationError as exc:
                form.add_error("answer", exc)
            else:
                return redirect("outcomes:screener", response_id)
    number, total = cssrs.position(question.id, screen.answers) if question else (0, 0)
    if question is not None:
        form.fields["answer"].label = str(question.text)
    return render(
        request,
        "outcomes/screener.html",
        {
            "screen": screen,
            "question": question,
            "form": form,
            "number": number,
            "total": total,
            "safety_plan_url": _safety_plan_url(),
            # The lines themselves, not only a link to them: one tap fewer at the worst moment.
            "crisis": _crisis_directory(user_obj=request.user),
            "continue_checkin": not screen.response.is_complete
            and not screen.response.idempotency_key,
        },
        status=400 if request.method == "POST" else 200,
    )


def _crisis_directory(*, user_obj: object) -> object:
    from peerhaven.safety.queries import crisis_resources

    return crisis_resources(
        country=getattr(user_obj, "country", "") or "",
        language=getattr(user_obj, "language", "") or "en",
    )


@login_required
def progress(request: HttpRequest, instrument_id: str) -> HttpResponse:
    user = _user(request)
    try:
        data = queries.progress(user, instrument_id)
    except ValidationError as exc:
        raise Http404 from exc
    chart = build_chart(data.defn, [(p.at, p.total) for p in data.points])
    show_all = request.GET.get("all") == "1"
    rows = list(reversed(data.points))
    return render(
        request,
        "outcomes/progress.html",
        {
            "p": data,
            "defn": data.defn,
            "chart": chart,
            "rows": rows if show_all else rows[:TABLE_ROWS],
            "more_rows": 0 if show_all else max(0, len(rows) - TABLE_ROWS),
            "enabled": services.is_enabled(instrument_id),
            "group_moods": _group_moods(user, data.defn) if instrument_id == MEETING_MOOD else [],
        },
    )


# The groups app stores the one-question mood after each meeting; this page shows the person's
# own answers next to the questionnaire of the same question.
MEETING_MOOD = "post_meeting_mood"


def _group_moods(user: User, defn: InstrumentDefinition) -> list[dict[str, object]]:
    from peerhaven.groups.queries import my_post_meeting_moods

    labels = {o.value: o.label for o in defn.item("mood").option_set.options}
    return [
        {"mood": m, "label": labels.get(m.score, "")}
        for m in my_post_meeting_moods(user, limit=TABLE_ROWS)
    ]


@login_required
@require_POST
def skip(request: HttpRequest, instrument_id: str) -> HttpResponse:
    user = _user(request)
    schedule = queries.get_schedule_for_member(user, instrument_id)
    if request.POST.get("action") == "stop":
        services.stop_checkins(schedule=schedule, user=user)
        messages.success(request, _("No more reminders for this questionnaire."))
    else:
        services.skip_checkin(schedule=schedule, user=user)
        messages.success(
            request,
            _("Skipped. We will ask again in %(days)s days.") % {"days": schedule.cadence_days},
        )
    return redirect("outcomes:index")


def _require_admin(request: HttpRequest) -> User:
    if not can_use_staff_role(request.user, Role.ADMIN):
        raise Http404
    return _user(request)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """Programme admins switch instruments on and off."""
    admin = _require_admin(request)
    if request.method == "POST":
        instrument_id = request.POST.get("instrument", "")
        try:
            services.set_instrument_enabled(
                instrument_id=instrument_id,
                enabled=request.POST.get("enabled") == "1",
                actor=admin,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("outcomes:manage")
    enabled = services.enabled_map()
    rows = [(defn, enabled[i]) for i, defn in services.definitions().items()]
    return render(request, "outcomes/manage.html", {"rows": rows})
