"""Synthetic events of a programme, as registration and review publish them.

Used by the benchmark (``tests/bench/reporting_bench.py``), the tests and anyone who
wants a populated reporting database without running the whole suite. The form data
fits ``hunan-2020-little-giant``; other programmes' columns simply show blanks.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from zjtx.clock import iso

# (county code, region name, unit id, unit name): level-1 units of the Hunan programme
REGIONS = (
    ("430104", "湖南省 长沙市 岳麓区", "unit-430100", "长沙市工业和信息化局"),
    ("430121", "湖南省 长沙市 长沙县", "unit-430100", "长沙市工业和信息化局"),
    ("430211", "湖南省 株洲市 天元区", "unit-430200", "株洲市工业和信息化局"),
    ("430304", "湖南省 湘潭市 岳塘区", "unit-430300", "湘潭市工业和信息化局"),
    ("430408", "湖南省 衡阳市 蒸湘区", "unit-430400", "衡阳市工业和信息化局"),
    ("430481", "湖南省 衡阳市 耒阳市", "unit-430481", "耒阳市工业和信息化局"),
    ("430602", "湖南省 岳阳市 岳阳楼区", "unit-430600", "岳阳市工业和信息化局"),
    ("430702", "湖南省 常德市 武陵区", "unit-430700", "常德市工业和信息化局"),
    ("431102", "湖南省 永州市 零陵区", "unit-431100", "永州市工业和信息化局"),
    ("433101", "湖南省 湘西土家族苗族自治州 吉首市", "unit-433100", "湘西土家族苗族自治州工业和信息化局"),
)
INDUSTRIES = (("C35", "专用设备制造业"), ("C34", "通用设备制造业"), ("C39", "计算机、通信和其他电子设备制造业"),
              ("C26", "化学原料和化学制品制造业"), ("C27", "医药制造业"), ("I65", "软件和信息技术服务业"))
FOCUS = ("manufacturing_chain", "industrial_foundation", "new_infrastructure", "traditional_brand", "epidemic_supplies")
PROVINCE = ("unit-430000", "湖南省工业和信息化厅")


def envelope(event_type: str, source: str, subject: str, data: dict[str, Any], at: datetime,
             event_id: str | None = None) -> dict[str, Any]:
    return {"id": event_id or uuid.uuid4().hex, "type": event_type, "source": source, "time": iso(at),
            "subject": subject, "schemaversion": "1", "data": data}


@dataclass
class Applicant:
    index: int
    programme_id: str
    uscc: str
    name: str
    region_code: str
    region_name: str
    unit_id: str
    unit_name: str
    industry_code: str
    industry: str
    focus: str
    application_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    enterprise_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def sections(self) -> dict[str, Any]:
        i = self.index
        return {
            "basic": {"legal_representative": f"法人{i}", "established_on": "2012-06-01", "registered_capital": 1000 + i % 900,
                      "registration_type": "private", "industry": self.industry_code, "main_product": f"主导产品{i % 37}",
                      "focus_category": self.focus, "employees": 80 + i % 400, "address": f"{self.region_name}工业园{i}号",
                      "contact_name": "张三", "contact_phone": "0731-88888888", "contact_email": "zs@example.cn"},
            "economic": {"main_revenue_2017": 8000 + i % 5000, "main_revenue_2018": 9000 + i % 5000,
                         "main_revenue_2019": round(10000.5 + i % 7000, 2), "operating_revenue_2019": 11000 + i % 7000,
                         "net_profit_2017": 500, "net_profit_2018": 600, "net_profit_2019": 700, "tax_paid_2019": 300,
                         "total_assets_2019": 30000, "debt_ratio_2019": 45.5},
            "specialisation": {"years_in_segment": 8, "main_product_revenue_2019": 8000, "main_product_share": 80,
                               "market_share": 12.5, "supplies_large_enterprises": True},
            "innovation": {"rnd_expense_2019": round(500.25 + i % 900, 2), "rnd_expense_ratio_2019": 5.2, "rnd_staff": 30,
                           "invention_patents": i % 9, "rnd_institution": "provincial", "high_tech_enterprise": True},
            "other": {"cloud_platform": True, "two_integration": i % 3 == 0, "epidemic_supplies": i % 5 == 0},
        }

    def snapshot(self, at: datetime, version: int = 1) -> dict[str, Any]:
        attachments = [{"attachment_id": f"{self.application_id[:8]}-{kind}", "kind": kind, "filename": f"{kind}.pdf",
                        "media_type": "application/pdf", "size": 123456 + n,
                        "sha256": hashlib.sha256(f"{self.application_id}{kind}".encode()).hexdigest()}
                       for n, kind in enumerate(("authenticity_pledge", "financial_statements", "business_licence",
                                                 "supporting_evidence", "development_report", "photos"))]
        return {
            "application_id": self.application_id, "programme_id": self.programme_id, "programme_version": 1,
            "enterprise": {"enterprise_id": self.enterprise_id, "uscc": self.uscc, "name": self.name,
                           "region_code": self.region_code, "region_name": self.region_name, "industry": self.industry,
                           "contact": {"person": "张三", "mobile": "13800138000", "email": "zs@example.cn"},
                           "profile_version": 1},
            "snapshot_version": version, "content_hash": hashlib.sha256(f"{self.application_id}:{version}".encode()).hexdigest(),
            "submitted_at": iso(at), "sections": self.sections(), "attachments": attachments,
            "pledge": {"signer_name": f"法人{self.index}", "signer_title": "法定代表人", "signed_at": iso(at),
                       "text_sha256": hashlib.sha256(b"pledge").hexdigest()},
            "focus_category": self.focus,
        }

    def step(self, level: int, at: datetime, task_id: str, unit: tuple[str, str] | None = None,
             reviewer: str = "") -> dict[str, Any]:
        unit_id, unit_name = unit or (self.unit_id, self.unit_name)
        return {"task_id": task_id, "application_id": self.application_id, "programme_id": self.programme_id,
                "level": level, "unit_id": unit_id, "unit_name": unit_name, "enterprise_id": self.enterprise_id,
                "enterprise_name": self.name, "reviewer": reviewer, "at": iso(at)}

    # ---- events ----

    def registered(self, at: datetime) -> dict[str, Any]:
        return envelope("enterprise.registered", "registration", self.enterprise_id, {
            "enterprise_id": self.enterprise_id, "uscc": self.uscc, "name": self.name, "region_code": self.region_code,
            "industry": self.industry}, at)

    def submitted(self, at: datetime) -> dict[str, Any]:
        return envelope("application.submitted", "registration", self.application_id,
                        {"application": self.snapshot(at)}, at)

    def resubmitted(self, at: datetime, round_number: int, returned_task_id: str) -> dict[str, Any]:
        return envelope("application.resubmitted", "registration", self.application_id, {
            "application": self.snapshot(at, round_number + 1), "round": round_number,
            "returned_task_id": returned_task_id}, at)

    def withdrawn(self, at: datetime, reason: str = "企业主动撤回") -> dict[str, Any]:
        return envelope("application.withdrawn", "registration", self.application_id, {
            "application_id": self.application_id, "programme_id": self.programme_id,
            "enterprise_id": self.enterprise_id, "reason": reason, "withdrawn_at": iso(at)}, at)

    def task_opened(self, at: datetime, task_id: str, level: int = 1, round_number: int = 0) -> dict[str, Any]:
        return envelope("review.task_opened", "review", self.application_id, {
            "step": self.step(level, at, task_id), "due_at": "2020-05-15T15:59:59Z", "round": round_number}, at)

    def passed(self, at: datetime, task_id: str, level: int = 1, next_level: int = 0,
               opinion: str = "材料真实完整，同意推荐") -> dict[str, Any]:
        return envelope("review.passed", "review", self.application_id, {
            "step": self.step(level, at, task_id, reviewer="reviewer-1"), "opinion": opinion, "next_level": next_level}, at)

    def returned(self, at: datetime, task_id: str, round_number: int = 1) -> dict[str, Any]:
        return envelope("review.returned", "review", self.application_id, {
            "step": self.step(1, at, task_id, reviewer="reviewer-1"), "round": round_number, "max_rounds": 2,
            "reasons": [{"target_kind": "attachment", "target": "financial_statements", "target_title": "财务报表",
                         "reason": "缺少2019年度财务报表"}], "resubmit_by": "2020-05-15T15:59:59Z"}, at)

    def rejected(self, at: datetime, task_id: str, reason: str = "不符合申报条件") -> dict[str, Any]:
        return envelope("review.rejected", "review", self.application_id, {
            "step": self.step(1, at, task_id, reviewer="reviewer-1"), "reason": reason}, at)

    def recommended(self, at: datetime, task_id: str, rank: int, opinion: str = "材料真实完整，同意推荐") -> dict[str, Any]:
        return envelope("review.recommended", "review", self.application_id, {
            "step": self.step(1, at, task_id, reviewer="reviewer-1"), "opinion": opinion, "unit_rank": rank}, at)

    def recognition(self, at: datetime, recognised: bool, rank: int = 0, score: str = "") -> dict[str, Any]:
        return envelope("review.recognised" if recognised else "review.not_recognised", "review", self.application_id, {
            "application_id": self.application_id, "programme_id": self.programme_id,
            "enterprise_id": self.enterprise_id, "enterprise_name": self.name, "recognised": recognised,
            "rank": rank if recognised else 0, "score": score, "recommend_to": "national", "published_at": iso(at),
            "reason": "" if recognised else "择优认定未入选"}, at)


def programme_event(event_type: str, programme_id: str, data: dict[str, Any], at: datetime) -> dict[str, Any]:
    return envelope(event_type, "review", programme_id, {"programme_id": programme_id, **data}, at)


def applicants(count: int, programme_id: str, prefix: str = "S", uscc_of: Any = None) -> list[Applicant]:
    """``count`` applicants spread over the regions, industries and focus categories."""
    out = []
    for i in range(count):
        county, region_name, unit_id, unit_name = REGIONS[i % len(REGIONS)]
        code, industry = INDUSTRIES[i % len(INDUSTRIES)]
        uscc = uscc_of(i, county) if uscc_of else f"91{county}{prefix[:1]}{i:09d}"[:18]
        out.append(Applicant(i, programme_id, uscc, f"{region_name.split()[-1]}{prefix}测试科技有限公司{i:06d}",
                             county, region_name, unit_id, unit_name, code, industry, FOCUS[i % len(FOCUS)]))
    return out


def lifecycle(applicant: Applicant, start: datetime, days: int, rank: int) -> Iterator[dict[str, Any]]:
    """Submitted (more towards the deadline), reviewed, passed and recommended."""
    i = applicant.index
    # the deadline surge: later days get quadratically more submissions
    day = int(days * (1 - ((i * 7919) % 1000 / 1000) ** 2))
    submitted_at = start + timedelta(days=min(day, days - 1), minutes=i % 600)
    task = f"t{applicant.application_id[:20]}"
    yield applicant.submitted(submitted_at)
    yield applicant.task_opened(submitted_at + timedelta(minutes=1), task)
    yield applicant.passed(submitted_at + timedelta(hours=6), task)
    yield applicant.recommended(submitted_at + timedelta(days=1), task, rank)


def programme_events(count: int, programme_id: str, start: datetime | None = None, days: int = 47
                     ) -> Iterator[dict[str, Any]]:
    """A whole programme's recommended applications, each unit ranking its own 1, 2, ..."""
    start = start or datetime(2020, 3, 30, 1, 0, tzinfo=timezone.utc)
    ranks: dict[str, int] = {}
    for applicant in applicants(count, programme_id):
        ranks[applicant.unit_id] = ranks.get(applicant.unit_id, 0) + 1
        yield from lifecycle(applicant, start, days, ranks[applicant.unit_id])


def programme_from_yaml(path: Any) -> Any:
    """A ``review.v1.Programme`` message from a programme YAML, for use without the review
    service (benchmark, tests). Review's own loader validates; this one only transcribes."""
    import json
    from pathlib import Path

    import yaml

    from zjtx_api import review_pb2

    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    focus = [review_pb2.FocusCategory(id=f["id"], title=f["title"], text=f.get("text", ""))
             for f in raw.get("focus_categories") or []]

    def options(item: dict[str, Any]) -> list[Any]:
        if item.get("options_from") == "focus_categories":
            return [review_pb2.Option(value=f.id, label=f.title) for f in focus]
        return [review_pb2.Option(value=str(o["value"]), label=o["label"]) for o in item.get("options") or []]

    sections = [review_pb2.Section(id=s["id"], title=s["title"], fields=[
        review_pb2.Field(id=f["id"], label=f["label"], type=f["type"], required=bool(f.get("required")),
                         unit=str(f.get("unit") or ""), options=options(f)) for f in s["fields"]])
        for s in raw["sections"]]
    return review_pb2.Programme(
        id=raw["id"], version=raw["version"], title=raw["title"], year=raw["year"], level=raw["level"],
        owner=str(raw["owner"]), owner_name=raw["owner_name"], target_count=int(raw.get("target_count") or 0),
        window=review_pb2.Window(**{k: str(v) for k, v in (raw.get("window") or {}).items()}),
        review_chain=[review_pb2.ChainLevel(level=c["level"], unit_kind=c["unit_kind"], title=c["title"],
                                            final=bool(c.get("final"))) for c in raw["review_chain"]],
        sections=sections, focus_categories=focus,
        attachments=[review_pb2.AttachmentSpec(kind=a["kind"], title=a["title"]) for a in raw["attachments"]],
        pledge=review_pb2.Pledge(required=True, title=raw["pledge"]["title"], text=raw["pledge"]["text"]),
        summary_table_columns=[review_pb2.SummaryColumn(title=c["title"], source=c["source"])
                               for c in raw["summary_table_columns"]],
        has_rubric="rubric" in raw, document_json=json.dumps(raw, ensure_ascii=False, default=str),
    )


# ---- for the checks that reporting keeps no contact --------------------------------------------

def keys_in(value: Any) -> list[str]:
    """Every key of a JSON-like value, at any depth."""
    if isinstance(value, dict):
        return [*value, *(k for inner in value.values() for k in keys_in(inner))]
    if isinstance(value, list):
        return [k for inner in value for k in keys_in(inner)]
    return []


def values_in(value: Any) -> list[Any]:
    """Every leaf value of a JSON-like value, at any depth."""
    if isinstance(value, dict):
        return [v for inner in value.values() for v in values_in(inner)]
    if isinstance(value, list):
        return [v for inner in value for v in values_in(inner)]
    return [value]
