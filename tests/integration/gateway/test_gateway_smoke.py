from __future__ import annotations

from gwclient import Api


def test_openapi_and_sign_in(api: Api, province_admin: str, ops: str) -> None:
    document = api.get("/openapi.json").body
    assert document["openapi"].startswith("3.1")
    enterprise, token = api.register_enterprise()
    me = api.get("/api/v1/me", token=token)
    assert me.status == 200, me.body
    assert me.body["enterprise_id"] == enterprise["id"]
    own = api.get("/api/v1/enterprise", token=token)
    assert own.status == 200, own.body
    assert api.get("/api/v1/ops/health", token=ops).body["status"] == "ok"
