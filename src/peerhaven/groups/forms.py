"""Forms for the group pages. They shape input; the services validate substance."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from peerhaven.groups import recurrence
from peerhaven.groups.models import GroupFormat, JoinPolicy, MeetingSeries, RsvpResponse

SCORES = [(str(n), str(n)) for n in range(1, 6)]


class JoinForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read the group agreement and I accept it"), required=False
    )


class RsvpForm(forms.Form):
    response = forms.ChoiceField(label=_("Will you come?"), choices=RsvpResponse.choices)


class MoodForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How are you feeling after today's meeting? (1 = low, 5 = good)"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Meeting note (how it went; never what members said)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
    )
    concern = forms.CharField(
        label=_("Flag a concern to the moderators (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )


class FacilitatorCheckInForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How are you doing after facilitating? (1 = drained, 5 = well)"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything you want to note for yourself"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )
    wants_support = forms.BooleanField(
        label=_("I would like someone to check in with me"), required=False
    )


class MoveForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("New start (group's local time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    note = forms.CharField(label=_("Note to members"), required=False, max_length=300)


class CancelForm(forms.Form):
    note = forms.CharField(label=_("Note to members"), required=False, max_length=300)


class InviteForm(forms.Form):
    display_name = forms.CharField(label=_("Display name of the person to invite"), max_length=30)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    topic = forms.CharField(label=_("Topic"), max_length=60)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    format = forms.ChoiceField(label=_("Format"), choices=GroupFormat.choices)
    address = forms.CharField(label=_("Address (in person)"), required=False, max_length=300)
    language = forms.CharField(label=_("Language code"), max_length=10, initial="en")
    time_zone = forms.CharField(label=_("Time zone (IANA, e.g. Europe/London)"), max_length=64)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, initial=12)
    join_policy = forms.ChoiceField(label=_("Who can join"), choices=JoinPolicy.choices)
    agreement_text = forms.CharField(
        label=_("Group agreement"), widget=forms.Textarea(attrs={"rows": 4})
    )


class SeriesForm(forms.Form):
    group = forms.IntegerField(widget=forms.HiddenInput)
    rrule = forms.CharField(
        label=_("Recurrence rule (RRULE)"),
        max_length=300,
        help_text=_(
            "Weekly on Tuesdays: FREQ=WEEKLY;BYDAY=TU. Every other week: "
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU. Monthly, 2nd Tuesday: FREQ=MONTHLY;BYDAY=2TU."
        ),
    )
    starts_on = forms.DateField(
        label=_("First date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    local_start = forms.TimeField(
        label=_("Start time (group's local time)"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), initial=90, min_value=10)


class TrainingForm(forms.Form):
    display_name = forms.CharField(label=_("Peer supporter (display name)"), max_length=30)
    completed_on = forms.DateField(
        label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    trainer = forms.CharField(label=_("Trainer"), max_length=120)
    expires_on = forms.DateField(
        label=_("Expires on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class AssignForm(forms.Form):
    group = forms.IntegerField(widget=forms.HiddenInput)
    display_name = forms.CharField(label=_("Facilitator (display name)"), max_length=30)


class ScheduleForm(forms.Form):
    """A schedule in friendly terms; ``clean`` turns it into an RRULE (``cleaned_data["rrule"]``).

    The services validate again (time zone, rule, dates) and their field errors land on the
    same fields.
    """

    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=[
            (recurrence.WEEKLY, _("Every week")),
            (recurrence.EVERY_OTHER_WEEK, _("Every other week")),
            (recurrence.MONTHLY, _("Once a month, on a set weekday")),
            (recurrence.CUSTOM, _("Custom rule (RRULE)")),
        ],
    )
    weekday = forms.ChoiceField(
        label=_("Day of the week"),
        choices=[
            ("MO", _("Monday")),
            ("TU", _("Tuesday")),
            ("WE", _("Wednesday")),
            ("TH", _("Thursday")),
            ("FR", _("Friday")),
            ("SA", _("Saturday")),
            ("SU", _("Sunday")),
        ],
        required=False,
    )
    week_of_month = forms.TypedChoiceField(
        label=_("Which week of the month (monthly only)"),
        choices=[
            ("", "—"),
            ("1", _("First")),
            ("2", _("Second")),
            ("3", _("Third")),
            ("4", _("Fourth")),
            ("-1", _("Last")),
        ],
        coerce=int,
        empty_value=None,
        required=False,
    )
    rrule = forms.CharField(
        label=_("Custom rule (only for “Custom rule”)"),
        max_length=300,
        required=False,
        help_text=_("For example FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,TH."),
    )
    local_start = forms.TimeField(
        label=_("Start time (the group's local time)"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), initial=90, min_value=10, max_value=600
    )
    time_zone = forms.CharField(
        label=_("The group's time zone (IANA, e.g. Europe/London)"), max_length=64
    )
    starts_on = forms.DateField(
        label=_("First date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Last date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_time_zone(self) -> str:
        name = str(self.cleaned_data["time_zone"]).strip()
        recurrence.validate_time_zone(name)
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last date must be on or after the first date."))
            return data
        try:
            data["rrule"] = recurrence.build_rule(
                frequency=data["frequency"],
                weekday=data.get("weekday"),
                week_of_month=data.get("week_of_month"),
                ends_on=ends_on,
                rrule_text=data.get("rrule") or "",
            )
            if starts_on and data.get("local_start"):
                recurrence.parse_rule(
                    data["rrule"], dtstart=datetime.combine(starts_on, data["local_start"])
                )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    self.add_error(name, errors)
            else:
                self.add_error("rrule", exc)
        return data

    @classmethod
    def initial_for(cls, series: MeetingSeries) -> dict[str, Any]:
        fields = recurrence.read_rule(series.rrule)
        return {
            "frequency": fields["frequency"],
            "weekday": fields["weekday"] or "",
            "week_of_month": fields["week_of_month"],
            "rrule": series.rrule if fields["frequency"] == recurrence.CUSTOM else "",
            "local_start": series.local_start,
            "duration_minutes": series.duration_minutes,
            "time_zone": series.group.time_zone,
            "starts_on": series.starts_on,
            "ends_on": fields["ends_on"],
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "rrule": data["rrule"],
            "starts_on": data["starts_on"],
            "local_start": data["local_start"],
            "duration_minutes": data["duration_minutes"],
            "time_zone": data["time_zone"],
        }
