"""The province's 推荐库 through the gateway: a city's review.recognised, as the shovel delivers
it to this instance's upstream.events (docs/instances.md), becomes a recommended candidate
the programme owner's admin lists; once the enterprise applies here, the entry names its
application and the reviewers see the city's recognition in the review record."""

from __future__ import annotations

import uuid
from pathlib import Path

from gwclient import Api

from harness import rabbit
from harness.wait import until
from zjtx.clock import set_clock_file
from zjtx.envelope import payload_to_data
from zjtx_api import review_pb2 as pb

PROGRAMME = "hunan-2020-little-giant"
PATH = f"/api/v1/programmes/{PROGRAMME}/city-recommendations"


def recognised(uscc: str, name: str) -> dict[str, object]:
    data = payload_to_data(pb.Recognition(
        application_id=uuid.uuid4().hex, programme_id="hengyang-2020-seed", enterprise_id="hy-ent", enterprise_name=name,
        recognised=True, rank=3, recommend_to=PROGRAMME, published_at="2020-10-28T02:00:00.000Z", uscc=uscc,
        region_code="430405", programme_title="2020年衡阳市“专精特新”种子企业培育认定", owner="430400",
        owner_name="衡阳市工业和信息化局"))
    return {"id": uuid.uuid4().hex, "type": "review.recognised", "source": "review", "time": "2020-10-28T02:00:00Z",
            "subject": str(data["application_id"]), "schemaversion": "1", "data": data}


def test_the_province_admin_lists_the_city_recommendations(api: Api, amqp_uri: str, province_admin: str,
                                                           clock_file: Path) -> None:
    set_clock_file(clock_file, "2020-05-08T10:00:00+08:00 running")  # the Hunan 2020 window is open
    try:
        check(api, amqp_uri, province_admin)
    finally:
        set_clock_file(clock_file, "")  # the session's default: system time


def check(api: Api, amqp_uri: str, province_admin: str) -> None:
    enterprise, token = api.register_enterprise(region="430405", city="430400", name="衡阳推荐库测试有限公司")
    uscc = enterprise["uscc"]
    event = recognised(uscc, enterprise["name"])
    rabbit.publish(amqp_uri, "upstream.events", "review.recognised", event)
    rabbit.publish(amqp_uri, "upstream.events", "review.recognised", event)  # the shovel may deliver twice

    def mine() -> list[dict[str, object]]:
        answer = api.get(PATH, token=province_admin)
        assert answer.status == 200, answer.body
        return [r for r in answer.body.get("recommendations", []) if r["uscc"] == uscc]

    entries = until(mine, timeout=60, interval=0.5, what="the city's recommendation in the 推荐库")
    assert len(entries) == 1
    assert (entries[0]["from_owner_name"], entries[0]["rank"], entries[0]["application_id"]) == (
        "衡阳市工业和信息化局", 3, "")

    application_id = api.apply(token)
    entry = until(lambda: [r for r in mine() if r["application_id"] == application_id], timeout=60, interval=0.5,
                  what="the entry linked to the enterprise's application")[0]
    assert entry["from_programme_id"] == "hengyang-2020-seed"
    record = until(lambda: (lambda a: a if a.status == 200 else None)(
        api.get(f"/api/v1/review/applications/{application_id}", token=province_admin)), timeout=60, interval=0.5,
        what="the application in review")
    assert [c["uscc"] for c in record.body["city_recommendations"]] == [uscc]
    own = api.get(f"/api/v1/review/applications/{application_id}", token=token)
    assert own.status == 200 and not own.body.get("city_recommendations")  # for the reviewers, not the enterprise
