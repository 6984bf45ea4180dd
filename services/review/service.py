"""Review service entrypoints (gRPC, events, timer): thin. Use cases in ``workflow``,
read side in ``queries``, rules in ``rules/``, storage in ``storage``."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

from nameko import config

from review import (
    administration,
    outcomes,
    queries,
    recognition,
    recommendations,
    reserve,
    storage,
    validity,
    workflow,
)
from review.catalogue import Catalogue, CatalogueProvider
from review.messages import (
    application_message,
    assessment_message,
    history_message,
    objection_message,
    summary_message,
    task_message,
)
from review.rules.access import (
    REVIEW_ROLES,
    check_can_view_application,
    check_can_view_unit,
    check_owner_admin,
    check_owner_view,
)
from review.rules.accounts import check_account, check_can_manage
from review.rules.assessment import assess
from review.rules.summaries import DEFAULT_MAX_BYTES, check_scan, detect_media_type
from review.rules.units import Unit
from zjtx import audit
from zjtx.clock import iso, now
from zjtx.crypto import mask_email, mask_mobile
from zjtx.envelope import Envelope
from zjtx.errors import DomainError, invalid, not_found, precondition
from zjtx.events import PermanentEventError, handles
from zjtx.grpc_support import Caller, GrpcOperations, api, caller_of
from zjtx.mongo import Store, UnitOfWork
from zjtx.timers import configured_timer
from zjtx_api import registration_pb2
from zjtx_api import review_pb2 as pb
from zjtx_api.review_pb2_grpc import ReviewStub

log = logging.getLogger(__name__)


def reviewer_message(document: dict[str, Any], masked: bool = False) -> pb.Reviewer:
    """A reviewer account; ``masked``: the e-mail and mobile as a list shows them to people (PIPL)."""
    email, mobile = document["email"], document.get("mobile", "")
    if masked:
        email, mobile = mask_email(email), mask_mobile(mobile)
    return pb.Reviewer(account_id=document["_id"], name=document["name"], email=email, mobile=mobile,
                       unit_id=document["unit_id"], role=document["role"])


def unit_message(unit: Unit, reviewers: list[pb.Reviewer] | None = None) -> pb.Unit:
    return pb.Unit(id=unit.id, name=unit.name, kind=unit.kind, division_code=unit.division_code,
                   parent=unit.parent or "", reviewers=reviewers or [], covers=list(unit.covers),
                   excludes=list(unit.excludes), division_name=unit.division_name or "")


def _snapshot_of(event: Envelope, message_type: type, catalogue: Catalogue) -> Any:
    """Parse a registration payload; a payload that can never apply is dead-lettered."""
    try:
        payload = event.payload(message_type)
    except Exception as error:  # json_format raises several types for bad payloads
        raise PermanentEventError(f"{event.type} {event.id}: unreadable payload ({error})") from error
    snapshot = getattr(payload, "application", payload)
    if not snapshot.application_id:
        raise PermanentEventError(f"{event.type} {event.id}: no application_id")
    if snapshot.programme_id not in catalogue.programmes:
        raise PermanentEventError(f"{event.type} {event.id}: unknown programme {snapshot.programme_id!r}; "
                                  f"loaded: {', '.join(sorted(catalogue.programmes))}")
    return payload


MAX_DATA_CHARS = 200_000


def assessment_data(text: str) -> dict[str, dict[str, Any]]:
    """Form data sent for a self-assessment, checked for its shape (DomainError, Chinese, if not)."""
    if len(text) > MAX_DATA_CHARS:
        raise invalid("assessment.too_large", f"自评数据过大（{len(text)}字符），上限{MAX_DATA_CHARS}字符")
    try:
        data = json.loads(text or "{}")
    except json.JSONDecodeError as error:
        raise invalid("assessment.bad_data", f"自评数据不是合法的JSON：{error.msg}（第{error.pos}个字符）") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise invalid("assessment.bad_data", "自评数据须为 {栏目编号: {字段编号: 值}} 的形式")
    return data


class ReviewService(GrpcOperations):
    name = "review"
    grpc_service_names = ("zjtx.review.v1.Review",)

    store = Store(indexes=storage.INDEXES)
    catalogue: Catalogue = CatalogueProvider()

    def _ctx(self, context: Any) -> workflow.Context:
        return workflow.Context(self.catalogue, caller_of(context), now())

    # ---------------------------------------------------------------- programmes, units, accounts

    @api(ReviewStub)
    def ListProgrammes(self, request: pb.ListProgrammesRequest, context: Any) -> pb.ListProgrammesResponse:
        return pb.ListProgrammesResponse(programmes=[
            pb.ProgrammeSummary(id=p.id, version=p.version, title=p.title, year=p.year, level=p.level, owner=p.owner)
            for p in sorted(self.catalogue.programmes.values(), key=lambda p: p.id)
        ])

    @api(ReviewStub)
    def GetProgramme(self, request: pb.GetProgrammeRequest, context: Any) -> pb.Programme:
        return self.catalogue.message(request.programme_id, request.version)

    @api(ReviewStub)
    def ListProgrammeVersions(self, request: pb.ListProgrammeVersionsRequest,
                              context: Any) -> pb.ListProgrammeVersionsResponse:
        current = self.catalogue.programme(request.programme_id).version
        return pb.ListProgrammeVersionsResponse(versions=[
            administration.version_message(r, current) for r in self.catalogue.versions(request.programme_id)])

    @api(ReviewStub)
    def CreateProgramme(self, request: pb.CreateProgrammeRequest, context: Any) -> pb.Programme:
        ctx = self._ctx(context)
        programme = self.store.transact(lambda unit: administration.create_programme(unit, ctx, request),
                                        audited=True)
        self.catalogue.refresh(force=True)
        return self.catalogue.message(programme.id)

    @api(ReviewStub)
    def AmendProgramme(self, request: pb.AmendProgrammeRequest, context: Any) -> pb.Programme:
        ctx = self._ctx(context)
        programme = self.store.transact(lambda unit: administration.amend_programme(
            unit, ctx, request.programme_id, request.expected_version, request.changes_json, request.reason),
            audited=True)
        self.catalogue.refresh(force=True)
        return self.catalogue.message(programme.id)

    @api(ReviewStub)
    def GetUnit(self, request: pb.GetUnitRequest, context: Any) -> pb.Unit:
        unit = self.catalogue.unit(request.unit_id)
        reviewers = storage.reviewers_of(self.store.db, unit.id)
        # services (notification addresses reviewers) get full values; people see a masked list
        masked = caller_of(context).role != "system"
        return unit_message(unit, [reviewer_message(r, masked) for r in reviewers])

    @api(ReviewStub)
    def ListUnits(self, request: pb.ListUnitsRequest, context: Any) -> pb.ListUnitsResponse:
        return pb.ListUnitsResponse(version=self.catalogue.units_version,
                                    units=[unit_message(u) for u in self.catalogue.units])

    @api(ReviewStub)
    def AmendUnits(self, request: pb.AmendUnitsRequest, context: Any) -> pb.ListUnitsResponse:
        ctx = self._ctx(context)
        changes = self.store.transact(lambda unit: administration.amend_units(
            unit, ctx, request.expected_version, request.units_json, request.reason), audited=True)
        self.catalogue.refresh(force=True)  # this replica routes by the new version at once, the others within 2 s
        return pb.ListUnitsResponse(version=self.catalogue.units_version, changes=changes,
                                    units=[unit_message(u) for u in self.catalogue.units])

    @api(ReviewStub)
    def ListUnitVersions(self, request: pb.ListUnitVersionsRequest, context: Any) -> pb.ListUnitVersionsResponse:
        ctx = self._ctx(context)
        top = administration.top_unit(ctx)
        check_owner_admin(ctx.caller, top.id, top.name, "查看审核单位的修改记录")
        current = self.catalogue.units_version
        return pb.ListUnitVersionsResponse(versions=[administration.unit_version_message(r, current)
                                                     for r in storage.unit_versions(self.store.db)])

    @api(ReviewStub)
    def CreateReviewer(self, request: pb.CreateReviewerRequest, context: Any) -> pb.Reviewer:
        caller = caller_of(context)
        check_account(self.catalogue.units, request.unit_id, request.name, request.email, request.mobile, request.role)
        check_can_manage(self.catalogue.units, caller.role, caller.unit, request.unit_id)
        document = {"_id": uuid.uuid4().hex, "unit_id": request.unit_id, "name": request.name.strip(),
                    "email": request.email.strip(), "mobile": request.mobile.strip(), "role": request.role,
                    "created_at": now(), "created_by": caller.subject or caller.role}
        def create(unit: UnitOfWork) -> None:
            storage.insert_reviewer(unit, document)
            audit.record(unit, audit.Entry.by(caller, "reviewer.created", f"reviewer:{document['_id']}", details={
                "unit_id": document["unit_id"], "role": document["role"], "name": document["name"]}))

        self.store.transact(create, audited=True)
        return reviewer_message(document)

    # ---------------------------------------------------------------- tasks and decisions

    @api(ReviewStub)
    def ListTasks(self, request: pb.ListTasksRequest, context: Any) -> pb.ListTasksResponse:
        caller = caller_of(context)
        unit_id = request.unit_id or caller.unit
        if not unit_id:
            raise invalid("unit_id.required", "请指定审核单位（unit_id）")
        self.catalogue.unit(unit_id)
        check_can_view_unit(self.catalogue.units, caller, unit_id)
        return pb.ListTasksResponse(tasks=queries.tasks(self.store.db, self.catalogue, unit_id, request.programme_id,
                                                        request.status))

    @api(ReviewStub)
    def GetTask(self, request: pb.GetTaskRequest, context: Any) -> pb.Task:
        task = storage.find_task(self.store.db, request.task_id)
        if task is None:
            raise not_found("task.not_found", f"审核任务 {request.task_id} 不存在")
        workflow.tag_application(task["application_id"])
        check_can_view_unit(self.catalogue.units, caller_of(context), task["unit_id"])
        application = storage.find_application(self.store.db, task["application_id"])
        message = task_message(task, application, True)
        if application:
            programme = self.catalogue.programme(application["programme_id"])
            enterprise_id = application["enterprise"]["enterprise_id"]
            message.reserve_note = reserve.notes_for(self.store.db, programme, [enterprise_id]).get(enterprise_id, "")
        # the city's recognition of this enterprise (推荐库), shown to the reviewers
        message.city_recommendations.extend(recommendations.of_application(self.store.db, application))
        return message

    def _decision(self, outcome: workflow.Outcome) -> pb.DecisionResult:
        programme = self.catalogue.programme(outcome.application["programme_id"])
        result = pb.DecisionResult(task=task_message(outcome.task, outcome.application),
                                   application=application_message(outcome.application, programme.max_return_rounds))
        if outcome.next_task:
            result.next_task.CopyFrom(task_message(outcome.next_task, outcome.application))
        return result

    @api(ReviewStub)
    def PassTask(self, request: pb.PassTaskRequest, context: Any) -> pb.DecisionResult:
        ctx = self._ctx(context)
        return self._decision(self.store.transact(lambda unit: workflow.decide_pass(unit, ctx, request.task_id,
                                                                                    request.opinion), audited=True))

    @api(ReviewStub)
    def ReturnTask(self, request: pb.ReturnTaskRequest, context: Any) -> pb.DecisionResult:
        ctx = self._ctx(context)
        items = [(r.target_kind, r.target, r.reason) for r in request.reasons]
        return self._decision(self.store.transact(lambda unit: workflow.decide_return(unit, ctx, request.task_id, items),
                                                  audited=True))

    @api(ReviewStub)
    def RejectTask(self, request: pb.RejectTaskRequest, context: Any) -> pb.DecisionResult:
        ctx = self._ctx(context)
        return self._decision(self.store.transact(lambda unit: workflow.decide_reject(unit, ctx, request.task_id,
                                                                                      request.reason), audited=True))

    # ---------------------------------------------------------------- applications

    def _viewable_application(self, caller: Caller, application_id: str) -> dict[str, Any]:
        application = storage.find_application(self.store.db, application_id, with_sections=False)
        if application is None:
            raise not_found("application.not_found", f"申请 {application_id} 不在审核中")
        programme = self.catalogue.programme(application["programme_id"])
        owner = self.catalogue.units.for_division(programme.owner)
        check_can_view_application(self.catalogue.units, caller,
                                   enterprise_id=application["enterprise"]["enterprise_id"],
                                   unit_ids=application.get("unit_ids", []), owner_unit_id=owner.id if owner else "")
        return application

    @api(ReviewStub)
    def GetApplication(self, request: pb.GetApplicationRequest, context: Any) -> pb.ReviewApplication:
        caller = caller_of(context)
        application = self._viewable_application(caller, request.application_id)
        programme = self.catalogue.programme(application["programme_id"])
        message = application_message(application, programme.max_return_rounds)
        if caller.role != "enterprise":  # reviewers and admins see the city's recognition (推荐库)
            message.city_recommendations.extend(recommendations.of_application(self.store.db, application))
        return message

    @api(ReviewStub)
    def Assess(self, request: pb.AssessRequest, context: Any) -> pb.Assessment:
        caller = caller_of(context)
        if request.application_id:
            self._viewable_application(caller, request.application_id)
            application = storage.find_application(self.store.db, request.application_id) or {}
            programme_id, data = application.get("programme_id", ""), application.get("sections") or {}
        else:
            programme_id, data = request.programme_id, assessment_data(request.sections_json)
        programme = self.catalogue.programme(programme_id)
        result = assess(programme, data)
        if result is None:
            raise precondition("assessment.no_rubric", f"{programme.title}没有评价标准，不进行自评打分")
        return assessment_message(result, programme.id, request.application_id)

    @api(ReviewStub)
    def ListHistory(self, request: pb.ListHistoryRequest, context: Any) -> pb.ListHistoryResponse:
        caller = caller_of(context)
        self._viewable_application(caller, request.application_id)
        hide = caller.role == "enterprise"  # enterprises see units and reasons, not reviewers' accounts
        return pb.ListHistoryResponse(entries=[history_message(e, hide)
                                               for e in storage.history_of(self.store.db, request.application_id)])

    @api(ReviewStub)
    def ListUnroutable(self, request: pb.ListUnroutableRequest, context: Any) -> pb.ListUnroutableResponse:
        programme = self.catalogue.programme(request.programme_id)
        owner = self.catalogue.owner_unit(programme)
        check_owner_view(caller_of(context), owner.id, owner.name, "查看无法分派的申请")
        return pb.ListUnroutableResponse(applications=queries.unroutable(self.store.db, programme.id))

    @api(ReviewStub)
    def RetryRouting(self, request: pb.RetryRoutingRequest, context: Any) -> pb.ReviewApplication:
        ctx = self._ctx(context)
        application = self.store.transact(lambda unit: workflow.retry_routing(unit, ctx, request.application_id),
                                          audited=True)
        return application_message(application, self.catalogue.programme(application["programme_id"]).max_return_rounds)

    # ---------------------------------------------------------------- 推荐汇总表

    @api(ReviewStub)
    def UploadSummary(self, request_iterator: Iterator[pb.SummaryChunk], context: Any) -> pb.SummaryUpload:
        ctx = self._ctx(context)
        chunks = iter(request_iterator)
        first = next(chunks, None)
        if first is None:
            raise invalid("summary.empty", "没有收到上传内容，请选择签字盖章后的推荐汇总表扫描件")
        plan = workflow.plan_upload(ctx, first.programme_id, first.unit_id or ctx.caller.unit, first.kind)
        max_bytes = int(config.get("SUMMARY_MAX_BYTES") or DEFAULT_MAX_BYTES)

        def check(head: bytes, size: int) -> str:
            return check_scan(plan.kind, detect_media_type(head), size, max_bytes)

        data = (c.data for c in _chain(first, chunks))
        stored = storage.store_file(self.store.db, uuid.uuid4().hex, first.filename.strip()[:200], data, max_bytes, check)
        try:
            upload = self.store.transact(lambda unit: workflow.record_upload(unit, ctx, plan, stored), audited=True)
        except Exception:
            storage.delete_file(self.store.db, stored["file_id"])  # nothing refers to it: remove
            raise
        return summary_message(upload)

    @api(ReviewStub)
    def DownloadSummary(self, request: pb.DownloadSummaryRequest, context: Any) -> Iterator[pb.FileChunk]:
        upload = storage.find_summary(self.store.db, request.file_id)
        if upload is None:
            raise not_found("summary.not_found", f"推荐材料 {request.file_id} 不存在")
        self._check_unit_reader(caller_of(context), self.catalogue.programme(upload["programme_id"]), upload["unit_id"])
        return _file_chunks(self.store.db, upload)

    def _check_unit_reader(self, caller: Caller, programme: Any, unit_id: str) -> None:
        """A unit's own staff, admins above it, and the owner unit's staff read its progress and scans."""
        owner = self.catalogue.owner_unit(programme)
        if caller.role in REVIEW_ROLES and caller.unit == owner.id:
            return
        check_can_view_unit(self.catalogue.units, caller, unit_id)

    def _progress_request(self, request: pb.UnitProgressRequest, context: Any) -> tuple[Any, str, Caller]:
        caller = caller_of(context)
        programme = self.catalogue.programme(request.programme_id)
        unit_id = request.unit_id or caller.unit
        if not unit_id:
            raise invalid("unit_id.required", "请指定审核单位（unit_id）")
        self.catalogue.unit(unit_id)
        return programme, unit_id, caller

    @api(ReviewStub)
    def GetUnitProgress(self, request: pb.UnitProgressRequest, context: Any) -> pb.UnitProgress:
        programme, unit_id, caller = self._progress_request(request, context)
        self._check_unit_reader(caller, programme, unit_id)
        return queries.unit_progress(self.store.db, self.catalogue, programme, unit_id)

    @api(ReviewStub)
    def FinaliseUnit(self, request: pb.UnitProgressRequest, context: Any) -> pb.UnitProgress:
        programme, unit_id, _ = self._progress_request(request, context)
        ctx = self._ctx(context)
        self.store.transact(lambda unit: workflow.finalise_unit(unit, ctx, programme, unit_id), audited=True)
        return queries.unit_progress(self.store.db, self.catalogue, programme, unit_id)

    # ---------------------------------------------------------------- final level

    def _owner_view(self, programme_id: str, context: Any, what: str) -> Any:
        programme = self.catalogue.programme(programme_id)
        owner = self.catalogue.owner_unit(programme)
        check_owner_view(caller_of(context), owner.id, owner.name, what)
        return programme

    @api(ReviewStub)
    def GetProgrammeStatus(self, request: pb.GetProgrammeStatusRequest, context: Any) -> pb.ProgrammeStatus:
        programme = self.catalogue.programme(request.programme_id)
        return queries.programme_status(self.store.db, programme, now())

    @api(ReviewStub)
    def RankRecommended(self, request: pb.RankRecommendedRequest, context: Any) -> pb.RankRecommendedResponse:
        programme = self._owner_view(request.programme_id, context, "查看推荐排序")
        return queries.ranking(self.store.db, programme)

    @api(ReviewStub)
    def Recognise(self, request: pb.RecogniseRequest, context: Any) -> pb.Publicity:
        ctx = self._ctx(context)
        programme = self.catalogue.programme(request.programme_id)
        self.store.transact(lambda unit: recognition.recognise(unit, ctx, programme, list(request.application_ids)),
                            audited=True)
        return queries.publicity(self.store.db, programme)

    @api(ReviewStub)
    def GetPublicity(self, request: pb.GetPublicityRequest, context: Any) -> pb.Publicity:
        programme = self.catalogue.programme(request.programme_id)
        caller = caller_of(context)
        if caller.role != "enterprise":  # the 公示 list is public; objections are not
            programme = self._owner_view(request.programme_id, context, "查看公示")
            return queries.publicity(self.store.db, programme)
        publicity = queries.publicity(self.store.db, programme)
        del publicity.objections[:]
        return publicity

    @api(ReviewStub)
    def RecordObjection(self, request: pb.RecordObjectionRequest, context: Any) -> pb.Objection:
        ctx = self._ctx(context)
        programme = self.catalogue.programme(request.programme_id)
        return objection_message(self.store.transact(lambda unit: recognition.record_objection(
            unit, ctx, programme, request.application_id, request.objector, request.contact, request.content),
            audited=True))

    @api(ReviewStub)
    def ResolveObjection(self, request: pb.ResolveObjectionRequest, context: Any) -> pb.Objection:
        ctx = self._ctx(context)
        return objection_message(self.store.transact(lambda unit: recognition.resolve_objection(
            unit, ctx, request.objection_id, request.upheld, request.resolution), audited=True))

    @api(ReviewStub)
    def Publish(self, request: pb.PublishRequest, context: Any) -> pb.PublishResult:
        ctx = self._ctx(context)
        programme = self.catalogue.programme(request.programme_id)
        recognised, others, expired = self.store.transact(lambda unit: recognition.publish(unit, ctx, programme),
                                                                audited=True)
        return pb.PublishResult(programme_id=programme.id, published_at=iso(ctx.now), recognised=recognised,
                                not_recognised=others, expired=expired)

    # ---------------------------------------------------------------- after recognition

    @api(ReviewStub)
    def AmendRecognition(self, request: pb.AmendRecognitionRequest, context: Any) -> pb.RecognitionAmended:
        ctx = self._ctx(context)
        programme = self.catalogue.programme(request.programme_id)
        return self.store.transact(lambda unit: recognition.amend_recognition(
            unit, ctx, programme, list(request.remove_application_ids), list(request.add_application_ids),
            request.reason, request.expected_list_version), audited=True)

    @api(ReviewStub)
    def ListReserve(self, request: pb.ListReserveRequest, context: Any) -> pb.ListReserveResponse:
        return reserve.list_for(self.store.db, self.catalogue, caller_of(context), request)

    @api(ReviewStub)
    def ListRecognitions(self, request: pb.ListRecognitionsRequest, context: Any) -> pb.ListRecognitionsResponse:
        return validity.list_for(self.store.db, self.catalogue, caller_of(context), request)

    @api(ReviewStub)
    def RevokeRecognition(self, request: pb.RevokeRecognitionRequest, context: Any) -> pb.RecognitionRecord:
        ctx = self._ctx(context)
        return self.store.transact(lambda unit: validity.revoke_as_owner(unit, ctx, request.id, request.reason))

    @api(ReviewStub)
    def SelectTypicalCase(self, request: pb.SelectTypicalCaseRequest, context: Any) -> pb.TypicalCase:
        ctx = self._ctx(context)
        return self.store.transact(lambda unit: outcomes.select_case_as_owner(unit, ctx, request))

    @api(ReviewStub)
    def ListTypicalCases(self, request: pb.ListTypicalCasesRequest, context: Any) -> pb.ListTypicalCasesResponse:
        return outcomes.list_for(self.store.db, self.catalogue, caller_of(context), request.owner)

    @api(ReviewStub)
    def RecommendWhitelist(self, request: pb.RecommendWhitelistRequest, context: Any) -> pb.WhitelistBatch:
        ctx = self._ctx(context)
        return self.store.transact(lambda unit: outcomes.recommend_whitelist_as_owner(unit, ctx, request))

    @api(ReviewStub)
    def ListCityRecommendations(self, request: pb.ListCityRecommendationsRequest,
                                context: Any) -> pb.ListCityRecommendationsResponse:
        programme = self._owner_view(request.programme_id, context, "查看推荐库（市州推荐的企业）")
        return pb.ListCityRecommendationsResponse(recommendations=recommendations.listed(self.store.db, programme.id))

    # ---------------------------------------------------------------- events

    @handles("upstream", "review.recognised", envelope_source="review")
    def on_city_recognised(self, unit: UnitOfWork, event: Envelope) -> None:
        """A city instance's recognition, shovelled to this instance's upstream.events: the 推荐库."""
        recommendations.take_city_recognition(unit, self.catalogue, event, now())

    @handles("registration", "registration.personal_data_erased")
    def on_personal_data_erased(self, unit: UnitOfWork, event: Envelope) -> None:
        """The archive period passed: the applications' personal form values become the erasure marker."""
        payload = event.payload(registration_pb2.PersonalDataErased)
        storage.erase_personal_data(unit, list(payload.application_ids), now())

    @handles("registration", "enterprise.registered")
    def on_enterprise_registered(self, unit: UnitOfWork, event: Envelope) -> None:
        """Keep a directory of enterprises: reviewers see names, routing needs regions."""
        payload = event.payload(registration_pb2.EnterpriseRegistered)
        storage.save_enterprise(unit, {
            "_id": payload.enterprise_id, "uscc": payload.uscc, "name": payload.name,
            "region_code": payload.region_code, "park_id": payload.park_id, "industry": payload.industry})

    @handles("registration", "application.submitted")
    def on_application_submitted(self, unit: UnitOfWork, event: Envelope) -> None:
        """Open the first level's task at the unit whose jurisdiction holds the enterprise."""
        payload = _snapshot_of(event, registration_pb2.ApplicationSubmitted, self.catalogue)
        workflow.take_submitted(unit, self.catalogue, payload.application, now())

    @handles("registration", "application.resubmitted")
    def on_application_resubmitted(self, unit: UnitOfWork, event: Envelope) -> None:
        """A corrected application: a new task at the level that returned it."""
        payload = _snapshot_of(event, registration_pb2.ApplicationResubmitted, self.catalogue)
        workflow.take_resubmitted(unit, self.catalogue, payload, now())

    @handles("registration", "application.withdrawn")
    def on_application_withdrawn(self, unit: UnitOfWork, event: Envelope) -> None:
        payload = event.payload(registration_pb2.ApplicationWithdrawn)
        if not payload.application_id:
            raise PermanentEventError(f"application.withdrawn {event.id}: no application_id")
        workflow.take_withdrawn(unit, self.catalogue, payload, now())

    # ---------------------------------------------------------------- clock

    @configured_timer("REVIEW_CLOCK_TICK_SECONDS", 5)
    def on_clock(self) -> None:
        """Announce window changes, move overdue tasks up (a programme that escalates) and complete
        recommendations as the platform clock moves."""
        at = now()
        # Each check looks first without a transaction and opens one (which looks again) only when
        # something may be due: an idle suite otherwise committed a few transactions every tick.
        states = storage.programme_states(self.store.db)
        for programme in self.catalogue.programmes.values():
            state = states.get(programme.id, {})
            try:
                if state.get("announced_state") != programme.window_state(at):
                    self.store.transact(lambda unit, p=programme: workflow.announce_window(unit, p, at))
                if programme.undecided_at_review_deadline == "escalate":  # no query unless a deadline passed
                    self.store.transact(lambda unit, p=programme: workflow.escalate_overdue(unit, self.catalogue, p, at))
                if (not state.get("recommendations_complete_at")
                        and workflow.may_be_complete(self.store.db, programme, at)):
                    self.store.transact(lambda unit, p=programme: workflow.check_complete(unit, p, at))
            except DomainError as error:
                if error.code in ("programme.changed", "task.decided"):
                    # another copy of review announced it in the same tick (compare-and-set): once is right
                    log.debug("clock tick for %s: another copy announced first", programme.id)
                else:
                    log.exception("clock tick failed for programme %s", programme.id)
            except Exception:  # one programme's trouble must not stop the others' announcements
                log.exception("clock tick failed for programme %s", programme.id)
        try:
            if validity.any_due_to_lapse(self.store.db, at):
                self.store.transact(lambda unit: validity.lapse_due(unit, at))
        except Exception:
            log.exception("clock tick failed to lapse expired recognitions")


def _chain(first: pb.SummaryChunk, rest: Iterator[pb.SummaryChunk]) -> Iterator[pb.SummaryChunk]:
    yield first
    yield from rest


def _file_chunks(db: Any, upload: dict[str, Any]) -> Iterator[pb.FileChunk]:
    first = True
    for data in storage.read_file(db, upload["_id"]):
        if first:
            yield pb.FileChunk(filename=upload.get("filename", ""), media_type=upload["media_type"],
                               sha256=upload["sha256"], data=data)
            first = False
        else:
            yield pb.FileChunk(data=data)
