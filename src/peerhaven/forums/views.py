"""Forum pages. Thin: fetch-and-authorize through ``queries``, write through ``services``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from peerhaven.accounts import audit
from peerhaven.accounts.models import User
from peerhaven.forums import fragments, permissions, queries, services
from peerhaven.forums.forms import (
    EditForm,
    MoveForm,
    MuteWarningsForm,
    ReasonForm,
    ReplyForm,
    ReportForm,
    ThreadForm,
    TitleForm,
)
from peerhaven.forums.models import Block, Mute, Post, ReactionKind, Report, Thread
from peerhaven.forums.rendering import quote_markdown
from peerhaven.notifications.services import remember_unread_count
from peerhaven.safety.services import to_help_if_shown
from peerhaven.web.inputs import row_id


def _user(request: HttpRequest) -> User:
    """The signed-in member (every view here is behind login_required), unwrapped from
    ``request.user``'s lazy proxy: a thread page reads the viewer's attributes hundreds of
    times, and each read through the proxy costs a little."""
    user = request.user
    _ = user.pk  # loads the person if nothing did yet
    return cast(User, getattr(user, "_wrapped", user))


# Service error codes that are not "fix the form" (422) but a refusal of another kind.
STATUS_BY_CODE = {"locked": 403, "edit_window": 403, "duplicate": 409, "rate_limited": 429}


def status_for(exc: ValidationError) -> int:
    codes = (
        {getattr(e, "code", None) for e in exc.error_list} if hasattr(exc, "error_list") else set()
    )
    for code, status in STATUS_BY_CODE.items():
        if code in codes:
            return status
    return 422


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _refused(form: Any, exc: ValidationError | PermissionDenied) -> int:
    """Put why a write was refused on the form (which keeps the draft); return the status."""
    if isinstance(exc, PermissionDenied):
        # A mute or ban (PostingRestrictedError says why and until when), or a permission
        # lost between the page's check and the service's.
        form.add_error(None, str(exc) or _("This cannot be posted here."))
        return 403
    _add_errors(form, exc)
    return status_for(exc)


# --- nothing a member writes is dropped ---------------------------------------------------------

# Session key: drafts (``data-draft-key`` values) whose post is stored. drafts.js keeps a draft
# in the browser until a page names it here, because a submit alone proves nothing: the post
# may be refused, time out or find its thread gone.
DRAFTS_SENT = "forums.drafts_sent"


# Keys name the person too: on a shared device one person's draft must never fill another's
# form (sign-out also clears them: web/static/peerhaven/signout.js).
def reply_draft_key(user_id: int, thread_id: int) -> str:
    return f"u{user_id}:forums:reply:{thread_id}"


def thread_draft_key(user_id: int, slug: str) -> str:
    return f"u{user_id}:forums:new:{slug}"


def edit_draft_key(user_id: int, post_id: int) -> str:
    return f"u{user_id}:forums:edit:{post_id}"


def draft_base(text: str) -> str:
    """What drafts.js keeps with an edit draft (``data-draft-base``): a digest of the post's text
    on the server when the draft began. A draft replaces the edit form's text only while the
    post still has that text; after a save elsewhere it is offered instead, never put over it."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _draft_stored(request: HttpRequest, key: str) -> None:
    """Say on the next forum page with drafts.js that the draft under ``key`` is stored."""
    sent = [k for k in request.session.get(DRAFTS_SENT, []) if k != key]
    request.session[DRAFTS_SENT] = [*sent, key][-20:]


def _drafts_sent(request: HttpRequest) -> list[str]:
    """The drafts to forget on this page, once (the session is only written when there are)."""
    if DRAFTS_SENT not in request.session:
        return []
    return [str(k) for k in request.session.pop(DRAFTS_SENT)]


def _render_with_drafts(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int
) -> HttpResponse:
    """Render a page that loads drafts.js, with the drafts it should forget (not before: a
    redirect must leave them for the page it leads to)."""
    return render(
        request, template, {**context, "sent_drafts": _drafts_sent(request)}, status=status
    )


# The fields a write may carry, with how the "no longer available" page labels them.
KEPT_LABELS = {"title": _lazy("Your title"), "body": _lazy("Your text")}


def keeps_words(
    *fields: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """On a POST whose thread, board or post the member cannot (or can no longer) see, answer
    404 with the words they sent instead of a bare 404 that drops them.

    The page says only that the conversation is no longer available: the same for a thread
    that was removed, held or moved to a board they cannot see as for one that never existed
    (``queries.get_*`` raise Http404 for all of them), so it tells nothing about the thread.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except Http404:
                if request.method != "POST":
                    raise
                kept = [
                    {"name": name, "label": KEPT_LABELS[name], "value": request.POST[name]}
                    for name in fields
                    if request.POST.get(name)
                ]
                return render(request, "forums/gone.html", {"kept": kept}, status=404)

        return wrapper

    return decorate


def _held_message(request: HttpRequest) -> None:
    messages.warning(
        request,
        _(
            "Thank you for trusting us with this. Your post is saved, and because it mentions a "
            "way of ending your life, a moderator will read it before others can. You are not in "
            "trouble. If you are in danger now, please use “Get help now” at the top of the page."
        ),
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    boards = queries.visible_boards(_user(request))
    return render(request, "forums/index.html", {"boards": boards})


def _viewer(request: HttpRequest, *, thread_id: int | None = None) -> queries.ViewerState:
    """The viewer's forum state, roles and header count: one query for the whole page."""
    state = queries.viewer_state(_user(request), thread_id=thread_id, unread=True)
    remember_unread_count(request, list(state.facts))
    return state


@login_required
def board(request: HttpRequest, slug: str) -> HttpResponse:
    state = _viewer(request)
    b = queries.get_board(_user(request), slug)
    page = queries.board_threads(_user(request), b, cursor=request.GET.get("after"), state=state)
    return render(
        request,
        "forums/board.html",
        {
            "board": b,
            "page": page,
            "pinned_html": fragments.render_thread_rows(page.pinned) if page.pinned else "",
            "rows_html": fragments.render_thread_rows(page.rows),
            "can_start": permissions.can_start_thread(_user(request), b),
            "first_page": not request.GET.get("after"),
        },
    )


@login_required
@keeps_words("title", "body")
def new_thread(request: HttpRequest, slug: str) -> HttpResponse:
    b = queries.get_board(_user(request), slug)
    form = ThreadForm(request.POST or None)
    context: dict[str, Any] = {
        "board": b,
        "form": form,
        "draft_key": thread_draft_key(_user(request).pk, b.slug),
    }
    if not permissions.can_start_thread(_user(request), b):
        if request.method != "POST":
            raise PermissionDenied
        # The board became read-only while they wrote: say so and give the words back.
        form.is_valid()
        messages.error(request, _("Only moderators start threads in this board."))
        return _render_with_drafts(
            request, "forums/new_thread.html", {**context, "closed": True}, status=403
        )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                thread = services.create_thread(
                    board=b,
                    author=_user(request),
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    content_warning=form.cleaned_data["content_warning"],
                    anonymous=form.cleaned_data["anonymous"],
                    request=request,
                )
            except (ValidationError, PermissionDenied) as exc:
                status = _refused(form, exc)
            else:
                if thread.is_held:
                    _held_message(request)
                else:
                    messages.success(request, _("Your thread is posted."))
                _draft_stored(request, thread_draft_key(_user(request).pk, b.slug))
                # At risk: the thread opens on the crisis panel (focus and screen readers).
                url = reverse("forums:thread", args=[thread.pk])
                return redirect(to_help_if_shown(request, url))
    return _render_with_drafts(request, "forums/new_thread.html", context, status=status)


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    if raw == "last":
        return 10**9
    try:
        return int(raw)
    except ValueError:
        return 1


@login_required
def thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    # The viewer's state for this thread id is read before the thread is authorized: it is
    # only the viewer's own data, and nothing is shown unless get_thread lets them in.
    state = _viewer(request, thread_id=thread_id)
    t = queries.get_thread(_user(request), thread_id, with_author=False)
    view = queries.thread_view(_user(request), t, page=_page_number(request), state=state)
    # Write only when the page moves the read mark on: re-reading costs no write.
    if view.posts and view.posts[-1].post.position > view.read_position:
        services.mark_read(
            thread=t,
            user=_user(request),
            position=view.posts[-1].post.position,
        )
    return render(
        request,
        "forums/thread.html",
        {
            "view": view,
            "posts_html": fragments.render_posts(request, view),
            "thread": t,
            "reply_form_html": fragments.reply_form_html(anonymous=state.anonymous_here),
            "draft_key": reply_draft_key(_user(request).pk, t.pk),
            "sent_drafts": _drafts_sent(request),
            "boards_for_move": queries.visible_boards(_user(request)) if view.moderator else [],
        },
    )


@login_required
@keeps_words("body")
def reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    t = queries.get_thread(_user(request), thread_id)
    initial: dict[str, Any] = {}
    # Only the empty form is pre-filled: a quoted post hidden meanwhile must not refuse a reply.
    quote_id = row_id(request.GET.get("quote")) if request.method != "POST" else None
    if quote_id is not None:
        quoted = queries.get_post(_user(request), quote_id)
        if quoted.thread_id == t.pk:
            # An anonymous post is quoted anonymously, whoever is quoting it.
            label = services.author_label(quoted)
            initial["body"] = quote_markdown(quoted.body, label)
            # The quoted words keep their warning: without it they would reach readers who
            # muted that topic, open, in a reply with no warning.
            initial["content_warning"] = quoted.content_warning
    if request.method != "POST" and services.is_anonymous_in(t.pk, _user(request)):
        initial["anonymous"] = True  # as on the thread page (ViewerState.anonymous_here)
    form = ReplyForm(request.POST or None, initial=initial)
    context: dict[str, Any] = {
        "thread": t,
        "form": form,
        "draft_key": reply_draft_key(_user(request).pk, t.pk),
    }
    status = 200
    blocked = queries.is_blocked_by_author(_user(request), t)
    if not permissions.can_reply(_user(request), t, blocked_by_author=blocked):
        status = 403
        messages.error(
            request,
            _("This thread is locked, so it cannot take new replies.")
            if t.is_locked
            else _("You cannot reply in this thread."),
        )
        if request.method == "POST":
            # Keep what they wrote on screen even though it cannot be posted here.
            form.is_valid()
        return _render_with_drafts(
            request, "forums/reply.html", {**context, "closed": True}, status=status
        )
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                post = services.reply(
                    thread=t,
                    author=_user(request),
                    body=form.cleaned_data["body"],
                    content_warning=form.cleaned_data["content_warning"],
                    anonymous=form.cleaned_data["anonymous"],
                    request=request,
                )
            except (ValidationError, PermissionDenied) as exc:
                status = _refused(form, exc)
            else:
                if post.is_held:
                    _held_message(request)
                else:
                    messages.success(request, _("Your reply is posted."))
                _draft_stored(request, reply_draft_key(_user(request).pk, t.pk))
                return redirect(to_help_if_shown(request, services.post_url(post)))
    return _render_with_drafts(request, "forums/reply.html", context, status=status)


@login_required
@keeps_words("body")
def edit_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = queries.get_post(_user(request), post_id)
    if post.author_id != _user(request).pk:
        raise Http404
    form = EditForm(
        request.POST or None,
        initial={"body": post.body, "content_warning": post.content_warning},
    )
    context: dict[str, Any] = {
        "post": post,
        "form": form,
        "draft_key": edit_draft_key(_user(request).pk, post.pk),
        "draft_base": draft_base(post.body),
    }
    status = 200
    if not permissions.can_edit_post(_user(request), post):
        status = 403
        form.is_valid()
        if post.thread.deleted_at is not None:  # only its author and moderators see it
            why = _("A removed thread cannot be changed.")
        elif post.thread.is_locked:
            why = _("This thread is locked, so its posts cannot be changed.")
        else:
            why = _("The time for editing this post has passed. You can add a reply instead.")
        messages.error(request, why)
        return _render_with_drafts(
            request, "forums/edit.html", {**context, "closed": True}, status=status
        )
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.edit_post(
                    post=post,
                    actor=_user(request),
                    body=form.cleaned_data["body"],
                    content_warning=form.cleaned_data["content_warning"],
                    request=request,
                )
            except (ValidationError, PermissionDenied) as exc:
                status = _refused(form, exc)
            else:
                messages.success(request, _("Your changes are saved."))
                _draft_stored(request, edit_draft_key(_user(request).pk, post.pk))
                return redirect(to_help_if_shown(request, services.post_url(post)))
    return _render_with_drafts(request, "forums/edit.html", context, status=status)


@login_required
@keeps_words("title")
def edit_title(request: HttpRequest, thread_id: int) -> HttpResponse:
    """The author changes a thread's title within the edit window; a moderator at any time
    (with a reason when it is someone else's thread)."""
    user = _user(request)
    t = queries.get_thread(user, thread_id)
    moderator = permissions.is_moderator(user)
    if not moderator and t.author_id != user.pk:
        raise Http404
    with_reason = moderator and t.author_id != user.pk
    form = TitleForm(request.POST or None, initial={"title": t.title}, with_reason=with_reason)
    context: dict[str, Any] = {"thread": t, "form": form}
    if not permissions.can_edit_title(user, t):
        form.is_valid()
        if t.deleted_at is not None:
            messages.error(request, _("A removed thread cannot be changed."))
        elif t.is_locked:
            messages.error(request, _("This thread is locked, so its title cannot be changed."))
        else:
            messages.error(request, _("The time for changing this title has passed."))
        return render(request, "forums/edit_title.html", {**context, "closed": True}, status=403)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.edit_title(
                    thread=t,
                    actor=user,
                    title=form.cleaned_data["title"],
                    reason=form.cleaned_data.get("reason", ""),
                    request=request,
                )
            except (ValidationError, PermissionDenied) as exc:
                status = _refused(form, exc)
            else:
                if t.is_held:
                    _held_message(request)
                else:
                    messages.success(request, _("The title is changed."))
                return redirect("forums:thread", t.pk)
    return render(request, "forums/edit_title.html", context, status=status)


@login_required
@require_POST
def react(request: HttpRequest, post_id: int) -> HttpResponse:
    """Toggle one reaction: the same button says it and, pressed again, takes it back."""
    user = _user(request)
    post = queries.get_post(user, post_id)
    kind = request.POST.get("toggle", "")
    if kind not in ReactionKind.values:
        return HttpResponse(_("Unknown reaction."), status=400)
    if not services.unreact(post=post, user=user, kind=kind):
        try:
            services.react(post=post, user=user, kind=kind)
        except ValidationError as exc:
            messages.info(request, " ".join(exc.messages))
        except PermissionDenied:
            messages.error(request, _("You cannot react to this post."))
    return redirect(to_help_if_shown(request, services.post_url(post)))


@login_required
@require_POST
def follow(request: HttpRequest, thread_id: int) -> HttpResponse:
    t = queries.get_thread(_user(request), thread_id)
    if request.POST.get("follow") == "1":
        services.follow_thread(thread=t, user=_user(request))
        messages.success(request, _("You will be told about new replies."))
    else:
        services.unfollow_thread(thread=t, user=_user(request))
        messages.success(request, _("You will no longer be told about new replies."))
    return redirect("forums:thread", t.pk)


@login_required
@require_POST
def mute(request: HttpRequest, thread_id: int) -> HttpResponse:
    t = queries.get_thread(_user(request), thread_id)
    if request.POST.get("mute") == "1":
        services.mute_thread(thread=t, user=_user(request))
        messages.success(request, _("Thread muted: it leaves your lists and sends no news."))
    else:
        services.unmute_thread(thread=t, user=_user(request))
        messages.success(request, _("Thread unmuted."))
    return redirect("forums:thread", t.pk)


@login_required
@require_POST
def block(request: HttpRequest, post_id: int) -> HttpResponse:
    """Block the author of a named post. Anonymous posts answer 400 with the reason: any
    block of their author would show the blocker who wrote them. That is checked first, so
    the answer is the same whether the anonymous author still has an account or not."""
    post = queries.get_post(_user(request), post_id)
    if post.author_id == _user(request).pk or (post.author_id is None and not post.is_anonymous):
        raise Http404
    try:
        # Refuses every anonymous post before looking at its author (400 below).
        services.block_author(blocker=_user(request), post=post)
    except ValidationError as exc:
        # No button offers this (anonymous posts show none): a plain refusal is enough.
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
    messages.success(
        request,
        _(
            "Blocked. You will not see what they post under their name, and they cannot "
            "mention you or reply in your threads. You can undo this in your forum settings."
        ),
    )
    return redirect("forums:thread", post.thread_id)


@login_required
def report(request: HttpRequest, post_id: int) -> HttpResponse:
    post = queries.get_post(_user(request), post_id)
    if not permissions.can_report(_user(request), post):
        raise Http404
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.report_post(
                    post=post,
                    reporter=_user(request),
                    reason=form.cleaned_data["reason"],
                    detail=form.cleaned_data["detail"],
                    request=request,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
                status = status_for(exc)
            else:
                messages.success(request, _("Thank you. A moderator will look at it soon."))
                return redirect(to_help_if_shown(request, services.post_url(post)))
    return render(request, "forums/report.html", {"post": post, "form": form}, status=status)


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """Muted warning categories, muted threads and blocked members, with undo."""
    user = _user(request)
    current = list(
        Mute.objects.filter(user=user, thread__isnull=True).values_list("warning", flat=True)
    )
    form = MuteWarningsForm(request.POST or None, initial={"warnings": current})
    if request.method == "POST":
        if request.POST.get("unblock"):
            block_id = row_id(request.POST["unblock"])
            blocked = Block.objects.filter(blocker=user, pk=block_id).first() if block_id else None
            if blocked is not None:
                services.unblock_member(blocker=user, blocked=blocked.blocked)
            messages.success(request, _("Unblocked."))
            return redirect("forums:settings")
        if request.POST.get("unmute"):
            mute_id = row_id(request.POST["unmute"])
            muted = (
                Mute.objects.filter(user=user, pk=mute_id).select_related("thread").first()
                if mute_id
                else None
            )
            if muted is not None and muted.thread is not None:
                services.unmute_thread(thread=muted.thread, user=user)
            messages.success(request, _("Thread unmuted."))
            return redirect("forums:settings")
        if form.is_valid():
            chosen = set(form.cleaned_data["warnings"])
            for warning in chosen - set(current):
                services.mute_warning(user=user, warning=warning)
            for warning in set(current) - chosen:
                services.unmute_warning(user=user, warning=warning)
            messages.success(request, _("Your forum settings are saved."))
            return redirect("forums:settings")
    return render(
        request,
        "forums/settings.html",
        {
            "form": form,
            "blocks": Block.objects.filter(blocker=user).select_related("blocked"),
            "muted_threads": Mute.objects.filter(user=user, thread__isnull=False).select_related(
                "thread"
            ),
        },
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    hits = queries.search(_user(request), query)
    return render(request, "forums/search.html", {"query": query, "hits": hits})


@login_required
def needs_reply(request: HttpRequest) -> HttpResponse:
    try:
        hours = float(request.GET.get("hours", ""))
        age = timedelta(hours=min(max(hours, 0), 24 * 30))
    except ValueError:
        age = queries.needs_reply_age()
    threads = queries.needs_reply(_user(request), older_than=age)
    return render(
        request,
        "forums/needs_reply.html",
        {"threads": threads, "hours": int(age.total_seconds() // 3600)},
    )


# --- moderation -------------------------------------------------------------------------------


def _moderator(request: HttpRequest) -> None:
    if not permissions.is_moderator(_user(request)):
        raise Http404


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    return render(
        request,
        "forums/moderation.html",
        {
            "reports": queries.open_reports(_user(request)),
            "held": queries.held_posts(_user(request)),
            "reason_form": ReasonForm(),
        },
    )


def _report_for(request: HttpRequest, thread: Thread) -> Report | None:
    """The report a moderator acts from (``report`` in the form), if it is about ``thread``."""
    report_id = row_id(request.POST.get("report"))
    if report_id is None:
        return None
    return Report.objects.filter(pk=report_id, post__thread=thread).first()


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to ``next`` if it is a page of this site, else to ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def moderate_post(request: HttpRequest, post_id: int, action: str) -> HttpResponse:
    _moderator(request)
    post = get_object_or_404(Post.objects.select_related("thread__board", "author"), pk=post_id)
    form = ReasonForm(request.POST)
    actions = {
        "hide": services.hide_post,
        "unhide": services.unhide_post,
        "release": services.release_post,
    }
    if action not in actions:
        raise Http404
    if not form.is_valid():
        messages.error(request, _("Give a reason: the author will see it."))
    else:
        try:
            actions[action](
                post=post,
                actor=_user(request),
                reason=form.cleaned_data["reason"],
                request=request,
                report=_report_for(request, post.thread),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Done. The author can see what happened and why."))
    return _back(request, services.post_url(post))


@login_required
@require_POST
def moderate_thread(request: HttpRequest, thread_id: int, action: str) -> HttpResponse:
    _moderator(request)
    t = get_object_or_404(Thread.objects.select_related("board", "author"), pk=thread_id)
    form: ReasonForm = MoveForm(request.POST) if action == "move" else ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason: the author will see it."))
        return _back(request, reverse("forums:thread", args=[t.pk]))
    reason = form.cleaned_data["reason"]
    kwargs: dict[str, Any] = {
        "thread": t,
        "actor": _user(request),
        "reason": reason,
        "request": request,
        "report": _report_for(request, t),
    }
    try:
        if action in ("lock", "unlock"):
            services.set_locked(locked=action == "lock", **kwargs)
        elif action in ("pin", "unpin"):
            services.set_pinned(pinned=action == "pin", **kwargs)
        elif action == "move":
            services.move_thread(board=form.cleaned_data["board"], **kwargs)
        elif action == "delete":
            services.delete_thread(**kwargs)
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done. The author can see what happened and why."))
    return _back(request, reverse("forums:thread", args=[t.pk]))


@login_required
@require_POST
def dismiss_report(request: HttpRequest, report_id: int) -> HttpResponse:
    _moderator(request)
    r = get_object_or_404(Report.objects.select_related("post__author"), pk=report_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        services.dismiss_report(
            report=r,
            actor=_user(request),
            reason=form.cleaned_data["reason"],
            request=request,
        )
        messages.success(request, _("Report closed."))
    else:
        messages.error(request, _("Give a reason for closing the report."))
    return _back(request, reverse("forums:moderation"))


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    """One report with every action on its post and thread, the report preselected: where the
    unified safety queue (/moderation/) sends a moderator for a forum report."""
    _moderator(request)
    r = get_object_or_404(
        Report.objects.select_related(
            "post__thread__board", "post__author", "reporter", "resolved_by", "alert"
        ),
        pk=report_id,
    )
    audit.record(
        actor=_user(request),
        action="forums.report.read",
        subject=r.post.author,
        obj=r,
        detail={"post": r.post_id},
        request=request,
    )
    return render(
        request,
        "forums/report_detail.html",
        {
            "report": r,
            "post": r.post,
            "thread": r.post.thread,
            "boards_for_move": queries.visible_boards(_user(request)),
            "here": request.get_full_path(),
        },
    )


@login_required
def thread_history(request: HttpRequest, thread_id: int) -> HttpResponse:
    """Earlier titles of a thread, for moderators; each look is written to the audit log."""
    _moderator(request)
    t = get_object_or_404(Thread.objects.select_related("author"), pk=thread_id)
    revisions = list(t.revisions.select_related("editor"))
    audit.record(
        actor=_user(request),
        action="forums.thread.history.read",
        subject=t.author,
        obj=t,
        detail={"thread": t.pk},
        request=request,
    )
    opening = t.posts.filter(position=1).only("pk", "edited_at").first()
    return render(
        request,
        "forums/thread_history.html",
        {"thread": t, "revisions": revisions, "opening": opening},
    )


@login_required
def post_history(request: HttpRequest, post_id: int) -> HttpResponse:
    """Earlier versions of a post, for moderators; each look is written to the audit log."""
    _moderator(request)
    post = get_object_or_404(Post.objects.select_related("thread", "author"), pk=post_id)
    revisions = list(post.revisions.select_related("editor"))
    audit.record(
        actor=_user(request),
        action="forums.post.history.read",
        subject=post.author,
        obj=post,
        detail={"thread": post.thread_id},
        request=request,
    )
    return render(request, "forums/history.html", {"post": post, "revisions": revisions})
