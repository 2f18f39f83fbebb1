"""Permission-aware reads. Every list the web or the API shows comes from here.

``get_*`` fetch and authorize in one call and raise Http404 for both "missing" and "not
yours". List functions use a fixed number of queries whatever the size of the forum.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from peerhaven.accounts.permissions import (
    Fact,
    FactsQuery,
    access_facts,
    access_is_primed,
    fetch_facts,
    prime_access,
)
from peerhaven.forums import permissions
from peerhaven.forums.models import (
    Block,
    Board,
    ModerationAction,
    Mute,
    Post,
    Reaction,
    ReactionKind,
    Report,
    Thread,
    ThreadFollow,
    ThreadReadState,
    Visibility,
)
from peerhaven.web.inputs import row_id

THREADS_PER_PAGE = 30
SEARCH_CANDIDATES = 500


def posts_per_page() -> int:
    return int(getattr(settings, "FORUMS_POSTS_PER_PAGE", 50))


def page_for_position(position: int) -> int:
    return (max(position, 1) - 1) // posts_per_page() + 1


# --- filters ----------------------------------------------------------------------------------


def _board_filter(user: Any, prefix: str = "") -> Q:
    if permissions.is_moderator(user):
        return Q()
    return ~Q(**{f"{prefix}visibility": Visibility.ROLE}) | Q(
        **{f"{prefix}required_role__in": sorted(user.roles)}
    )


def blocked_ids(user: Any) -> list[int]:
    return list(Block.objects.filter(blocker=user).values_list("blocked_id", flat=True))


def visible_threads(user: Any) -> QuerySet[Thread]:
    """Threads ``user`` may open: seen boards; removed or held ones only for their author."""
    if not permissions.is_member(user):
        return Thread.objects.none()
    return Thread.objects.filter(_board_filter(user, "board__")).filter(_thread_filter(user))


def _thread_filter(user: Any) -> Q:
    if permissions.is_moderator(user):
        return Q()
    return Q(deleted_at__isnull=True, is_held=False) | Q(author=user)


def visible_posts(user: Any, *, blocked: list[int] | None = None) -> QuerySet[Post]:
    """Posts whose text ``user`` may read: held/hidden ones only for author and moderators;
    posts that members ``user`` blocked wrote under their name are left out (anonymous posts
    stay: leaving them out would tell the blocker who wrote them)."""
    if not permissions.is_member(user):
        return Post.objects.none()
    qs = Post.objects.filter(_board_filter(user, "thread__board__"))
    if not permissions.is_moderator(user):
        qs = qs.filter(
            Q(
                thread__deleted_at__isnull=True,
                thread__is_held=False,
                is_held=False,
                is_hidden=False,
            )
            | Q(author=user)
        )
    blocked = blocked_ids(user) if blocked is None else blocked
    if blocked:
        qs = qs.exclude(author_id__in=blocked, is_anonymous=False)
    return qs


# --- the viewer's own state, in one query -------------------------------------------------------


@dataclass(frozen=True)
class ViewerState:
    """What a forum page needs to know about the person looking at it."""

    blocked: frozenset[int] = frozenset()
    muted_warnings: frozenset[str] = frozenset()
    muted_threads: frozenset[int] = frozenset()
    # About one thread (``viewer_state(thread_id=...)``):
    following: bool = False
    read_position: int = 0
    # The thread's named author blocked the viewer: no replies from them there.
    blocked_by_author: bool = False
    # The viewer's posts in the thread that a moderator acted on (the notes are for them).
    noted_posts: frozenset[int] = frozenset()
    # The viewer wrote anonymously in the thread: their reply form starts on anonymous, or a
    # reply by habit would put their name beside their anonymous post.
    anonymous_here: bool = False
    facts: tuple[Fact, ...] = ()


def _forum_facts(user_id: int, thread_id: int | None) -> FactsQuery:
    qn = connection.ops.quote_name
    block, mute = qn(Block._meta.db_table), qn(Mute._meta.db_table)
    sql = [f"SELECT 'block', blocked_id, '' FROM {block} WHERE blocker_id = %s"]  # noqa: S608 - table names from model metadata
    params: list[Any] = [user_id]
    mute_sql = f"SELECT 'mute', COALESCE(thread_id, 0), warning FROM {mute} WHERE user_id = %s"  # noqa: S608
    if thread_id is None:
        sql.append(mute_sql)
        params.append(user_id)
    else:
        follow = qn(ThreadFollow._meta.db_table)
        read = qn(ThreadReadState._meta.db_table)
        thread = qn(Thread._meta.db_table)
        action, post = qn(ModerationAction._meta.db_table), qn(Post._meta.db_table)
        sql += [
            f"{mute_sql} AND (thread_id IS NULL OR thread_id = %s)",
            f"SELECT 'follow', 1, '' FROM {follow} WHERE user_id = %s AND thread_id = %s",  # noqa: S608
            f"SELECT 'read', last_read_position, '' FROM {read} "  # noqa: S608
            f"WHERE user_id = %s AND thread_id = %s",
            f"SELECT 'blocked_by_author', 1, '' FROM {block} "  # noqa: S608
            f"INNER JOIN {thread} ON {thread}.author_id = {block}.blocker_id "
            f"WHERE {thread}.id = %s AND {block}.blocked_id = %s AND {thread}.is_anonymous = %s",
            f"SELECT 'noted', {action}.post_id, '' FROM {action} "  # noqa: S608
            f"INNER JOIN {post} ON {post}.id = {action}.post_id "
            f"WHERE {action}.thread_id = %s AND {post}.author_id = %s",
            f"SELECT 'anonymous_here', COUNT(*), '' FROM {post} "  # noqa: S608
            f"WHERE thread_id = %s AND author_id = %s AND is_anonymous = %s",
        ]
        params += [user_id, thread_id, user_id, thread_id, user_id, thread_id, thread_id, user_id]
        params += [False, thread_id, user_id, thread_id, user_id, True]
    return " UNION ALL ".join(sql), params


def viewer_state(user: Any, *, thread_id: int | None = None, unread: bool = False) -> ViewerState:
    """Blocks, mutes (and for ``thread_id``: follow, read mark, blocked by its author) in one
    query, together with the person's roles and two-factor state when not yet known this
    request, and with the header's unread count when ``unread``.

    Nothing is cached between requests: every fact is read fresh, so a revoked role, a block
    or a mute takes effect on the very next page.
    """
    parts = [_forum_facts(user.pk, thread_id)]
    primed = access_is_primed(user)
    if not primed:
        parts.append(access_facts(user.pk))
    if unread:
        from peerhaven.notifications.services import unread_facts

        parts.append(unread_facts(user.pk))
    facts = fetch_facts(*parts)
    if not primed:
        prime_access(user, facts)
    blocked, warnings, threads = set(), set(), set()
    following, read_position, blocked_by_author = False, 0, False
    noted: set[int] = set()
    anonymous_here = False
    for fact, number, text in facts:
        if fact == "block":
            blocked.add(number)
        elif fact == "mute":
            if number:
                threads.add(number)
            elif text:
                warnings.add(text)
        elif fact == "follow":
            following = True
        elif fact == "read":
            read_position = number
        elif fact == "blocked_by_author":
            blocked_by_author = True
        elif fact == "noted":
            noted.add(number)
        elif fact == "anonymous_here":
            anonymous_here = bool(number)
    return ViewerState(
        blocked=frozenset(blocked),
        muted_warnings=frozenset(warnings),
        muted_threads=frozenset(threads),
        following=following,
        read_position=read_position,
        blocked_by_author=blocked_by_author,
        noted_posts=frozenset(noted),
        anonymous_here=anonymous_here,
        facts=tuple(facts),
    )


def is_blocked_by_author(user: Any, thread: Thread) -> bool:
    """True if ``thread`` was started under their name by someone who blocked ``user``."""
    if thread.is_anonymous or thread.author_id is None or thread.author_id == user.pk:
        return False
    return Block.objects.filter(blocker_id=thread.author_id, blocked_id=user.pk).exists()


def visible_boards(user: Any) -> list[Board]:
    if not permissions.is_member(user):
        return []
    return list(Board.objects.filter(_board_filter(user)))


def get_board(user: Any, slug: str) -> Board:
    board = Board.objects.filter(slug=slug).first()
    if board is None or not permissions.can_see_board(user, board):
        raise Http404
    return board


def get_thread(user: Any, thread_id: int, *, with_author: bool = True) -> Thread:
    """The thread with its board (and its author, unless ``with_author`` is False: the
    thread page needs only ``author_id``), or Http404."""
    related = ("board", "author") if with_author else ("board",)
    thread = Thread.objects.select_related(*related).filter(pk=thread_id).first()
    if thread is None or not permissions.can_see_thread(user, thread):
        raise Http404
    return thread


def get_post(user: Any, post_id: int) -> Post:
    """A post in a thread ``user`` can see, whose text they may read."""
    post = (
        Post.objects.select_related("thread__board", "thread__author", "author")
        .filter(pk=post_id)
        .first()
    )
    if post is None or not permissions.can_see_thread(user, post.thread):
        raise Http404
    if not permissions.can_see_post_body(user, post):
        raise Http404
    return post


# --- board page -------------------------------------------------------------------------------


def encode_cursor(thread: Thread) -> str:
    raw = f"{thread.last_activity_at.isoformat()}|{thread.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|")
        when = parse_datetime(stamp)
    except (ValueError, UnicodeDecodeError):
        return None
    # A cursor comes back from the client: anything but the id we wrote is "not valid".
    if when is None or timezone.is_naive(when):
        return None
    position = row_id(pk)
    return None if position is None else (when, position)


@dataclass
class ThreadRow:
    thread: Thread
    unread: bool
    new_posts: int
    muted: bool = False


@dataclass
class ThreadPage:
    pinned: list[ThreadRow] = field(default_factory=list)
    rows: list[ThreadRow] = field(default_factory=list)
    next_cursor: str | None = None


def _rows(user: Any, threads: list[Thread]) -> list[ThreadRow]:
    states = dict(
        ThreadReadState.objects.filter(user=user, thread__in=[t.pk for t in threads]).values_list(
            "thread_id", "last_read_position"
        )
    )
    rows = []
    for t in threads:
        read = states.get(t.pk, 0)
        rows.append(
            ThreadRow(
                thread=t, unread=read < t.last_position, new_posts=max(t.last_position - read, 0)
            )
        )
    return rows


def board_threads(
    user: Any,
    board: Board,
    *,
    cursor: str | None = None,
    limit: int = THREADS_PER_PAGE,
    state: ViewerState | None = None,
) -> ThreadPage:
    """A page of ``board``'s threads, newest activity first, keyset-paginated.

    Pinned threads come first on the first page. Threads the person muted, or whose warning
    category they muted, and threads started under their name by people they blocked, are
    left out (anonymous ones stay: leaving them out would say who started them). Three or
    four queries whatever the number of threads, with ``state`` from ``viewer_state``.
    """
    state = state or viewer_state(user)
    # ``board`` was authorized by get_board; no join on it keeps the index order usable.
    qs = Thread.objects.filter(board=board).filter(_thread_filter(user))
    if state.muted_threads:
        qs = qs.exclude(pk__in=sorted(state.muted_threads))
    if state.muted_warnings:
        qs = qs.exclude(content_warning__in=sorted(state.muted_warnings))
    if state.blocked:
        qs = qs.exclude(author_id__in=sorted(state.blocked), is_anonymous=False)
    qs = qs.select_related("author", "board")
    page = ThreadPage()
    position = decode_cursor(cursor) if cursor else None
    pinned: list[Thread] = []
    if position is None:
        # Unordered in SQL so that the planner picks the small partial index of pinned
        # threads instead of walking the whole board in activity order; sorted here.
        pinned = sorted(
            qs.filter(is_pinned=True).order_by()[:50],
            key=lambda t: (t.last_activity_at, t.pk),
            reverse=True,
        )[:10]
    else:
        when, pk = position
        # The first condition bounds the index range; the second breaks ties on the same time.
        qs = qs.filter(last_activity_at__lte=when).filter(
            Q(last_activity_at__lt=when) | Q(id__lt=pk)
        )
    threads = list(qs.exclude(is_pinned=True).order_by("-last_activity_at", "-id")[: limit + 1])
    more = len(threads) > limit
    threads = threads[:limit]
    rows = _rows(user, pinned + threads)
    page.pinned, page.rows = rows[: len(pinned)], rows[len(pinned) :]
    if more and threads:
        page.next_cursor = encode_cursor(threads[-1])
    return page


# --- thread page ------------------------------------------------------------------------------


@dataclass
class ReactionRow:
    kind: str
    label: str
    count: int
    mine: bool
    names: list[str]


@dataclass
class PostView:
    post: Post
    show_body: bool
    blocked: bool
    muted_warning: bool
    author_visible: bool
    reacted: set[str]
    reactors: dict[str, list[str]]
    can_edit: bool
    is_own: bool = False
    # For the post's author: what moderators did to it and why (ModerationAction, newest
    # first), shown on the post; others do not see these reasons.
    notes: list[Any] = field(default_factory=list)
    # (kind, label) of the four reactions, in order, in the viewer's language.
    labels: list[tuple[str, str]] = field(default_factory=list)
    _rows: list[ReactionRow] | None = field(default=None, init=False, repr=False)

    @property
    def reactions(self) -> list[ReactionRow]:
        """The four reactions in order, with counts, whether I gave it, and who did (built
        only when the post is rendered, not on every view of a cached page)."""
        if self._rows is None:
            self._rows = [
                ReactionRow(
                    kind=kind,
                    label=label,
                    count=self.post.count_for(kind),
                    mine=kind in self.reacted,
                    names=self.reactors.get(kind, []),
                )
                for kind, label in self.labels
            ]
        return self._rows


@dataclass
class ThreadView:
    thread: Thread
    posts: list[PostView]
    page: int
    pages: int
    following: bool
    muted: bool
    moderator: bool
    can_reply: bool
    moderation: list[Any] = field(default_factory=list)
    # How far the viewer had read before this page (0: never opened).
    read_position: int = 0
    can_edit_title: bool = False


# Only what a post's fragment and the API show: no Markdown source, no screening evidence,
# and of the author only the name.
POST_FIELDS = (
    "id", "thread_id", "author_id", "position", "body_html", "content_warning", "is_anonymous",
    "risk_level", "is_held", "is_hidden", "hidden_reason", "created_at", "edited_at",
    "hear_you_count", "me_too_count", "thank_you_count", "strength_count",
    "author__id", "author__display_name",
)  # fmt: skip


def post_views(
    user: Any, thread: Thread, posts: QuerySet[Post], *, state: ViewerState | None = None
) -> list[PostView]:
    """``posts`` of ``thread`` as ``user`` sees them, with reactions, in two queries (three
    without ``state`` from ``viewer_state``)."""
    state = state or viewer_state(user)
    moderator = permissions.is_moderator(user)
    if not moderator:
        posts = posts.filter(Q(is_held=False) | Q(author=user))
    rows = list(posts.select_related("author").only(*POST_FIELDS).order_by("position"))
    # Plain tuples, not model instances: a page can carry hundreds of reactions.
    given: dict[int, list[tuple[str, int, str]]] = {}
    # A reaction given while anonymous in the thread reads as the anonymous posts do:
    # "Anonymous member" to others, with "(you)" for its giver and the name for moderators.
    anonymous = gettext("Anonymous member")
    you = f"{anonymous} ({gettext('you')})"
    for post_id, kind, user_id, name, is_anonymous in (
        Reaction.objects.filter(post__in=[p.pk for p in rows])
        .order_by("created_at", "id")
        .values_list("post_id", "kind", "user_id", "user__display_name", "is_anonymous")
    ):
        if is_anonymous:
            if user_id == user.pk:
                name = you
            else:
                name = f"{anonymous} ({name})" if moderator else anonymous
        given.setdefault(post_id, []).append((kind, user_id, name))
    labels = [(kind, str(label)) for kind, label in ReactionKind.choices]
    now = timezone.now()
    views: list[PostView] = []
    for post in rows:
        post.thread = thread
        reacted: set[str] = set()
        reactors: dict[str, list[str]] = {}
        for kind, user_id, name in given.get(post.pk, ()):
            reactors.setdefault(kind, []).append(name)
            if user_id == user.pk:
                reacted.add(kind)
        # A block hides what the member wrote under their name, never their anonymous posts:
        # a placeholder there would tell the blocker who wrote them.
        is_blocked = (
            post.author_id in state.blocked and not post.is_anonymous and post.author_id != user.pk
        )
        views.append(
            PostView(
                post=post,
                show_body=permissions.can_see_post_body(user, post) and not is_blocked,
                blocked=is_blocked,
                muted_warning=bool(post.content_warning in state.muted_warnings),
                author_visible=permissions.can_see_author(user, post),
                reacted=reacted,
                reactors=reactors,
                can_edit=permissions.can_edit_post(user, post, now=now),
                is_own=post.author_id == user.pk,
                labels=labels,
            )
        )
    return views


def thread_view(
    user: Any, thread: Thread, *, page: int = 1, state: ViewerState | None = None
) -> ThreadView:
    """One page of a thread's posts with reactions (counts and who), in constant queries:
    with ``state`` from ``viewer_state(thread_id=...)``, two (three for moderators and the
    thread's author, who also see the moderation notes, and for a member with notes on their
    own posts on the page)."""
    state = state or viewer_state(user, thread_id=thread.pk)
    size = posts_per_page()
    pages = page_for_position(thread.last_position)
    page = min(max(page, 1), pages)
    start = (page - 1) * size + 1
    posts = Post.objects.filter(thread=thread, position__gte=start, position__lt=start + size)
    views = post_views(user, thread, posts, state=state)
    moderator = permissions.is_moderator(user)
    listed: QuerySet[ModerationAction] | None = None
    if moderator:
        listed = thread.moderation.all()
    elif thread.author_id is not None and thread.author_id == user.pk:
        # The thread's author sees what was done to the thread and to their own posts, not a
        # moderator's note to someone else about that person's post (a released held post).
        listed = thread.moderation.filter(Q(post__isnull=True) | Q(post__author=user))
    moderation = _moderation_notes(listed, views, state)
    return ThreadView(
        thread=thread,
        posts=views,
        page=page,
        pages=pages,
        following=state.following,
        muted=thread.pk in state.muted_threads,
        moderator=moderator,
        can_reply=permissions.can_reply(user, thread, blocked_by_author=state.blocked_by_author),
        moderation=moderation,
        read_position=state.read_position,
        can_edit_title=permissions.can_edit_title(user, thread),
    )


def _moderation_notes(
    listed: QuerySet[ModerationAction] | None, views: list[PostView], state: ViewerState
) -> list[Any]:
    """The thread's "Moderation notes" (the newest 20 of ``listed``, for moderators and the
    thread's author), and on each of the viewer's own posts on the page (``PostView.notes``)
    what a moderator did to it and why: in one query, and in none when there is nothing to
    show (which of the viewer's posts have notes comes with ``state``)."""
    own = sorted(pv.post.pk for pv in views if pv.is_own and pv.post.pk in state.noted_posts)
    if listed is None and not own:
        return []
    newest = ("-created_at", "-id")
    if listed is None:
        rows = ModerationAction.objects.filter(post_id__in=own).order_by(*newest)
    elif own:
        # Every note on the viewer's own posts is also in ``listed``: the newest 20 of these
        # rows are the newest 20 of ``listed``.
        rows = ModerationAction.objects.filter(
            Q(pk__in=listed.order_by(*newest).values("pk")[:20]) | Q(post_id__in=own)
        ).order_by(*newest)
    else:
        rows = listed.order_by(*newest)[:20]
    found = list(rows.select_related("actor", "post"))
    notes: dict[int, list[Any]] = {pk: [] for pk in own}
    for note in found:
        if note.post_id in notes:
            notes[note.post_id].append(note)
    for pv in views:
        pv.notes = notes.get(pv.post.pk, [])
    return found[:20] if listed is not None else []


# --- needs a reply, search, reports ------------------------------------------------------------


def needs_reply_age() -> timedelta:
    return timedelta(hours=float(getattr(settings, "FORUMS_NEEDS_REPLY_HOURS", 12)))


def needs_reply(user: Any, *, older_than: timedelta | None = None, limit: int = 50) -> list[Thread]:
    """Threads older than ``older_than`` that nobody else has answered yet, oldest first.

    Like the board pages, it leaves out threads the person muted, threads with a warning
    category they muted and threads started under their name by people they blocked."""
    cutoff = timezone.now() - (older_than if older_than is not None else needs_reply_age())
    mutes = Mute.objects.filter(user=user)
    return list(
        visible_threads(user)
        .filter(answered_at__isnull=True, created_at__lte=cutoff, is_locked=False)
        .filter(deleted_at__isnull=True, is_held=False)
        .exclude(board__visibility=Visibility.ANNOUNCEMENTS)
        .exclude(author=user)
        .exclude(
            author_id__in=Block.objects.filter(blocker=user).values("blocked_id"),
            is_anonymous=False,
        )
        .exclude(pk__in=mutes.filter(thread__isnull=False).values("thread_id"))
        .exclude(content_warning__in=mutes.filter(thread__isnull=True).values("warning"))
        .select_related("board", "author")
        .order_by("created_at", "id")[:limit]
    )


@dataclass
class SearchHit:
    post: Post
    rank: float


def search(user: Any, query: str, *, limit: int = 20) -> list[SearchHit]:
    """Posts matching ``query`` that ``user`` may read, best first.

    PostgreSQL: full-text search (websearch syntax, English stemming) ranked with ts_rank on
    the post body, plus thread titles for opening posts, served by GIN expression indexes.
    SQLite: case-insensitive substring match, newest first.
    """
    # NUL cannot be stored or compared in PostgreSQL text (a 500); it is no word anyway.
    query = " ".join((query or "").replace("\x00", " ").split())[:200]
    if len(query) < 2 or not permissions.is_member(user):
        return []
    base = visible_posts(user).select_related("thread__board", "author")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        q = SearchQuery(query, config="english", search_type="websearch")
        body_vector = SearchVector("body", config="english")
        # Ranking recomputes each match's vector, so rank a bounded set of candidates (the
        # newest matches, found through the GIN index) rather than every match of a common
        # word in a million posts.
        candidates = (
            base.annotate(vector=body_vector)
            .filter(vector=q)
            .order_by("-id")
            .values("id")[:SEARCH_CANDIDATES]
        )
        by_body: list[Any] = list(
            Post.objects.filter(id__in=Subquery(candidates))
            .select_related("thread__board", "author")
            .annotate(rank=SearchRank(body_vector, q))
            .order_by("-rank", "-id")[:limit]
        )
        title_vector = SearchVector("title", config="english")
        # No LIMIT in SQL: with one, the planner may walk the whole table hoping for an early
        # match instead of asking the GIN index. The newest matches are kept here.
        title_ids = sorted(
            visible_threads(user)
            .annotate(vector=title_vector)
            .filter(vector=q)
            .order_by()
            .values_list("pk", flat=True),
            reverse=True,
        )[:SEARCH_CANDIDATES]
        by_title: list[Any] = list(
            base.filter(thread_id__in=title_ids, position=1)
            .annotate(rank=SearchRank(SearchVector("thread__title", config="english"), q))
            .order_by("-rank", "-id")[:limit]
        )
        hits: dict[int, SearchHit] = {}
        for post in by_body:
            hits[post.pk] = SearchHit(post=post, rank=float(post.rank))
        for post in by_title:
            # A title match counts for more than a match in the body.
            rank = float(post.rank) * 2
            if post.pk in hits:
                hits[post.pk].rank += rank
            else:
                hits[post.pk] = SearchHit(post=post, rank=rank)
        return sorted(hits.values(), key=lambda h: (-h.rank, -h.post.pk))[:limit]
    posts = base.filter(
        Q(body__icontains=query) | Q(position=1, thread__title__icontains=query)
    ).order_by("-created_at", "-id")[:limit]
    return [SearchHit(post=p, rank=0.0) for p in posts]


def open_reports(user: Any, *, limit: int = 100) -> list[Report]:
    permissions.check_moderate(user)
    return list(
        Report.objects.filter(resolved_at__isnull=True)
        .select_related("post__thread__board", "post__author", "reporter")
        .order_by("created_at", "id")[:limit]
    )


def held_posts(user: Any, *, limit: int = 100) -> list[Post]:
    permissions.check_moderate(user)
    return list(
        Post.objects.filter(is_held=True)
        .select_related("thread__board", "author")
        .order_by("created_at", "id")[:limit]
    )
