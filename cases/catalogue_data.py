"""The shipped catalogue: the service items county bureaus run, with the national time limits
(docs/domain.md §7.5 lists them; core/tests/test_docs.py keeps that table and this file in step).

Loaded by `load_service_catalogue` (run after every `migrate`): items missing from the database are
created with version 1 effective from CATALOGUE_EFFECTIVE_FROM; items already there are never
touched, so an administrator's edits and later versions survive every deploy.

Step tuple: (code, name, kind, level, limit_wd | calendar_days, role, extra options).
The legal periods are data here, read through ServiceItemVersion: `notice_days` is the 公示期 (an item
needs a public notice exactly when its workflow has a notice step, and then the period is required),
`refusal_notice_wd` the working days within which a refusal is notified in writing.
"""

from datetime import date

CATALOGUE_EFFECTIVE_FROM = date(2021, 7, 1)  # 最低生活保障审核确认办法 in force

H, N, W = "handle", "notice", "waiting"
ACC, VIL, TWN, CTY = "accepting", "village", "township", "county"

# 不予确认 of social assistance: the applicant is told in writing, with reasons, within 3 working
# days (最低生活保障审核确认办法 第二十三条; the 特困 and 临时救助 rules ask the same).
REFUSAL_NOTICE_WD = 3

BASE = ["id_card", "household_booklet", "application_form"]
MEANS_TESTED = [*BASE, "verification_authorization", "income_proof", "bank_card"]


def step(code, name, level, limit=None, *, kind=H, role="", **extra):
    return {"code": code, "name": name, "kind": kind, "level": level, "limit": limit, "role": role, **extra}


def notice(level=VIL, **extra):
    return step("notice", "村(居)公示", level, kind=N, **extra)


ITEMS: list[dict] = [
    {
        "code": "dibao",
        "name": "最低生活保障申请",
        "category": "assistance",
        "levels": [VIL, TWN],
        "community": True,
        "documents": MEANS_TESTED,
        "total": 30,
        "refusal_notice_wd": REFUSAL_NOTICE_WD,
        "extended": 45,
        "notice_days": 7,
        "notice_pauses": True,
        "basis": "最低生活保障审核确认办法（民发〔2021〕57号）",
        "steps": [
            step("intake", "受理审查", ACC, 3),
            step("investigate", "家庭经济状况调查", TWN, 7, role="clerk"),
            step("verify", "信息核对", CTY, 5),
            step("first_review", "乡镇初审", TWN, 3, role="reviewer"),
            notice(),
            step("confirm", "县级审核确认", CTY, 10, role="approver"),
        ],
    },
    {
        "code": "dibao_edge",
        "name": "低保边缘家庭认定",
        "category": "assistance",
        "levels": [VIL, TWN],
        "community": True,
        "documents": MEANS_TESTED,
        "total": 30,
        "refusal_notice_wd": REFUSAL_NOTICE_WD,
        "notice_days": 7,
        "notice_pauses": True,
        "steps": [
            step("intake", "受理审查", ACC, 3),
            step("investigate", "家庭经济状况调查", TWN, 10, role="clerk"),
            step("first_review", "乡镇初审", TWN, 5, role="reviewer"),
            notice(),
            step("confirm", "县级审核确认", CTY, 10, role="approver"),
        ],
    },
    {
        "code": "dibao_change",
        "name": "低保待遇变更（增发、减发、停发）",
        "category": "assistance",
        "levels": [VIL, TWN],
        "community": True,
        "documents": ["id_card", "household_booklet", "income_proof"],
        "total": 15,
        "steps": [
            step("intake", "受理审查", ACC, 2),
            step("review", "乡镇核查", TWN, 5, role="reviewer"),
            step("confirm", "县级审核确认", CTY, 7, role="approver"),
        ],
    },
    {
        "code": "tekun",
        "name": "特困人员救助供养申请",
        "category": "assistance",
        "levels": [VIL, TWN],
        "community": True,
        "documents": [*BASE, "verification_authorization", "photo"],
        "total": 30,
        "refusal_notice_wd": REFUSAL_NOTICE_WD,
        "notice_days": 7,
        "notice_pauses": True,
        "basis": "特困人员认定办法（民发〔2021〕43号）",
        "steps": [
            step("intake", "受理审查", ACC, 3),
            step("investigate", "乡镇调查核实", TWN, 12, role="clerk"),
            notice(),
            step("confirm", "县级审核确认（抽查≥30%）", CTY, 15, role="approver"),
        ],
    },
    {
        "code": "tekun_institution",
        "name": "特困人员集中供养入住申请",
        "category": "elderly",
        "levels": [VIL, TWN],
        "community": True,
        "documents": ["id_card", "household_booklet", "diagnosis"],
        "total": 20,
        "steps": [
            step("intake", "受理审查", ACC, 3),
            step("assess", "生活自理能力评估", TWN, 7, role="clerk"),
            step("confirm", "县级审批并安排机构", CTY, 10, role="approver"),
        ],
    },
    {
        "code": "temp_emergency",
        "name": "临时救助（急难型）",
        "category": "assistance",
        "levels": [VIL, TWN, CTY],
        "community": True,
        "documents": ["id_card"],
        "total": 10,
        "refusal_notice_wd": REFUSAL_NOTICE_WD,
        "basis": "先行救助，事后补充材料；户籍地、居住地、急难发生地均可申请",
        "steps": [
            step("intake", "受理并先行救助", ACC, 1),
            step("approve", "乡镇审批", TWN, 3, role="reviewer"),
            step("file", "县级备案", CTY, 5, role="approver"),
        ],
    },
    {
        "code": "temp_expense",
        "name": "临时救助（支出型）",
        "category": "assistance",
        "levels": [VIL, TWN],
        "community": True,
        "documents": [*BASE, "verification_authorization", "medical_bills"],
        "total": 20,
        "refusal_notice_wd": REFUSAL_NOTICE_WD,
        "notice_days": 7,
        "basis": "四位一体：村民代表评议、民生员初审公示、乡镇审批、县级备案",
        "steps": [
            step("intake", "受理与村民代表评议", ACC, 3),
            notice(),
            step("approve", "乡镇审批", TWN, 7, role="reviewer"),
            step("file", "县级审批备案", CTY, 7, role="approver"),
        ],
    },
    {
        "code": "rigid_expense",
        "name": "刚性支出困难家庭认定",
        "category": "assistance",
        "levels": [VIL, TWN],
        "community": True,
        "documents": [*MEANS_TESTED, "medical_bills"],
        "total": 30,
        "refusal_notice_wd": REFUSAL_NOTICE_WD,
        "notice_days": 7,
        "steps": [
            step("intake", "受理审查", ACC, 3),
            step(
                "investigate",
                "调查核实（医保、教育部门会办）",
                TWN,
                10,
                role="clerk",
                joint=["medical_insurance", "education"],
            ),
            notice(),
            step("confirm", "县级认定", CTY, 10, role="approver"),
        ],
    },
    {
        "code": "disability_living",
        "name": "困难残疾人生活补贴",
        "category": "disability",
        "levels": [VIL, TWN],
        "community": True,
        "documents": [*BASE, "disability_certificate", "bank_card"],
        "total": 20,
        "refusal_notice_wd": REFUSAL_NOTICE_WD,
        "basis": "国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见",
        "steps": [
            step("intake", "受理审查", ACC, 3),
            step("review", "乡镇审核", TWN, 7, role="clerk"),
            step("confirm", "县级审定", CTY, 10, role="approver"),
        ],
    },
    {
        "code": "disability_care",
        "name": "重度残疾人护理补贴",
        "category": "disability",
        "levels": [VIL, TWN],
        "community": True,
        "documents": [*BASE, "disability_certificate", "bank_card"],
        "total": 20,
        "refusal_notice_wd": REFUSAL_NOTICE_WD,
        "steps": [
            step("intake", "受理审查", ACC, 3),
            step("review", "乡镇审核", TWN, 7, role="clerk"),
            step("confirm", "县级审定", CTY, 10, role="approver"),
        ],
    },
    {
        "code": "orphan",
        "name": "孤儿基本生活保障",
        "category": "children",
        "levels": [VIL, TWN],
        "community": True,
        "documents": [*BASE, "death_certificate", "guardianship_proof"],
        "total": 30,
        "refusal_notice_wd": REFUSAL_NOTICE_WD,
        "basis": "不公示（保护未成年人隐私）",
        "steps": [
            step("intake", "受理审查", ACC, 3),
            step("check", "乡镇查验", TWN, 12, role="clerk"),
            step("confirm", "县级确认", CTY, 15, role="approver"),
        ],
    },
    {
        "code": "unsupported_child",
        "name": "事实无人抚养儿童基本生活补贴",
        "category": "children",
        "levels": [VIL, TWN],
        "community": True,
        "documents": [*BASE, "guardianship_proof"],
        "total": 30,
        "refusal_notice_wd": REFUSAL_NOTICE_WD,
        "basis": "不公示（保护未成年人隐私）",
        "steps": [
            step("intake", "受理审查", ACC, 3),
            step("check", "乡镇查验", TWN, 12, role="clerk"),
            step("confirm", "县级确认", CTY, 15, role="approver"),
        ],
    },
    {
        "code": "children_in_difficulty",
        "name": "困境儿童保障",
        "category": "children",
        "levels": [VIL, TWN],
        "community": True,
        "documents": [*BASE, "school_enrolment"],
        "total": 30,
        "steps": [
            step("intake", "受理审查", ACC, 3),
            step("check", "乡镇查验", TWN, 12, role="clerk"),
            step("confirm", "县级确认", CTY, 15, role="approver"),
        ],
    },
    {
        "code": "elderly_allowance",
        "name": "高龄津贴",
        "category": "elderly",
        "levels": [VIL, TWN],
        "community": True,
        "documents": ["id_card", "household_booklet", "bank_card"],
        "total": 20,
        "steps": [
            step("intake", "受理审查", ACC, 3),
            step("review", "乡镇审核", TWN, 7, role="clerk"),
            step("confirm", "县级审批", CTY, 10, role="approver"),
        ],
    },
    {
        "code": "elderly_service_subsidy",
        "name": "经济困难老年人服务补贴",
        "category": "elderly",
        "levels": [VIL, TWN],
        "community": True,
        "documents": [*BASE, "verification_authorization"],
        "total": 20,
        "notice_days": 7,
        "steps": [
            step("intake", "受理审查", ACC, 3),
            step("assess", "能力评估与乡镇审核", TWN, 7, role="clerk"),
            notice(),
            step("confirm", "县级审批", CTY, 10, role="approver"),
        ],
    },
    {
        "code": "home_care",
        "name": "政府购买居家养老服务申请",
        "category": "elderly",
        "levels": [VIL, TWN],
        "community": True,
        "documents": ["id_card", "household_booklet"],
        "total": 15,
        "steps": [
            step("intake", "受理审查", ACC, 2),
            step("assess", "上门评估", TWN, 5, role="clerk"),
            step("confirm", "县级审批派单", CTY, 8, role="approver"),
        ],
    },
    {
        "code": "funeral_waiver",
        "name": "基本殡葬服务费用减免",
        "category": "funeral",
        "levels": [TWN, CTY],
        "documents": ["id_card", "death_certificate", "cremation_certificate"],
        "total": 5,
        "basis": "遗体接运、暂存（≤3日）、火化、骨灰寄存免费",
        "steps": [
            step("intake", "受理审查", ACC, 1),
            step("confirm", "县级核准减免", CTY, 4, role="approver"),
        ],
    },
    {
        "code": "eco_burial",
        "name": "生态安葬奖补",
        "category": "funeral",
        "levels": [VIL, TWN],
        "community": True,
        "documents": ["id_card", "death_certificate", "cremation_certificate", "bank_card"],
        "total": 20,
        "notice_days": 7,
        "basis": "每例奖补标准由县级确定（种子001：1万元/例）",
        "steps": [
            step("intake", "受理审查", ACC, 3),
            step("verify", "乡镇核实", TWN, 5, role="clerk"),
            notice(),
            step("confirm", "县级审批发放", CTY, 10, role="approver"),
        ],
    },
    {
        "code": "marriage",
        "name": "结婚登记",
        "category": "marriage",
        "levels": [CTY],
        "documents": ["id_card", "photo"],
        "total": 1,
        "basis": "民法典第1049条；婚姻登记条例（2025）全国通办；男≥22周岁，女≥20周岁",
        "steps": [step("register", "审查登记", ACC, 1, role="registrar")],
    },
    {
        "code": "divorce",
        "name": "协议离婚登记",
        "category": "marriage",
        "levels": [CTY],
        "documents": ["id_card", "marriage_certificate", "photo"],
        "total": 3,
        "basis": "民法典第1077条：30日冷静期，期满后30日内双方亲自到场，否则视为撤回申请",
        "steps": [
            step("apply", "受理离婚登记申请", ACC, 1, role="registrar"),
            step("cooling_off", "离婚冷静期", CTY, kind=W, calendar_days=30, pauses=True),
            step("appear", "双方到场申请发证期", CTY, kind=W, calendar_days=30, pauses=True),
            step("register", "审查发证", CTY, 1, role="registrar"),
        ],
    },
    {
        "code": "marriage_certificate_reissue",
        "name": "补领婚姻登记证",
        "category": "marriage",
        "levels": [CTY],
        "documents": ["id_card", "photo"],
        "total": 1,
        "steps": [step("register", "审查补发", ACC, 1, role="registrar")],
    },
    {
        "code": "vagrant_help",
        "name": "流浪乞讨人员救助",
        "category": "relief",
        "levels": [VIL, TWN, CTY],
        "community": True,
        "documents": [],
        "total": 10,
        "basis": "主动救助；救助期限一般不超过10天",
        "steps": [
            step("intake", "发现与甄别", ACC, 1),
            step("rescue", "站内救助与送返", CTY, 9, role="approver"),
        ],
    },
    {
        "code": "disaster_relief",
        "name": "受灾人员生活救助",
        "category": "relief",
        "levels": [VIL, TWN],
        "community": True,
        "documents": ["id_card", "household_booklet", "disaster_loss_proof"],
        "total": 10,
        "notice_days": 3,
        "steps": [
            step("intake", "村级报灾", ACC, 1),
            step("verify", "乡镇核灾", TWN, 3, role="clerk"),
            notice(),
            step("confirm", "县级审批发放", CTY, 6, role="approver"),
        ],
    },
    {
        "code": "veteran_condolence",
        "name": "重点优抚对象节日走访慰问",
        "category": "veterans",
        "levels": [VIL, TWN],
        "community": True,
        "documents": ["id_card", "bank_card"],
        "total": 10,
        "steps": [
            step("intake", "受理登记", ACC, 2),
            step("confirm", "县级审批", CTY, 8, role="approver"),
        ],
    },
    {
        "code": "social_org_registration",
        "name": "社会组织成立登记",
        "category": "organisations",
        "levels": [CTY],
        "documents": ["id_card", "application_form"],
        "total": 20,
        "steps": [
            step("intake", "受理审查", ACC, 5),
            step("approve", "登记审批", CTY, 15, role="approver"),
        ],
    },
    {
        "code": "charity_recognition",
        "name": "慈善组织认定",
        "category": "organisations",
        "levels": [CTY],
        "documents": ["application_form"],
        "total": 20,
        "steps": [
            step("intake", "受理审查", ACC, 5),
            step("approve", "认定审批", CTY, 15, role="approver"),
        ],
    },
    {
        "code": "elderly_institution_filing",
        "name": "养老机构备案",
        "category": "elderly",
        "levels": [CTY],
        "documents": ["application_form", "housing_proof"],
        "total": 5,
        "steps": [step("intake", "备案审查", ACC, 5, role="approver")],
    },
]
