"""Risk screening of user text on the C-SSRS ladder (pure Python; no Django).

>>> from peerhaven.safety.screening import screen_text
>>> screen_text("this exam is killing me").level.label
'none'
"""

from peerhaven.safety.screening.engine import screen_report, screen_text
from peerhaven.safety.screening.result import Evidence, RiskLevel, Screening

__all__ = ["Evidence", "RiskLevel", "Screening", "screen_report", "screen_text"]
