from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from peerhaven.clinical.models import (
    SCOPE_ATTENDANCE,
    SCOPE_IDENTIFIERS,
    SCOPE_RISK_FLAGS,
    SCOPE_SAFETY_PLAN,
    ReferralTarget,
)
from peerhaven.clinical.services import SHARING_DURATIONS, shareable_instruments


def scope_choices() -> list[tuple[str, Any]]:
    return [
        *[(i, _("Results of %(title)s") % {"title": t}) for i, t in shareable_instruments()],
        (SCOPE_ATTENDANCE, _("How many group meetings I attend")),
        (SCOPE_RISK_FLAGS, _("Safety flags from my questionnaires")),
        (SCOPE_SAFETY_PLAN, _("My safety plan")),
        (SCOPE_IDENTIFIERS, _("My display name and e-mail in exported records")),
    ]


class RegisterClinicianForm(forms.Form):
    profession = forms.CharField(label=_("Profession"), max_length=100)
    licence_number = forms.CharField(label=_("Licence or registration number"), max_length=60)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)


class ReferralForm(forms.Form):
    label = forms.CharField(
        label=_("Your reference"),
        max_length=60,
        required=False,
        help_text=_("Only you see this. Avoid full names."),
    )
    target = forms.ChoiceField(label=_("Refer to"), choices=ReferralTarget.choices)
    target_detail = forms.CharField(label=_("Which one (optional)"), max_length=200, required=False)
    note_to_team = forms.CharField(
        label=_("Note to the peer team (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    suggested_scope = forms.MultipleChoiceField(
        label=_("Suggest what the client might share"),
        choices=scope_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    valid_days = forms.IntegerField(
        label=_("Invitation valid for (days)"), min_value=1, max_value=60, initial=14
    )


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Invitation code"), max_length=40)


class SharingForm(forms.Form):
    scope = forms.MultipleChoiceField(
        label=_("What do you want to share?"),
        choices=scope_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your posts, messages, chats and mentoring notes are never shared."),
    )
    duration_days = forms.TypedChoiceField(
        label=_("For how long?"),
        coerce=int,
        choices=[(d, _("%(n)d days") % {"n": d}) for d in SHARING_DURATIONS],
        initial=180,
    )
