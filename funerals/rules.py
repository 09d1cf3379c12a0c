"""The funeral programmes' rules as pure functions of the policy in force and the facts (docs/domain.md
§14.2): no database, so a table test states every case.

Local policy (the demo county's choice, every number a dated policy parameter):
- 基本殡葬服务费用减免: a deceased whose household registration (户籍) is in the county has the basic
  items waived (遗体接运, 存放, 火化), each up to its cap and never above what was charged; a deceased of a
  registered 低保 or 特困 household also the items marked "assisted" (骨灰盒, 告别仪式). The funeral home
  charges the family nothing for a waived item and is settled the waiver monthly.
- 生态安葬奖补: a resident buried by an eco method (树葬, 花坛葬, 草坪葬, 撒散, 格位存放) in a cemetery
  is rewarded the method's amount, once, paid to the family.
"""

from dataclasses import dataclass
from decimal import Decimal

from policy.parameters import Policy
from policy.programmes import ParameterKey as K


@dataclass(frozen=True)
class Waiver:
    items: dict[str, Decimal]  # item code → yuan waived
    note: str

    @property
    def total(self) -> Decimal:
        return sum(self.items.values(), Decimal("0"))


def is_county_resident(hukou_area_code: str, county_code: str) -> bool:
    """户籍在本县: the first six digits of the household-registration area are the county's."""
    return bool(hukou_area_code) and hukou_area_code[:6] == county_code[:6]


def funeral_waiver(policy: Policy, *, resident: bool, assisted: bool, charges: dict[str, Decimal | str]) -> Waiver:
    """基本殡葬服务费用减免: which charged items are waived and by how much (min of the charge and the
    item's cap). Not a resident: nothing. `assisted`: the deceased's household holds 低保 or 特困."""
    if not resident:
        return Waiver({}, "户籍不在本县，不享受减免")
    table = policy.raw(K.FUNERAL_WAIVER_ITEMS)
    items: dict[str, Decimal] = {}
    for code, charged in charges.items():
        item = table.get(code)
        if not isinstance(item, dict):
            continue
        if item.get("for") == "assisted" and not assisted:
            continue
        amount = min(Decimal(str(charged or 0)), Decimal(str(item.get("cap", "0"))))
        if amount > 0:
            items[code] = amount
    note = "本县户籍，低保、特困家庭增加减免项目" if assisted else "本县户籍，基本殡葬服务减免"
    return Waiver(items, note)


def eco_burial_reward(policy: Policy, *, resident: bool, method: str, rewarded_before: bool) -> tuple[Decimal, str]:
    """生态安葬奖补: the method's amount for a resident, once per deceased; (0, why) otherwise."""
    if not method:
        return Decimal("0"), "未采用生态安葬方式"
    if not resident:
        return Decimal("0"), "户籍不在本县，不享受奖补"
    if rewarded_before:
        return Decimal("0"), "已领取过生态安葬奖补"
    amount = policy.raw(K.ECO_BURIAL_REWARDS).get(method)
    if amount is None:
        return Decimal("0"), "该安葬方式不在奖补范围"
    return Decimal(str(amount)), "生态安葬奖补"


def fen(yuan: Decimal) -> int:
    return int((yuan * 100).quantize(Decimal("1")))
