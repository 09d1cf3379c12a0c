"""The verification API answers a refused upload with the service's code and Chinese message."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from verification.models import Batch

pytestmark = pytest.mark.django_db


def test_an_upload_in_an_unsupported_format_is_refused_with_its_code(client, approver):
    client.force_login(approver)
    upload = SimpleUploadedFile("死亡名单.txt", "身份证号,姓名\n".encode())
    response = client.post(
        "/api/v1/verification/batches",
        {"source": "death", "provider": "县公安局", "data_as_of": "2025-09-01", "file": upload},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unsupported_format" and "请上传 CSV、xlsx 或 Parquet 文件" in body["message"]
    assert not Batch.objects.exists()
