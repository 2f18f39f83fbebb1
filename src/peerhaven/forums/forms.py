"""Forms for the forum pages. Validation of substance lives in services; these only shape input.

The message field has no ``maxlength``: a browser would silently cut a long paste. The service
refuses over-long posts with a message and the form re-renders with the whole text.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from peerhaven.forums.models import Board, ContentWarning, ReportReason

WARNING_CHOICES = [("", _("No content warning")), *ContentWarning.choices]


class _PostFields(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "data-draft": "body"}),
        help_text=_("Markdown works: **bold**, *italics*, > quotes, lists and links."),
    )
    content_warning = forms.ChoiceField(
        label=_("Content warning"),
        choices=WARNING_CHOICES,
        required=False,
        help_text=_("Readers see the warning first and open the post if they choose to."),
    )
    anonymous = forms.BooleanField(
        label=_("Post anonymously in this thread"),
        required=False,
        help_text=_("Others see “Anonymous member”. Moderators can still see who wrote it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "This field is required" is not a kind way to say it.
        self.fields["body"].error_messages["required"] = _("Please write something before posting.")


class ThreadForm(_PostFields):
    # No ``max_length`` (it would render ``maxlength`` and a browser would silently cut a long
    # paste): the service refuses an over-long title with a message and the form keeps it.
    title = forms.CharField(label=_("Title"), widget=forms.TextInput(attrs={"data-draft": "title"}))
    field_order = ("title", "body", "content_warning", "anonymous")


class ReplyForm(_PostFields):
    pass


class EditForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "data-draft": "body"}),
    )
    content_warning = forms.ChoiceField(
        label=_("Content warning"), choices=WARNING_CHOICES, required=False
    )


class TitleForm(forms.Form):
    """A thread's new title. No ``maxlength`` and not required here: the service says what is
    wrong (empty, too long) and the page shows the text again."""

    title = forms.CharField(label=_("Title"), required=False, widget=forms.TextInput())
    reason = forms.CharField(
        label=_("Reason (the author sees this)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(),
    )

    def __init__(self, *args: Any, with_reason: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_reason:
            del self.fields["reason"]


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    detail = forms.CharField(
        label=_("Anything the moderators should know (optional)"),
        required=False,
        # A validator, not ``max_length``: that would render ``maxlength`` and a browser would
        # cut a long paste without a word; this says so and keeps the text.
        validators=[MaxLengthValidator(1000)],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the author sees this)"),
        validators=[MaxLengthValidator(500)],  # not max_length: see ReportForm.detail
        widget=forms.TextInput(),
    )


class MoveForm(ReasonForm):
    board = forms.ModelChoiceField(label=_("Move to"), queryset=Board.objects.all())


class MuteWarningsForm(forms.Form):
    warnings = forms.MultipleChoiceField(
        label=_("Hide threads and collapse posts with these warnings"),
        choices=ContentWarning.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
