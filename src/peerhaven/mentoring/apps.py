from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


def _block_made(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """A block made anywhere (forums, a mentorship) ends pending requests between the two."""
    if created:
        from peerhaven.mentoring.services import end_requests_after_block

        end_requests_after_block(instance.blocker_id, instance.blocked_id)


class MentoringConfig(AppConfig):
    name = "peerhaven.mentoring"
    label = "mentoring"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Mentoring"

    def ready(self) -> None:
        from peerhaven.accounts import privacy
        from peerhaven.mentoring import services, tasks  # noqa: F401  (registers the job)
        from peerhaven.mentoring.privacy import erase_mentoring, export_mentoring

        privacy.register("mentoring", export_mentoring, erase_mentoring)
        post_save.connect(
            _block_made, sender="forums.Block", dispatch_uid="peerhaven.mentoring.block"
        )
        try:
            from peerhaven.safety.services import register_hold_releaser
        except ImportError:  # safety not installed
            return
        register_hold_releaser("mentoring.directmessage", services.release_held_message)
