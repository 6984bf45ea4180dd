"""The signed-in person's inbox: messages, unread count, mark read, channel preferences.

Which inboxes ("boxes") a person may open follows from who they are: an enterprise its
own (``enterprise:<id>``); reviewers and admins their unit's shared inbox and their own
account's; admins also the inbox of each programme their unit owns (``admin:<programme>``).
"""

from __future__ import annotations

from typing import Any

from gateway.api.common import LIMIT_SCHEMA, body_schema, build, out, rpc, schema, system_rpc
from gateway.routes import Context, Registry, Route, obj
from zjtx.errors import forbidden
from zjtx_api import notification_pb2 as pb
from zjtx_api import review_pb2

PEOPLE = ("enterprise", "reviewer", "admin")
BOX_SCHEMA = {"type": "string", "pattern": "^(enterprise|unit|admin|account):[A-Za-z0-9_-]{1,64}$",
              "x-message": "收件箱形如 enterprise:<企业编号>、unit:<单位编号>、admin:<批次编号>、account:<账号编号>"}


def boxes(ctx: Context) -> list[str]:
    who = ctx.who
    if who.role == "enterprise":
        return [f"enterprise:{who.enterprise_id}"]
    allowed = [f"unit:{who.unit}", f"account:{who.subject}"]
    if who.role == "admin":
        division = ctx.gw.directory.unit_division(who)
        listed = system_rpc(ctx, "review", "ListProgrammes", review_pb2.ListProgrammesRequest())
        allowed += [f"admin:{p.id}" for p in listed.programmes if p.owner == division]
    return allowed


def chosen_box(ctx: Context, requested: str | None) -> str:
    allowed = boxes(ctx)
    if not requested:
        return allowed[0]
    if requested not in allowed:
        raise forbidden("forbidden.other_inbox", f"无权查看收件箱“{requested}”；您可以查看：{'、'.join(allowed)}")
    return requested


def list_boxes(ctx: Context) -> Any:
    return {"boxes": boxes(ctx)}


def list_inbox(ctx: Context) -> Any:
    q = ctx.query
    request = pb.ListInboxRequest(recipient=chosen_box(ctx, q.get("box")), unread_only=bool(q.get("unread_only")),
                                  limit=int(q.get("limit") or 50))
    return out(rpc(ctx, "notification", "ListInbox", request))


def count_unread(ctx: Context) -> Any:
    request = pb.CountUnreadRequest(recipient=chosen_box(ctx, ctx.query.get("box")))
    return out(rpc(ctx, "notification", "CountUnread", request))


def mark_read(ctx: Context) -> Any:
    body = dict(ctx.body)
    box = chosen_box(ctx, body.pop("box", None))
    return out(rpc(ctx, "notification", "MarkRead", build(pb.MarkReadRequest, body, recipient=box)))


def get_preferences(ctx: Context) -> Any:
    request = pb.GetPreferencesRequest(recipient=chosen_box(ctx, ctx.query.get("box")))
    return out(rpc(ctx, "notification", "GetPreferences", request))


def set_preferences(ctx: Context) -> Any:
    body = dict(ctx.body)
    box = chosen_box(ctx, body.pop("box", None))
    return out(rpc(ctx, "notification", "SetPreferences", build(pb.SetPreferencesRequest, body, recipient=box)))


def _with_box(schema_: dict[str, Any], settings_min_items: int = 0) -> dict[str, Any]:
    schema_["properties"] = {"box": BOX_SCHEMA, **schema_["properties"]}
    if settings_min_items:  # the notification service needs at least one setting, each naming its channel
        settings = schema_["properties"]["settings"]
        schema_["properties"]["settings"] = {**settings, "minItems": settings_min_items,
                                             "items": {**settings["items"], "required": ["channel"]}}
    return schema_


def register(r: Registry) -> None:
    box_query = obj({"box": BOX_SCHEMA})
    r.add(Route("GET", "/api/v1/inbox/boxes", "listInboxes", "The inboxes the signed-in person may open", "inbox",
                PEOPLE, list_boxes, response=obj({"boxes": {"type": "array", "items": {"type": "string"}}},
                                                 required=("boxes",)), action_zh="查看收件箱"))
    r.add(Route("GET", "/api/v1/inbox", "listInbox", "Messages of one inbox, newest first, with the unread count",
                "inbox", PEOPLE, list_inbox, response=schema(pb.ListInboxResponse), action_zh="查看收件箱",
                query=obj({"box": BOX_SCHEMA, "unread_only": {"type": "boolean"}, "limit": LIMIT_SCHEMA})))
    r.add(Route("GET", "/api/v1/inbox/unread", "countUnread", "Unread messages in one inbox", "inbox", PEOPLE,
                count_unread, response=schema(pb.CountUnreadResponse), query=box_query, action_zh="查看收件箱"))
    r.add(Route("POST", "/api/v1/inbox/read", "markRead", "Mark messages (or all) as read", "inbox", PEOPLE,
                mark_read, response=schema(pb.MarkReadResponse), action_zh="标记消息已读",
                body={**_with_box(body_schema(pb.MarkReadRequest, exclude=("recipient",), overrides={
                    "message_ids": {"type": "array", "maxItems": 200,
                                    "items": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}}})),
                    # what the notification service needs: some messages, or all of them
                    "anyOf": [{"required": ["message_ids"], "properties": {"message_ids": {"minItems": 1}}},
                              {"required": ["all"], "properties": {"all": {"const": True}}}],
                    "x-message": "请指定要标记为已读的消息（message_ids，至少一条），或设置 all=true 标记全部"}))
    r.add(Route("GET", "/api/v1/inbox/preferences", "getPreferences", "Channel preferences of one inbox (inbox, email, sms)",
                "inbox", PEOPLE, get_preferences, response=schema(pb.Preferences), query=box_query,
                action_zh="查看通知设置"))
    r.add(Route("PUT", "/api/v1/inbox/preferences", "setPreferences", "Turn channels on or off for one inbox",
                "inbox", PEOPLE, set_preferences, response=schema(pb.Preferences), action_zh="修改通知设置",
                body=_with_box(body_schema(pb.SetPreferencesRequest, exclude=("recipient",), required=("settings",),
                                           overrides={"settings.channel": {"type": "string",
                                                                           "enum": ["inbox", "email", "sms"]}}),
                                           settings_min_items=1)))
