"""The first accounts: a programme admin for the owner unit and an operations account,
from config (``ZJTX_BOOTSTRAP_ADMIN_PASSWORD``, ``ZJTX_BOOTSTRAP_OPERATIONS_PASSWORD``).

Each is created once, when its password is set and its username is not yet taken: at
start (retried in the background until review answers) and, at the latest, at that
username's first sign-in. Changing the variable later changes nothing: the person
changes the password through the API. ``python -m gateway.accounts`` does the same by hand.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from gateway.auth import Accounts, staff_login
from gateway.rules.access import ROLE_ZH
from gateway.upstream import Upstreams
from zjtx import audit as audit_trail
from zjtx.errors import DomainError, precondition
from zjtx_api import review_pb2

log = logging.getLogger(__name__)
# 三员分立: the system administrator is role "admin" (accounts, programmes, review units); these two beside it
ADMINISTRATOR_ROLES = ("security_admin", "audit_admin")
ADMIN_CLASS = ("admin", *ADMINISTRATOR_ROLES)


def create_admin(accounts: Accounts, upstreams: Upstreams, *, username: str, password: str, unit_id: str,
                 name: str, email: str, mobile: str = "", created_by: str) -> str:
    """A review account (role admin) and its credential; returns the account id."""
    # a password someone else chose (config, the command line): changed at the first sign-in
    check_one_role_per_person(accounts, email, "admin")
    credential_id = accounts.reserve(staff_login(username), "staff", "admin", password, name=name,
                                     created_by=created_by, unit=unit_id, must_change=True, person=person_of(email))
    try:
        account = upstreams.call("review", "CreateReviewer", review_pb2.CreateReviewerRequest(
            unit_id=unit_id, name=name, email=email, mobile=mobile, role="admin"))
    except Exception:
        accounts.release(credential_id)
        raise
    accounts.activate(credential_id, account.account_id, name=account.name)
    _audit_created(accounts, account.account_id, created_by, {"username": username, "unit_id": unit_id, "role": "admin"})
    return str(account.account_id)


def _audit_created(accounts: Accounts, subject: str, created_by: str, details: dict[str, Any]) -> None:
    """Accounts made outside a request (first start, ``python -m gateway.accounts``) are audited too."""
    accounts.store.audit(audit_trail.Entry(action="account.created", target=subject, subject=created_by, role="system",
                                           principal="gateway", details=details))


def create_administrator(accounts: Accounts, *, username: str, password: str, role: str, name: str, email: str,
                         created_by: str) -> str:
    """A security or audit administrator (三员分立): gateway-only like operations staff, one person (by e-mail)
    holding at most one of the three administrator roles; the password is changed at the first sign-in."""
    if role not in ADMINISTRATOR_ROLES:
        raise ValueError(f"role {role!r}; accepted: {', '.join(ADMINISTRATOR_ROLES)}")
    check_one_role_per_person(accounts, email, role)
    credential_id = accounts.reserve(staff_login(username), "staff", role, password, name=name, created_by=created_by,
                                     must_change=True, person=person_of(email))
    subject = f"{'sec' if role == 'security_admin' else 'aud'}-{credential_id[:12]}"
    accounts.activate(credential_id, subject)
    _audit_created(accounts, subject, created_by, {"username": username, "role": role})
    return subject


def person_of(email: str) -> str:
    """Who an administrator is, across accounts: the e-mail address, normalised."""
    return email.strip().lower()


def check_one_role_per_person(accounts: Accounts, email: str, role: str) -> None:
    """No person holds two of the system, security and audit administrator roles."""
    held = accounts.store.administrator_roles_of(person_of(email)) - {role}
    if held:
        raise precondition("administrator.second_role",
                           f"该人员（{email.strip()}）已担任{ROLE_ZH[sorted(held)[0]]}；系统管理员、安全管理员和审计管理员"
                           "须由不同人员担任（三员分立）")


def create_operations(accounts: Accounts, *, username: str, password: str, name: str, created_by: str) -> str:
    """Operations staff exist only at the gateway: no service owns them."""
    credential_id = accounts.reserve(staff_login(username), "staff", "operations", password, name=name,
                                     created_by=created_by, must_change=True)
    subject = f"ops-{credential_id[:12]}"
    accounts.activate(credential_id, subject)
    _audit_created(accounts, subject, created_by, {"username": username, "role": "operations"})
    return subject


def admin_unit(config: dict[str, Any]) -> str:
    """The first admin's unit: the one named, else the instance's own jurisdiction (a city instance's
    first admin belongs to the city, not to the province)."""
    named = str(config.get("BOOTSTRAP_ADMIN_UNIT") or "").strip()
    return named or f"unit-{str(config.get('JURISDICTION') or '430000').strip()}"


class Bootstrap:
    def __init__(self, config: dict[str, Any], accounts: Accounts, upstreams: Upstreams) -> None:
        self.config = config
        self.accounts = accounts
        self.upstreams = upstreams
        self._lock = threading.Lock()
        self._done: set[str] = set()

    def _wanted(self) -> dict[str, str]:
        wanted = {}
        if self.config.get("BOOTSTRAP_ADMIN_PASSWORD"):
            wanted["admin"] = staff_login(str(self.config["BOOTSTRAP_ADMIN_USERNAME"]))
        if self.config.get("BOOTSTRAP_OPERATIONS_PASSWORD"):
            wanted["operations"] = staff_login(str(self.config["BOOTSTRAP_OPERATIONS_USERNAME"]))
        for role, key in (("security_admin", "SECURITY"), ("audit_admin", "AUDIT")):
            if self.config.get(f"BOOTSTRAP_{key}_PASSWORD"):
                wanted[role] = staff_login(str(self.config[f"BOOTSTRAP_{key}_USERNAME"]))
        return wanted

    def missing_admin_reason(self) -> str:
        """Why the bootstrap admin does not exist ("" when it exists or will be created)."""
        username = str(self.config.get("BOOTSTRAP_ADMIN_USERNAME") or "admin")
        if self.config.get("BOOTSTRAP_ADMIN_PASSWORD"):
            return ""
        if self.accounts.store.credential_by_login(staff_login(username)) is not None:
            return ""
        return (f"no administrator account {username!r}: ZJTX_BOOTSTRAP_ADMIN_PASSWORD is not set, so the "
                f"bootstrap admin of {admin_unit(self.config)} was not created. Set it and restart "
                "the gateway (`make up` generates one into var/bootstrap-admin-password), or create an admin with "
                "`python -m gateway.accounts`")

    def ensure_for(self, login: str) -> None:
        """Called at a staff sign-in: create the bootstrap account now if that is who signs in."""
        if login == staff_login(str(self.config.get("BOOTSTRAP_ADMIN_USERNAME") or "admin")):
            reason = self.missing_admin_reason()
            if reason:
                log.warning("staff sign-in as the bootstrap admin will fail: %s", reason)
        for kind, wanted in self._wanted().items():
            if wanted == login and kind not in self._done:
                try:
                    self.ensure(kind)
                except DomainError as error:
                    log.warning("bootstrap %s account not created yet: %s", kind, error)

    def ensure(self, kind: str) -> None:
        c = self.config
        with self._lock:
            if kind in self._done:
                return
            login = self._wanted()[kind]
            if self.accounts.store.credential_by_login(login) is None:
                if kind == "admin":
                    create_admin(self.accounts, self.upstreams, username=str(c["BOOTSTRAP_ADMIN_USERNAME"]),
                                 password=str(c["BOOTSTRAP_ADMIN_PASSWORD"]), unit_id=admin_unit(c),
                                 name=str(c["BOOTSTRAP_ADMIN_NAME"]), email=str(c["BOOTSTRAP_ADMIN_EMAIL"]),
                                 created_by="bootstrap")
                elif kind in ADMINISTRATOR_ROLES:
                    key = "SECURITY" if kind == "security_admin" else "AUDIT"
                    create_administrator(self.accounts, username=str(c[f"BOOTSTRAP_{key}_USERNAME"]),
                                         password=str(c[f"BOOTSTRAP_{key}_PASSWORD"]), role=kind,
                                         name=str(c[f"BOOTSTRAP_{key}_NAME"]), email=str(c[f"BOOTSTRAP_{key}_EMAIL"]),
                                         created_by="bootstrap")
                else:
                    create_operations(self.accounts, username=str(c["BOOTSTRAP_OPERATIONS_USERNAME"]),
                                      password=str(c["BOOTSTRAP_OPERATIONS_PASSWORD"]),
                                      name=str(c["BOOTSTRAP_OPERATIONS_NAME"]), created_by="bootstrap")
                log.info("bootstrap %s account %s created", kind, login)
            self._done.add(kind)

    def run_in_background(self, give_up_after: float = 600.0) -> None:
        try:
            reason = self.missing_admin_reason()
        except Exception:  # the database not answering yet must not stop the gateway's start
            log.debug("bootstrap admin check skipped", exc_info=True)
            reason = ""
        if reason:
            log.warning("bootstrap: %s", reason)

        def work() -> None:
            deadline = time.monotonic() + give_up_after
            pending = list(self._wanted())
            while pending and time.monotonic() < deadline:
                for kind in list(pending):
                    try:
                        self.ensure(kind)
                        pending.remove(kind)
                    except DomainError as error:  # review not up yet: try again shortly
                        log.debug("bootstrap %s waiting: %s", kind, error)
                    except Exception:
                        log.exception("bootstrap %s failed", kind)
                        pending.remove(kind)
                time.sleep(1.0)

        threading.Thread(target=work, name="gateway-bootstrap", daemon=True).start()
