"""Masking of personal data in lists, public notices and logs (脱敏)."""


def mask_id_number(value: str | None) -> str:
    """First 6 + last 4: 430522********1234."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """Middle 4 hidden: 138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "****" + value[7:]


def mask_name(value: str | None) -> str:
    """Given name partly hidden for public lists: 张三 → 张*, 欧阳娜娜 → 欧**娜."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_bank_account(value: str | None) -> str:
    """Only the last 4 digits: **** **** 1234."""
    if not value:
        return ""
    return "****" + value[-4:] if len(value) > 4 else "*" * len(value)


def mask_address(value: str | None) -> str:
    """Keep the area part, hide the house number: the last 6 characters become ******."""
    if not value:
        return ""
    keep = max(len(value) - 6, len(value) // 2)
    return value[:keep] + "*" * (len(value) - keep)


_BY_FIELD = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "bank_account": mask_bank_account,
    "address": mask_address,
}


def mask_value(field_name: str, value) -> str | None:
    """Mask a value by the kind of field it came from (used for audit diffs)."""
    if value is None:
        return None
    for suffix, masker in _BY_FIELD.items():
        if field_name.endswith(suffix):
            return masker(str(value))
    return "******"
