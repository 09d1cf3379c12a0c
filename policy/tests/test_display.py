"""Policy values read as a clerk reads them: units, Chinese names of kinds and programmes, no JSON."""

import pytest

from policy.display import describe_value
from policy.programmes import ParameterKey as K


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        (K.DIBAO_STANDARD_RURAL, "470.00", "470.00元"),
        (K.REVIEW_STABLE_MONTHS, 12, "12个月"),
        (K.EDGE_FACTOR, "1.5", "1.5倍"),
        (K.TEKUN_SPOT_CHECK_SHARE, "0.3", "30%"),
        (K.ASSET_MAX_VEHICLES, "0", "0辆"),
        (K.DIBAO_BENEFIT_METHOD, "gap", "补差"),
        (K.DIBAO_ROUNDING, "fen", "到分"),
        (K.DIBAO_BANDS, [], "不分档"),
        (
            K.DIBAO_BANDS,
            [{"name": "一档", "below_share": "0.5", "amount": "400"}],
            "一档：人均收入低于标准的50%，每人400元",
        ),
        (K.INCOME_EXCLUDED, ["youfu", "scholarship"], "优抚金、奖学金、助学金"),
        (K.INCOMPATIBLE, [["dibao", "tekun"]], "最低生活保障（低保） 与 特困人员救助供养（特困）"),
        (
            K.TEKUN_CARE_STANDARDS,
            {"self_care": "80", "fully_disabled": "800"},
            "生活自理80元；完全丧失生活自理能力800元",
        ),
        (K.DISABILITY_CARE_AMOUNTS, {"1": "100", "2": "80"}, "一级100元；二级80元"),
        (K.DIBAO_STANDARD_URBAN, None, "未设置"),
    ],
)
def test_each_kind_of_value_is_shown_in_words(key, value, shown):
    assert describe_value(key, value) == shown
