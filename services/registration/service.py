"""Registration service entrypoints (gRPC and review's events): thin. Use cases in
``workflow`` and ``uploads``, review's events in ``review_events``, rules in ``rules/``,
storage in ``storage``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from google.protobuf import json_format
from nameko import config

from kernel.divisions import DivisionTable, load_division_table
from registration import messages, operating_reports, review_events, storage, uploads, workflow
from registration.context import Context
from registration.directory import DEFAULT_TTL_SECONDS, Directory
from zjtx.clock import now
from zjtx.directory import ReviewDirectory
from zjtx.envelope import Envelope
from zjtx.events import consumes, handles
from zjtx.grpc_client import ServiceClient
from zjtx.grpc_support import GrpcOperations, api, caller_of
from zjtx.mongo import Store, UnitOfWork
from zjtx_api import registration_pb2 as pb
from zjtx_api.registration_pb2_grpc import RegistrationStub
from zjtx_api.review_pb2_grpc import ReviewStub


# Review's events: one handler per type in review_events.CONSUMED (on_passed...), without a
# transaction: review_events.apply's writes are idempotent, its inbox record written last.
@consumes(*review_events.CONSUMED, via="_apply_review_event", transaction=False)
class RegistrationService(GrpcOperations):
    name = "registration"
    grpc_service_names = ("zjtx.registration.v1.Registration",)

    store = Store(indexes=storage.INDEXES)
    review = ServiceClient(ReviewStub, "REVIEW_TARGET")

    @property
    def divisions(self) -> DivisionTable:
        return load_division_table(config.get("DIVISIONS_FILE") or None)  # cached per path

    def ctx(self, context: Any) -> Context:
        ttl = float(config.get("PROGRAMME_CACHE_SECONDS") or DEFAULT_TTL_SECONDS)
        return Context(self.store, Directory(self.review, ttl), self.divisions, caller_of(context), now(),
                       str(config.get("JURISDICTION") or "") or None)

    # ---------------------------------------------------------------- enterprises

    @api(RegistrationStub)
    def RegisterEnterprise(self, request: pb.RegisterEnterpriseRequest, context: Any) -> pb.Enterprise:
        return messages.enterprise_message(workflow.register_enterprise(self.ctx(context), request))

    @api(RegistrationStub)
    def GetEnterprise(self, request: pb.GetEnterpriseRequest, context: Any) -> pb.Enterprise:
        return workflow.get_enterprise(self.ctx(context), request)

    @api(RegistrationStub)
    def UpdateEnterpriseProfile(self, request: pb.UpdateEnterpriseProfileRequest, context: Any) -> pb.Enterprise:
        return messages.enterprise_message(workflow.update_profile(self.ctx(context), request))

    @api(RegistrationStub)
    def ErasePersonalData(self, request: pb.ErasePersonalDataRequest, context: Any) -> pb.PersonalDataErased:
        return workflow.erase_personal_data(self.ctx(context), request)

    # ---------------------------------------------------------------- applications

    @api(RegistrationStub)
    def CreateApplication(self, request: pb.CreateApplicationRequest, context: Any) -> pb.Application:
        document, programme = workflow.create_application(self.ctx(context), request.enterprise_id,
                                                          request.programme_id)
        return messages.application_message(document, programme, [])

    @api(RegistrationStub)
    def GetApplication(self, request: pb.GetApplicationRequest, context: Any) -> pb.Application:
        return workflow.application_view(self.ctx(context), request.application_id)

    @api(RegistrationStub)
    def ListApplications(self, request: pb.ListApplicationsRequest, context: Any) -> pb.ListApplicationsResponse:
        return workflow.list_applications(self.ctx(context), request)

    @api(RegistrationStub)
    def FindSubmitted(self, request: pb.FindSubmittedRequest, context: Any) -> pb.FindSubmittedResponse:
        return workflow.find_submitted(self.ctx(context), request)

    # ---------------------------------------------------------------- 定期调度

    @api(RegistrationStub)
    def SubmitOperatingReport(self, request: pb.SubmitOperatingReportRequest, context: Any) -> pb.OperatingReport:
        figures = json_format.MessageToDict(request.figures) if request.HasField("figures") else {}
        return operating_reports.submit(self.ctx(context), request, figures)

    @api(RegistrationStub)
    def ListOperatingReports(self, request: pb.ListOperatingReportsRequest,
                             context: Any) -> pb.ListOperatingReportsResponse:
        return operating_reports.list_reports(self.ctx(context), request)

    @api(RegistrationStub)
    def ListLateFilers(self, request: pb.ListLateFilersRequest, context: Any) -> pb.ListLateFilersResponse:
        return operating_reports.late_filers(self.ctx(context), request)

    @api(RegistrationStub)
    def SaveSection(self, request: pb.SaveSectionRequest, context: Any) -> pb.SaveSectionResponse:
        # Struct -> plain dict; values are only ever stored as values
        data = json_format.MessageToDict(request.data) if request.HasField("data") else {}
        return workflow.save_section(self.ctx(context), request, data)

    @api(RegistrationStub)
    def GetCompleteness(self, request: pb.GetCompletenessRequest, context: Any) -> pb.Completeness:
        return workflow.completeness(self.ctx(context), request.application_id)

    @api(RegistrationStub)
    def SignPledge(self, request: pb.SignPledgeRequest, context: Any) -> pb.Application:
        ctx = self.ctx(context)
        workflow.sign_pledge(ctx, request)
        return workflow.application_view(ctx, request.application_id)

    @api(RegistrationStub)
    def Submit(self, request: pb.SubmitRequest, context: Any) -> pb.SubmitResponse:
        return workflow.submit(self.ctx(context), request)

    @api(RegistrationStub)
    def Resubmit(self, request: pb.ResubmitRequest, context: Any) -> pb.SubmitResponse:
        return workflow.resubmit(self.ctx(context), request)

    @api(RegistrationStub)
    def Withdraw(self, request: pb.WithdrawRequest, context: Any) -> pb.Application:
        ctx = self.ctx(context)
        workflow.withdraw(ctx, request)
        return workflow.application_view(ctx, request.application_id)

    @api(RegistrationStub)
    def GetSnapshot(self, request: pb.GetSnapshotRequest, context: Any) -> pb.ApplicationSnapshot:
        return workflow.snapshot_view(self.ctx(context), request)

    @api(RegistrationStub)
    def ListApplicationHistory(self, request: pb.ListApplicationHistoryRequest,
                               context: Any) -> pb.ListApplicationHistoryResponse:
        return workflow.history_view(self.ctx(context), request.application_id)

    # ---------------------------------------------------------------- attachments

    @api(RegistrationStub)
    def UploadAttachment(self, request_iterator: Iterator[pb.AttachmentChunk], context: Any) -> pb.Attachment:
        return uploads.upload(self.ctx(context), request_iterator)

    @api(RegistrationStub)
    def ListAttachments(self, request: pb.ListAttachmentsRequest, context: Any) -> pb.ListAttachmentsResponse:
        return uploads.list_attachments(self.ctx(context), request.application_id)

    @api(RegistrationStub)
    def RemoveAttachment(self, request: pb.RemoveAttachmentRequest, context: Any) -> pb.Application:
        ctx = self.ctx(context)
        uploads.remove(ctx, request)
        return workflow.application_view(ctx, request.application_id)

    @api(RegistrationStub)
    def DownloadAttachment(self, request: pb.DownloadAttachmentRequest, context: Any) -> Iterator[pb.DownloadChunk]:
        yield from uploads.download(self.ctx(context), request)

    # ---------------------------------------------------------------- review's events

    def _apply_review_event(self, unit: UnitOfWork, event: Envelope) -> None:
        """Keep the enterprise-facing status; review.returned reopens what the reviewer named."""
        review_events.apply(unit, event)

    @handles("review", "review.results_published")
    def on_results_published(self, unit: UnitOfWork, event: Envelope) -> None:
        review_events.expire_drafts(unit, event)

    @handles("review", "review.recognition_amended")
    def on_recognition_amended(self, unit: UnitOfWork, event: Envelope) -> None:
        review_events.apply_recognition_amendment(unit, event)

    @handles("review", "review.recognition_revoked")
    def on_recognition_revoked(self, unit: UnitOfWork, event: Envelope) -> None:
        review_events.end_recognition(unit, event)

    @handles("review", "review.recognition_lapsed")
    def on_recognition_lapsed(self, unit: UnitOfWork, event: Envelope) -> None:
        review_events.end_recognition(unit, event)

    @handles("review", "programme.amended")
    def on_programme_amended(self, unit: UnitOfWork, event: Envelope) -> None:
        """A new version (an extension): submissions are judged against it from now, not in a minute."""
        ReviewDirectory(self.review).forget(event.subject)  # the cache is process-wide
