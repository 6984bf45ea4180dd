"""A small client of the gateway's HTTP API, as a browser or script of a user would use it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests


class DemoError(RuntimeError):
    pass


@dataclass
class Answer:
    status: int
    body: Any


def changed_password(initial: str) -> str:
    """The password a demo staff member picks at the first sign-in, in place of the one set for them."""
    return f"{initial}-new"


class Gateway:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.http = requests.Session()
        self.totp: dict[str, str] = {}  # username -> TOTP secret enrolled at the first sign-in

    def staff_session(self, username: str, password: str) -> str:
        """A staff sign-in as a person does it: password, TOTP code (enrolled the first time), and a password
        someone else set changed to ``changed_password`` before anything else; returns the bearer token."""
        import pyotp

        answer = self.post("/api/v1/sessions/staff", {"username": username, "password": password})
        if "second_factor" in answer:
            if answer["second_factor"] == "enrol":
                self.totp[username] = self.post("/api/v1/sessions/staff/enrolment",
                                                {"challenge": answer["challenge"]})["secret"]
            answer = self.post("/api/v1/sessions/staff/second-factor", {
                "challenge": answer["challenge"], "code": pyotp.TOTP(self.totp[username]).now()})
        if answer["must_change_password"]:
            new = changed_password(password)
            self.put("/api/v1/me/password", {"current_password": password, "new_password": new},
                     token=answer["token"], expect=(204,))
            return self.staff_session(username, new)
        return str(answer["token"])

    def call(self, method: str, path: str, token: str = "", expect: tuple[int, ...] = (200, 201), **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self.http.request(method, f"{self.base}{path}", headers=headers, timeout=120, **kwargs)
        kind = response.headers.get("Content-Type", "")
        body = response.json() if kind.startswith("application/json") else response.content
        if response.status_code not in expect:
            raise DemoError(f"{method} {path} answered {response.status_code}: {body}")
        return body

    def get(self, path: str, token: str = "", **kwargs: Any) -> Any:
        return self.call("GET", path, token, **kwargs)

    def post(self, path: str, body: Any = None, token: str = "", **kwargs: Any) -> Any:
        return self.call("POST", path, token, json=body, **kwargs)

    def put(self, path: str, body: Any = None, token: str = "", **kwargs: Any) -> Any:
        return self.call("PUT", path, token, json=body, **kwargs)

    def attempt(self, method: str, path: str, body: Any = None, token: str = "") -> Answer:
        """A call whose refusal is part of the story (returned, not raised)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.http.request(method, f"{self.base}{path}", json=body, headers=headers, timeout=120)
        kind = response.headers.get("Content-Type", "")
        return Answer(response.status_code, response.json() if kind.startswith("application/json") else None)

    def upload(self, path: str, content: bytes, media_type: str, token: str, **params: str) -> Any:
        return self.call("POST", path, token, data=content, params=params, headers={"Content-Type": media_type})

    def download(self, path: str, token: str, target: Path) -> int:
        headers = {"Authorization": f"Bearer {token}"}
        with self.http.get(f"{self.base}{path}", headers=headers, stream=True, timeout=120) as response:
            if response.status_code != 200:
                raise DemoError(f"GET {path} answered {response.status_code}: {response.text[:300]}")
            target.parent.mkdir(parents=True, exist_ok=True)
            size = 0
            with open(target, "wb") as out:
                for chunk in response.iter_content(65536):
                    out.write(chunk)
                    size += len(chunk)
        return size
