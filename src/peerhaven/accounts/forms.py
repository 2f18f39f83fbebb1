"""Forms for sign-up, onboarding, profile and privacy pages."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from peerhaven.accounts.countries import COUNTRIES
from peerhaven.accounts.names import MAX_LENGTH
from peerhaven.accounts.privacy import EraseMode
from peerhaven.accounts.services import check_display_name_available, valid_timezones


def _tab_rows(name: str) -> list[list[str]]:
    """The rows of one of the tz database's tables (zone.tab, zone1970.tab): codes, place,
    zone, comment."""
    table = resources.files("tzdata").joinpath("zoneinfo", name).read_text("utf-8")
    return [line.split("\t") for line in table.splitlines() if line and not line.startswith("#")]


@cache
def _canonical_zones() -> list[str]:
    """Current zones from the tz database's zone1970.tab, not the ~300 legacy aliases."""
    zones = {row[2] for row in _tab_rows("zone1970.tab")}
    return sorted((zones & valid_timezones()) | {"UTC"})


@cache
def zone_hints() -> dict[str, dict[str, str]]:
    """What ``timezone_guess.js`` needs to turn a device's zone into the form's choices.

    ``aliases``: zone names browsers still report (ICU keeps old names: "Asia/Calcutta",
    "Europe/Kiev"; tzdata merged others: "Europe/Oslo" is a link to "Europe/Berlin") → the
    listed zone they are a link to. ``countries``: zone → the ISO country it lies in, from
    zone.tab (one country per zone, so "Europe/Oslo" is Norway though its rules are Berlin's),
    aliases included.
    """
    listed = set(_canonical_zones())
    links: dict[str, str] = {}
    zi = resources.files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text("utf-8")
    for line in zi.splitlines():
        if line.startswith("L "):
            _l, target, name = line.split()
            links[name] = target
    countries = {row[2]: row[0] for row in _tab_rows("zone.tab")}
    # Through a link only when its target covers one country (zone1970.tab): "Asia/Calcutta"
    # is India, but "Africa/Asmera" links to Nairobi's rules, which Eritrea shares with Kenya.
    covers = {row[2]: row[0].split(",") for row in _tab_rows("zone1970.tab")}
    for name, target in links.items():
        if name not in countries and len(covers.get(target, [])) == 1:
            countries[name] = covers[target][0]
    aliases = {name: target for name, target in links.items() if target in listed}
    return {"aliases": aliases, "countries": countries}


def timezone_choices() -> list[tuple[str, str]]:
    return [(tz, tz.replace("_", " ")) for tz in _canonical_zones()]


def country_choices() -> list[tuple[str, Any]]:
    return [("", _("Choose your country")), *COUNTRIES]


class DisplayNameField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_LENGTH * 4)  # normalised length is checked later
        kwargs.setdefault("label", _("Display name"))
        kwargs.setdefault(
            "help_text",
            _("What other members see. Not your real name unless you want it to be."),
        )
        super().__init__(**kwargs)


def _drop_placeholders(form: forms.Form) -> None:
    # Labels are always visible; placeholders only repeat them and vanish while typing.
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)


class LoginForm(AllauthLoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _drop_placeholders(self)


class SignupForm(AllauthSignupForm):
    """E-mail, password and a pseudonym."""

    display_name = DisplayNameField()

    field_order = ["display_name", "email", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _("Never shown to other members.")
        _drop_placeholders(self)

    def clean_display_name(self) -> str:
        return check_display_name_available(self.cleaned_data["display_name"])


class OnboardingForm(forms.Form):
    accept_guidelines = forms.BooleanField(
        label=_("I have read the community guidelines and will follow them."), required=True
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    country = forms.ChoiceField(
        label=_("Country"),
        choices=country_choices,
        help_text=_("Decides which crisis lines we show you."),
    )


class ProfileForm(forms.Form):
    display_name = DisplayNameField()
    pronouns = forms.CharField(label=_("Pronouns"), required=False, max_length=40)
    bio = forms.CharField(
        label=_("About you"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PreferencesForm(forms.Form):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    country = forms.ChoiceField(label=_("Country"), choices=country_choices, required=False)
    quiet_hours_start = forms.TimeField(
        label=_("Quiet hours start"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("No e-mails from us between these times (your time zone)."),
    )
    quiet_hours_end = forms.TimeField(
        label=_("Quiet hours end"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("quiet_hours_start") is None) != (data.get("quiet_hours_end") is None):
            missing = (
                "quiet_hours_end" if data.get("quiet_hours_end") is None else "quiet_hours_start"
            )
            self.add_error(missing, _("Give both a start and an end for quiet hours, or neither."))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=60)
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"), min_value=1, max_value=366, initial=90
    )


class EraseForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("What should happen to what you wrote?"),
        choices=[
            (EraseMode.ANONYMISE.value, _("Keep my posts, shown as “[deleted member]”")),
            (EraseMode.REMOVE.value, _("Remove my posts")),
        ],
        widget=forms.RadioSelect,
    )
    confirm_display_name = forms.CharField(
        label=_("Type your display name to confirm"), max_length=200
    )

    def __init__(self, *args: Any, display_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._display_name = display_name

    def clean_confirm_display_name(self) -> str:
        value = self.cleaned_data["confirm_display_name"].strip()
        if value != self._display_name:
            raise ValidationError(_("That is not your display name."))
        return value
