"""Forms for the group pages. They shape input; the services validate substance."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from peerhaven.groups.models import GroupFormat, JoinPolicy, RsvpResponse

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
