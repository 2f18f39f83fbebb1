"""Boards, threads, posts, reactions and the per-member state around them.

Counts that list pages show (replies, last activity, "me too") are denormalised onto the rows
and kept up to date by ``services.py``, so no list page ever counts rows.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    MEMBERS = "members", _("All members")
    ROLE = "role", _("Only people with a role")
    ANNOUNCEMENTS = "announcements", _("Announcements (read-only for members)")


class ContentWarning(models.TextChoices):
    SELF_HARM = "self_harm", _("Self-harm")
    SUICIDE = "suicide", _("Suicide")
    ABUSE = "abuse", _("Abuse")
    EATING = "eating", _("Eating and food")
    SUBSTANCE = "substance", _("Substance use")
    GRIEF = "grief", _("Grief and loss")
    OTHER = "other", _("Something difficult")


class ReactionKind(models.TextChoices):
    HEAR_YOU = "hear_you", _("I hear you")
    ME_TOO = "me_too", _("Me too")
    THANK_YOU = "thank_you", _("Thank you")
    STRENGTH = "strength", _("Sending strength")


class Board(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default="members")
    # For Visibility.ROLE: the role a person needs (peerhaven.accounts.models.Role).
    required_role = models.CharField(max_length=20, blank=True)
    thread_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_announcements(self) -> bool:
        return self.visibility == Visibility.ANNOUNCEMENTS


class Thread(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="threads")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=140)
    content_warning = models.CharField(max_length=20, choices=ContentWarning.choices, blank=True)
    is_anonymous = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    # Number of posts after the opening post, and the position of the last post.
    reply_count = models.PositiveIntegerField(default=0)
    last_position = models.PositiveIntegerField(default=1)
    # Distinct people who said "Me too" anywhere in the thread.
    me_too_count = models.PositiveIntegerField(default=0)
    # When someone other than the author first replied; NULL = still waiting for a reply.
    answered_at = models.DateTimeField(null=True, blank=True)
    is_locked = models.BooleanField(default=False)
    is_pinned = models.BooleanField(default=False)
    # The opening post is held for safety review: only author and moderators see the thread.
    is_held = models.BooleanField(default=False)
    # Removed by a moderator (never silently: the author sees the reason).
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = models.CharField(max_length=500, blank=True)
    # When the title last changed (earlier titles: ThreadRevision, for moderators).
    title_edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            # Board pages walk this index in order (keyset), skipping the few pinned threads.
            models.Index(
                fields=["board", "-last_activity_at", "-id"], name="forums_thread_activity"
            ),
            # The pinned threads at the top of a board's first page.
            models.Index(
                fields=["board", "-last_activity_at"],
                condition=models.Q(is_pinned=True),
                name="forums_thread_pinned",
            ),
            models.Index(fields=["answered_at", "created_at"], name="forums_thread_unanswered"),
        ]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # 1 for the opening post, then in order of writing; never reused.
    position = models.PositiveIntegerField()
    body = models.TextField(_("message"))
    # Sanitised HTML rendered from ``body`` when it was written.
    body_html = models.TextField()
    content_warning = models.CharField(max_length=20, choices=ContentWarning.choices, blank=True)
    is_anonymous = models.BooleanField(default=False)
    risk_level = models.CharField(max_length=10, default="none")
    risk_evidence = models.JSONField(default=dict, blank=True)
    is_held = models.BooleanField(default=False)
    # When the post first became public (NULL while held since it was written). Releasing a
    # post that was public before, held again by an edit, sends no news and moves no activity.
    published_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    hear_you_count = models.PositiveIntegerField(default=0)
    me_too_count = models.PositiveIntegerField(default=0)
    thank_you_count = models.PositiveIntegerField(default=0)
    strength_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar[list[str]] = ["thread", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["thread", "position"], name="forums_post_position"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["author", "-created_at"], name="forums_post_author"),
        ]

    def __str__(self) -> str:
        return f"post {self.pk} in thread {self.thread_id}"

    def count_for(self, kind: str) -> int:
        return int(getattr(self, f"{kind}_count"))


class PostRevision(models.Model):
    """The text of a post before an edit; visible to moderators."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"revision of post {self.post_id}"


class ThreadRevision(models.Model):
    """A thread's title before an edit; visible to moderators."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=140)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"earlier title of thread {self.thread_id}"


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ReactionKind.choices)
    # Given while the member was anonymous in this thread (they had posted in it anonymously,
    # e.g. its anonymous author): "Who reacted" shows "Anonymous member", as for their posts.
    # Decided when the reaction is given, so that a named reaction never turns anonymous at
    # the moment its giver posts anonymously (the switch would say who wrote that post).
    is_anonymous = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="forums_one_reaction"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["user", "kind"], name="forums_reaction_user"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on post {self.post_id}"


class ReactionGiven(models.Model):
    """That ``user`` once gave a reaction of ``kind`` to ``post``, kept when they take it back.

    Giving it again keeps the anonymity it was first given with and tells the post's author
    nothing: a reaction taken back by name and given again anonymously (after its giver's
    anonymous reply) would otherwise show, and notify, the switch, which links the name to
    the anonymous reply. It also makes the author's notifications one per reactor, however
    many anonymous members give the same reaction."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ReactionKind.choices)
    is_anonymous = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["post", "user", "kind"], name="forums_reaction_given_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} given to post {self.post_id}"


class ThreadReadState(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    last_read_position = models.PositiveIntegerField(default=0)
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "thread"], name="forums_one_read_state"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} to {self.last_read_position}"


class ThreadFollow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "thread"], name="forums_one_follow"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.thread_id}"


class Block(models.Model):
    """``blocker`` no longer sees ``blocked``'s posts (and, elsewhere, gets no DMs from them)."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="forums_one_block"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="forums_no_self_block"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Mute(models.Model):
    """A muted thread, or a muted content-warning category (exactly one of the two)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.CASCADE)
    warning = models.CharField(max_length=20, choices=ContentWarning.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=models.Q(thread__isnull=False),
                name="forums_one_thread_mute",
            ),
            models.UniqueConstraint(
                fields=["user", "warning"],
                condition=models.Q(thread__isnull=True),
                name="forums_one_warning_mute",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} mutes {self.thread_id or self.warning}"


class ReportReason(models.TextChoices):
    RISK = "risk", _("Someone may be at risk")
    UNKIND = "unkind", _("Unkind or harassing")
    HARMFUL = "harmful", _("Harmful detail (methods, graphic content)")
    SPAM = "spam", _("Spam or advertising")
    PRIVACY = "privacy", _("Shares someone's private information")
    OTHER = "other", _("Something else")


class Report(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    detail = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=500, blank=True)
    # The same report's item in the unified safety queue (/moderation/), closed with it.
    alert = models.ForeignKey(
        "safety.RiskAlert", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["resolved_at", "created_at"], name="forums_report_queue"),
        ]

    def __str__(self) -> str:
        return f"report {self.pk} on post {self.post_id}"


class ModAction(models.TextChoices):
    HIDE = "hide", _("Hidden")
    UNHIDE = "unhide", _("Shown again")
    RELEASE = "release", _("Released after review")
    LOCK = "lock", _("Locked")
    UNLOCK = "unlock", _("Unlocked")
    PIN = "pin", _("Pinned")
    UNPIN = "unpin", _("Unpinned")
    MOVE = "move", _("Moved")
    RETITLE = "retitle", _("Title changed")
    DELETE = "delete", _("Removed")
    DISMISS = "dismiss", _("Report dismissed")


class ModerationAction(models.Model):
    """What a moderator did and why; the author of the post or thread sees it."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=ModAction.choices)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="moderation")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE)
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} on thread {self.thread_id}"
