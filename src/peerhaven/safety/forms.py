from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from peerhaven.safety.models import (
    ActionKind,
    AlertOutcome,
    CrisisResource,
    OutreachTemplate,
    SafetyPlan,
)

STEP_LABELS = {
    "warning_signs": (
        _("1. My warning signs"),
        _("Thoughts, moods, situations or behaviours that tell me a crisis may be starting."),
    ),
    "coping_strategies": (
        _("2. Things I can do on my own to take my mind off things"),
        _("A walk, music, a shower, breathing, a favourite show."),
    ),
    "distractions": (
        _("3. People and places that help me feel better"),
        _("People to be with and places to go that take my mind off things."),
    ),
    "people_to_ask": (
        _("4. People I can ask for help"),
        _("Family or friends I can tell that I am struggling, with their numbers."),
    ),
    "professionals": (
        _("5. Professionals and services I can contact"),
        _("My doctor, therapist, local crisis line or emergency department, with numbers."),
    ),
    "safe_environment": (
        _("6. Making my surroundings safer"),
        _("How I can keep things I might use to hurt myself away, or ask someone to hold them."),
    ),
}


class SafetyPlanForm(forms.ModelForm):
    class Meta:
        model = SafetyPlan
        fields: ClassVar[list[str]] = list(SafetyPlan.STEPS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, help_text) in STEP_LABELS.items():
            field = self.fields[name]
            field.label = label
            field.help_text = help_text
            field.required = False
            field.widget = forms.Textarea(attrs={"rows": 3, "maxlength": 4000})


class OutreachForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=OutreachTemplate.objects.filter(is_active=True),
        required=False,
        empty_label=_("(write my own)"),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Choosing a template puts its words in Title and Message, to read and change before "
            "you send them. Without JavaScript its words are shown below the form; leave Title "
            "and Message empty to send them as shown. {name} is the member's name."
        ),
    )


class ResolveForm(forms.Form):
    """How an alert ends. Nothing is chosen for the moderator: the outcome has no default (a
    quick resolve would otherwise record one nobody chose), and showing held content again is
    an explicit opt-in (a held text describes a method; unticked keeps it hidden)."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Choose an outcome")), *AlertOutcome.choices],
        error_messages={"required": _("Choose an outcome.")},
    )
    note = forms.CharField(
        label=_("Note for the team"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    release_held = forms.BooleanField(
        label=_("Show held content again (to everyone who could see it before)"),
        required=False,
        initial=False,
    )
    held_reason = forms.CharField(
        label=_("If held content stays hidden: the reason its author reads"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The author is told a moderator reviewed it and kept it hidden, with this reason."
        ),
    )

    def __init__(self, *args: Any, held: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not held:
            # Nothing is held: no choice to offer about it.
            del self.fields["release_held"]
            del self.fields["held_reason"]


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Action"), choices=ActionKind.choices)
    hours = forms.IntegerField(
        label=_("Duration in hours"),
        required=False,
        min_value=1,
        max_value=24 * 365,
        help_text=_("Leave empty for no end."),
    )
    reason = forms.CharField(
        label=_("Reason shown to the member"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why should this decision change?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AppealDecisionForm(forms.Form):
    overturn = forms.BooleanField(label=_("Reverse the decision"), required=False)
    response = forms.CharField(
        label=_("Response to the member"), widget=forms.Textarea(attrs={"rows": 2})
    )


def _country_choices() -> list[tuple[str, Any]]:
    from peerhaven.accounts.countries import COUNTRIES
    from peerhaven.safety.resources import INTERNATIONAL

    return [
        ("", _("Choose a country")),
        (INTERNATIONAL, _("INTL: international (shown when a country has no lines)")),
        *((code, f"{code}: {name}") for code, name in COUNTRIES),
    ]


class CrisisResourceForm(forms.ModelForm):
    """A crisis line. Country and "verified on" are checked by ``CrisisResource.clean`` (a
    known code or INTL; no future date), so Django admin refuses the same values."""

    # A list of the project's codes, not free text; a code posted from elsewhere ("UK") is
    # refused by the model with the right code named.
    country = forms.CharField(label=_("Country"), max_length=4, widget=forms.Select())
    chat_url = forms.URLField(label=_("Chat"), required=False, assume_scheme="https")
    url = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = CrisisResource
        fields: ClassVar[list[str]] = [
            "country",
            "language",
            "name",
            "description",
            "phone",
            "text",
            "chat_url",
            "url",
            "hours",
            "is_emergency",
            "verified_on",
            "note",
            "sort_order",
            "is_active",
        ]
        widgets: ClassVar[dict[str, Any]] = {"verified_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.utils import timezone

        super().__init__(*args, **kwargs)
        self.fields["country"].widget.choices = _country_choices()
        # The browser's date picker offers no future day; the model refuses one anyway.
        self.fields["verified_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class OutreachTemplateForm(forms.ModelForm):
    class Meta:
        model = OutreachTemplate
        fields: ClassVar[list[str]] = ["name", "title", "body", "is_active"]
        widgets: ClassVar[dict[str, Any]] = {"body": forms.Textarea(attrs={"rows": 6})}
        help_texts: ClassVar[dict[str, Any]] = {
            "body": _("{name} is replaced by the member's display name."),
        }
