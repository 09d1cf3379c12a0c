from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = "保障对象台账"

    def ready(self):
        from ledger import jobs  # noqa: F401 - registers the daily review job
