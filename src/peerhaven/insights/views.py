"""Programme evaluation pages (/staff/insights/, admins with 2FA) and the member's consent page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from peerhaven.accounts import audit
from peerhaven.accounts.models import Role, User
from peerhaven.accounts.permissions import can_use_staff_role
from peerhaven.insights import export, services
from peerhaven.insights.data import collect
from peerhaven.insights.forms import EnrolForm, EvaluationConsentForm, ProgrammeForm
from peerhaven.insights.models import Enrolment, Programme, ReportRun, ReportStatus


def _admin(request: HttpRequest) -> User:
    if not can_use_staff_role(request.user, Role.ADMIN):
        raise Http404
    return request.user  # type: ignore[return-value]


@login_required
@require_http_methods(["GET", "POST"])
def programmes(request: HttpRequest) -> HttpResponse:
    admin = _admin(request)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        linked = {
            "groups": [int(x) for x in data.pop("groups", [])],
            "boards": [int(x) for x in data.pop("boards", [])],
            "mentoring": bool(data.pop("mentoring", False)),
        }
        try:
            programme = services.create_programme(actor=admin, linked=linked, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Programme created."))
            return redirect("insights:programme", programme.pk)
    items = Programme.objects.annotate(
        n=Count("enrolments", filter=Q(enrolments__withdrawn_at__isnull=True))
    )
    return render(
        request,
        "insights/programmes.html",
        {"form": form, "programmes": items},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme(request: HttpRequest, programme_id: int) -> HttpResponse:
    admin = _admin(request)
    prog = get_object_or_404(Programme, pk=programme_id)
    form = EnrolForm(request.POST or None)
    if not prog.has_comparison_arm:
        form.fields["arm"].choices = [("programme", _("Programme"))]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        member = User.objects.filter(display_name=form.cleaned_data["display_name"].strip()).first()
        if member is None:
            form.add_error("display_name", _("No member has that display name."))
        else:
            try:
                services.enrol_member(
                    actor=admin,
                    programme=prog,
                    member=member,
                    arm=form.cleaned_data["arm"],
                    site=form.cleaned_data["site"],
                )
            except ValidationError as exc:
                form.add_error("display_name", exc)
            else:
                messages.success(request, _("Enrolled %(name)s.") % {"name": member})
                return redirect("insights:programme", prog.pk)
    counts = (
        Enrolment.objects.filter(programme=prog, withdrawn_at__isnull=True)
        .values("arm")
        .annotate(n=Count("pk"))
    )
    report = services.current_report(prog)
    running = ReportRun.objects.filter(
        programme=prog, status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING]
    ).first()
    return render(
        request,
        "insights/programme.html",
        {
            "programme": prog,
            "form": form,
            "counts": counts,
            "report": report,
            "running": running,
            "small_groups": export.small_groups(prog),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def run_report(request: HttpRequest, programme_id: int) -> HttpResponse:
    admin = _admin(request)
    prog = get_object_or_404(Programme, pk=programme_id)
    run = services.request_report(actor=admin, programme=prog)
    return redirect("insights:report", prog.pk, run.pk)


@login_required
def report(request: HttpRequest, programme_id: int, run_id: int) -> HttpResponse:
    admin = _admin(request)
    run = get_object_or_404(
        ReportRun.objects.select_related("programme"), pk=run_id, programme_id=programme_id
    )
    audit.record(actor=admin, action="insights.report.read", obj=run.programme, request=request)
    return render(
        request, "insights/report.html", {"run": run, "r": run.result, "figures": run.figures}
    )


@login_required
def report_download(request: HttpRequest, programme_id: int, run_id: int) -> HttpResponse:
    admin = _admin(request)
    run = get_object_or_404(
        ReportRun, pk=run_id, programme_id=programme_id, status=ReportStatus.DONE
    )
    audit.record(actor=admin, action="insights.report.download", obj=run.programme, request=request)
    html = render_to_string(
        "insights/report_standalone.html", {"run": run, "r": run.result, "figures": run.figures}
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="peerhaven-report-{programme_id}.html"'
    return response


@login_required
def export_data(request: HttpRequest, programme_id: int, fmt: str) -> HttpResponse:
    admin = _admin(request)
    prog = get_object_or_404(Programme, pk=programme_id)
    data = collect(prog)
    if data.consenting < 10:
        return HttpResponse(
            _("Fewer than 10 consenting members: no export, to protect their privacy."), status=409
        )
    audit.record(
        actor=admin, action="insights.export", obj=prog, detail={"format": fmt}, request=request
    )
    if fmt == "csv":
        body, kind = export.to_csv(export.deidentified_frame(data)), "text/csv"
    elif fmt == "parquet":
        body, kind = (
            export.to_parquet(export.deidentified_frame(data)),
            "application/vnd.apache.parquet",
        )
    elif fmt == "dictionary":
        body, kind = export.to_csv(export.dictionary(prog, data)), "text/csv"
        fmt = "dictionary.csv"
    else:
        raise Http404
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="programme-{prog.pk}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_consent(request: HttpRequest) -> HttpResponse:
    """The member's own choice about programme evaluation."""
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        form = EvaluationConsentForm(request.POST)
        if form.is_valid():
            services.set_evaluation_consent(user=user, consent=form.cleaned_data["consent"])
            messages.success(request, _("Saved. Thank you."))
            return redirect("insights:evaluation_consent")
    current = services.evaluation_consent(user)
    form = EvaluationConsentForm(initial={"consent": current is not None})
    return render(request, "insights/evaluation_consent.html", {"form": form, "current": current})
