from django.apps import AppConfig


class AreasConfig(AppConfig):
    """The lowest layer: it imports no other app of the project (its menu entry is registered by
    core, which sits above it)."""

    name = "areas"
    verbose_name = "行政区划"
