from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AdvisorConfig(AppConfig):
    name = "advisor"
    verbose_name = "Advisor"

    def ready(self) -> None:
        from advisor.models import ScoringSettings
        from outsourcing.catalog_version import catalog_changed

        # The scoring parameters are cached with the catalog (advisor/catalog_inputs.py).
        post_save.connect(catalog_changed, sender=ScoringSettings, dispatch_uid="scoring-save")
        post_delete.connect(catalog_changed, sender=ScoringSettings, dispatch_uid="scoring-del")
