from django.apps import AppConfig


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
        try:
            from peerhaven.safety.services import register_hold_releaser
        except ImportError:  # safety not installed
            return
        register_hold_releaser("mentoring.directmessage", services.release_held_message)
