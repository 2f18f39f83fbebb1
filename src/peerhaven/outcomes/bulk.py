"""Score stored responses in bulk with the vectorised engine, reading the database in chunks.

For programme evaluation and re-scoring after a definition changes: it reads every member's
answers, so only internal jobs call it (never a view or the API). Memory stays bounded by
``chunk_size`` rows whatever the table holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from peerhaven.outcomes.instruments.bulk import score_matrix
from peerhaven.outcomes.models import Response
from peerhaven.outcomes.services import definition


@dataclass(frozen=True)
class ScoredChunk:
    ids: np.ndarray
    """Response primary keys, ascending."""
    scores: dict[str, np.ndarray]
    """What :func:`score_matrix` returns for these rows."""


def iter_scored_chunks(
    *, instrument_id: str, chunk_size: int = 50_000, complete_only: bool = True
) -> Iterator[ScoredChunk]:
    """Yield stored responses of one instrument, scored, ``chunk_size`` at a time.

    Pages by primary key (keyset, never OFFSET) and reads the answers column as raw JSON text,
    so no model instances are built. Raises ``InvalidAnswer`` if a stored answer is outside the
    definition's option set (stored answers were validated on the way in, so that means the
    definition changed underneath them).
    """
    defn = definition(instrument_id)
    columns = defn.item_ids
    index = {item_id: j for j, item_id in enumerate(columns)}
    qs = Response.objects.filter(instrument_id=instrument_id)
    if complete_only:
        qs = qs.filter(status=Response.Status.COMPLETE)
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last).order_by("pk").values_list("pk", "answers")[:chunk_size])
        if not rows:
            return
        matrix = np.full((len(rows), len(columns)), np.nan)
        ids = np.empty(len(rows), dtype=np.int64)
        for r, (pk, answers) in enumerate(rows):
            ids[r] = pk
            if isinstance(answers, str):  # some backends hand back the text
                answers = json.loads(answers)
            for item_id, value in answers.items():
                j = index.get(item_id)
                if j is not None and value is not None:
                    matrix[r, j] = value
        yield ScoredChunk(ids=ids, scores=score_matrix(defn, matrix, columns=columns))
        last = int(ids[-1])
