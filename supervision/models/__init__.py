from supervision.models.aggregates import AggregateRefresh, StepDay
from supervision.models.evaluation import (
    EnteredScore,
    Evaluation,
    Indicator,
    ScoreLine,
    SubjectResult,
    SubjectType,
)
from supervision.models.inspection import (
    Accountability,
    Campaign,
    Finding,
    Opinion,
    OpinionRule,
    Rectification,
    RectificationPolicy,
    Sample,
    SampleItem,
)

__all__ = [
    "Accountability",
    "AggregateRefresh",
    "Campaign",
    "EnteredScore",
    "Evaluation",
    "Finding",
    "Indicator",
    "Opinion",
    "OpinionRule",
    "Rectification",
    "RectificationPolicy",
    "Sample",
    "SampleItem",
    "ScoreLine",
    "StepDay",
    "SubjectResult",
    "SubjectType",
]
