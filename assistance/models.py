"""The assistance business line's models (救助申请、调查、公示、复核、抽查、近亲属备案).

Policy parameters and programmes live in the `policy` core app; the casework models live in their own
module (one concept per file) and importing them here registers them.
"""

from assistance.casework import (  # noqa: F401
    Application,
    Appraisal,
    CloseRelative,
    LocalPractice,
    Objection,
    PublicNotice,
    ReviewCase,
    SpotCheck,
    SpotCheckItem,
    Survey,
    TemporaryAidPayment,
)
