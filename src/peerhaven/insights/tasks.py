from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def run_report_task(run_id: int) -> str:
    from peerhaven.insights.models import ReportRun
    from peerhaven.insights.services import compute_report

    run = ReportRun.objects.select_related("programme").filter(pk=run_id).first()
    if run is None:
        return "missing"
    return str(compute_report(run).status)
