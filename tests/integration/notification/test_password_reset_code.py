"""Issue 18 point 4: an enterprise resets its password with a one-time code asked for at the
gateway and sent by notification through the real (loopback) SMS gateway: not enumerable,
throttled, once only, and every earlier session ends."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from notification_support import SmsSink
from pymongo import MongoClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "gateway"))  # the gateway test client

from gwclient import Api, ensure_gateway, fresh_uscc  # noqa: E402

from harness.wait import until  # noqa: E402
from zjtx.up import Suite  # noqa: E402


def test_an_enterprise_resets_its_password_with_a_code_sent_by_sms(notifying: Suite, sms_sink: SmsSink,
                                                                   mongo: MongoClient) -> None:
    api = Api(ensure_gateway(notifying))
    enterprise, old_token = api.register_enterprise()
    uscc, mobile = enterprise["uscc"], enterprise["contact"]["mobile"]
    asked = api.post("/api/v1/password-resets", {"uscc": uscc, "channel": "sms"}, token="")
    unknown = api.post("/api/v1/password-resets", {"uscc": fresh_uscc(), "channel": "sms"}, token="")
    assert asked.status == unknown.status == 202 and asked.body == unknown.body  # not enumerable

    [sms] = until(lambda: sms_sink.to(mobile, "重置"), timeout=60, what="the code by SMS")
    code = re.search(r"验证码(\d{6})", sms["text"]).group(1)  # type: ignore[union-attr]
    again = api.post("/api/v1/password-resets", {"uscc": uscc, "channel": "sms"}, token="")
    assert again.status == 202  # within a minute: answered the same, nothing more sent
    recipient = f"enterprise:{enterprise['id']}"
    assert mongo.zjtx_notification.deliveries.count_documents({"kind": "account.reset_code",
                                                               "recipient": recipient}) == 1

    wrong = "000000" if code != "000000" else "111111"
    bad = api.post("/api/v1/password-resets/confirm", {"uscc": uscc, "code": wrong, "new_password": "Xinmima-2099"},
                   token="")
    assert (bad.status, bad.code) == (400, "reset.invalid_code")
    done = api.post("/api/v1/password-resets/confirm", {"uscc": uscc, "code": code, "new_password": "Xinmima-2099"},
                    token="")
    assert done.status == 204, done.body
    assert api.get("/api/v1/me", token=old_token).code == "token.revoked"  # every earlier session ends
    assert api.get("/api/v1/me", token=api.sign_in_enterprise(uscc, "Xinmima-2099")).status == 200
    replay = api.post("/api/v1/password-resets/confirm", {"uscc": uscc, "code": code, "new_password": "Xinmima-2100"},
                      token="")
    assert (replay.status, replay.code) == (400, "reset.invalid_code")  # once only
    stored = mongo.zjtx_gateway.reset_codes.find_one({"_id": f"enterprise:{uscc}"})
    assert code not in str(stored)  # the gateway keeps only an HMAC of the code

