"""Recurrence rules and time zones, as pure functions (no database).

A rule is an RFC 5545 RRULE ("FREQ=WEEKLY;BYDAY=TU", "FREQ=MONTHLY;BYDAY=2TU") evaluated on the
group's local wall-clock time. Each occurrence is then placed in the group's time zone and
converted to UTC, so a weekly 19:00 meeting is 19:00 local before and after a daylight-saving
change (its UTC time moves instead).

A local time that does not exist (inside a spring-forward gap) resolves with the offset before
the change, i.e. it moves forward by the size of the gap; an ambiguous local time (autumn) takes
the first occurrence (``fold=0``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from dateutil.rrule import rrule, rrulestr  # type: ignore[import-untyped]  # no stubs installed
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

# Meetings are at most daily: finer frequencies are almost certainly a mistake.
ALLOWED_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


def validate_time_zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name, or a ValidationError saying what is wrong."""
    if not name or name not in _zones():
        raise ValidationError(
            _("“%(tz)s” is not a time zone we know. Use an IANA name such as Europe/London.")
            % {"tz": name},
            code="invalid_time_zone",
        )
    return ZoneInfo(name)


_ZONES: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def normalise_rule(text: str) -> str:
    rule = (text or "").strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[len("RRULE:") :]
    return rule.strip()


def parse_rule(text: str, *, dtstart: datetime) -> rrule:
    """Parse and check an RRULE; raise ValidationError with a clear message when invalid."""
    rule = normalise_rule(text)
    if not rule:
        raise ValidationError(_("Please give a recurrence rule."), code="invalid_rrule")
    if "\n" in rule or "DTSTART" in rule.upper():
        raise ValidationError(
            _("Give only the RRULE part (for example FREQ=WEEKLY;BYDAY=TU)."),
            code="invalid_rrule",
        )
    parts = dict(p.split("=", 1) for p in rule.upper().split(";") if "=" in p)
    freq = parts.get("FREQ")
    if freq not in ALLOWED_FREQS:
        raise ValidationError(
            _("The rule needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY (got “%(freq)s”).")
            % {"freq": freq or ""},
            code="invalid_rrule",
        )
    finer = sorted({"BYHOUR", "BYMINUTE", "BYSECOND"} & set(parts))
    if finer:
        # The time of day is the schedule's local start; these would make many meetings a day
        # (FREQ=DAILY;BYHOUR=0,…,23;BYMINUTE=0,…,59 is 1,440 a day, 80,000 in eight weeks).
        raise ValidationError(
            _("Meetings happen at most once a day at the start time; remove %(parts)s.")
            % {"parts": ", ".join(finer)},
            code="invalid_rrule",
        )
    if parts.get("UNTIL", "").endswith("Z"):
        raise ValidationError(
            _("Give UNTIL as a local date, without “Z” (for example UNTIL=20271231)."),
            code="invalid_rrule",
        )
    try:
        parsed = rrulestr(rule, dtstart=dtstart)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ValidationError(
            _("This is not a valid recurrence rule: %(error)s") % {"error": str(exc) or rule},
            code="invalid_rrule",
        ) from None
    if not isinstance(parsed, rrule):  # pragma: no cover - rrulestr returns rruleset for sets
        raise ValidationError(_("Give a single RRULE."), code="invalid_rrule")
    if not _has_dates(rule, dtstart):
        raise ValidationError(
            _(
                "This rule never gives a date (for example the 30th of February). "
                "Check BYMONTH, BYMONTHDAY, BYDAY and BYSETPOS."
            ),
            code="invalid_rrule",
        )
    return parsed


# The Gregorian calendar repeats every 400 years (146,097 days, a whole number of weeks), and
# so does the run of months, weeks and days a rule counts from its start. The probe runs the
# rule from its own start moved forward by whole 400-year cycles to between 9569 and 9968, so it
# sees the very same dates, weekdays and INTERVAL steps, and ends at the year 9999.
_CYCLE_YEARS = 400
_PROBE_LAST_START = 9968


def _probe_year(year: int) -> int:
    """``year`` moved forward by whole 400-year cycles, to at most ``_PROBE_LAST_START``."""
    return year + _CYCLE_YEARS * max(0, (_PROBE_LAST_START - year) // _CYCLE_YEARS)


def _has_dates(rule: str, dtstart: datetime) -> bool:
    """Whether the rule's filters can ever match. dateutil looks for a next date until the year
    9999 without giving up, so a rule with none (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) costs
    seconds every time it is evaluated. Probing the same rule (no UNTIL or COUNT) from its start
    moved by whole 400-year cycles bounds that search: the calendar and the rule's INTERVAL steps
    are the same there (a yearly rule with INTERVAL=4 on 29 February lands on the same common or
    leap years), and the probe covers between 32 and 431 years of the rule (about 375 for a
    start in the 2020s), which takes in every weekday-and-date combination."""
    return _probe_has_dates(rule, dtstart)


@lru_cache(maxsize=512)
def _probe_has_dates(rule: str, dtstart: datetime) -> bool:
    # Cached: a rule saved before this check existed is read on every directory view, and the
    # probe of a rule without dates walks every month up to 9999 (a few thousand steps).
    parsed = rrulestr(rule, dtstart=dtstart)
    probe = parsed.replace(
        dtstart=dtstart.replace(year=_probe_year(dtstart.year)),
        until=None,
        count=None,
        cache=False,
    )
    return next(iter(probe), None) is not None


def local_occurrences(
    *, rule: str, starts_on: date, local_start: time, until: date, after: date | None = None
) -> list[datetime]:
    """Naive local datetimes of the occurrences from ``after`` (or the start) to ``until``."""
    dtstart = datetime.combine(starts_on, local_start)
    parsed = parse_rule(rule, dtstart=dtstart)
    lo = datetime.combine(max(after or starts_on, starts_on), time.min)
    hi = datetime.combine(until, time.max)
    return list(parsed.between(lo, hi, inc=True))


def to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    """Place a naive local wall time in ``tz`` and convert it to UTC."""
    aware = local.replace(tzinfo=tz, fold=0)
    # Round-trip through UTC: a time inside a spring-forward gap comes back shifted forward.
    return aware.astimezone(UTC)


def occurrences_utc(
    *,
    rule: str,
    time_zone: str,
    starts_on: date,
    local_start: time,
    duration: timedelta,
    until: date,
    after: date | None = None,
) -> list[tuple[datetime, datetime]]:
    """(start, end) in UTC for each occurrence; the end is the local start plus ``duration``."""
    tz = validate_time_zone(time_zone)
    out = []
    for local in local_occurrences(
        rule=rule, starts_on=starts_on, local_start=local_start, until=until, after=after
    ):
        start = to_utc(local, tz)
        end = to_utc(local + duration, tz)
        if end <= start:  # a meeting across a fall-back hour: keep the real duration
            end = start + duration
        out.append((start, end))
    return out


_DAYS = {
    "MO": _lazy("Monday"),
    "TU": _lazy("Tuesday"),
    "WE": _lazy("Wednesday"),
    "TH": _lazy("Thursday"),
    "FR": _lazy("Friday"),
    "SA": _lazy("Saturday"),
    "SU": _lazy("Sunday"),
}
_ORDINALS = {
    "1": _lazy("first"),
    "2": _lazy("second"),
    "3": _lazy("third"),
    "4": _lazy("fourth"),
    "-1": _lazy("last"),
}


# --- The friendly form of a rule (what schedule editors choose) ---------------------------------

WEEKLY = "weekly"
EVERY_OTHER_WEEK = "every_other_week"
MONTHLY = "monthly"
CUSTOM = "custom"
FREQUENCIES = (WEEKLY, EVERY_OTHER_WEEK, MONTHLY, CUSTOM)
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKS_OF_MONTH = (1, 2, 3, 4, -1)


def _parts(text: str) -> dict[str, str]:
    rule = normalise_rule(text).upper()
    return dict(p.split("=", 1) for p in rule.split(";") if "=" in p)


def _until(parts: dict[str, str]) -> date | None:
    raw = parts.get("UNTIL", "")
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:8])) if raw else None
    except ValueError:
        return None


def rule_until(text: str) -> date | None:
    """The local last date of a rule's ``UNTIL``, if it has one."""
    return _until(_parts(text))


def build_rule(
    *,
    frequency: str,
    weekday: str | None = None,
    week_of_month: int | None = None,
    ends_on: date | None = None,
    rrule_text: str = "",
) -> str:
    """The RRULE for a friendly choice ("every other week on Thursday", "monthly on the 2nd
    Tuesday"), ending on ``ends_on`` (inclusive, local). ``custom`` takes ``rrule_text`` as is.

    Raises ValidationError keyed by the field at fault.
    """
    if frequency == CUSTOM:
        rule = normalise_rule(rrule_text)
        if not rule:
            raise ValidationError(
                {"rrule": [_("Give the rule (for example FREQ=WEEKLY;BYDAY=TU).")]}
            )
        return rule
    if frequency not in FREQUENCIES:
        raise ValidationError(
            {"frequency": [_("Choose weekly, every other week, monthly or a custom rule.")]}
        )
    day = (weekday or "").upper()
    if day not in WEEKDAYS:
        raise ValidationError({"weekday": [_("Choose the day of the week.")]})
    if frequency == WEEKLY:
        rule = f"FREQ=WEEKLY;BYDAY={day}"
    elif frequency == EVERY_OTHER_WEEK:
        rule = f"FREQ=WEEKLY;INTERVAL=2;BYDAY={day}"
    else:
        if week_of_month not in WEEKS_OF_MONTH:
            raise ValidationError(
                {"week_of_month": [_("Choose the first, second, third, fourth or last week.")]}
            )
        rule = f"FREQ=MONTHLY;BYDAY={week_of_month}{day}"
    if ends_on is not None:
        # The whole last day counts: an occurrence at 19:00 on ``ends_on`` is included.
        rule += f";UNTIL={ends_on:%Y%m%d}T235959"
    return rule


def read_rule(text: str) -> dict[str, object]:
    """The friendly fields of a rule (``frequency`` is ``custom`` when it has no friendly form)."""
    parts = _parts(text)
    freq, interval = parts.get("FREQ"), parts.get("INTERVAL", "1")
    days = [d for d in parts.get("BYDAY", "").split(",") if d]
    simple = not set(parts) - {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "WKST"}
    fields: dict[str, object] = {
        "frequency": CUSTOM,
        "weekday": None,
        "week_of_month": None,
        "ends_on": _until(parts),
        "rrule": normalise_rule(text),
    }
    if not simple or len(days) != 1:
        return fields
    day = days[0]
    if freq == "WEEKLY" and day in WEEKDAYS and interval in ("1", "2"):
        fields.update(frequency=WEEKLY if interval == "1" else EVERY_OTHER_WEEK, weekday=day)
    elif freq == "MONTHLY" and interval == "1" and day[-2:] in WEEKDAYS:
        try:
            nth = int(day[:-2])
        except ValueError:
            return fields
        if nth in WEEKS_OF_MONTH:
            fields.update(frequency=MONTHLY, weekday=day[-2:], week_of_month=nth)
    return fields


def describe_rule(text: str) -> str:
    """Say a common rule in words ("Every other week on Thursday"); else give the rule itself."""
    parts = _parts(text)
    until = _until(parts) if "UNTIL" in parts else None
    if "UNTIL" in parts and until is not None:
        rest = ";".join(f"{k}={v}" for k, v in parts.items() if k != "UNTIL")
        said = describe_rule(rest)
        if said == rest:
            return text
        return _("%(rule)s, until %(date)s") % {
            "rule": said,
            "date": formats.date_format(until, "DATE_FORMAT"),
        }
    freq, interval = parts.get("FREQ"), parts.get("INTERVAL", "1")
    days = [d for d in parts.get("BYDAY", "").split(",") if d]
    extra = set(parts) - {"FREQ", "INTERVAL", "BYDAY", "WKST"}
    if extra:
        return text
    if freq == "WEEKLY" and days and all(d in _DAYS for d in days):
        names = ", ".join(str(_DAYS[d]) for d in days)
        if interval == "1":
            return _("Every week on %(days)s") % {"days": names}
        if interval == "2":
            return _("Every other week on %(days)s") % {"days": names}
        return _("Every %(n)s weeks on %(days)s") % {"n": interval, "days": names}
    if freq == "MONTHLY" and interval == "1" and len(days) == 1:
        day = days[0]
        nth, weekday = day[:-2], day[-2:]
        if nth in _ORDINALS and weekday in _DAYS:
            return _("Monthly on the %(nth)s %(day)s") % {
                "nth": str(_ORDINALS[nth]),
                "day": str(_DAYS[weekday]),
            }
    if freq == "DAILY" and interval == "1" and not days:
        return _("Every day")
    return text
