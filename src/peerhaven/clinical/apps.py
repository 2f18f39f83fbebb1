from django.apps import AppConfig


class ClinicalConfig(AppConfig):
    name = "peerhaven.clinical"
    label = "clinical"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from peerhaven.accounts import privacy
        from peerhaven.clinical.services import erase_clinical, export_clinical

        privacy.register("clinical", export_clinical, erase_clinical)
