"""Reshaping helpers: long check-in data (one row per member and wave) to pre-post tables."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def prepost_frame(
    long: pd.DataFrame,
    *,
    columns: Sequence[str],
    member: str = "member_id",
    wave: str = "wave",
    pre_wave: int | None = None,
    post_wave: int | None = None,
    carry: Sequence[str] = (),
) -> pd.DataFrame:
    """One row per member with ``<col>_pre`` and ``<col>_post`` for each of ``columns``.

    ``pre_wave`` and ``post_wave`` default to the first and last wave present in the data. Every
    member who appears anywhere is kept; a missing wave gives NaN, which the estimators count as
    excluded rather than silently losing the person. ``carry`` columns (arm, site, dose...) are
    read at the post wave; a member without a post wave gets the value only if it is constant
    for them (arm, site), otherwise NaN (a time-varying dose has no value at a missed wave).
    """
    if long.empty:
        cols = [member] + [f"{c}_{s}" for c in columns for s in ("pre", "post")] + list(carry)
        return pd.DataFrame(columns=cols)
    pre_w = int(long[wave].min()) if pre_wave is None else pre_wave
    post_w = int(long[wave].max()) if post_wave is None else post_wave
    members = pd.Index(long[member].drop_duplicates().sort_values(), name=member)
    out = pd.DataFrame(index=members)
    pre = long.loc[long[wave] == pre_w].drop_duplicates(member).set_index(member)
    post = long.loc[long[wave] == post_w].drop_duplicates(member).set_index(member)
    for c in columns:
        out[f"{c}_pre"] = pre[c].reindex(members)
        out[f"{c}_post"] = post[c].reindex(members)
    if carry:
        first = long.sort_values([member, wave]).drop_duplicates(member).set_index(member)
        constant = long.groupby(member)[list(carry)].nunique(dropna=False) <= 1
        for c in carry:
            values = first[c].reindex(members)
            # Constant per member (arm, site): any row will do. Time-varying (dose): only the
            # post wave's value is right, so members without a post wave get NaN.
            values = values.where(constant[c].reindex(members, fill_value=False))
            at_post = post[c].reindex(members)
            has_post = members.isin(post.index)
            out[c] = values.where(~has_post, at_post)
            if not out[c].isna().any() and long[c].dtype.kind in "iub":
                out[c] = out[c].astype(long[c].dtype)
    return out.reset_index()
