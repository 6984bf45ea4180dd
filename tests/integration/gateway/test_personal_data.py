"""Personal data on the real suite (issue 25 point 4; docs/personal-data.md).

One enterprise signs up through the gateway with a mobile number and an e-mail address no
other test uses; a second sign-up is refused for its mobile at the gateway, a third for its
e-mail address at registration itself (over gRPC, where the refusal is an exception in a span).
Then every log line of every service and every span exported so far is scanned for those
values, and for the contacts the rest of the session's flows used (submissions, reviews,
notifications ran before this file): 0 hits. The contacts are sealed at rest where they are
kept (registration, notification) and not kept at all by reporting.
"""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path

import bson
import grpc
from gwclient import PASSWORD, Api, fresh_uscc
from pymongo import MongoClient

from gateway.api.privacy import VERSION as PRIVACY_NOTICE
from harness.clients import call
from harness.otlp import OtlpReceiver
from harness.wait import until
from zjtx.clock import set_clock_file
from zjtx.up import Suite
from zjtx_api import registration_pb2 as pb
from zjtx_api.registration_pb2_grpc import RegistrationStub

# contacts the session's other flows send (gwclient, registration_support, review_support, web front)
SESSION_CONTACTS = ("13800138000", "13900139000", "li@example.cn", "liming@example.cn", "zs@example.cn")


def fresh_mobile(prefix: str = "159") -> str:
    return prefix + "".join(random.choice("0123456789") for _ in range(11 - len(prefix)))


def sign_up(api: Api, mobile: str, email: str) -> tuple[int, dict]:
    answer = api.post("/api/v1/enterprises", {
        "uscc": fresh_uscc(), "name": f"衡阳隐私验证有限公司{uuid.uuid4().hex[:4]}", "region_code": "430405",
        "industry": "通用设备制造业", "park_id": "", "password": PASSWORD, "privacy_notice_version": PRIVACY_NOTICE,
        "contact": {"person": "赵六", "mobile": mobile, "email": email}}, token="")
    return answer.status, answer.body


def hits(text: str, values: tuple[str, ...]) -> list[str]:
    return [v for v in values if v in text]


def test_logs_spans_and_stores_hold_no_personal_value(api: Api, suite: Suite, otlp: OtlpReceiver, mongo: MongoClient,
                                                      channels: dict[str, grpc.Channel]) -> None:
    mobile, email = fresh_mobile(), f"pd{uuid.uuid4().hex[:8]}@example.cn"
    bad_mobile, bad_email = fresh_mobile("12"), f"pd{uuid.uuid4().hex[:8]}@nowhere"
    sent_before = len(otlp.spans)

    status, created = sign_up(api, mobile, email)
    assert status == 201, created
    # the privacy notice accepted, by its version, and when (PIPL art. 14)
    credential = mongo.zjtx_gateway.credentials.find_one({"subject": created["id"]})
    assert credential["privacy_consent"]["version"] == PRIVACY_NOTICE and credential["privacy_consent"]["accepted_at"]
    assert api.get("/api/v1/privacy-notice", token="").body["version"] == PRIVACY_NOTICE
    outdated = api.post("/api/v1/enterprises", {"privacy_notice_version": "2020-01-01"}, token="")
    assert outdated.status == 400 and "privacy_notice_version" in {v["field"] for v in outdated.body["violations"]}
    refused, body = sign_up(api, bad_mobile, email)
    assert refused == 400 and "contact.mobile" in {v["field"] for v in body["violations"]}, body
    assert bad_mobile not in str(body)  # the refusal says what is accepted, not what was typed
    try:
        call(RegistrationStub(channels["registration"]).RegisterEnterprise, pb.RegisterEnterpriseRequest(
            uscc=fresh_uscc(), name="衡阳隐私拒绝有限公司", region_code="430405", industry="通用设备制造业",
            contact=pb.Contact(person="赵六", mobile=mobile, email=bad_email)))
        raise AssertionError("registration accepted an e-mail address without a domain")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and bad_email not in str(error.details())

    # the enterprise itself reads its full contact; the services learn it from enterprise.registered
    token = api.sign_in_enterprise(created["uscc"])
    assert api.get("/api/v1/enterprise", token=token).body["contact"]["mobile"] == mobile
    enterprise_id = created["id"]
    learnt = until(lambda: mongo.zjtx_notification.enterprises.find_one({"_id": enterprise_id, "contact.mobile":
                                                                          {"$exists": True}}),
                   timeout=60, what="notification learning the contact")
    reported = until(lambda: mongo.zjtx_reporting.enterprises.find_one({"_id": enterprise_id}), timeout=60,
                     what="reporting's enterprise")

    # at rest: sealed where kept, absent where not needed
    registered = mongo.zjtx_registration.enterprises.find_one({"_id": enterprise_id})
    assert registered["profile"]["contact_mobile"].startswith("enc:1:")
    assert learnt["contact"]["mobile"].startswith("enc:1:") and learnt["contact"]["email"].startswith("enc:1:")
    kept = [registered, learnt, reported, *mongo.zjtx_registration.enterprise_versions.find({"enterprise_id": enterprise_id}),
            *mongo.zjtx_reporting.event_archive.find({"subject": enterprise_id})]
    at_rest = b"".join(bson.encode(d) for d in kept)
    assert not hits(at_rest.decode("utf-8", "replace"), (mobile, email, "赵六")), "a contact stored in clear"

    # logs and spans: the flows' values, rejected ones included, nowhere
    until(lambda: any("RegisterEnterprise" in s.name for s in otlp.spans[sent_before:]), timeout=30,
          what="the sign-ups' spans exported")
    suite_values = (mobile, email, bad_mobile, bad_email, *SESSION_CONTACTS)
    log_files = sorted(Path(suite.log_dir).glob("*.log"))
    assert {p.stem for p in log_files} >= {"registration", "notification", "reporting", "review", "gateway"}
    found = {p.name: hits(p.read_text(encoding="utf-8", errors="replace"), suite_values) for p in log_files}
    found["spans"] = hits(b"".join(otlp.raw).decode("utf-8", "replace"), suite_values)
    lines = sum(len(p.read_text(encoding="utf-8", errors="replace").splitlines()) for p in log_files)
    print(f"scanned {lines} log lines in {len(log_files)} files and {len(otlp.spans)} spans for "
          f"{len(suite_values)} values: {sum(len(v) for v in found.values())} hits")
    assert not any(found.values()), found


def test_events_outboxes_and_dead_letters_carry_no_personal_value(api: Api, suite: Suite, mongo: MongoClient,
                                                                  clock_file: Path) -> None:
    """An outside subscriber's queue, every service's outbox and every dead letter: the contacts of a
    sign-up and of a submitted application's form (sections.basic, the pledge's signer) travel and
    rest sealed, never in clear; the instance's own key opens them and the content hash still verifies.
    A dead letter is the event's body as published, so the queue's copy stands for them as well as the
    dead-letter queues the session holds (scanned too)."""
    from kombu import Connection, Exchange, Queue

    from kernel import personal
    from registration.rules.snapshots import content_hash
    from zjtx.crypto import field_cipher
    from zjtx.ops import Operations

    mobile, email = fresh_mobile(), f"ev{uuid.uuid4().hex[:8]}@example.cn"
    form_values = ("0734-8888888", "li@example.cn")  # gwclient's sections: the form's contact phone and e-mail
    watched = Queue(f"ext.pdtest.{uuid.uuid4().hex[:8]}", Exchange("registration.events", "topic", durable=True,
                                                                    passive=True),
                    routing_key="#", auto_delete=True, durable=False)
    bodies: list[bytes] = []
    with Connection(suite.env["AMQP_URI"]) as connection:
        watched(connection.default_channel).declare()
        status, created = sign_up(api, mobile, email)
        assert status == 201, created
        set_clock_file(clock_file, "2020-05-10T10:00:00+08:00")  # the Hunan window is open
        try:
            application_id = api.apply(api.sign_in_enterprise(created["uscc"]))
        finally:
            set_clock_file(clock_file, "")

        def both_seen() -> bool:
            while (message := connection.default_channel.basic_get(watched.name, no_ack=True)) is not None:
                bodies.append(message.body if isinstance(message.body, bytes) else str(message.body).encode())
            return any(application_id.encode() in b and b"application.submitted" in b for b in bodies)

        until(both_seen, timeout=60, what="application.submitted on the subscriber's queue")
    events = [json.loads(b) for b in bodies]
    registered = next(e for e in events if e["type"] == "enterprise.registered" and e["subject"] == created["id"])
    submitted = next(e for e in events if e["type"] == "application.submitted" and e["subject"] == application_id)
    values = (mobile, email, "赵六", *form_values)
    assert not hits(b"".join(bodies).decode("utf-8", "replace"), values), "an event carries a personal value in clear"
    sealed = registered["data"]["sealed_contact"]
    assert all(v.startswith("enc:1:") for v in sealed.values()) and "contact" not in registered["data"]
    assert personal.open_contact(field_cipher(), sealed) == {"person": "赵六", "mobile": mobile, "email": email}
    snapshot = submitted["data"]["application"]
    assert {"sections.basic.contact_phone", "sections.basic.contact_email", "pledge.signer_name"} <= set(
        snapshot["sealed_fields"])
    opened = personal.open_snapshot(field_cipher(), snapshot)
    assert opened["sections"]["basic"]["contact_phone"] == "0734-8888888" and opened["pledge"]["signer_name"] == "张三"
    pledge = {k: opened["pledge"].get(k, "") for k in ("signer_name", "signer_title", "signed_at", "text_sha256")}
    attachments = [{**a, "size": int(a["size"])} for a in opened["attachments"]]
    assert content_hash(opened["sections"], attachments, pledge) == snapshot["content_hash"]

    # every service's outbox (the events' payloads as stored) and every collection that could hold them
    databases = [name for name in mongo.list_database_names() if name.startswith("zjtx_")]
    stored = 0
    found: dict[str, list[str]] = {}
    for name in databases:
        for collection in mongo[name].list_collection_names():
            if collection.endswith(".chunks"):  # attachment bytes (the test's files hold no contact)
                continue
            text = b"".join(bson.encode(d) for d in mongo[name][collection].find()).decode("utf-8", "replace")
            stored += len(text)
            if got := hits(text, (mobile, email, *form_values)):
                found[f"{name}.{collection}"] = got
    outboxes = sum(mongo[n].outbox.count_documents({}) for n in databases)
    letters = 0
    operations = Operations(dict(suite.env))
    with operations.broker() as connection:
        for queue in operations.dead_letter_queues():
            channel = connection.channel()
            try:  # basic.get without ack: put back when the channel closes
                while (message := channel.basic_get(queue, no_ack=False)) is not None:
                    letters += 1
                    if got := hits(message.body.decode("utf-8", "replace") if isinstance(message.body, bytes)
                                   else str(message.body), (mobile, email, *form_values, *SESSION_CONTACTS)):
                        found[f"dead letter in {queue}"] = got
            finally:
                channel.close()
    print(f"scanned {len(bodies)} event bodies, {outboxes} outbox records in {len(databases)} databases "
          f"({stored:,} characters of documents) and {letters} dead letters: {sum(map(len, found.values()))} hits")
    assert not found, found


def scan_databases(mongo: MongoClient, values: tuple[str, ...]) -> tuple[dict[str, list[str]], int]:
    """Every database of the instance, every collection but file chunks, sealed values opened:
    where each of ``values`` is found, and how many documents were read."""
    found: dict[str, list[str]] = {}
    documents = 0
    for name in (n for n in mongo.list_database_names() if n.startswith("zjtx_")):
        for collection in mongo[name].list_collection_names():
            if collection.endswith(".chunks"):
                continue
            for document in mongo[name][collection].find():
                documents += 1
                text = bson.encode(document).decode("utf-8", "replace") + "\n".join(sealed_values(document))
                if got := hits(text, values):
                    found.setdefault(f"{name}.{collection}", []).extend(got)
    return found, documents


def sealed_values(value: object) -> list[str]:
    """Every sealed string in a document, opened with the instance's key (erased must mean gone,
    not merely sealed)."""
    from zjtx.crypto import field_cipher, is_sealed

    if isinstance(value, dict):
        found: list[str] = []
        for key, item in value.items():
            if is_sealed(item):
                for aad in _aads(str(key), value):
                    try:
                        found.append(field_cipher().decrypt(aad, item))
                        break
                    except ValueError:
                        continue
                else:
                    found.append(item)
            else:
                found += sealed_values(item)
        return found
    if isinstance(value, list):
        return [v for item in value for v in sealed_values(item)]
    return []


def _aads(key: str, holder: dict) -> list[str]:
    """The associated data a sealed value may have been written with (docs/personal-data.md)."""
    return [f"contact.{key}", f"profile.{key}", f"pledge.{key}", f"delivery.{key}", f"reviewer.{key}",
            f"objection.{key}", *(f"sections.{s}.{key}" for s in ("basic", "economic", "specialisation", "innovation",
                                                                    "other"))]


def test_erasure_after_the_archive_period_leaves_no_personal_value_and_keeps_the_record(
        api: Api, suite: Suite, mongo: MongoClient, clock_file: Path, channels: dict[str, grpc.Channel],
        province_admin: str) -> None:
    """PIPL art. 47: refused before the programme's archive period passed (the date named), then the
    system administrator erases; registration.personal_data_erased reaches review and notification;
    every database of the instance, sealed values opened, holds none of the enterprise's personal
    values; the applications, snapshots (with their hash) and review's record remain; the enterprise
    can still correct its contact."""
    from zjtx.grpc_support import Caller

    def caller_metadata(**claims: str) -> tuple[tuple[str, str], ...]:
        return (Caller(**claims).metadata(),)

    tag = uuid.uuid4().hex[:6]
    mobile, email, person = fresh_mobile("158"), f"er{tag}@example.cn", f"擦除联系人{tag}"
    form = {"legal_representative": f"擦除法人{tag}", "contact_name": f"擦除填报人{tag}",
            "contact_phone": "0731-" + "".join(random.choice("0123456789") for _ in range(7)),
            "contact_email": f"form{tag}@example.cn"}
    signer = f"擦除签署人{tag}"
    values = (mobile, email, person, signer, *form.values())
    answer = api.post("/api/v1/enterprises", {
        "uscc": fresh_uscc(), "name": f"衡阳擦除验证有限公司{tag}", "region_code": "430405", "industry": "通用设备制造业",
        "park_id": "", "password": PASSWORD, "privacy_notice_version": PRIVACY_NOTICE,
        "contact": {"person": person, "mobile": mobile, "email": email}}, token="")
    assert answer.status == 201, answer.body
    enterprise_id, token = answer.body["id"], api.sign_in_enterprise(answer.body["uscc"])
    registration = RegistrationStub(channels["registration"])
    try:
        set_clock_file(clock_file, "2020-05-10T10:00:00+08:00")  # the Hunan window is open
        application_id = api.apply(token, basic=form, signer=signer)
        until(lambda: mongo.zjtx_review.applications.find_one({"_id": application_id}), timeout=60,
              what="review's copy of the application")
        until(lambda: mongo.zjtx_notification.deliveries.find_one({"recipient": f"enterprise:{enterprise_id}"}),
              timeout=60, what="a delivery to the enterprise")
        erasure = f"/api/v1/enterprises/{enterprise_id}/personal-data-erasure"
        refused = api.post(erasure, {"reason": "测试"}, token=province_admin)
        assert refused.status == 409 and refused.body["code"] == "personal_data.archive_period", refused.body
        assert "2030年5月15日" in refused.body["message"]  # closes 2020-05-15 + 10 years
        print(f"refused within the archive period: {refused.body['message']}")
        before, _ = scan_databases(mongo, values)  # the scan sees them while they are kept (sealed or not)
        assert {"zjtx_registration.applications", "zjtx_registration.snapshots", "zjtx_review.applications",
                "zjtx_notification.enterprises"} <= set(before), before
        set_clock_file(clock_file, "2030-05-16T10:00:00+08:00")
        # ten years pass here in a second: let registration's events be published and marked, as
        # they long are by then (erasure removes the published copies; see registration's README)
        until(lambda: mongo.zjtx_registration.outbox.find_one(
            {"subject": {"$in": [enterprise_id, application_id]}, "state": {"$ne": "Published"}}) is None,
            timeout=30, what="registration's events about the enterprise published")
        # the gateway admits the system administrator only; registration checks the role again
        try:
            call(registration.ErasePersonalData, pb.ErasePersonalDataRequest(enterprise_id=enterprise_id),
                 caller_metadata(role="reviewer", subject="rev", unit="unit-430400"))
            raise AssertionError("a reviewer erased personal data")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.PERMISSION_DENIED, error
        answer = api.post(erasure, {"reason": "档案保存期满"}, token=province_admin)
        assert answer.status == 200, answer.body
        erased = answer.body
        assert erased["application_ids"] == [application_id] and erased["erased_marker"] == "〔已删除〕"
        # the act in registration's chain (who, why) and in the gateway's, which the audit administrator searches
        recorded = mongo.zjtx_registration.audit.find_one({"action": "personal_data.erased",
                                                          "target": f"enterprise:{enterprise_id}"})
        assert (recorded["subject"], recorded["role"], recorded["reason"]) == (erased["erased_by"], "admin", "档案保存期满")
        assert mongo.zjtx_gateway.audit.find_one({"action": "request.erasePersonalData", "subject": erased["erased_by"]})
        until(lambda: (mongo.zjtx_review.applications.find_one({"_id": application_id, "personal_data_erased_at":
                                                                {"$exists": True}})
                       and mongo.zjtx_notification.enterprises.find_one({"_id": enterprise_id,
                                                                         "personal_data_erased_at": {"$exists": True}})),
              timeout=60, what="review and notification applying registration.personal_data_erased")
        found, documents = scan_databases(mongo, values)
        print(f"after erasure: {documents} documents in the instance's databases scanned for {len(values)} values "
              f"(sealed ones opened): {sum(map(len, found.values()))} hits")
        assert not found, found
        # the government record stays, without the personal fields
        kept = mongo.zjtx_registration.applications.find_one({"_id": application_id})
        snapshot = mongo.zjtx_registration.snapshots.find_one({"application_id": application_id})
        reviewed = mongo.zjtx_review.applications.find_one({"_id": application_id})
        assert kept["status"] == "in_review" and snapshot["content_hash"] == kept["content_hash"] == reviewed["content_hash"]
        assert snapshot["sections"]["basic"]["contact_phone"] == "〔已删除〕" == reviewed["sections"]["basic"]["contact_name"]
        assert snapshot["sections"]["basic"]["main_product"] == "数控机床主轴"
        assert snapshot["pledge"]["signer_name"] == "〔已删除〕"
        # correction stays possible (PIPL art. 46): the enterprise gives a new contact
        current = api.get("/api/v1/enterprise", token=token).body
        assert current["contact"]["mobile"] == "〔已删除〕"
        corrected = api.put("/api/v1/enterprise", {**{k: current[k] for k in ("name", "region_code", "industry",
                                                                             "park_id")},
                                                   "expected_version": current["version"],
                                                   "contact": {"person": "新联系人", "mobile": fresh_mobile(),
                                                               "email": f"new{tag}@example.cn"}}, token=token)
        assert corrected.status == 200, corrected.body
    finally:
        set_clock_file(clock_file, "")
