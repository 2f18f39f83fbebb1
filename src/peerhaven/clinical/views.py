"""Clinician pages (/clinical/), the directory (/directory/) and the client's side (/referrals/)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peerhaven.accounts import audit, ratelimit
from peerhaven.accounts.models import Consent, ConsentPurpose, User
from peerhaven.clinical import queries, services
from peerhaven.clinical.fhir import build_bundle
from peerhaven.clinical.forms import (
    CodeForm,
    ReferralForm,
    RegisterClinicianForm,
    SharingForm,
    scope_choices,
)
from peerhaven.clinical.models import ClinicianProfile, Organisation, Referral
from peerhaven.clinical.permissions import can_use_clinical_features, check_verified_clinician


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can_use_clinical_features(user):
        profile = ClinicianProfile.objects.filter(user=user).first()
        return render(request, "clinical/pending.html", {"profile": profile})
    consents = queries.clients_for_clinician(user)
    summaries = queries.summarise_many(consents)
    audit.record_many(
        actor=user,
        action="clinical.results.read",
        subjects=[c.user for c in consents],
        request=request,
    )
    return render(request, "clinical/dashboard.html", {"summaries": summaries})


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterClinicianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.register_clinician(user=_user(request), **form.cleaned_data)
        messages.success(request, _("Thank you. An admin will verify your registration."))
        return redirect("clinical:dashboard")
    return render(
        request, "clinical/register.html", {"form": form}, status=400 if form.errors else 200
    )


def _client(request: HttpRequest, client_id: int) -> Consent:
    return queries.get_client_for_clinician(_user(request), client_id)


@login_required
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    consent = _client(request, client_id)
    summary = queries.summarise(consent)
    audit.record(
        actor=_user(request),
        action="clinical.results.read",
        subject=consent.user,
        detail={"scope": summary.scope},
        request=request,
    )
    template = "clinical/print.html" if request.GET.get("print") else "clinical/client.html"
    return render(request, template, {"summary": summary})


@login_required
def client_fhir(request: HttpRequest, client_id: int) -> HttpResponse:
    consent = _client(request, client_id)
    bundle = build_bundle(consent)
    audit.record(
        actor=_user(request),
        action="clinical.fhir.export",
        subject=consent.user,
        detail={"resources": len(bundle["entry"])},
        request=request,
    )
    response = HttpResponse(json.dumps(bundle, indent=2), content_type="application/fhir+json")
    response["Content-Disposition"] = f'attachment; filename="peerhaven-{client_id}-fhir.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def referrals(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    check_verified_clinician(user)
    form = ReferralForm(request.POST or None)
    new_code = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.create_referral(clinician=user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
                status = 400
            else:
                new_code = created.code
                form = ReferralForm()
        else:
            status = 400
    items = Referral.objects.filter(clinician=user).select_related("client")
    return render(
        request,
        "clinical/referrals.html",
        {
            "form": form,
            "new_code": new_code,
            "referrals": items,
            "accept_url": reverse("clinical:accept"),
        },
        status=status,
    )


@login_required
@require_POST
def referral_status(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = _user(request)
    check_verified_clinician(user)
    referral = get_object_or_404(Referral, pk=referral_id, clinician=user)
    try:
        services.set_referral_status(
            referral=referral, status=request.POST.get("status", ""), actor=user
        )
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    return redirect("clinical:referrals")


# --- The client's side -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def accept_start(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or request.GET or None)
    if form.is_bound and not ratelimit.hit(
        "clinical.code", str(request.user.pk), limit=10, window=3600
    ):
        form.add_error(None, _("Too many attempts. Please try again in an hour."))
        return render(request, "clinical/accept_start.html", {"form": form}, status=429)
    if form.is_bound and form.is_valid():
        try:
            services.find_referral(form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            code = services.normalise_code(form.cleaned_data["code"])
            return redirect("clinical:accept_code", code=code)
    return render(
        request, "clinical/accept_start.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def accept_code(request: HttpRequest, code: str) -> HttpResponse:
    try:
        referral = services.find_referral(code)
    except ValidationError as exc:
        return render(
            request, "clinical/accept_invalid.html", {"message": exc.messages[0]}, status=404
        )
    form = SharingForm(request.POST or None, initial={"scope": referral.suggested_scope})
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_referral(
                code=code,
                client=_user(request),
                scope=form.cleaned_data["scope"],
                duration_days=form.cleaned_data["duration_days"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("You are now sharing with %(name)s. You can change or stop this at any time.")
                % {"name": referral.clinician.display_name},
            )
            return redirect("clinical:sharing")
    already = (
        Consent.objects.filter(
            user=_user(request),
            purpose=ConsentPurpose.CLINICAL_SHARING,
            grantee_id=referral.clinician_id,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-expires_at")
        .first()
    )
    return render(
        request,
        "clinical/accept.html",
        {"form": form, "referral": referral, "already": already},
        status=400 if form.errors else 200,
    )


@login_required
def sharing(request: HttpRequest) -> HttpResponse:
    """The client's overview: who sees what, until when, and who looked."""
    user = _user(request)
    consents = Consent.objects.filter(
        user=user, purpose=ConsentPurpose.CLINICAL_SHARING, revoked_at__isnull=True
    ).select_related("grantee")
    # What is shared, in the words of the sharing form ("Results of ..."), not scope ids.
    labels = {value: str(label) for value, label in scope_choices()}
    sharing_items = [(c, [labels.get(s, s) for s in c.scope or []]) for c in consents]
    return render(
        request,
        "clinical/sharing.html",
        {"sharing_items": sharing_items, "access": queries.clinician_access(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sharing_edit(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = get_object_or_404(
        Consent,
        pk=consent_id,
        user=request.user.pk,
        purpose=ConsentPurpose.CLINICAL_SHARING,
        revoked_at__isnull=True,
    )
    form = SharingForm(request.POST or None, initial={"scope": consent.scope})
    form.fields["duration_days"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            services.change_sharing(
                consent=consent, actor=_user(request), scope=form.cleaned_data["scope"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved. The change applies at once."))
            return redirect("clinical:sharing")
    return render(request, "clinical/sharing_edit.html", {"form": form, "consent": consent})


# --- Directory -----------------------------------------------------------------------------


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    organisations = Organisation.objects.filter(listed=True)
    if kind:
        organisations = organisations.filter(kind=kind)
    return render(
        request,
        "clinical/directory.html",
        {
            "organisations": organisations,
            "kind": kind,
            "kinds": Organisation._meta.get_field("kind").choices,
        },
    )


@login_required
def organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=organisation_id, listed=True)
    return render(request, "clinical/organisation.html", {"org": org})
