"""The assistance programmes (救助项目) and the parameters each reads (docs/domain.md §3–4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.TextChoices):
    DIBAO = "dibao", _("最低生活保障（低保）")
    TEKUN = "tekun", _("特困人员救助供养（特困）")
    TEMPORARY_EMERGENCY = "temporary_emergency", _("临时救助（急难型）")
    TEMPORARY_SPENDING = "temporary_spending", _("临时救助（支出型）")
    EDGE = "edge", _("低保边缘家庭")
    RIGID_SPENDING = "rigid_spending", _("刚性支出困难家庭")
    DISABILITY_LIVING = "disability_living", _("困难残疾人生活补贴")
    DISABILITY_CARE = "disability_care", _("重度残疾人护理补贴")
    ORPHAN = "orphan", _("孤儿基本生活费")
    UNSUPPORTED_CHILD = "unsupported_child", _("事实无人抚养儿童基本生活费")
    CHILD_IN_DIFFICULTY = "child_difficulty", _("困境儿童基本生活补贴")
    ELDERLY_ALLOWANCE = "elderly_allowance", _("高龄津贴")
    ELDERLY_SERVICE = "elderly_service", _("经济困难老年人服务补贴")
    ELDERLY_CARE = "elderly_care", _("经济困难失能老年人护理补贴")
    HOME_CARE = "home_care", _("政府购买居家养老服务")
    FUNERAL_WAIVER = "funeral_waiver", _("基本殡葬服务费用减免")
    ECO_BURIAL = "eco_burial", _("生态安葬奖补")
    DISASTER_RELIEF = "disaster_relief", _("自然灾害生活救助")
    CAMPAIGN = "campaign", _("专项慰问救助")


class IncomeKind(models.TextChoices):
    """Kinds of household income a survey records; the policy names those not counted (不计入家庭收入)."""

    WAGES = "wages", _("工资性收入")
    BUSINESS = "business", _("经营净收入")
    PROPERTY = "property", _("财产净收入")
    TRANSFER = "transfer", _("转移净收入")
    PENSION_BASIC = "pension_basic", _("基本养老金")
    YOUFU = "youfu", _("优抚金")
    SCHOLARSHIP = "scholarship", _("奖学金、助学金")
    ASSISTANCE = "assistance", _("社会救助金")
    AWARD = "award", _("奖励性补助")


class ReviewReason(models.TextChoices):
    """Why an enrolment is due for review (动态管理): its regular interval, or a member's death."""

    STABLE = "stable", _("收入稳定家庭定期复核")
    UNSTABLE = "unstable", _("收入不稳定或有劳动能力成员家庭定期复核")
    DEATH = "death", _("家庭成员死亡，须在规定期限内复核")


class ParameterKey(models.TextChoices):
    """Every legal number that differs by province, city or county (docs/domain.md §11). Amounts are
    yuan; periods as named."""

    DIBAO_STANDARD_URBAN = "dibao.standard_urban", _("城市低保标准（元/人·月）")
    DIBAO_STANDARD_RURAL = "dibao.standard_rural", _("农村低保标准（元/人·月）")
    DIBAO_BENEFIT_METHOD = "dibao.benefit_method", _("低保金计算方式（补差或分档）")
    DIBAO_BANDS = "dibao.bands", _("低保分档（人均收入占标准比例上限→每人每月金额）")
    DIBAO_MINIMUM_BENEFIT = "dibao.minimum_benefit", _("低保最低保障金（元/人·月）")
    DIBAO_ROUNDING = "dibao.rounding", _("低保金取整（到元或到分）")
    EDGE_FACTOR = "edge.factor", _("低保边缘收入倍数")
    ASSET_DEPOSIT_MONTHS = "asset.deposit_months", _("人均存款上限（相当于低保标准的月数）")
    ASSET_MAX_VEHICLES = "asset.max_vehicles", _("机动车辆上限（辆，不含残疾人功能性补偿代步车）")
    ASSET_MAX_HOUSES = "asset.max_houses", _("住房套数上限")
    INCOME_EXCLUDED = "income.excluded_kinds", _("不计入家庭收入的项目")
    REVIEW_STABLE_MONTHS = "review.stable_months", _("收入稳定家庭复核周期（月）")
    REVIEW_UNSTABLE_MONTHS = "review.unstable_months", _("收入不稳定或有劳动能力家庭复核周期（月）")
    REVIEW_AFTER_DEATH_MONTHS = "review.after_death_months", _("成员死亡后复核期限（月）")
    GRADUAL_EXIT_MONTHS = "exit.gradual_months", _("渐退期（月）")
    TEKUN_BASIC_FACTOR = "tekun.basic_factor", _("特困基本生活标准（低保标准的倍数）")
    TEKUN_CARE_STANDARDS = "tekun.care_standards", _("特困照料护理标准（元/人·月，按自理能力）")
    TEKUN_ELDERLY_AGE = "tekun.elderly_age", _("特困无劳动能力年龄（周岁及以上）")
    TEKUN_MINOR_AGE = "tekun.minor_age", _("特困无劳动能力年龄（未满周岁）")
    TEKUN_DISABLED_MAX_GRADE = "tekun.disabled_max_grade", _("特困无劳动能力残疾等级（按残疾类别，该级及以上）")
    POSTGRADUATE_COUNTS = "household.postgraduate_counts", _("在读研究生计入共同生活家庭成员")
    TEKUN_SPOT_CHECK_SHARE = "tekun.spot_check_share", _("特困县级抽查比例")
    TEMPORARY_TOWNSHIP_CAP = "temporary.township_cap", _("乡镇可审批临时救助上限（元）")
    TEMPORARY_COUNTY_CAP = "temporary.county_cap", _("临时救助单次上限（元）")
    DISABILITY_LIVING_AMOUNT = "disability.living_amount", _("困难残疾人生活补贴（元/人·月）")
    DISABILITY_CARE_AMOUNTS = "disability.care_amounts", _("重度残疾人护理补贴（元/人·月，按残疾等级）")
    ORPHAN_AMOUNT = "child.orphan_amount", _("孤儿基本生活费（元/人·月）")
    UNSUPPORTED_CHILD_AMOUNT = "child.unsupported_amount", _("事实无人抚养儿童基本生活费（元/人·月）")
    RIGID_SPENDING_SHARE = "rigid.spending_share", _("刚性支出占家庭收入比例下限")
    INCOMPATIBLE = "enrolment.incompatible_pairs", _("不得同时享受的救助项目")
    ARREARS_MONTHS = "payments.arrears_months", _("迟批补发追溯期（月，按已审批名册补发）")
    CHILD_DIFFICULTY_AMOUNT = "child.difficulty_amount", _("困境儿童基本生活补贴（元/人·月）")
    CHILD_VISIT_DAYS = "child.visit_days", _("困境儿童走访周期（天，按风险等级）")
    CHILD_REPORT_HOURS = "child.report_hours", _("强制报告时限（小时，自发现起报告公安机关和乡镇）")
    CHILD_ADULT_AGE = "child.adult_age", _("成年年龄（周岁，未满为儿童）")
    ELDERLY_ALLOWANCE_TIERS = "elderly.allowance_tiers", _("高龄津贴标准（按年龄段，元/人·月）")
    ELDERLY_SERVICE_AMOUNT = "elderly.service_amount", _("经济困难老年人服务补贴（元/人·月）")
    ELDERLY_CARE_AMOUNTS = "elderly.care_amounts", _("经济困难失能老年人护理补贴（元/人·月，按失能等级）")
    ELDERLY_CARE_SCREENING_AGE = (
        "elderly.care_screening_age",
        _("护理补贴主动发现年龄（无残疾证的高龄老人，周岁及以上）"),
    )
    HOME_CARE_HOURS = "elderly.home_care_hours", _("政府购买居家养老服务时长（小时/人·月，按对象类别）")
    FUNERAL_WAIVER_ITEMS = "funeral.waiver_items", _("基本殡葬服务费用减免项目和限额（元）")
    ECO_BURIAL_REWARDS = "funeral.eco_burial_rewards", _("生态安葬奖补标准（元/例，按安葬方式）")
    DISASTER_RELIEF_AMOUNTS = "disaster.relief_amounts", _("自然灾害救助标准（元，按救助类别）")
    RESCUE_STAY_DAYS = "rescue.stay_days", _("救助管理站救助期限（天）")
    MARRIAGE_MIN_AGES = "marriage.min_ages", _("法定婚龄（周岁，男/女）")
    DIVORCE_COOLING_OFF_DAYS = "marriage.cooling_off_days", _("离婚冷静期（日，自收到申请之日起）")
