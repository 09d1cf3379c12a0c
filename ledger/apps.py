from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = "保障对象台账"

    def ready(self) -> None:
        from ledger import (
            jobs,  # noqa: F401 - registers the daily review job
            takeon,  # noqa: F401 - registers the roster take-on (registry.hooks)
        )
        from ledger.deaths import death_listener
        from registry.hooks import register_death_listener

        register_death_listener(death_listener)  # a death recorded at the registry stops payment
