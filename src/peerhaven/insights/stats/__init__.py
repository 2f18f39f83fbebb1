"""Statistics for programme evaluation (pure Python: numpy, scipy, pandas, statsmodels).

Every estimator returns a frozen dataclass with ``n`` and a ``note``; a quantity that cannot be
computed is ``None`` with the reason in ``note``. Methods and validation:
docs/evaluation-methods.md.
"""

from .effects import (
    DEFAULT_STANDARDISER,
    ArmChangeComparison,
    GroupDifference,
    MeanChange,
    StandardisedChange,
    compare_arm_changes,
    hedges_g,
    mean_change,
    prepost_standardised_change,
)
from .growth import FixedEffect, GrowthModelResult, VarianceComponent, fit_growth_model
from .mediation import ASSUMPTIONS, MediationResult, PathEstimate, mediation_analysis
from .meta import PooledEffect, SiteWeight, pool_random_effects
from .privacy import MIN_CELL_SIZE, Disclosure, SuppressedTable, may_show_analysis, suppress
from .reliable import (
    Direction,
    MemberChange,
    ReliableChangeCriteria,
    ReliableChangeSummary,
    classify_reliable_change,
    fixed_threshold_criteria,
    jacobson_truax_cutoff,
    reliable_change_criteria,
)
from .tables import prepost_frame

__all__ = [
    "ASSUMPTIONS",
    "DEFAULT_STANDARDISER",
    "MIN_CELL_SIZE",
    "ArmChangeComparison",
    "Direction",
    "Disclosure",
    "FixedEffect",
    "GroupDifference",
    "GrowthModelResult",
    "MeanChange",
    "MediationResult",
    "MemberChange",
    "PathEstimate",
    "PooledEffect",
    "ReliableChangeCriteria",
    "ReliableChangeSummary",
    "SiteWeight",
    "StandardisedChange",
    "SuppressedTable",
    "VarianceComponent",
    "classify_reliable_change",
    "compare_arm_changes",
    "fit_growth_model",
    "fixed_threshold_criteria",
    "hedges_g",
    "jacobson_truax_cutoff",
    "may_show_analysis",
    "mean_change",
    "mediation_analysis",
    "pool_random_effects",
    "prepost_frame",
    "prepost_standardised_change",
    "reliable_change_criteria",
    "suppress",
]
