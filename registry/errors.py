"""The registry's error codes (raised as core.errors.DomainError): a stable code for programs, a
Chinese message for people."""

from django.db import models


class RegistryCode(models.TextChoices):
    ADDRESS_MISSING = "address_missing", "家庭住址为空"
    AREA_INVALID = "area_invalid", "区划代码格式错误"
    AREA_OUTSIDE_JURISDICTION = "area_outside_jurisdiction", "不在本辖区"
    AREA_UNKNOWN = "area_unknown", "区划代码不存在或已停用"
    BANK_ACCOUNT_FORMAT = "bank_account_format", "银行账号格式错误"
    DEATH_DATE_MISSING = "death_date_missing", "未填写死亡日期"
    DUPLICATE_ID = "duplicate_id", "身份证号已登记"
    FIELD_NOT_EDITABLE = "field_not_editable", "字段不能在此修改"
    FILE_TOO_LARGE = "file_too_large", "文件过大"
    FILE_TYPE = "file_type", "文件格式不接受"
    HEAD_MISSING = "head_missing", "没有户主"
    HOLDER = "holder", "材料归属不正确"
    ID_BIRTH_DATE = "id_birth_date", "身份证号中的出生日期不正确"
    ID_CHECK_DIGIT = "id_check_digit", "身份证号校验位错误"
    ID_FORMAT = "id_format", "身份证号格式错误"
    ID_IMMUTABLE = "id_immutable", "身份证号不能修改"
    ID_MISMATCH = "id_mismatch", "与身份证号不一致"
    ID_MISSING = "id_missing", "身份证号为空"
    ID_NUMBER_MANGLED = "id_number_mangled", "身份证号被表格软件改写"
    MEMBER_TWICE = "member_twice", "成员重复"
    MERGE_SELF = "merge_self", "不能与本户合并"
    NAME_MISSING = "name_missing", "姓名为空"
    NOT_A_MEMBER = "not_a_member", "不是本户成员"
    UNIDENTIFIED_ALREADY = "unidentified_already", "该人员已确认身份"
    UNIDENTIFIED_FOUND = "unidentified_found", "未填写发现地点或日期"
    TWO_HEADS = "two_heads", "一户只能有一个户主"
    VALIDITY = "validity", "有效期不正确"
