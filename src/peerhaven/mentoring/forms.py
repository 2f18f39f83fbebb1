"""Forms for the mentoring pages. They shape input; services validate substance."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from peerhaven.accounts.forms import timezone_choices
from peerhaven.mentoring.models import (
    AgeBand,
    ExitReason,
    ExperienceTag,
    MentorWellbeingCheckIn,
    ServiceOutcome,
    ServiceType,
)
from peerhaven.mentoring.services import format_availability, parse_availability

LANGUAGE_CHOICES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("de", _("German")),
    ("pt", _("Portuguese")),
    ("it", _("Italian")),
    ("pl", _("Polish")),
    ("ar", _("Arabic")),
    ("zh", _("Chinese")),
    ("hi", _("Hindi")),
    ("uk", _("Ukrainian")),
    ("ga", _("Irish")),
]
AGE_CHOICES = [("", _("No preference")), *AgeBand.choices]
AVAILABILITY_HELP = _(
    "Times you are usually free each week, in your own time zone, separated by semicolons. "
    "For example: Mon 18:00-20:00; Sat 10:00-12:30"
)


def _tags() -> Any:
    return ExperienceTag.objects.filter(active=True)


class AvailabilityField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("When you are free"))
        kwargs.setdefault("help_text", AVAILABILITY_HELP)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return format_availability(value)
        return value

    def clean(self, value: Any) -> list[list[int]]:
        text = super().clean(value)
        try:
            windows = parse_availability(text)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
        if not windows:
            raise forms.ValidationError(_("Give at least one time you are usually free."))
        return windows


class IntakeForm(forms.Form):
    support_text = forms.CharField(
        label=_("What would you like support with?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("In your own words. Only your mentor and the safety team can read this."),
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Experiences you would like your mentor to share"),
        queryset=ExperienceTag.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    priority_tags = forms.ModelMultipleChoiceField(
        label=_("Which of these matter most?"),
        queryset=ExperienceTag.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_gender = forms.CharField(
        label=_("Preferred gender of your mentor (optional)"), max_length=40, required=False
    )
    preferred_age_band = forms.ChoiceField(
        label=_("Preferred age of your mentor"), choices=AGE_CHOICES, required=False
    )
    time_zone = forms.ChoiceField(label=_("Your time zone"), choices=timezone_choices)
    availability = AvailabilityField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("tags", "priority_tags"):
            self.fields[name].queryset = _tags()  # type: ignore[attr-defined]


class MentorProfileForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(
        label=_("Your lived experience"),
        queryset=ExperienceTag.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you mentor in"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    time_zone = forms.ChoiceField(label=_("Your time zone"), choices=timezone_choices)
    availability = AvailabilityField()
    capacity = forms.IntegerField(
        label=_("How many people can you mentor at once?"), min_value=0, max_value=10, initial=2
    )
    gender = forms.CharField(label=_("Gender (optional)"), max_length=40, required=False)
    age_band = forms.ChoiceField(
        label=_("Age band (optional)"), choices=[("", "—"), *AgeBand.choices], required=False
    )
    story = forms.CharField(
        label=_("Your story, briefly, in your own words"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = _tags()  # type: ignore[attr-defined]


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 3}), strip=False
    )


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Your goal"), max_length=200)
    steps = forms.CharField(
        label=_("Steps, one per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Small, specific steps work best."),
    )

    def step_list(self) -> list[str]:
        return [line for line in self.cleaned_data["steps"].splitlines() if line.strip()]


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=600)
    topics = forms.CharField(label=_("Topics (the mentee sees these)"), max_length=300)
    private_notes = forms.CharField(
        label=_("Private notes (only you and your supervisor)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class EndForm(forms.Form):
    helpfulness = forms.TypedChoiceField(
        label=_("How helpful was this mentorship?"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("1 is not at all, 5 is very."),
    )
    reason = forms.ChoiceField(
        label=_("Why is it ending?"), choices=ExitReason.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Anything you would like to add? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong?"), widget=forms.Textarea(attrs={"rows": 3}))


class WellbeingForm(forms.Form):
    feeling = forms.TypedChoiceField(
        label=_("How are you doing as a mentor?"),
        choices=MentorWellbeingCheckIn.Feeling.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("A note for yourself (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class TrainingForm(forms.Form):
    course = forms.CharField(label=_("Course"), max_length=120)
    completed_on = forms.DateField(
        label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    trainer = forms.CharField(label=_("Trainer"), max_length=120)
    expires_on = forms.DateField(
        label=_("Expires on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class SupervisorForm(forms.Form):
    supervisor = forms.CharField(label=_("Supervisor's display name"), max_length=30)


class SupervisionSessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=600)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class CohortForm(forms.Form):
    min_score = forms.FloatField(
        label=_("Smallest score worth matching (0 to 1)"), min_value=0, max_value=1, initial=0.2
    )


class OpenCaseForm(forms.Form):
    member = forms.CharField(label=_("Member's display name"), max_length=30)


class ServiceLogForm(forms.Form):
    service_type = forms.ModelChoiceField(
        label=_("Service"), queryset=ServiceType.objects.filter(active=True)
    )
    delivered_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=600)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ServiceOutcome.choices)
    note = forms.CharField(
        label=_("Note (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end must not be before the start."))
        return data


class ServiceTypeForm(forms.Form):
    slug = forms.SlugField(label=_("Short code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
