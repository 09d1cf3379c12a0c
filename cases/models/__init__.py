"""一门受理 models, split by concept: the catalogue, the working-day calendar, cases, supervision."""

from cases.models.calendar import WorkdayOverride
from cases.models.catalogue import ServiceItem, ServiceItemVersion, StepDefinition, SupervisionPolicy

__all__ = ["ServiceItem", "ServiceItemVersion", "StepDefinition", "SupervisionPolicy", "WorkdayOverride"]
