"""The forums API: boards, threads, posts, reactions, follows, reports and search.

The same fetch-and-authorize queries and the same services as the web pages. Error codes:
404 for anything the caller may not see, 403 ``locked``/``edit_window``/``forbidden``,
409 ``duplicate`` (reacting twice), 422 invalid input (the message says what to fix),
429 ``rate_limited``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status

from peerhaven.api.errors import ApiError
from peerhaven.api.pagination import Page, clamp_limit
from peerhaven.forums import permissions, queries, services
from peerhaven.forums.models import Board, Post, Thread
from peerhaven.forums.queries import PostView
from peerhaven.web.inputs import row_id

router = Router(tags=["forums"])
T = TypeVar("T")
REFUSALS = {"locked": 403, "edit_window": 403, "duplicate": 409, "rate_limited": 429}


def _auth(request: HttpRequest) -> Any:
    """The authenticated member (API auth guarantees one)."""
    return getattr(request, "auth", None)


def _call(fn: Callable[..., T], **kwargs: Any) -> T:
    """Run a service, turning its refusals into the right status; other errors are 422."""
    try:
        return fn(**kwargs)
    except ValidationError as exc:
        code = getattr(exc, "code", None)
        if code in REFUSALS:
            raise ApiError(REFUSALS[code], code, " ".join(exc.messages)) from None
        raise


class BoardOut(Schema):
    slug: str
    name: str
    description: str
    visibility: str
    read_only: bool
    thread_count: int
    post_count: int
    last_activity_at: datetime | None


class ThreadOut(Schema):
    id: int
    board: str
    title: str
    author: str | None
    content_warning: str
    created_at: datetime
    last_activity_at: datetime
    reply_count: int
    me_too_count: int
    is_locked: bool
    is_pinned: bool
    unread: bool | None = None


class ThreadDetailOut(ThreadOut):
    # The caller wrote anonymously in this thread (held and hidden posts too): an app starts
    # its reply form on anonymous, as the web does, or a reply by habit would put their name
    # beside their anonymous post.
    viewer_anonymous_here: bool


class ReactionCounts(Schema):
    hear_you: int
    me_too: int
    thank_you: int
    strength: int


class PostOut(Schema):
    id: int
    thread_id: int
    position: int
    author: str | None
    is_anonymous: bool
    content_warning: str
    body_html: str | None
    created_at: datetime
    edited_at: datetime | None
    is_held: bool
    is_hidden: bool
    hidden_reason: str
    reactions: ReactionCounts
    my_reactions: list[str]


class ThreadIn(Schema):
    title: str
    body: str
    content_warning: str = ""
    anonymous: bool = False


class TitleIn(Schema):
    title: str
    reason: str = ""


class PostIn(Schema):
    body: str
    content_warning: str = ""
    anonymous: bool = False


class ReactionIn(Schema):
    kind: str


class ReportIn(Schema):
    reason: str
    detail: str = ""


class ThreadCreatedOut(Schema):
    thread: ThreadOut
    held: bool


class SearchHitOut(Schema):
    post_id: int
    thread_id: int
    thread_title: str
    board: str
    position: int
    snippet: str | None
    content_warning: str


def _board_out(b: Board) -> BoardOut:
    return BoardOut(
        slug=b.slug,
        name=b.name,
        description=b.description,
        visibility=b.visibility,
        read_only=b.is_announcements,
        thread_count=b.thread_count,
        post_count=b.post_count,
        last_activity_at=b.last_activity_at,
    )


def _thread_out(t: Thread, *, unread: bool | None = None) -> ThreadOut:
    if t.is_anonymous:
        author: str | None = services.ANONYMOUS
    else:
        author = t.author.display_name if t.author else None
    return ThreadOut(
        id=t.pk,
        board=t.board.slug,
        title=t.title,
        author=author,
        content_warning=t.content_warning,
        created_at=t.created_at,
        last_activity_at=t.last_activity_at,
        reply_count=t.reply_count,
        me_too_count=t.me_too_count,
        is_locked=t.is_locked,
        is_pinned=t.is_pinned,
        unread=unread,
    )


def _post_out(pv: PostView) -> PostOut:
    p = pv.post
    if p.is_anonymous and not pv.author_visible:
        author: str | None = services.ANONYMOUS
    else:
        author = p.author.display_name if p.author else None
    return PostOut(
        id=p.pk,
        thread_id=p.thread_id,
        position=p.position,
        author=author,
        is_anonymous=p.is_anonymous,
        content_warning=p.content_warning,
        body_html=p.body_html if pv.show_body else None,
        created_at=p.created_at,
        edited_at=p.edited_at,
        is_held=p.is_held,
        is_hidden=p.is_hidden,
        hidden_reason=p.hidden_reason,
        reactions=ReactionCounts(
            hear_you=p.hear_you_count,
            me_too=p.me_too_count,
            thank_you=p.thank_you_count,
            strength=p.strength_count,
        ),
        my_reactions=sorted(pv.reacted),
    )


def _single_post(user: Any, post: Post) -> PostOut:
    views = queries.post_views(user, post.thread, Post.objects.filter(pk=post.pk))
    return _post_out(views[0])


@router.get("/boards", response=list[BoardOut], summary="Boards I can see")
def list_boards(request: HttpRequest) -> list[BoardOut]:
    return [_board_out(b) for b in queries.visible_boards(_auth(request))]


@router.get(
    "/boards/{slug}/threads", response=Page[ThreadOut], summary="Threads by latest activity"
)
def list_threads(
    request: HttpRequest, slug: str, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    """Pinned threads first on the first page; ``next_cursor`` continues by last activity."""
    user = _auth(request)
    state = queries.viewer_state(user)  # with the roles get_board needs: one query
    board = queries.get_board(user, slug)
    if cursor and queries.decode_cursor(cursor) is None:
        raise ApiError(400, "bad_cursor", "The cursor is not valid.")
    page = queries.board_threads(user, board, cursor=cursor, limit=clamp_limit(limit), state=state)
    rows = [*page.pinned, *page.rows]
    return {
        "items": [_thread_out(r.thread, unread=r.unread) for r in rows],
        "next_cursor": page.next_cursor,
    }


@router.post(
    "/boards/{slug}/threads",
    response={201: ThreadCreatedOut},
    summary="Start a thread (screened; may be held for review)",
)
def create_thread(request: HttpRequest, slug: str, payload: ThreadIn) -> Status:
    user = _auth(request)
    board = queries.get_board(user, slug)
    thread = _call(
        services.create_thread,
        board=board,
        author=user,
        title=payload.title,
        body=payload.body,
        content_warning=payload.content_warning,
        anonymous=payload.anonymous,
        request=request,
    )
    return Status(201, ThreadCreatedOut(thread=_thread_out(thread), held=thread.is_held))


@router.get("/threads/{thread_id}", response=ThreadDetailOut, summary="One thread")
def get_thread(request: HttpRequest, thread_id: int) -> ThreadDetailOut:
    """With ``viewer_anonymous_here``: whether the caller has posted anonymously in the thread,
    so that an app can start its reply form anonymous (as the web's reply form does)."""
    user = _auth(request)
    # The caller's own facts (with the roles get_thread needs) in one query, read before the
    # thread is authorized: nothing of them is answered unless get_thread lets the caller in.
    state = queries.viewer_state(user, thread_id=thread_id)
    thread = _thread_out(queries.get_thread(user, thread_id))
    return ThreadDetailOut(**thread.model_dump(), viewer_anonymous_here=state.anonymous_here)


@router.patch(
    "/threads/{thread_id}",
    response=ThreadOut,
    summary="Change a thread's title (author within the edit window, moderators any time)",
)
def edit_title(request: HttpRequest, thread_id: int, payload: TitleIn) -> ThreadOut:
    """The new title is screened like any text; the old one goes into the thread's history,
    which moderators see. A moderator changing someone else's title gives a ``reason`` (the
    author sees it). 403 ``edit_window`` after the window, ``locked`` on a locked thread;
    422 for an empty or over-long title; 429 ``rate_limited`` after 30 edits in 10 minutes."""
    user = _auth(request)
    thread = queries.get_thread(user, thread_id)
    if not permissions.is_moderator(user) and thread.author_id != user.pk:
        raise ApiError(403, "forbidden", "Only the thread's author or a moderator can do this.")
    thread = _call(
        services.edit_title,
        thread=thread,
        actor=user,
        title=payload.title,
        reason=payload.reason,
        request=request,
    )
    return _thread_out(thread)


@router.get("/threads/{thread_id}/posts", response=Page[PostOut], summary="Posts in order")
def list_posts(
    request: HttpRequest, thread_id: int, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    """Oldest first; ``cursor`` is the position of the last post of the previous page."""
    user = _auth(request)
    state = queries.viewer_state(user)  # with the roles get_thread needs: one query
    thread = queries.get_thread(user, thread_id)
    size = clamp_limit(limit)
    after = 0
    if cursor:
        position = row_id(cursor)
        if position is None:
            raise ApiError(400, "bad_cursor", "The cursor is not valid.")
        after = position
    posts = Post.objects.filter(thread=thread, position__gt=after, position__lte=after + size)
    views = queries.post_views(user, thread, posts, state=state)
    end = after + size
    return {
        "items": [_post_out(v) for v in views],
        "next_cursor": str(end) if end < thread.last_position else None,
    }


@router.post("/threads/{thread_id}/posts", response={201: PostOut}, summary="Reply (screened)")
def create_post(request: HttpRequest, thread_id: int, payload: PostIn) -> Status:
    user = _auth(request)
    thread = queries.get_thread(user, thread_id)
    post = _call(
        services.reply,
        thread=thread,
        author=user,
        body=payload.body,
        content_warning=payload.content_warning,
        anonymous=payload.anonymous,
        request=request,
    )
    return Status(201, _single_post(user, post))


@router.post(
    "/posts/{post_id}/reactions", response={201: PostOut}, summary="React (409 if already)"
)
def react(request: HttpRequest, post_id: int, payload: ReactionIn) -> Status:
    user = _auth(request)
    post = queries.get_post(user, post_id)
    _call(services.react, post=post, user=user, kind=payload.kind)
    return Status(201, _single_post(user, post))


@router.delete("/posts/{post_id}/reactions/{kind}", response={204: None}, summary="Unreact")
def unreact(request: HttpRequest, post_id: int, kind: str) -> Status:
    user = _auth(request)
    post = queries.get_post(user, post_id)
    if not services.unreact(post=post, user=user, kind=kind):
        raise ApiError(404, "not_found", "You had not reacted like that.")
    return Status(204, None)


@router.put("/threads/{thread_id}/follow", response={204: None}, summary="Follow a thread")
def follow(request: HttpRequest, thread_id: int) -> Status:
    user = _auth(request)
    services.follow_thread(thread=queries.get_thread(user, thread_id), user=user)
    return Status(204, None)


@router.delete("/threads/{thread_id}/follow", response={204: None}, summary="Stop following")
def unfollow(request: HttpRequest, thread_id: int) -> Status:
    user = _auth(request)
    services.unfollow_thread(thread=queries.get_thread(user, thread_id), user=user)
    return Status(204, None)


@router.post("/posts/{post_id}/reports", response={201: None}, summary="Report a post")
def report(request: HttpRequest, post_id: int, payload: ReportIn) -> Status:
    user = _auth(request)
    post = queries.get_post(user, post_id)
    if not permissions.can_report(user, post):
        raise ApiError(403, "forbidden", "You cannot report your own post.")
    _call(
        services.report_post,
        post=post,
        reporter=user,
        reason=payload.reason,
        detail=payload.detail,
        request=request,
    )
    return Status(201, None)


@router.get("/search", response=list[SearchHitOut], summary="Search posts I may read")
def search(request: HttpRequest, q: str, limit: int = 20) -> list[SearchHitOut]:
    hits = queries.search(_auth(request), q, limit=min(max(limit, 1), 50))
    return [
        SearchHitOut(
            post_id=h.post.pk,
            thread_id=h.post.thread_id,
            thread_title=h.post.thread.title,
            board=h.post.thread.board.slug,
            position=h.post.position,
            snippet=None if h.post.content_warning else h.post.body[:240],
            content_warning=h.post.content_warning,
        )
        for h in hits
    ]
