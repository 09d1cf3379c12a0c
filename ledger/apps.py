from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = "保障对象台账"

    def ready(self) -> None:
        from datetime import time

        from cases.hooks import OverdueWork, register_overdue_work
        from jobs.periodic import Every, Periodic, register_periodic
        from ledger import (
            jobs,  # noqa: F401 - registers the daily review job
            takeon,  # noqa: F401 - registers the roster take-on (registry.hooks)
        )
        from ledger.deaths import death_listener
        from ledger.periodic import open_due_reviews_daily
        from ledger.reviews import overdue_review_rows
        from registry.hooks import register_death_listener

        register_death_listener(death_listener)  # a death recorded at the registry stops payment
        register_periodic(
            Periodic("ledger.open_due_reviews", "定期复核立案", Every.DAILY, open_due_reviews_daily, time(2, 30))
        )
        register_overdue_work(OverdueWork("overdue_reviews", "逾期未复核", overdue_review_rows))
