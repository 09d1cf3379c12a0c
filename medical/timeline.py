"""The bureau's medical-assistance settlements in a person's or a household's history (registry.timeline)."""

from registry.models import Household, Person
from registry.timeline import TimelineEvent, as_datetime, register_timeline_provider


@register_timeline_provider
def medical_payments(subject):
    from medical.models import MedicalPayment

    if isinstance(subject, Household):
        rows = MedicalPayment.objects.filter(household=subject)
    elif isinstance(subject, Person):
        rows = MedicalPayment.objects.filter(person=subject)
    else:
        return
    for p in rows.select_related("person")[:200]:
        yield TimelineEvent(
            at=as_datetime(p.settled_on),
            kind="medical",
            title=f"医疗救助{p.aid_paid}元（医保局结算）",
            detail=(
                f"{p.person.name} {p.hospital}：医疗总费用{p.total_cost}元，医保支付{p.insurance_paid}元，"
                f"医疗救助{p.aid_paid}元，个人自付{p.self_paid}元（计入刚性支出），结算单号{p.settlement_no}"
            ),
            actor="医保局",
        )
