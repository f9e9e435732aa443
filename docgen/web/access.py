"""Who may see and do what: admins everything, managers every case and the reports, workers their own cases (and any case they open by reference, which is audited)."""

from __future__ import annotations

from docgen.web.accounts import Account

__all__ = ["can", "owns_case"]

_ALLOWED = {
    "cases": {"admin", "manager", "worker"},
    "reports": {"admin", "manager"},
    "rejected": {"admin"},
    "upload": {"admin"},
    "audit": {"admin"},
    "pack_passwords": {"admin"},  # read out by phone to a secure email recipient; every reading is audited
}


def can(account: Account, area: str) -> bool:
    """Whether ``account``'s role opens this area of the site."""
    return account.role in _ALLOWED[area]


def owns_case(account: Account, key_worker: str | None) -> bool:
    """Whether a case is this account's own: any case for admins and managers, a worker's where they are the key worker."""
    if account.role != "worker":
        return True
    return bool(key_worker) and key_worker.strip().lower() == account.key_worker_name.strip().lower()  # type: ignore[union-attr]
