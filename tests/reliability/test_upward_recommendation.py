"""Hengyang's 种子企业 reach the province's 推荐库 through RabbitMQ's own shovel, across two
instances each on a RabbitMQ node of its own, and an outage of the province's node loses
nothing.

- The Hengyang city instance (deploy/instances/hengyang-city.yaml: vhost zjtx-hengyang-city,
  its own databases, the seed programme, Hengyang's units) runs its review service on one
  private node, with rabbitmq_management, rabbitmq_shovel and rabbitmq_shovel_management
  enabled offline; the Hunan province instance (zjtx-hunan-province, its databases, the
  provincial programmes, Hunan's units) on another. ``zjtx.upstream.link`` declares the
  city's queue of upward events and the shovel to the province's ``upstream.events``.
- Hengyang runs its seed programme through review's gRPC API (submissions published as
  registration would, county reviews, 推荐汇总表 and 推荐报告, ranking, recognition); the
  province's node is stopped just before Hengyang publishes its list and started again
  some seconds later. Every recognised enterprise arrives in the province's 推荐库 once:
  sent, arrived, doubled, delay and outage length are printed.
- One of them then applies to the province's 小巨人 programme: the province's reviewers see
  Hengyang's recognition in the task; the province's administrator lists the 推荐库 with
  the application linked.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pymongo import MongoClient

from harness.broker_node import BrokerNode, start_node
from harness.clients import call, channel, org_body
from harness.files import pdf
from harness.wait import until
from integration.review.review_support import as_unit, open_task_of, publish_submitted, snapshot
from kernel.uscc import make_uscc
from reliability.rig import DatabaseServer, rig_env
from zjtx import broker_policies, upstream
from zjtx.clock import set_clock_file
from zjtx.config import instance_document
from zjtx.up import Suite
from zjtx_api import review_pb2 as pb
from zjtx_api.review_pb2_grpc import ReviewStub

CITY, PROVINCE = "hengyang-city", "hunan-province"
SEED, LITTLE_GIANT = "hengyang-2020-seed", "hunan-2020-little-giant"
UNITS = ("unit-430405", "unit-430406")  # 珠晖区, 雁峰区: level 1 of the seed programme
CITY_ADMIN = as_unit("unit-430400", "admin", "admin-hengyang")
PROVINCE_ADMIN = as_unit("unit-430000", "admin", "admin-hunan")
N = int(os.environ.get("ZJTX_UPSTREAM_N", "8"))
OUTAGE_SECONDS = 10.0
SHOVEL_PLUGINS = ("rabbitmq_management", "rabbitmq_shovel", "rabbitmq_shovel_management")


def seed_sections() -> dict[str, dict[str, object]]:
    return {"basic": {"legal_representative": "李四", "industry": "C38", "employees": 120, "above_scale": True},
            "innovation": {"invention_patents": 2, "rnd_expense_2019": 300},
            "digital": {"cloud_platform": True, "two_integration": True},
            "profile": {"profile_and_plan": "企业简介" * 200}}


def little_giant_sections() -> dict[str, dict[str, object]]:
    return {"basic": {"legal_representative": "李四", "established_on": "2010-06-01", "registered_capital": 5000,
                      "registration_type": "private", "industry": "C35", "main_product": "数控机床主轴",
                      "focus_category": "industrial_foundation", "employees": 260},
            "economic": {"main_revenue_2017": 12000, "main_revenue_2018": 15000, "main_revenue_2019": 18000},
            "innovation": {"rnd_expense_2019": 900, "invention_patents": 3, "high_tech_enterprise": True},
            "other": {"cloud_platform": True, "two_integration": True, "epidemic_supplies": False}}


class Instance:
    """One instance's review service on its own node, vhost, databases and clock."""

    def __init__(self, name: str, node: BrokerNode, mongo_uri: str, base: Path) -> None:
        self.name, self.node = name, node
        self.vhost = str(instance_document(name, {})["vhost"])
        node.add_vhost(self.vhost)
        node.ctl(*broker_policies.rabbitmqctl_args(self.vhost, 4))
        self.amqp_uri = node.amqp_uri(self.vhost)
        base.mkdir(parents=True, exist_ok=True)
        self.clock = base / "clock"
        set_clock_file(self.clock, "")
        env = rig_env(self.amqp_uri, mongo_uri, self.clock, base / "var")
        env.update({"ZJTX_INSTANCE": name, "ZJTX_BROKER_ACCOUNTS": "0", "ZJTX_BROKER_POLICY": "0",
                    "REVIEW_CLOCK_TICK_SECONDS": "0.5"})
        self.suite = Suite(env, base / "log")

    def start(self) -> ReviewStub:
        self.suite.start(("review",), timeout=180)
        self.channel = channel(self.suite.endpoints["review"], "review")
        return ReviewStub(self.channel)

    @property
    def database(self) -> str:
        return str(instance_document(self.name, {})["databases"]["review"])

    def close(self) -> None:
        if hasattr(self, "channel"):
            self.channel.close()
        self.suite.stop()


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[tuple[BrokerNode, BrokerNode]]:
    city = start_node(tmp_path / "city-node", plugins=SHOVEL_PLUGINS)
    try:
        province = start_node(tmp_path / "province-node")
    except BaseException:
        city.close()
        raise
    yield city, province
    province.close()
    city.close()


def test_hengyang_seeds_reach_the_province_through_the_shovel_across_an_outage(
        tmp_path: Path, nodes: tuple[BrokerNode, BrokerNode], reported: list[str]) -> None:
    city_node, province_node = nodes
    database = DatabaseServer(tmp_path / "mongo", tmp_path / "mongo.log")
    database.start()
    mongo: MongoClient = MongoClient(database.uri, tz_aware=True)
    city = Instance(CITY, city_node, database.uri, tmp_path / "city")
    province = Instance(PROVINCE, province_node, database.uri, tmp_path / "province")
    try:
        city_review, province_review = city.start(), province.start()
        target, events = upstream.upstream_of(CITY) or ("", [])
        assert (target, events) == (PROVINCE, ["review.recognised"])
        upstream.link(city_node.management_uri, city.vhost, city.amqp_uri, province.amqp_uri, target, events)
        upstream.wait_running(city_node.management_uri, city.vhost, target)

        # Hengyang's seed programme: submissions, county reviews, uploads
        set_clock_file(city.clock, "2020-09-20T10:00:00+08:00")
        apps: dict[str, tuple[str, str]] = {}  # application id -> (uscc, region)
        for index in range(N):
            unit = UNITS[index % len(UNITS)]
            region = unit.removeprefix("unit-")
            uscc = make_uscc("9", "1", region, org_body("Q"))
            snap = snapshot(SEED, name=f"衡阳种子{index:02d}号科技有限公司", uscc=uscc, region=region,
                            sections=seed_sections(), submitted_at="2020-09-20T02:00:00.000Z")
            publish_submitted(city.amqp_uri, snap)
            apps[snap.application_id] = (uscc, region)
        for application_id, (_, region) in apps.items():
            task = open_task_of(city_review, application_id)
            call(city_review.PassTask, pb.PassTaskRequest(task_id=task.id, opinion="材料真实完整，同意推荐"),
                 metadata=as_unit(f"unit-{region}"))
        set_clock_file(city.clock, "2020-10-12T09:00:00+08:00")  # enterprises closed on 9 October
        for unit in UNITS:
            for kind in ("summary_table", "recommendation_report"):
                chunk = pb.SummaryChunk(programme_id=SEED, unit_id=unit, kind=kind, filename=f"{kind}.pdf",
                                        data=pdf(f"{unit} {kind}"))
                city_review.UploadSummary(iter([chunk]), timeout=30, metadata=as_unit(unit))
        city_db = mongo[city.database]
        until(lambda: (city_db.programme_state.find_one({"_id": SEED}) or {}).get("recommendations_complete_at"),
              timeout=60, interval=0.5, what="Hengyang's recommendations complete")
        set_clock_file(city.clock, "2020-10-20T10:00:00+08:00")
        ranked = call(city_review.RankRecommended, pb.RankRecommendedRequest(programme_id=SEED), metadata=CITY_ADMIN)
        assert len(ranked.ranked) == N
        call(city_review.Recognise, pb.RecogniseRequest(programme_id=SEED, application_ids=list(apps)),
             metadata=CITY_ADMIN)
        set_clock_file(city.clock, "2020-10-28T00:00:00+08:00")

        # the province's node goes away; Hengyang publishes its 种子企业 meanwhile
        province_db = mongo[province.database]
        stopped = time.monotonic()
        province_node.stop_app()
        result = call(city_review.Publish, pb.PublishRequest(programme_id=SEED), metadata=CITY_ADMIN)
        published = time.monotonic()
        assert len(result.recognised) == N and {r.recommend_to for r in result.recognised} == {LITTLE_GIANT}
        queue = upstream.source_queue(target)
        until(lambda: city_node.queue_depth(queue, city.vhost) == N, timeout=60, interval=0.3,
              what="the recognitions waiting in Hengyang's upward queue")
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
        assert province_db.city_recommendations.count_documents({}) == 0
        province_node.start_app()
        back = time.monotonic()
        until(lambda: province_db.city_recommendations.count_documents({"recommend_to": LITTLE_GIANT}) >= N,
              timeout=180, interval=0.2, what="every recognition in the province's 推荐库")
        arrived_at = time.monotonic()

        sent = {r.application_id for r in result.recognised}
        kept = list(province_db.city_recommendations.find({}))
        applied = list(province_db.processed_events.find({"consumer": "ReviewService.on_city_recognised"}))
        log = (tmp_path / "province" / "log" / "review.log").read_text(errors="replace")
        skipped = len(re.findall(r"already applied by ReviewService\.on_city_recognised", log))
        assert {k["source_application_id"] for k in kept} == sent and len(kept) == N
        assert len(applied) == len({a["event_id"] for a in applied}) == N
        assert city_node.queue_depth(queue, city.vhost) == 0

        # an enterprise Hengyang recognised applies to the province's 小巨人 programme
        set_clock_file(province.clock, "2020-05-08T10:00:00+08:00")
        first = result.recognised[0]
        uscc, region = apps[first.application_id]
        applying = snapshot(LITTLE_GIANT, name=first.enterprise_name, uscc=uscc, region=region,
                            sections=little_giant_sections())
        publish_submitted(province.amqp_uri, applying)
        task = open_task_of(province_review, applying.application_id)
        seen = call(province_review.GetTask, pb.GetTaskRequest(task_id=task.id), metadata=as_unit(task.unit_id))
        assert task.unit_id == "unit-430400"  # the province programme's level 1: the city's bureau
        assert [(c.from_programme_id, c.from_owner_name, c.rank) for c in seen.city_recommendations] == [
            (SEED, "衡阳市工业和信息化局", first.rank)]
        application = call(province_review.GetApplication, pb.GetApplicationRequest(
            application_id=applying.application_id), metadata=PROVINCE_ADMIN)
        assert application.city_recommendations[0].uscc == uscc
        listed = call(province_review.ListCityRecommendations, pb.ListCityRecommendationsRequest(
            programme_id=LITTLE_GIANT), metadata=PROVINCE_ADMIN)
        assert len(listed.recommendations) == N
        assert {c.application_id for c in listed.recommendations} - {""} == {applying.application_id}

        reported.append(
            f"upward recommendation (Hengyang -> Hunan, each instance on its own RabbitMQ node, shovel): sent {N} "
            f"arrived {len(kept)} doubled {len(applied) - len({a['event_id'] for a in applied})} (duplicate deliveries "
            f"skipped by the inbox: {skipped}); province node down {back - stopped:.1f} s (outage), Hengyang published "
            f"{published - stopped:.1f} s into it; delay publish -> all in the 推荐库 {arrived_at - published:.1f} s, "
            f"{arrived_at - back:.1f} s after the province's node came back")
        print(reported[-1])
    finally:
        province.close()
        city.close()
        mongo.close()
        database.stop()

