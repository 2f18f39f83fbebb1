"""De-identified exports: CSV and Parquet of the long table, with a data dictionary.

No account id, display name, e-mail, free text or exact date leaves: members get a random
per-export id, time is days since enrolment, and sites with fewer than 10 members are merged
into "other". The export is row-level by design (the admins running the evaluation need it):
unlike the report, it has no small-cell rule for arms, so a small arm's scores are in it.
"""

from __future__ import annotations

import io

import pandas as pd

from peerhaven.insights.data import ProgrammeData, consenting_member_ids
from peerhaven.insights.models import Enrolment, Programme
from peerhaven.insights.report import MIN_N


def deidentified_frame(data: ProgrammeData) -> pd.DataFrame:
    frame = data.long.copy()
    if frame.empty:
        return frame
    sizes = frame.groupby("site")["member_id"].nunique()
    small = set(sizes[sizes < MIN_N].index)
    frame["site"] = frame["site"].where(~frame["site"].isin(small), "other")
    if frame.loc[frame["site"] == "other", "member_id"].nunique() < MIN_N:
        frame.loc[frame["site"] == "other", "site"] = ""  # even merged, too few to name
    # Admin-typed text must not become a formula when the CSV is opened in a spreadsheet.
    formula = frame["site"].astype(str).str.match(r"^[=+\-@]")
    frame.loc[formula, "site"] = "'" + frame.loc[formula, "site"].astype(str)
    return frame


def small_groups(programme: Programme) -> dict[str, list[str]]:
    """Arms and sites with 1 to MIN_N - 1 consenting members: their rows are in the export.

    For the warning beside the export links; the sites' names are what admins typed.
    """
    members = consenting_member_ids(programme)
    arms: dict[str, int] = {}
    sites: dict[str, int] = {}
    rows = Enrolment.objects.filter(
        programme=programme, withdrawn_at__isnull=True, member_id__in=members
    ).values_list("arm", "site")
    for arm, site in rows:
        arms[arm] = arms.get(arm, 0) + 1
        sites[site or "all"] = sites.get(site or "all", 0) + 1
    return {
        "arms": sorted(a for a, n in arms.items() if n < MIN_N),
        "sites": sorted(s for s, n in sites.items() if n < MIN_N) if len(sites) > 1 else [],
    }


def dictionary(programme: Programme, data: ProgrammeData) -> pd.DataFrame:
    from peerhaven.outcomes.instruments import shipped_definitions

    definitions = shipped_definitions()
    rows = [
        ("member_id", "string", "Random id, new in every export; links a member's rows."),
        ("arm", "string", "programme or comparison"),
        ("site", "string", "Site or group; sites under 10 members are merged into 'other'."),
        ("wave", "integer", f"0 = baseline; waves are due on days {programme.wave_days}"),
        ("days", "integer", "Days from enrolment to the answer"),
    ]
    for instrument_id in programme.instruments:
        defn = definitions.get(instrument_id)
        title = defn.title if defn else instrument_id
        rule = defn.total.rule if defn else ""
        rows.append((instrument_id, "number", f"{title}: total score ({rule}); empty if missing"))
    for column in data.engagement_columns:
        rows.append((column, "integer", "Count from the programme's start up to this check-in"))
    rows.append(("dose", "integer", "Sum of the engagement counts, up to this check-in"))
    return pd.DataFrame(rows, columns=["column", "type", "meaning"])


def to_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def to_parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
