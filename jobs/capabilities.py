"""The capability the scheduler's page checks. Roles are given capabilities one layer up
(`accounts.roles`), which takes this name for its `Capability.MANAGE_PERIODIC_WORK`."""

MANAGE_PERIODIC_WORK = "manage_periodic_work"  # 管理定时任务
