from django.db import migrations

# code, name, holder, has_validity
DOCUMENT_TYPES = [
    ("id_card", "居民身份证", "person", True),
    ("household_booklet", "户口簿", "household", False),
    ("disability_certificate", "残疾人证", "person", True),
    ("marriage_certificate", "结婚证", "person", False),
    ("divorce_certificate", "离婚证", "person", False),
    ("death_certificate", "死亡证明", "person", False),
    ("income_proof", "收入证明", "person", True),
    ("bank_card", "银行卡/存折", "household", False),
    ("medical_bills", "医疗费用票据", "person", False),
    ("diagnosis", "疾病诊断证明", "person", True),
    ("verification_authorization", "家庭经济状况核对授权书", "household", True),
    ("application_form", "申请书", "household", False),
    ("housing_proof", "住房情况证明", "household", False),
    ("school_enrolment", "在校就读证明", "person", True),
    ("unemployment_certificate", "失业登记证明", "person", True),
    ("guardianship_proof", "监护关系证明", "person", False),
    ("disaster_loss_proof", "受灾损失证明", "household", False),
    ("cremation_certificate", "火化证明", "person", False),
    ("photo", "近期免冠照片", "person", False),
]


def create(apps, schema_editor):
    DocumentType = apps.get_model("registry", "DocumentType")
    for order, (code, name, holder, has_validity) in enumerate(DOCUMENT_TYPES):
        DocumentType.objects.update_or_create(
            code=code, defaults={"name": name, "holder": holder, "has_validity": has_validity, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_residents_households_documents")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
