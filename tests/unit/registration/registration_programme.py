"""A small programme, built as review sends it (``zjtx.review.v1.Programme``), for the rule tests."""

from __future__ import annotations

import json

from kernel.programme import ProgrammeModel, programme_from_message
from zjtx_api import review_pb2 as pb

PLEDGE_TEXT = "申报企业对申报材料的完整性、真实性、合法性负责，相关后果由申报企业自行承担。"


def message() -> pb.Programme:
    return pb.Programme(
        id="test-2020", version=3, title="测试批次", year=2020, level="city", owner="430400", owner_name="衡阳市工业和信息化局",
        window=pb.Window(opens_at="2020-03-30T00:00:00+08:00", closes_at="2020-05-15T23:59:59+08:00",
                         review_closes_at="2020-05-15T23:59:59+08:00"),
        max_return_rounds=2,
        sections=[
            pb.Section(id="basic", title="基本情况", fields=[
                pb.Field(id="name", label="法定代表人", type="string", required=True, max_length=10),
                pb.Field(id="founded", label="成立日期", type="date", required=True),
                pb.Field(id="staff", label="从业人员数", type="integer", required=True, min="0", unit="人"),
                pb.Field(id="focus", label="培育重点方向", type="enum", required=True,
                         options=[pb.Option(value="a", label="甲"), pb.Option(value="b", label="乙")]),
                pb.Field(id="phone", label="联系电话", type="string", required=False, pattern="[0-9-]{7,20}"),
            ]),
            pb.Section(id="other", title="其他", fields=[
                pb.Field(id="cloud", label="是否上云上平台", type="boolean", required=True),
                pb.Field(id="revenue", label="营业收入", type="decimal", required=False, min="0", max="100000",
                         unit="万元"),
                pb.Field(id="tags", label="标签", type="multi_enum", required=False,
                         options=[pb.Option(value="x", label="X"), pb.Option(value="y", label="Y")]),
                pb.Field(id="story", label="企业简介", type="text", required=False, min_length=5, max_length=20),
            ]),
        ],
        attachments=[
            pb.AttachmentSpec(kind="licence", title="营业执照", min_count=1, max_count=1,
                              media_types=["application/pdf", "image/jpeg"], max_bytes=1024, required=True),
            pb.AttachmentSpec(kind="photos", title="照片", min_count=2, max_count=3, media_types=["image/png"],
                              max_bytes=2048, required=False),
        ],
        pledge=pb.Pledge(required=True, title="真实性承诺", text=PLEDGE_TEXT),
        eligibility_gates=[
            pb.Gate(id="cloud", field="other.cloud", operator="equals", operand_json="true",
                    message="必须是“上云上平台”企业"),
            pb.Gate(id="big", field="other.revenue", operator="gte", operand_json=json.dumps(100.5),
                    message="营业收入不低于100.5万元"),
        ],
        focus_categories=[pb.FocusCategory(id="a", title="甲", text="甲类"),
                          pb.FocusCategory(id="b", title="乙", text="乙类")],
    )


def programme() -> ProgrammeModel:
    return programme_from_message(message())
