"""The gateway facing the internet (issue 25 point 6): public routes limited per client
address with the API's JSON 429 and Retry-After; HSTS on answers that came over TLS.

The session's gateway trusts X-Forwarded-For and X-Forwarded-Proto from loopback (its proxy
here), so each test speaks as an address of its own, as a proxy in front would present it.
"""

from __future__ import annotations

import uuid

import requests


def address() -> str:
    return f"203.0.113.{uuid.uuid4().int % 250 + 1}"


def test_public_routes_are_limited_per_client_address(gateway_url: str) -> None:
    client, other = address(), "198.51.100.7"
    http = requests.Session()
    statuses = [http.get(f"{gateway_url}/api/v1/privacy-notice", headers={"X-Forwarded-For": client}, timeout=10)
                for _ in range(31)]
    assert [r.status_code for r in statuses[:30]] == [200] * 30
    refused = statuses[30]
    assert refused.status_code == 429 and refused.headers["Content-Type"].startswith("application/json")
    assert refused.json()["code"] == "rate.limited" and "每60秒最多30次" in refused.json()["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # a sign-in from that address is refused too (every public route shares the address's budget) ...
    signin = http.post(f"{gateway_url}/api/v1/sessions/staff", json={"username": "ops", "password": "x" * 10},
                       headers={"X-Forwarded-For": client}, timeout=10)
    assert signin.status_code == 429 and signin.json()["code"] == "rate.limited"
    # ... while another address, and the machine itself, are not
    assert http.get(f"{gateway_url}/api/v1/privacy-notice", headers={"X-Forwarded-For": other}, timeout=10).ok
    assert http.get(f"{gateway_url}/api/v1/privacy-notice", timeout=10).ok


def test_hsts_only_on_answers_over_tls(gateway_url: str) -> None:
    plain = requests.get(f"{gateway_url}/api/v1/privacy-notice", headers={"X-Forwarded-For": address()}, timeout=10)
    assert "Strict-Transport-Security" not in plain.headers
    tls = requests.get(f"{gateway_url}/api/v1/privacy-notice",
                       headers={"X-Forwarded-For": address(), "X-Forwarded-Proto": "https"}, timeout=10)
    assert tls.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    front = requests.get(f"{gateway_url}/healthz", headers={"X-Forwarded-Proto": "https"}, timeout=10)
    assert front.headers["Strict-Transport-Security"].startswith("max-age=")
