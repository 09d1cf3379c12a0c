"""Medical assistance exchange error codes (raised as core.errors.DomainError)."""

from django.db import models


class MedicalCode(models.TextChoices):
    BAD_FILE = "bad_file", "文件无法读取"
    BAD_MAPPING = "bad_mapping", "列对应关系有误"
    BAD_ROWS = "bad_rows", "文件中有错误行"
    ALREADY_IMPORTED = "already_imported", "文件已导入"
    NOTHING_CHANGED = "nothing_changed", "没有变化"
