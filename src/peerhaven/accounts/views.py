"""Account pages: onboarding, profile, preferences, privacy, tokens, consents, staff admin."""

from __future__ import annotations

import json
from typing import Any

from allauth.account.views import ConfirmEmailView as AllauthConfirmEmailView
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peerhaven.accounts import audit, permissions, privacy, ratelimit, services
from peerhaven.accounts.forms import (
    EraseForm,
    OnboardingForm,
    PreferencesForm,
    ProfileForm,
    TokenForm,
    zone_hints,
)
from peerhaven.accounts.models import (
    DEFAULT_TIME_ZONE,
    AuditEvent,
    Consent,
    PersonalAccessToken,
    Role,
    RoleAssignment,
    User,
)
from peerhaven.safety.permissions import PostingRestrictedError


def _add_errors(form: Any, exc: ValidationError, field: str | None = None) -> None:
    for message in exc.messages:
        form.add_error(field, message)


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest) -> HttpResponse:
    """First login: accept the guidelines, choose time zone, language and country."""
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        form = OnboardingForm(request.POST)
        if form.is_valid():
            try:
                services.complete_onboarding(
                    user=user,
                    time_zone=form.cleaned_data["time_zone"],
                    language=form.cleaned_data["language"],
                    country=form.cleaned_data["country"],
                    accept_guidelines=form.cleaned_data["accept_guidelines"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Welcome to Peerhaven, %(name)s.") % {"name": user})
                return redirect(_safe_next(request, "accounts:profile"))
        return render(request, "accounts/welcome.html", {"form": form}, status=400)
    form = OnboardingForm(
        initial={"time_zone": user.time_zone, "language": user.language, "country": user.country}
    )
    # Never chosen: timezone_guess.js selects the device's own zone (reminders and quiet hours
    # are counted in it) and the country that zone lies in (it decides which crisis lines are
    # shown), for the person to confirm or change. Not the browser's language: "en-US" is the
    # default in many countries, and 988 does not answer in India.
    if user.time_zone == DEFAULT_TIME_ZONE:
        form.fields["time_zone"].widget.attrs["data-guess-zone"] = DEFAULT_TIME_ZONE
    if not user.country:
        form.fields["country"].widget.attrs["data-guess-country"] = ""
    return render(request, "accounts/welcome.html", {"form": form, "zone_hints": zone_hints()})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    status = 200
    profile_form = ProfileForm(
        initial={"display_name": user.display_name, "pronouns": user.pronouns, "bio": user.bio}
    )
    prefs_form = PreferencesForm(
        initial={
            "time_zone": user.time_zone,
            "language": user.language,
            "country": user.country,
            "quiet_hours_start": user.quiet_hours_start,
            "quiet_hours_end": user.quiet_hours_end,
        }
    )
    if request.method == "POST":
        if request.POST.get("form") == "preferences":
            prefs_form = PreferencesForm(request.POST)
            if prefs_form.is_valid():
                try:
                    services.update_preferences(
                        user=user,
                        time_zone=prefs_form.cleaned_data["time_zone"],
                        language=prefs_form.cleaned_data["language"],
                        country=prefs_form.cleaned_data["country"] or "",
                        quiet_hours_start=prefs_form.cleaned_data["quiet_hours_start"],
                        quiet_hours_end=prefs_form.cleaned_data["quiet_hours_end"],
                    )
                except ValidationError as exc:
                    _add_errors(prefs_form, exc)
                else:
                    messages.success(request, _("Your preferences are saved."))
                    return redirect("accounts:profile")
        else:
            profile_form = ProfileForm(request.POST)
            if profile_form.is_valid():
                try:
                    services.update_profile(
                        user=user,
                        display_name=profile_form.cleaned_data["display_name"],
                        pronouns=profile_form.cleaned_data["pronouns"],
                        bio=profile_form.cleaned_data["bio"],
                        request=request,
                    )
                except ValidationError as exc:
                    _add_errors(profile_form, exc, "display_name" if exc.code == "taken" else None)
                except PostingRestrictedError as exc:  # muted or banned: say why, keep the text
                    profile_form.add_error(None, str(exc))
                    status = 403
                else:
                    messages.success(request, _("Your profile is saved."))
                    return redirect("accounts:profile")
        status = max(status, 400)
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_form": profile_form,
            "prefs_form": prefs_form,
            "has_two_factor": permissions.has_two_factor(user),
        },
        status=status,
    )


def member_profile(request: HttpRequest, display_name: str) -> HttpResponse:
    """A member's public profile: pseudonym, pronouns, bio, peer-supporter badge. Never e-mail."""
    if not request.user.is_authenticated:
        # Profiles are for the community, not for search engines or strangers.
        return redirect(f"{reverse('account_login')}?next={request.path}")
    member = get_object_or_404(
        User.objects.prefetch_related("role_assignments"), display_name=display_name, is_active=True
    )
    return render(request, "accounts/member_profile.html", {"member": member})


def _access_log(user: User) -> Any:
    """Who else read or changed the person's data, newest first."""
    return AuditEvent.objects.filter(subject=user).exclude(actor=user).select_related("actor")[:50]


@login_required
def privacy_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(
        request,
        "accounts/privacy.html",
        {"erase_form": EraseForm(display_name=user.display_name), "access_log": _access_log(user)},
    )


@login_required
@require_POST
def export_data(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    data = privacy.export_member_data(user=user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="peerhaven-export-{stamp}.json"'
    return response


@login_required
@require_POST
def erase_account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = EraseForm(request.POST, display_name=user.display_name)
    if not form.is_valid():
        return render(
            request,
            "accounts/privacy.html",
            # The same page: an empty log would tell them nobody accessed their data.
            {"erase_form": form, "access_log": _access_log(user)},
            status=400,
        )
    privacy.erase_member(user=user, mode=privacy.EraseMode(form.cleaned_data["mode"]))
    logout(request)
    messages.info(request, _("Your account has been erased. Take care of yourself."))
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = TokenForm()
    new_secret = None
    status = 200
    if request.method == "POST":
        form = TokenForm(request.POST)
        if not ratelimit.hit("token-create", str(user.pk), limit=10, window=3600):
            form.add_error(None, _("You created many tokens in the last hour; try again later."))
            status = 429
        elif form.is_valid():
            try:
                created = services.create_token(
                    user=user,
                    name=form.cleaned_data["name"],
                    expires_in_days=form.cleaned_data["expires_in_days"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
                status = 400
            else:
                new_secret = created.secret
                form = TokenForm()
        else:
            status = 400
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_secret": new_secret,
            "tokens": PersonalAccessToken.objects.filter(user=user),
        },
        status=status,
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(PersonalAccessToken, pk=token_id, user=request.user)
    services.revoke_token(token=token, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("accounts:tokens")


@login_required
def consents(request: HttpRequest) -> HttpResponse:
    items = (
        Consent.objects.filter(user=request.user.pk)
        .select_related("grantee")
        .order_by("-granted_at")
    )
    return render(request, "accounts/consents.html", {"consents": items, "now": timezone.now()})


@login_required
@require_POST
def revoke_consent(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = get_object_or_404(Consent, pk=consent_id, user=request.user)
    services.revoke_consent(consent=consent, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Consent revoked. It no longer applies, from now on."))
    return redirect("accounts:consents")


# --- Staff: people and roles (programme admins) --------------------------------------------


def _require_admin(request: HttpRequest) -> User:
    user = request.user
    if not permissions.can_use_staff_role(user, Role.ADMIN):
        raise Http404
    return user  # type: ignore[return-value]


@login_required
def staff_people(request: HttpRequest) -> HttpResponse:
    admin = _require_admin(request)
    query = request.GET.get("q", "").strip()[:60]
    people = User.objects.order_by("display_name").prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.order_by("role"))
    )
    if query:
        people = people.filter(display_name__icontains=query)
    only = request.GET.get("role", "")
    if only in Role.values and only != Role.MEMBER:
        people = people.filter(role_assignments__role=only)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    audit.record(actor=admin, action="accounts.people.list", detail={"query": bool(query)})
    return render(
        request,
        "accounts/staff_people.html",
        {"page": page, "query": query, "roles": [r for r in Role if r != Role.MEMBER]},
    )


@login_required
@require_POST
def staff_change_role(request: HttpRequest, user_id: int) -> HttpResponse:
    admin = _require_admin(request)
    person = get_object_or_404(User, pk=user_id)
    role = request.POST.get("role", "")
    action = request.POST.get("action", "")
    try:
        if action == "grant":
            services.grant_role(user=person, role=role, actor=admin)
        elif action == "revoke":
            services.revoke_role(user=person, role=role, actor=admin)
        elif action == "verify":
            services.verify_clinician(clinician=person, actor=admin)
        else:
            return HttpResponse(_("Unknown action."), status=400)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(_safe_next(request, "/staff/people/"))
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Saved for %(name)s.") % {"name": person.display_name})
    return HttpResponseRedirect(_safe_next(request, "/staff/people/"))


@login_required
def staff_audit(request: HttpRequest) -> HttpResponse:
    admin = _require_admin(request)
    events = AuditEvent.objects.select_related("actor", "subject")
    action = request.GET.get("action", "").strip()[:80]
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    audit.record(actor=admin, action="accounts.audit.read")
    return render(request, "accounts/staff_audit.html", {"page": page, "action": action})


class ConfirmEmailView(AllauthConfirmEmailView):
    """allauth's confirmation page, answering 404 for an unknown or expired link."""

    def get(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(*args, **kwargs)
        if getattr(self, "object", None) is None and response.status_code == 200:
            response.status_code = 404
        return response
