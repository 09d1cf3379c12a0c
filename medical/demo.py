"""Demo medical-assistance exchange (make run): the county's first full file to the 医保局, and the
bureau's file of assistance paid for three 低保 households. Idempotent."""

import csv
import io
import tempfile
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from areas.jurisdiction import scope_for_user, system_scope, within
from ledger.models import Enrolment
from medical import exchange, paid
from medical.models import ExchangeFile, PaidImport
from registry.models import Membership

HOSPITALS = ["新邵县人民医院", "新邵县中医医院", "酿溪镇卫生院"]


def load_medical_demo() -> dict[str, int]:
    with system_scope():
        approver = User.objects.filter(username="approver").select_related("unit").first()
        if approver is None or not approver.unit_id:
            return {"files": 0, "payments": 0}
    files = payments = 0
    with within(scope_for_user(approver)):
        today = timezone.localdate()
        if not ExchangeFile.objects.exists():
            files = int(
                exchange.build_file(
                    kind=ExchangeFile.Kind.FULL, as_of=today, area_code=approver.area_code, user=approver
                )
                is not None
            )
        if not PaidImport.objects.exists():
            households = list(
                Enrolment.objects.filter(programme="dibao")
                .exclude(status="stopped")
                .order_by("pk")
                .values_list("household_id", flat=True)[:3]
            )
            heads = list(
                Membership.objects.filter(household_id__in=households, end_date__isnull=True, relation="02")
                .select_related("person")
                .order_by("household_id")
            )
            if heads:
                out = io.StringIO()
                writer = csv.writer(out)
                writer.writerow([f.default for f in paid.FIELDS])
                for index, member in enumerate(heads):
                    total = 8000 + 4500 * index
                    writer.writerow(
                        [
                            member.person.id_number,
                            member.person.name,
                            f"YB{today:%Y%m}{index + 1:05d}",
                            (today - timedelta(days=10 + index * 7)).isoformat(),
                            HOSPITALS[index % len(HOSPITALS)],
                            f"{total:.2f}",
                            f"{total * 0.6:.2f}",
                            f"{total * 0.25:.2f}",
                            f"{total * 0.15:.2f}",
                        ]
                    )
                content = out.getvalue().encode("utf-8-sig")
                with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
                    handle.write(content)
                    handle.flush()
                    imported = paid.import_paid(
                        content=content,
                        name="医保局医疗救助支付明细（演示）.csv",
                        mapping=paid.default_mapping(),
                        user=approver,
                        path=handle.name,
                    )
                payments = imported.rows
    return {"files": files, "payments": payments}
