"""What the marriage line lets each role do (accounts.roles.register_capability)."""

from accounts.roles import RoleCode, register_capability

# 婚姻登记员 at the county office registers, keeps and searches the register.
MANAGE_MARRIAGES = register_capability("manage_marriages", "婚姻登记", roles=[RoleCode.REGISTRAR])
# Whether a person is married per the platform's records (yes / no / no record): the registrar and the
# bureau's inspectors; agencies outside the bureau (a court, a bank with a mandate) through an
# `AuthorisedAgency` grant on their account.
QUERY_MARITAL_STATUS = register_capability(
    "query_marital_status", "婚姻状况查询（有权机关）", roles=[RoleCode.REGISTRAR, RoleCode.AUDITOR]
)
