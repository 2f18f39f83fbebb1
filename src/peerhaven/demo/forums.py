"""Demo forums: the boards from the forums issue, about forty threads, replies and reactions.

Everything is invented for the demo. Written through the forum services (so counts, follows,
screening and notifications behave as in real use), then spread back in time so that the
board pages, unread state and the "needs a reply" view have something to show.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from peerhaven.accounts.models import Role, User
from peerhaven.demo.people import DemoContext
from peerhaven.forums import services
from peerhaven.forums.models import Board, Post, ReactionKind, Thread, Visibility

BOARDS = [
    ("introductions", "Introductions", "Say hello, as much or as little as you like.", "members"),
    ("living-with-depression", "Living with depression", "The everyday of it: the hard days, "
     "the okay days and what gets you through.", "members"),
    ("postpartum", "Postpartum", "Depression during pregnancy and after a baby arrives.",
     "members"),
    ("students", "Students", "Deadlines, exams, moving away, and depression on top.", "members"),
    ("carers-and-family", "Carers and family", "For people supporting someone they love.",
     "members"),
    ("small-wins", "Small wins", "Showered? Replied to a message? It counts. Tell us.", "members"),
    ("peer-lounge", "Peer supporters' lounge", "Debriefs and tips between trained peer "
     "supporters.", "role"),
    ("announcements", "Announcements", "News from the Peerhaven team.", "announcements"),
]  # fmt: skip

# (board, title, body, content warning, anonymous)
THREADS = [
    ("introductions", "Hello from a rainy town", "I have lurked for a few weeks and finally "
     "made an account. Diagnosed two years ago, still figuring it out. Glad this place exists.",
     "", False),
    ("introductions", "New here, not sure what to say", "My counsellor suggested peer support. "
     "I am not great at talking about it yet, but I am reading everything.", "", False),
    ("introductions", "Back after a long break", "I was here a while ago, things got better, "
     "then slid again. Trying not to see that as failing.", "", False),
    ("introductions", "Hi from a night-shift nurse", "Odd hours, odd moods. Hoping to find "
     "people who are awake when I am.", "", False),
    ("introductions", "First post, shaky hands", "Just saying hi. That is all I can manage "
     "today and I am proud of it.", "", True),
    ("living-with-depression", "Mornings are the hardest part", "Does anyone else wake up and "
     "feel the whole day pressing down before it starts? What helps you get from bed to kettle?",
     "", False),
    ("living-with-depression", "Telling my boss", "I am thinking of telling my manager why I "
     "have been slower lately. Did it go well for anyone? What did you say?", "", False),
    ("living-with-depression", "The fog and reading", "I used to read a book a week. Now I read "
     "the same page four times. Is the concentration thing common?", "", False),
    ("living-with-depression", "Medication side effects", "Two weeks into a new prescription. "
     "Tired and a bit queasy. My GP says give it time. How long did yours take to settle?",
     "", False),
    ("living-with-depression", "A year since Dad died", "The anniversary is next week and I "
     "feel it coming like weather. Grief and depression are tangled together for me.",
     "grief", False),
    ("living-with-depression", "Weekends feel longer than weekdays", "Without work to structure "
     "the day, Saturday just stretches. How do you fill the hours gently?", "", False),
    ("living-with-depression", "Cooking when everything is effort", "Share your lowest-effort "
     "meals. Mine is toast with beans and I refuse to feel bad about it.", "", False),
    ("living-with-depression", "Therapy waitlist", "Eight months on the list so far. How are "
     "people coping with the wait?", "", False),
    ("living-with-depression", "Old habits I am trying to unlearn",
        "When things got really bad a long time ago, I coped in ways I am not proud of. It has "
        "been years, but on bad days the old pull comes back. Writing it here instead.",
        "self_harm", True),
    ("living-with-depression", "Is it okay to feel nothing?", "Not sad exactly. Just flat. "
     "Like someone turned the colour down.", "", False),
    ("postpartum", "Nobody told me it could feel like this", "Everyone said I would be glowing. "
     "I love my son and I also cry in the shower every day. Is this normal?", "", True),
    ("postpartum", "Partner does not understand", "He thinks I just need more sleep. Sleep "
     "would help, but it is more than that.", "", False),
    ("postpartum", "Asking the health visitor for help", "I finally said it out loud at the "
     "check-up. She was kind. Posting in case someone needs a nudge.", "", False),
    ("postpartum", "Feeding struggles", "The pressure about feeding made everything worse for "
     "me. Anyone else?", "eating", False),
    ("postpartum", "Second baby, different story", "Fine with my first, hit hard with my "
     "second. It is confusing.", "", False),
    ("students", "Exams and a brain that will not switch on", "Finals in six weeks and I cannot "
     "focus for ten minutes. Has anyone asked for extensions on health grounds?", "", False),
    ("students", "First term away from home", "Everyone seems to be having the best time. I "
     "mostly stay in my room.", "", False),
    ("students", "Talking to my tutor", "My tutor was far more understanding than I expected. "
     "Worth a try if you are scared to.", "", False),
    ("students", "Group projects and low energy", "How do you keep up with group work when "
     "some days you cannot reply to anything?", "", False),
    ("students", "Drinking to get through socials", "I noticed I only go out if I drink first. "
     "Not sure it is helping.", "substance", False),
    ("carers-and-family", "My brother will not get out of bed", "How do you support someone "
     "without nagging? I want to help and I keep getting it wrong.", "", False),
    ("carers-and-family", "Looking after myself too", "Caring for my wife has worn me thin. "
     "Feeling guilty for even saying that.", "", False),
    ("carers-and-family", "What to say and what not to say", "Collecting phrases that helped "
     "you when you were low, so carers can learn from them.", "", False),
    ("carers-and-family", "Teenage daughter and low mood", "She has been withdrawn for months. "
     "We have a GP appointment. Any advice for the first conversation?", "", False),
    ("small-wins", "Went for a walk", "Ten minutes round the block. The air was cold and it "
     "helped.", "", False),
    ("small-wins", "Replied to all my messages", "Some were weeks old. Everyone was kind about "
     "it.", "", False),
    ("small-wins", "Changed the bedsheets", "Took three days of thinking about it and five "
     "minutes of doing it.", "", False),
    ("small-wins", "Booked a GP appointment", "The phone call I have been dreading for a month. "
     "Done.", "", False),
    ("small-wins", "Ate a proper lunch", "Vegetables and everything.", "", False),
    ("small-wins", "Laughed at something", "A dog in a raincoat. It has been a while.", "",
     False),
    ("small-wins", "Said no to something", "I turned down an extra shift to rest. No guilt. "
     "Okay, a little guilt.", "", False),
    ("peer-lounge", "Debrief: a heavy week", "Lots of first-time posters in distress this week. "
     "Remember to take your own breaks.", "", False),
    ("peer-lounge", "Good phrases for first replies", "What do you open with when someone posts "
     "for the first time?", "", False),
    ("announcements", "Welcome to the Peerhaven forums", "Be kind, use content warnings, and "
     "if someone is in danger, use Report and Get help now. Thank you for being here.", "",
     False),
    ("announcements", "New: the Needs a reply view", "Peer supporters can now see threads "
     "waiting for a first reply. A few kind words make a difference.", "", False),
]  # fmt: skip

REPLIES = [
    "I hear you. You are not the only one.",
    "Same here. It helped me to lower the bar: one small thing at a time.",
    "Thank you for writing this, it put words to something I could not say.",
    "Sending strength. Be gentle with yourself today.",
    "That sounds really hard. I am glad you posted.",
    "For me it got easier after a few weeks, though not in a straight line.",
    "I found it helped to write down one thing I managed each evening.",
    "Me too, exactly this. Thank you for saying it out loud.",
    "Well done. That counts, and it is not small at all.",
    "I asked my GP about this and they were more understanding than I feared.",
    "Keeping you company from here. Check back in and tell us how it goes?",
    "The waiting is the worst part. The crisis lines on the Get help page are there meanwhile.",
]

# Threads left without a reply, so "Needs a reply" has something to show.
UNANSWERED = {"Is it okay to feel nothing?", "Second baby, different story", "Said no to something"}


def _boards() -> dict[str, Board]:
    boards = {}
    for position, (slug, name, description, visibility) in enumerate(BOARDS, start=1):
        board, _created = Board.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "position": position,
                "visibility": visibility,
                "required_role": Role.PEER_SUPPORTER if visibility == Visibility.ROLE else "",
            },
        )
        boards[slug] = board
    return boards


def load_forums(ctx: DemoContext) -> None:
    boards = _boards()
    if Thread.objects.filter(board__in=boards.values()).exists():
        ctx.tick(len(THREADS))
        return
    rng = ctx.rng
    members = [u for k, u in ctx.users.items() if k.startswith(("member", "peer"))]
    peers = [u for k, u in ctx.users.items() if k.startswith("peer")]
    moderator = ctx.users.get("moderator")
    for index, (slug, title, body, warning, anonymous) in enumerate(THREADS):
        board = boards[slug]
        if board.is_announcements:
            author = moderator or members[0]
        elif board.visibility == Visibility.ROLE:
            author = rng.choice(peers)
        else:
            author = ctx.users["member"] if index == 5 else rng.choice(members)
        pool = peers if board.visibility == Visibility.ROLE else members
        with transaction.atomic():
            thread = services.create_thread(
                board=board,
                author=author,
                title=title,
                body=body,
                content_warning=warning,
                anonymous=anonymous,
            )
            replies = 0 if title in UNANSWERED or board.is_announcements else rng.randint(1, 6)
            repliers: list[User] = []
            for _ in range(replies):
                replier = rng.choice([p for p in pool if p.pk != author.pk])
                repliers.append(replier)
                services.reply(thread=thread, author=replier, body=rng.choice(REPLIES))
            for reactor in rng.sample(pool, k=min(len(pool), rng.randint(0, 9))):
                if reactor.pk == author.pk:
                    continue
                kinds = rng.sample(list(ReactionKind.values), k=rng.randint(1, 2))
                if rng.random() < 0.6:
                    kinds = list({*kinds, ReactionKind.ME_TOO})
                for kind in kinds:
                    services.react(post=thread.posts.get(position=1), user=reactor, kind=kind)
            _spread_in_time(thread, days_ago=rng.uniform(0.6, 40), rng_minutes=rng.randint(20, 600))
        ctx.tick(1)
    for board in boards.values():
        latest = Thread.objects.filter(board=board).aggregate(last=Max("last_activity_at"))
        Board.objects.filter(pk=board.pk).update(last_activity_at=latest["last"])
    # One open report, so the moderation queue has something to show.
    flat = Thread.objects.filter(title="Is it okay to feel nothing?").first()
    reporter = ctx.users.get("peer2")
    if flat is not None and reporter is not None and flat.author_id != reporter.pk:
        services.report_post(
            post=flat.posts.get(position=1),
            reporter=reporter,
            reason="risk",
            detail="Nobody has answered yet; could someone on duty check in?",
        )
    welcome = Thread.objects.filter(board=boards["announcements"]).order_by("pk").first()
    if welcome is not None and moderator is not None:
        Thread.objects.filter(pk=welcome.pk).update(is_pinned=True, is_locked=True)


def _spread_in_time(thread: Thread, *, days_ago: float, rng_minutes: int) -> None:
    """Move a freshly written thread back in time, replies spaced out after the opening post."""
    start = timezone.now() - timedelta(days=days_ago)
    last = start
    for post in Post.objects.filter(thread=thread).order_by("position"):
        when = start + timedelta(minutes=rng_minutes * (post.position - 1))
        last = when
        Post.objects.filter(pk=post.pk).update(created_at=when)
    thread.refresh_from_db(fields=["answered_at"])
    answered = start + timedelta(minutes=rng_minutes) if thread.answered_at else None
    Thread.objects.filter(pk=thread.pk).update(
        created_at=start, last_activity_at=last, answered_at=answered
    )
