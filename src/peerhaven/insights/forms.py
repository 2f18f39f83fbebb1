from __future__ import annotations

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from peerhaven.insights.models import Arm


def _choices(model_label: str) -> list[tuple[str, str]]:
    try:
        model = apps.get_model(model_label)
    except LookupError:
        return []
    return [(str(obj.pk), str(obj)) for obj in model.objects.all()[:500]]


def instrument_choices() -> list[tuple[str, str]]:
    from peerhaven.outcomes.instruments import shipped_definitions

    return sorted(((d.id, d.title) for d in shipped_definitions().values()), key=lambda c: c[1])


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    instruments = forms.MultipleChoiceField(
        label=_("Instruments measured at each wave"),
        choices=instrument_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    wave_days = forms.CharField(
        label=_("Waves (days after enrolment)"),
        initial="0, 28, 56",
        help_text=_("Comma-separated, starting with 0 for the baseline."),
    )
    has_comparison_arm = forms.BooleanField(
        label=_("This programme has a comparison arm (e.g. a waitlist)"), required=False
    )
    groups = forms.MultipleChoiceField(
        label=_("Support groups that are part of it"),
        choices=lambda: _choices("groups.SupportGroup"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    boards = forms.MultipleChoiceField(
        label=_("Forum boards that are part of it"),
        choices=lambda: _choices("forums.Board"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    mentoring = forms.BooleanField(label=_("Peer mentoring is part of it"), required=False)

    def clean_wave_days(self) -> list[int]:
        raw = self.cleaned_data["wave_days"]
        try:
            days = [int(part) for part in raw.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise ValidationError(
                _("Use whole numbers separated by commas, e.g. 0, 28, 56.")
            ) from None
        return days


class EnrolForm(forms.Form):
    display_name = forms.CharField(label=_("Member's display name"), max_length=60)
    arm = forms.ChoiceField(label=_("Arm"), choices=Arm.choices)
    site = forms.CharField(label=_("Site or group"), max_length=80, required=False)


class EvaluationConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_("Yes, use my check-in scores (without my name) to evaluate programmes"),
        required=False,
    )
