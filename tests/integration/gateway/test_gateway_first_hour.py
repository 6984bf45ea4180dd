"""What a new enterprise trips over in its first hour (issue 21): registering twice, and
the region code that is not the city code its USCC carries."""

from __future__ import annotations

import json

from gwclient import PASSWORD, Api, fresh_uscc

from gateway.api.privacy import VERSION as PRIVACY_NOTICE


def registration(uscc: str, region_code: str = "430405") -> dict[str, object]:
    return {"uscc": uscc, "name": "衡阳首次使用验证机械有限公司", "region_code": region_code, "industry": "通用设备制造业",
            "contact": {"person": "王五", "mobile": "13700137000", "email": "wang@example.cn"}, "password": PASSWORD,
            "privacy_notice_version": PRIVACY_NOTICE}


def test_registering_a_registered_uscc_says_sign_in_instead(api: Api) -> None:
    uscc = fresh_uscc()
    first = api.post("/api/v1/enterprises", registration(uscc), token="")
    assert first.status == 201, first.body
    again = api.post("/api/v1/enterprises", registration(uscc), token="")
    assert again.status == 409, again.body
    assert again.code == "enterprise.uscc_registered", again.body
    assert f"统一社会信用代码 {uscc} 已注册，请直接登录" in again.body["message"]
    assert "登录名" not in again.body["message"]  # an enterprise cannot choose another login


def test_a_city_code_as_region_names_the_county_codes_accepted(api: Api) -> None:
    answer = api.post("/api/v1/enterprises", registration(fresh_uscc(), region_code="430400"), token="")
    assert answer.status == 400, answer.body
    text = json.dumps(answer.body, ensure_ascii=False)
    assert "衡阳市下可填写：430405 珠晖区" in text, text
    assert "deploy/divisions/gbt2260.csv" in text and "以 4304 开头" in text
