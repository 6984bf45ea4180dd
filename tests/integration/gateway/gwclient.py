"""An HTTP client of the gateway for the tests, and the gateway settings they run with.

The gateway is restarted once per session with a fast lockout and bootstrap accounts; the
tests hold the session's key material (``gateway_key``) so they can sign tokens of their
own: expired ones, forged ones.
"""

from __future__ import annotations

import itertools
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.api.privacy import VERSION as PRIVACY_NOTICE
from harness.clients import org_body
from harness.files import PNG, pdf
from kernel.uscc import make_uscc
from zjtx import pki
from zjtx.identity import load_private_key
from zjtx.up import Suite

ADMIN_PASSWORD = "Bootstrap-admin-2020"
OPS_PASSWORD = "Bootstrap-ops-2020"
SECURITY_PASSWORD = "Bootstrap-security-2020"
AUDIT_PASSWORD = "Bootstrap-audit-2020"
PASSWORD = "Qiye-mima-2020"
GATEWAY_ENV = {
    "GATEWAY_SIGNIN_BASE_DELAY_SECONDS": "1",
    "GATEWAY_SIGNIN_MAX_DELAY_SECONDS": "2",
    "GATEWAY_SIGNIN_LOCK_AFTER": "4",
    "GATEWAY_SIGNIN_LOCK_SECONDS": "3",
    "ZJTX_BOOTSTRAP_ADMIN_USERNAME": "hn-admin",
    "ZJTX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
    "ZJTX_BOOTSTRAP_ADMIN_UNIT": "unit-430000",
    "ZJTX_BOOTSTRAP_OPERATIONS_USERNAME": "ops",
    "ZJTX_BOOTSTRAP_OPERATIONS_PASSWORD": OPS_PASSWORD,
    # 三员分立: the security administrator creates admins; the audit administrator reads the audit
    "ZJTX_BOOTSTRAP_SECURITY_USERNAME": "hn-security",
    "ZJTX_BOOTSTRAP_SECURITY_PASSWORD": SECURITY_PASSWORD,
    "ZJTX_BOOTSTRAP_AUDIT_USERNAME": "hn-audit",
    "ZJTX_BOOTSTRAP_AUDIT_PASSWORD": AUDIT_PASSWORD,
    # argon2id at OWASP's minimum (19 MiB, t=2, p=1) keeps the many test sign-ins quick on 2 cores
    "GATEWAY_ARGON2_MEMORY_KIB": "19456",
    "GATEWAY_ARGON2_TIME_COST": "2",
    "GATEWAY_ARGON2_PARALLELISM": "1",
    # the tests' own traffic comes from loopback (exempt); X-Forwarded-For from loopback lets a test be
    # another client address, limited to 30 public requests a minute (test_gateway_exposure.py)
    "GATEWAY_TRUSTED_PROXY": "127.0.0.1",
    "GATEWAY_PUBLIC_RATE_LIMIT": "30",
}
_serial = itertools.count(1)
# staff sign in with a TOTP code and change a password someone else set: what the session's gateway database
# now holds, by username (the gateways a test starts on other ports share that database)
STAFF_SECRETS: dict[str, str] = {}
STAFF_PASSWORDS: dict[str, str] = {}


def changed_password(initial: str) -> str:
    """The password a test's staff member picks at the forced change (a new one: history keeps the old)."""
    return f"{initial}-Neu9"


def totp_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()
_pki: list[Path] = []


def gateway_key() -> Ed25519PrivateKey:
    """The session gateway's token signing key (the suite generated it, see zjtx.pki)."""
    return load_private_key(pki.jwt_key_path(_pki[-1], "gateway"))


def ensure_gateway(suite: Suite) -> str:
    """The gateway's URL, restarted with the test settings if it runs without them."""
    _pki.append(suite.pki_dir)
    if any(suite.env.get(k) != v for k, v in GATEWAY_ENV.items()) or "gateway" not in suite.processes:
        suite.env.update(GATEWAY_ENV)
        suite.stop_service("gateway")
        try:
            suite.start(("gateway",))
        except RuntimeError:  # a busy machine: the database or broker slow to answer once
            time.sleep(2)
            suite.start(("gateway",))
    return suite.endpoints["gateway"]


@dataclass
class Answer:
    status: int
    body: Any
    headers: Any

    @property
    def code(self) -> str:
        return self.body.get("code", "") if isinstance(self.body, dict) else ""


class Api:
    def __init__(self, base: str, token: str = "") -> None:
        self.base = base.rstrip("/")
        self.token = token
        self.http = requests.Session()

    def as_(self, token: str) -> Api:
        other = Api(self.base, token)
        other.http = self.http
        return other

    def request(self, method: str, path: str, *, json: Any = None, params: Any = None, data: Any = None,
                headers: dict[str, str] | None = None, token: str | None = None, stream: bool = False) -> Answer:
        sent = dict(headers or {})
        bearer = self.token if token is None else token
        if bearer:
            sent["Authorization"] = f"Bearer {bearer}"
        response = self.http.request(method, f"{self.base}{path}", json=json, params=params, data=data,
                                     headers=sent, timeout=30, stream=stream)
        if stream:
            return Answer(response.status_code, response, response.headers)
        kind = response.headers.get("Content-Type", "")
        body = response.json() if kind.startswith("application/json") else response.content
        return Answer(response.status_code, body, response.headers)

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Answer:
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> Answer:
        return self.request("PUT", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Answer:
        return self.request("DELETE", path, **kwargs)

    def upload(self, path: str, content: bytes, media_type: str, **kwargs: Any) -> Any:
        answer = self.post(path, data=content, headers={"Content-Type": media_type}, **kwargs)
        assert answer.status == 201, answer.body
        return answer.body

    def apply(self, token: str, programme_id: str = "hunan-2020-little-giant", patents: int = 1,
              basic: dict[str, Any] | None = None, signer: str = "张三") -> str:
        """A complete application to the Hunan 2020 programme, submitted; returns its id.
        ``basic``: values that replace the basic section's (e.g. its contacts)."""
        created = self.post("/api/v1/applications", {"programme_id": programme_id}, token=token)
        assert created.status == 201, created.body
        app_id = str(created.body["id"])
        form = sections(patents)
        form["basic"].update(basic or {})
        for section_id, data in form.items():
            saved = self.put(f"/api/v1/applications/{app_id}/sections/{section_id}", {"data": data}, token=token)
            assert saved.status == 200, saved.body
        for kind, filename, media_type, content in ATTACHMENTS:
            self.upload(f"/api/v1/applications/{app_id}/attachments", content, media_type, token=token,
                        params={"kind": kind, "filename": filename})
        signed = self.post(f"/api/v1/applications/{app_id}/pledge", {"signer_name": signer}, token=token)
        assert signed.status == 200, signed.body
        submitted = self.post(f"/api/v1/applications/{app_id}/submit", {}, token=token)
        assert submitted.status == 200, submitted.body
        return app_id

    # ---- people -------------------------------------------------------------------

    def staff_password(self, username: str, initial: str) -> str:
        """The staff member's password now: ``initial`` until the forced change, then the one picked."""
        return STAFF_PASSWORDS.get(username.lower(), initial)

    def second_factor(self, username: str, answer: Answer, headers: dict[str, str] | None = None) -> Answer:
        """The TOTP step after a right password: enrol at the first sign-in (keeping the secret), then the code."""
        assert answer.status == 200 and "second_factor" in answer.body, answer.body
        key = username.lower()
        challenge = answer.body["challenge"]
        if answer.body["second_factor"] == "enrol":
            enrolled = self.post("/api/v1/sessions/staff/enrolment", {"challenge": challenge}, token="")
            assert enrolled.status == 200, enrolled.body
            assert enrolled.body["otpauth_uri"].startswith("otpauth://totp/"), enrolled.body
            STAFF_SECRETS[key] = enrolled.body["secret"]
        return self.post("/api/v1/sessions/staff/second-factor",
                         {"challenge": challenge, "code": totp_code(STAFF_SECRETS[key])}, token="", headers=headers)

    def staff_session(self, username: str, password: str, change: bool = True) -> dict[str, Any]:
        """Password, then TOTP code; the session body. A password set by someone else is changed first
        (``change``) and the sign-in done again, as the gateway allows nothing else before."""
        password = self.staff_password(username, password)
        answer = self.post("/api/v1/sessions/staff", {"username": username, "password": password}, token="")
        if "second_factor" in (answer.body if isinstance(answer.body, dict) else {}):
            answer = self.second_factor(username, answer)
        assert answer.status == 200, answer.body
        if change and answer.body["must_change_password"]:
            new = changed_password(password)
            changed = self.put("/api/v1/me/password", {"current_password": password, "new_password": new},
                               token=answer.body["token"])
            assert changed.status == 204, changed.body
            STAFF_PASSWORDS[username.lower()] = new
            return self.staff_session(username, new)
        return dict(answer.body)

    def sign_in_staff(self, username: str, password: str) -> str:
        return str(self.staff_session(username, password)["token"])

    def security_admin(self) -> str:
        """A token of the bootstrap security administrator (who alone creates administrators)."""
        return self.sign_in_staff("hn-security", SECURITY_PASSWORD)

    def audit_admin(self) -> str:
        """A token of the bootstrap audit administrator (who alone reads the audit)."""
        return self.sign_in_staff("hn-audit", AUDIT_PASSWORD)

    def sign_in_enterprise(self, uscc: str, password: str = PASSWORD) -> str:
        answer = self.post("/api/v1/sessions/enterprise", {"uscc": uscc, "password": password}, token="")
        assert answer.status == 200, answer.body
        return str(answer.body["token"])

    def register_enterprise(self, region: str = "430405", city: str = "430400", name: str = "",
                            password: str = PASSWORD, park_id: str = "") -> tuple[dict[str, Any], str]:
        """A fresh enterprise; returns (enterprise JSON, token)."""
        uscc = fresh_uscc(city)
        body = {"uscc": uscc, "name": name or f"衡阳测试精密制造有限公司{next(_serial)}", "region_code": region,
                "industry": "通用设备制造业", "park_id": park_id,
                "contact": {"person": "李四", "mobile": "13800138000", "email": "li@example.cn"},
                "password": password, "privacy_notice_version": PRIVACY_NOTICE}
        answer = self.post("/api/v1/enterprises", body, token="")
        assert answer.status == 201, answer.body
        return answer.body, self.sign_in_enterprise(uscc, password)

    def create_staff(self, admin_token: str, unit_id: str, role: str = "reviewer",
                     password: str = PASSWORD) -> tuple[dict[str, Any], str]:
        """A reviewer account created by an admin, or an admin account (created by the security administrator:
        三员分立); returns (account JSON, token)."""
        username = f"u{os.getpid()}-{next(_serial)}-{role}"
        answer = self.post(f"/api/v1/units/{unit_id}/accounts", {
            "username": username, "name": "测试审核人", "email": f"{username}@example.cn", "mobile": "13900139000",
            "role": role, "initial_password": password},
            token=self.security_admin() if role == "admin" else admin_token)
        assert answer.status == 201, answer.body
        return answer.body["account"], self.sign_in_staff(username, password)


ATTACHMENTS = [("authenticity_pledge", "承诺书.pdf", "application/pdf", pdf("pledge")),
               *[("financial_statements", f"财务报表{y}.pdf", "application/pdf", pdf(str(y))) for y in (2017, 2018, 2019)],
               ("business_licence", "营业执照.pdf", "application/pdf", pdf("licence")),
               ("supporting_evidence", "佐证材料.pdf", "application/pdf", pdf("evidence")),
               ("development_report", "发展报告.pdf", "application/pdf", pdf("report")),
               ("photos", "厂区.png", "image/png", PNG)]


def sections(patents: int) -> dict[str, dict[str, Any]]:
    return {
        "basic": {"legal_representative": "张三", "established_on": "2010-06-01", "registered_capital": 5000,
                  "registration_type": "private", "industry": "C35", "main_product": "数控机床主轴",
                  "focus_category": "industrial_foundation", "employees": 260, "address": "湖南省衡阳市珠晖区工业园1号",
                  "contact_name": "李四", "contact_phone": "0734-8888888", "contact_email": "li@example.cn"},
        "economic": {"main_revenue_2017": 12000, "main_revenue_2018": 15000, "main_revenue_2019": 18000,
                     "operating_revenue_2019": 19000, "net_profit_2017": 800, "net_profit_2018": 950,
                     "net_profit_2019": 1200, "tax_paid_2019": 600, "total_assets_2019": 30000,
                     "debt_ratio_2019": 45},
        "specialisation": {"years_in_segment": 10, "main_product_revenue_2019": 15000, "main_product_share": 83,
                           "market_share": 12, "supplies_large_enterprises": True},
        "innovation": {"rnd_expense_2019": 900, "rnd_expense_ratio_2019": 5, "rnd_staff": 40,
                       "invention_patents": patents, "rnd_institution": "provincial", "high_tech_enterprise": True},
        "other": {"cloud_platform": True, "two_integration": True, "epidemic_supplies": False},
    }


def fresh_uscc(city: str = "430400") -> str:
    return make_uscc("9", "1", city, org_body("G"))
