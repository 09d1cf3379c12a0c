"""The capability the audit log's pages check. Roles are given capabilities one layer up
(`accounts.roles`), which takes this name for its `Capability.VIEW_AUDIT_LOG`."""

VIEW_AUDIT_LOG = "view_audit_log"  # 查看操作日志
