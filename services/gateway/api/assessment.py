"""Self-assessment (自评): the live score of form data against a programme's rubric, and the
score of a submitted application as reviewers see it. Review scores both with the one rule
(``review.rules.assessment``); the gateway only passes the data on."""

from __future__ import annotations

import json
from typing import Any

from gateway.api.applications import SECTION_DATA, readable
from gateway.api.common import out, rpc, schema
from gateway.routes import Context, Registry, Route, obj
from zjtx_api import review_pb2 as pb

READERS = ("enterprise", "reviewer", "admin")


def assess_form(ctx: Context) -> Any:
    sections = ctx.body.get("sections") or {}
    request = pb.AssessRequest(programme_id=ctx.path["programme_id"],
                               sections_json=json.dumps(sections, ensure_ascii=False))
    return out(rpc(ctx, "review", "Assess", request))


def assess_application(ctx: Context) -> Any:
    application_id = ctx.path["application_id"]
    readable(ctx, application_id)
    return out(rpc(ctx, "review", "Assess", pb.AssessRequest(application_id=application_id)))


def register(r: Registry) -> None:
    r.add(Route("POST", "/api/v1/programmes/{programme_id}/assessment", "assessForm",
                "Self-assessment: score form data against the programme's rubric, indicator by indicator, "
                "with what would raise each (nothing is stored)", "assessment", READERS, assess_form,
                response=schema(pb.Assessment), action_zh="自评打分", errors=(409,),
                body=obj({"sections": {"type": "object", "maxProperties": 50, "additionalProperties": SECTION_DATA,
                                       "propertyNames": {"pattern": "^[a-z][a-z0-9_]{0,63}$"},
                                       "x-message": "栏目编号为小写字母、数字和下划线"}},
                         required=("sections",))))
    r.add(Route("GET", "/api/v1/applications/{application_id}/assessment", "assessApplication",
                "The submitted application's score against its rubric, as its reviewers see it (the score "
                "the ranking uses); 409 assessment.no_rubric for a programme without a rubric", "assessment",
                READERS, assess_application, response=schema(pb.Assessment), errors=(409,), action_zh="查看评价得分"))
