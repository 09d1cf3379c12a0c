"""Demo 临时救助 for `make run` (seed_demo_temporary_aid): in the demo township, one emergency paid
first in kind against a signed receipt and still awaiting approval, and one approved whose rest goes
to the month's 临时救助 payment roll — both through the real procedure. Idempotent."""

from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile

from accounts.models import User
from assistance.casework import TemporaryAidPayment
from assistance.procedure import apply_for_assistance, confirm_application, pass_step
from assistance.temporary import pay_first
from core.errors import DomainError
from registry.models import Document, DocumentType, Household

# a placeholder for the scanned, signed receipt (a 1×1 white PNG)
RECEIPT_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4e40000000049454e44ae426082"
)


def _with_id_cards(household: Household) -> None:
    id_card = DocumentType.objects.filter(code="id_card").first()
    for membership in household.current_memberships():
        person = membership.person
        if id_card and not Document.objects.filter(person=person, doc_type=id_card, is_current=True).exists():
            Document.objects.create(
                doc_type=id_card, person=person, number=person.id_number, area_code=person.area_code
            )


def seed_temporary_aid(on_date: date) -> list[str]:
    """Two demo emergencies; returns what was done (empty when already seeded or users are missing)."""
    if TemporaryAidPayment.unscoped.exists():
        return []
    users = {u.username: u for u in User.objects.filter(username__in=["clerk", "reviewer", "approver"])}
    if len(users) < 3 or not users["clerk"].unit_id:
        return []
    prefix = users["clerk"].unit.area_code[:9]
    households = list(
        Household.objects.filter(area_code__startswith=prefix, is_active=True, head__isnull=False).order_by("id")[10:12]
    )
    done = []
    for household, (amount, reason, goods) in zip(
        households,
        [("1500", "房屋失火", "棉被4床、大米50公斤、食用油10升"), ("3000", "突发重病住院", "")],
        strict=False,
    ):
        _with_id_cards(household)
        try:
            application = apply_for_assistance(
                user=users["clerk"],
                programme="temporary_emergency",
                household=household,
                on_date=on_date,
                facts={"requested_amount": amount, "reason": reason},
            )
            if goods:
                pay_first(
                    user=users["clerk"],
                    application=application,
                    on_date=on_date,
                    amount=Decimal("800"),
                    method=TemporaryAidPayment.Method.IN_KIND,
                    goods=goods,
                    received_by=household.head.name,
                    receipt_scan=ContentFile(RECEIPT_PNG, name="demo-receipt.png"),
                )
                done.append(f"{household.head.name}：先行救助实物800元，待审批")
                continue
            pass_step(user=users["clerk"], application=application, on_date=on_date, opinion="情况属实")
            pass_step(user=users["reviewer"], application=application, on_date=on_date, opinion="同意救助")
            confirm_application(user=users["approver"], application=application, on_date=on_date, opinion="备案")
            done.append(f"{household.head.name}：审批{amount}元，列入本月临时救助发放名册")
        except DomainError as error:  # a demo never stops `make run`
            done.append(f"{household.head.name}：未能生成（{error.message}）")
    return done
