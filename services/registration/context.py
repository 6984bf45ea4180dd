"""What every use case works with: the store, the review directory, the caller, the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kernel.divisions import DivisionTable
from kernel.programme import ProgrammeModel
from registration import storage
from registration.directory import Directory
from registration.rules.access import Read, check_read, check_write, needs_jurisdiction
from zjtx.errors import not_found
from zjtx.grpc_support import Caller
from zjtx.mongo import StoreHandle, UnitOfWork


@dataclass(frozen=True)
class Context:
    store: StoreHandle
    directory: Directory
    divisions: DivisionTable
    caller: Caller
    now: datetime
    jurisdiction: str | None = None  # the instance's (JURISDICTION): enterprises outside are refused

    @property
    def actor(self) -> str:
        """Who, for history and audit fields: the account id, else the role."""
        return self.caller.subject or self.caller.role

    def history(self, unit: UnitOfWork, application: dict[str, Any], action: str, detail: str, *,
                reason: str = "", data: dict[str, Any] | None = None) -> None:
        storage.append_history(unit, {
            "application_id": application["_id"], "at": self.now, "actor": self.actor, "role": self.caller.role,
            "action": action, "detail": detail, "reason": reason, "version": application["version"],
            "data": data or {}, "client_address": getattr(self.caller, "client_address", ""),
        })

    # -- loading with the caller's rights

    def application_for_write(self, application_id: str) -> tuple[dict[str, Any], ProgrammeModel]:
        application = self._application(application_id)
        check_write(self.caller, application["enterprise_id"])
        return application, self.directory.programme(application["programme_id"])

    def application_for_read(self, application_id: str, what: Read) -> tuple[dict[str, Any], ProgrammeModel]:
        application = self._application(application_id)
        division = self.directory.unit_division(self.caller.unit) if needs_jurisdiction(self.caller) else None
        check_read(self.caller, what, application["enterprise_id"], submitted=application.get("snapshot_version", 0) > 0,
                   region_code=application.get("region_code", ""), unit_division=division)
        return application, self.directory.programme(application["programme_id"])

    def enterprise(self, enterprise_id: str) -> dict[str, Any]:
        document = storage.get_enterprise(self.store.db, enterprise_id) if enterprise_id else None
        if document is None:
            raise not_found("enterprise.not_found", f"企业 {enterprise_id or '（未指定）'} 不存在")
        return document

    def _application(self, application_id: str) -> dict[str, Any]:
        document = storage.get_application(self.store.db, application_id) if application_id else None
        if document is None:
            raise not_found("application.not_found", f"申请 {application_id or '（未指定）'} 不存在")
        return document
