"""Operations staff: health of every service, broker queues and dead letters, failed
deliveries and their retry. No application contents are reachable from here."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote, urlsplit

import requests

from gateway.api.common import out, rpc, schema
from gateway.routes import Context, Registry, Route, obj
from zjtx.errors import DomainError
from zjtx_api import notification_pb2 as pb
from zjtx_api import reporting_pb2

OPS = ("operations",)
UPSTREAMS = ("registration", "review", "notification", "reporting")
QUEUE_SCHEMA = obj({
    "name": {"type": "string"}, "messages": {"type": "integer"}, "messages_ready": {"type": "integer"},
    "messages_unacknowledged": {"type": "integer"}, "consumers": {"type": "integer"},
    "dead_letter": {"type": "boolean"}, "type": {"type": "string"},
}, required=("name", "messages", "messages_ready", "messages_unacknowledged", "consumers", "dead_letter", "type"))


def health(ctx: Context) -> Any:
    services = {name: ctx.gw.upstreams.health(name) for name in UPSTREAMS}
    try:
        ctx.gw.accounts.store.client.admin.command("ping")
        database = "SERVING"
    except Exception:
        database = "NOT_SERVING"
    ok = database == "SERVING" and all(s == "SERVING" for s in services.values())
    return {"status": "ok" if ok else "degraded", "gateway": {"database": database}, "services": services}


def vhost_of(amqp_uri: str) -> str:
    path = urlsplit(amqp_uri).path
    return unquote(path[1:]) if path and path != "/" else "/"


def queues(ctx: Context) -> Any:
    management = str(ctx.gw.config.get("RABBIT_MANAGEMENT_URI") or "").rstrip("/")
    vhost = vhost_of(str(ctx.gw.config.get("AMQP_URI") or ""))
    try:
        answer = requests.get(f"{management}/api/queues/{quote(vhost, safe='')}", timeout=5)
        answer.raise_for_status()
    except requests.RequestException as exc:
        raise DomainError("broker.unavailable", "消息队列管理接口不可用，请检查 RabbitMQ 管理插件", [], "unavailable") from exc
    only_dead = bool(ctx.query.get("dead_letter_only"))
    listed = []
    for queue in answer.json():
        dead = queue["name"].endswith(".dead-letter") or queue["name"].startswith("zjtx.dead-letter")
        if only_dead and not dead:
            continue
        listed.append({"name": queue["name"], "messages": int(queue.get("messages", 0) or 0),
                       "messages_ready": int(queue.get("messages_ready", 0) or 0),
                       "messages_unacknowledged": int(queue.get("messages_unacknowledged", 0) or 0),
                       "consumers": int(queue.get("consumers", 0) or 0), "dead_letter": dead,
                       "type": str(queue.get("type", "classic"))})
    return {"vhost": vhost, "queues": sorted(listed, key=lambda q: q["name"])}


def deliveries(ctx: Context) -> Any:
    q = ctx.query
    request = pb.ListDeliveriesRequest(state=q.get("state", ""), channel=q.get("channel", ""),
                                       recipient=q.get("recipient", ""), event_id=q.get("event_id", ""),
                                       subject=q.get("subject", ""), limit=int(q.get("limit") or 100))
    return out(rpc(ctx, "notification", "ListDeliveries", request))


def retry_delivery(ctx: Context) -> Any:
    return out(rpc(ctx, "notification", "RetryDelivery", pb.RetryDeliveryRequest(delivery_id=ctx.path["delivery_id"])))


def delivery_stats(ctx: Context) -> Any:
    return out(rpc(ctx, "notification", "DeliveryStats", pb.DeliveryStatsRequest()))


def rebuild_reports(ctx: Context) -> Any:
    last = reporting_pb2.ReportProgress()
    for progress in ctx.gw.upstreams.stream("reporting", "Rebuild", reporting_pb2.RebuildRequest(), ctx.identity,
                                            ctx.client_address):
        last = progress
    return out(last)


def register(r: Registry) -> None:
    r.add(Route("GET", "/api/v1/ops/health", "opsHealth", "Health of the gateway's database and every service",
                "operations", OPS, health, action_zh="查看运行状态", response=obj({
                    "status": {"type": "string", "enum": ["ok", "degraded"]},
                    "gateway": obj({"database": {"type": "string"}}, required=("database",)),
                    "services": obj({n: {"type": "string"} for n in UPSTREAMS}, required=UPSTREAMS),
                }, required=("status", "gateway", "services"))))
    r.add(Route("GET", "/api/v1/ops/queues", "opsQueues",
                "RabbitMQ queues of this installation with depths; dead-letter queues flagged", "operations", OPS,
                queues, action_zh="查看消息队列", query=obj({"dead_letter_only": {"type": "boolean"}}),
                response=obj({"vhost": {"type": "string"}, "queues": {"type": "array", "items": QUEUE_SCHEMA}},
                             required=("vhost", "queues"))))
    r.add(Route("GET", "/api/v1/ops/deliveries", "opsDeliveries", "Notification deliveries by state (e.g. failed)",
                "operations", OPS, deliveries, response=schema(pb.ListDeliveriesResponse), action_zh="查看通知投递",
                query=obj({
                    "state": {"type": "string", "enum": ["pending", "sending", "retrying", "sent", "failed", "skipped"]},
                    "channel": {"type": "string", "enum": ["inbox", "email", "sms"]},
                    "recipient": {"type": "string", "maxLength": 100, "pattern": "^[A-Za-z0-9:_-]*$"},
                    "event_id": {"type": "string", "maxLength": 100, "pattern": "^[A-Za-z0-9:_-]*$"},
                    "subject": {"type": "string", "maxLength": 100, "pattern": "^[A-Za-z0-9:_-]*$"},
                    "limit": {"type": "integer", "minimum": 1, "maximum": 500},
                })))
    r.add(Route("POST", "/api/v1/ops/deliveries/{delivery_id}/retry", "opsRetryDelivery",
                "Retry a failed delivery", "operations", OPS, retry_delivery, response=schema(pb.Delivery),
                action_zh="重试通知投递"))
    r.add(Route("GET", "/api/v1/ops/deliveries/stats", "opsDeliveryStats", "Deliveries per channel and state",
                "operations", OPS, delivery_stats, response=schema(pb.DeliveryStatsResponse), action_zh="查看通知投递"))
    r.add(Route("POST", "/api/v1/ops/reporting/rebuild", "opsRebuildReporting",
                "Rebuild reporting's read models from the event archive (waits for the end)", "operations", OPS,
                rebuild_reports, response=schema(reporting_pb2.ReportProgress), action_zh="重建统计数据"))
