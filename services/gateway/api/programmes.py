"""Programmes (培育批次): public, as the notices themselves are."""

from __future__ import annotations

from typing import Any

from gateway.api.common import out, system_rpc
from gateway.api.common import schema as message_schema
from gateway.routes import Context, Registry, Route
from zjtx_api import review_pb2 as pb


def list_programmes(ctx: Context) -> Any:
    return out(system_rpc(ctx, "review", "ListProgrammes", pb.ListProgrammesRequest()))


def get_programme(ctx: Context) -> Any:
    return out(ctx.gw.directory.programme(ctx.path["programme_id"]))


def register(r: Registry) -> None:
    r.add(Route("GET", "/api/v1/programmes", "listProgrammes", "Every programme (public)", "programmes", (),
                list_programmes, response=message_schema(pb.ListProgrammesResponse)))
    r.add(Route("GET", "/api/v1/programmes/{programme_id}", "getProgramme",
                "One programme: window, review chain, form sections, attachments, pledge (public)", "programmes", (),
                get_programme, response=message_schema(pb.Programme)))
