from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Contact(_message.Message):
    __slots__ = ("person", "mobile", "email")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    MOBILE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    person: str
    mobile: str
    email: str
    def __init__(self, person: _Optional[str] = ..., mobile: _Optional[str] = ..., email: _Optional[str] = ...) -> None: ...

class Enterprise(_message.Message):
    __slots__ = ("id", "uscc", "name", "region_code", "region_name", "industry", "park_id", "contact", "version", "registered_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    REGION_NAME_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    PARK_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    uscc: str
    name: str
    region_code: str
    region_name: str
    industry: str
    park_id: str
    contact: Contact
    version: int
    registered_at: str
    def __init__(self, id: _Optional[str] = ..., uscc: _Optional[str] = ..., name: _Optional[str] = ..., region_code: _Optional[str] = ..., region_name: _Optional[str] = ..., industry: _Optional[str] = ..., park_id: _Optional[str] = ..., contact: _Optional[_Union[Contact, _Mapping]] = ..., version: _Optional[int] = ..., registered_at: _Optional[str] = ...) -> None: ...

class RegisterEnterpriseRequest(_message.Message):
    __slots__ = ("uscc", "name", "region_code", "industry", "park_id", "contact")
    USCC_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    PARK_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    uscc: str
    name: str
    region_code: str
    industry: str
    park_id: str
    contact: Contact
    def __init__(self, uscc: _Optional[str] = ..., name: _Optional[str] = ..., region_code: _Optional[str] = ..., industry: _Optional[str] = ..., park_id: _Optional[str] = ..., contact: _Optional[_Union[Contact, _Mapping]] = ...) -> None: ...

class GetEnterpriseRequest(_message.Message):
    __slots__ = ("enterprise_id", "version", "uscc")
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    enterprise_id: str
    version: int
    uscc: str
    def __init__(self, enterprise_id: _Optional[str] = ..., version: _Optional[int] = ..., uscc: _Optional[str] = ...) -> None: ...

class UpdateEnterpriseProfileRequest(_message.Message):
    __slots__ = ("enterprise_id", "expected_version", "name", "region_code", "industry", "park_id", "contact")
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    PARK_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    enterprise_id: str
    expected_version: int
    name: str
    region_code: str
    industry: str
    park_id: str
    contact: Contact
    def __init__(self, enterprise_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., name: _Optional[str] = ..., region_code: _Optional[str] = ..., industry: _Optional[str] = ..., park_id: _Optional[str] = ..., contact: _Optional[_Union[Contact, _Mapping]] = ...) -> None: ...

class CreateApplicationRequest(_message.Message):
    __slots__ = ("enterprise_id", "programme_id")
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    enterprise_id: str
    programme_id: str
    def __init__(self, enterprise_id: _Optional[str] = ..., programme_id: _Optional[str] = ...) -> None: ...

class GetApplicationRequest(_message.Message):
    __slots__ = ("application_id",)
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    def __init__(self, application_id: _Optional[str] = ...) -> None: ...

class Correction(_message.Message):
    __slots__ = ("target_kind", "target", "target_title", "reason")
    TARGET_KIND_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    TARGET_TITLE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    target_kind: str
    target: str
    target_title: str
    reason: str
    def __init__(self, target_kind: _Optional[str] = ..., target: _Optional[str] = ..., target_title: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class SectionState(_message.Message):
    __slots__ = ("id", "title", "data", "version", "editable", "saved_at", "saved_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    EDITABLE_FIELD_NUMBER: _ClassVar[int]
    SAVED_AT_FIELD_NUMBER: _ClassVar[int]
    SAVED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    data: _struct_pb2.Struct
    version: int
    editable: bool
    saved_at: str
    saved_by: str
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., version: _Optional[int] = ..., editable: _Optional[bool] = ..., saved_at: _Optional[str] = ..., saved_by: _Optional[str] = ...) -> None: ...

class Attachment(_message.Message):
    __slots__ = ("id", "application_id", "kind", "kind_title", "filename", "media_type", "size", "sha256", "uploaded_at", "uploaded_by", "digest_alg", "digest")
    ID_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    KIND_TITLE_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    UPLOADED_AT_FIELD_NUMBER: _ClassVar[int]
    UPLOADED_BY_FIELD_NUMBER: _ClassVar[int]
    DIGEST_ALG_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    id: str
    application_id: str
    kind: str
    kind_title: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: str
    uploaded_by: str
    digest_alg: str
    digest: str
    def __init__(self, id: _Optional[str] = ..., application_id: _Optional[str] = ..., kind: _Optional[str] = ..., kind_title: _Optional[str] = ..., filename: _Optional[str] = ..., media_type: _Optional[str] = ..., size: _Optional[int] = ..., sha256: _Optional[str] = ..., uploaded_at: _Optional[str] = ..., uploaded_by: _Optional[str] = ..., digest_alg: _Optional[str] = ..., digest: _Optional[str] = ...) -> None: ...

class Application(_message.Message):
    __slots__ = ("id", "enterprise_id", "enterprise_name", "programme_id", "programme_version", "programme_title", "status", "status_label", "version", "sections", "attachments", "pledge", "pledge_title", "pledge_text", "snapshot_version", "content_hash", "first_submitted_at", "last_submitted_at", "review_level", "review_unit_id", "review_unit_name", "return_round", "max_return_rounds", "corrections", "resubmit_by", "decision_reason", "created_at", "updated_at", "pledge_editable", "editable_attachment_kinds")
    ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_NAME_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_VERSION_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_TITLE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_LABEL_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SECTIONS_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    PLEDGE_FIELD_NUMBER: _ClassVar[int]
    PLEDGE_TITLE_FIELD_NUMBER: _ClassVar[int]
    PLEDGE_TEXT_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_VERSION_FIELD_NUMBER: _ClassVar[int]
    CONTENT_HASH_FIELD_NUMBER: _ClassVar[int]
    FIRST_SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    REVIEW_LEVEL_FIELD_NUMBER: _ClassVar[int]
    REVIEW_UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    REVIEW_UNIT_NAME_FIELD_NUMBER: _ClassVar[int]
    RETURN_ROUND_FIELD_NUMBER: _ClassVar[int]
    MAX_RETURN_ROUNDS_FIELD_NUMBER: _ClassVar[int]
    CORRECTIONS_FIELD_NUMBER: _ClassVar[int]
    RESUBMIT_BY_FIELD_NUMBER: _ClassVar[int]
    DECISION_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    PLEDGE_EDITABLE_FIELD_NUMBER: _ClassVar[int]
    EDITABLE_ATTACHMENT_KINDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    enterprise_id: str
    enterprise_name: str
    programme_id: str
    programme_version: int
    programme_title: str
    status: str
    status_label: str
    version: int
    sections: _containers.RepeatedCompositeFieldContainer[SectionState]
    attachments: _containers.RepeatedCompositeFieldContainer[Attachment]
    pledge: PledgeSignature
    pledge_title: str
    pledge_text: str
    snapshot_version: int
    content_hash: str
    first_submitted_at: str
    last_submitted_at: str
    review_level: int
    review_unit_id: str
    review_unit_name: str
    return_round: int
    max_return_rounds: int
    corrections: _containers.RepeatedCompositeFieldContainer[Correction]
    resubmit_by: str
    decision_reason: str
    created_at: str
    updated_at: str
    pledge_editable: bool
    editable_attachment_kinds: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., enterprise_id: _Optional[str] = ..., enterprise_name: _Optional[str] = ..., programme_id: _Optional[str] = ..., programme_version: _Optional[int] = ..., programme_title: _Optional[str] = ..., status: _Optional[str] = ..., status_label: _Optional[str] = ..., version: _Optional[int] = ..., sections: _Optional[_Iterable[_Union[SectionState, _Mapping]]] = ..., attachments: _Optional[_Iterable[_Union[Attachment, _Mapping]]] = ..., pledge: _Optional[_Union[PledgeSignature, _Mapping]] = ..., pledge_title: _Optional[str] = ..., pledge_text: _Optional[str] = ..., snapshot_version: _Optional[int] = ..., content_hash: _Optional[str] = ..., first_submitted_at: _Optional[str] = ..., last_submitted_at: _Optional[str] = ..., review_level: _Optional[int] = ..., review_unit_id: _Optional[str] = ..., review_unit_name: _Optional[str] = ..., return_round: _Optional[int] = ..., max_return_rounds: _Optional[int] = ..., corrections: _Optional[_Iterable[_Union[Correction, _Mapping]]] = ..., resubmit_by: _Optional[str] = ..., decision_reason: _Optional[str] = ..., created_at: _Optional[str] = ..., updated_at: _Optional[str] = ..., pledge_editable: _Optional[bool] = ..., editable_attachment_kinds: _Optional[_Iterable[str]] = ...) -> None: ...

class ApplicationSummary(_message.Message):
    __slots__ = ("id", "enterprise_id", "enterprise_name", "programme_id", "programme_title", "status", "status_label", "version", "snapshot_version", "first_submitted_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_NAME_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_TITLE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_LABEL_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_VERSION_FIELD_NUMBER: _ClassVar[int]
    FIRST_SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    enterprise_id: str
    enterprise_name: str
    programme_id: str
    programme_title: str
    status: str
    status_label: str
    version: int
    snapshot_version: int
    first_submitted_at: str
    updated_at: str
    def __init__(self, id: _Optional[str] = ..., enterprise_id: _Optional[str] = ..., enterprise_name: _Optional[str] = ..., programme_id: _Optional[str] = ..., programme_title: _Optional[str] = ..., status: _Optional[str] = ..., status_label: _Optional[str] = ..., version: _Optional[int] = ..., snapshot_version: _Optional[int] = ..., first_submitted_at: _Optional[str] = ..., updated_at: _Optional[str] = ...) -> None: ...

class ListApplicationsRequest(_message.Message):
    __slots__ = ("enterprise_id", "programme_id", "status", "page_size", "page_token")
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    enterprise_id: str
    programme_id: str
    status: str
    page_size: int
    page_token: str
    def __init__(self, enterprise_id: _Optional[str] = ..., programme_id: _Optional[str] = ..., status: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListApplicationsResponse(_message.Message):
    __slots__ = ("applications", "next_page_token")
    APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    applications: _containers.RepeatedCompositeFieldContainer[ApplicationSummary]
    next_page_token: str
    def __init__(self, applications: _Optional[_Iterable[_Union[ApplicationSummary, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SaveSectionRequest(_message.Message):
    __slots__ = ("application_id", "section_id", "data", "expected_version")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    SECTION_ID_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    section_id: str
    data: _struct_pb2.Struct
    expected_version: int
    def __init__(self, application_id: _Optional[str] = ..., section_id: _Optional[str] = ..., data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., expected_version: _Optional[int] = ...) -> None: ...

class Problem(_message.Message):
    __slots__ = ("field", "code", "message")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    field: str
    code: str
    message: str
    def __init__(self, field: _Optional[str] = ..., code: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class SaveSectionResponse(_message.Message):
    __slots__ = ("section", "application_version", "missing")
    SECTION_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_VERSION_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    section: SectionState
    application_version: int
    missing: _containers.RepeatedCompositeFieldContainer[Problem]
    def __init__(self, section: _Optional[_Union[SectionState, _Mapping]] = ..., application_version: _Optional[int] = ..., missing: _Optional[_Iterable[_Union[Problem, _Mapping]]] = ...) -> None: ...

class GetCompletenessRequest(_message.Message):
    __slots__ = ("application_id",)
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    def __init__(self, application_id: _Optional[str] = ...) -> None: ...

class Completeness(_message.Message):
    __slots__ = ("application_id", "complete", "submittable", "problems", "window_state", "window_closes_at")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    SUBMITTABLE_FIELD_NUMBER: _ClassVar[int]
    PROBLEMS_FIELD_NUMBER: _ClassVar[int]
    WINDOW_STATE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    complete: bool
    submittable: bool
    problems: _containers.RepeatedCompositeFieldContainer[Problem]
    window_state: str
    window_closes_at: str
    def __init__(self, application_id: _Optional[str] = ..., complete: _Optional[bool] = ..., submittable: _Optional[bool] = ..., problems: _Optional[_Iterable[_Union[Problem, _Mapping]]] = ..., window_state: _Optional[str] = ..., window_closes_at: _Optional[str] = ...) -> None: ...

class AttachmentHeader(_message.Message):
    __slots__ = ("application_id", "kind", "filename")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    kind: str
    filename: str
    def __init__(self, application_id: _Optional[str] = ..., kind: _Optional[str] = ..., filename: _Optional[str] = ...) -> None: ...

class AttachmentChunk(_message.Message):
    __slots__ = ("header", "data")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    header: AttachmentHeader
    data: bytes
    def __init__(self, header: _Optional[_Union[AttachmentHeader, _Mapping]] = ..., data: _Optional[bytes] = ...) -> None: ...

class ListAttachmentsRequest(_message.Message):
    __slots__ = ("application_id",)
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    def __init__(self, application_id: _Optional[str] = ...) -> None: ...

class ListAttachmentsResponse(_message.Message):
    __slots__ = ("attachments",)
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    attachments: _containers.RepeatedCompositeFieldContainer[Attachment]
    def __init__(self, attachments: _Optional[_Iterable[_Union[Attachment, _Mapping]]] = ...) -> None: ...

class RemoveAttachmentRequest(_message.Message):
    __slots__ = ("application_id", "attachment_id")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENT_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    attachment_id: str
    def __init__(self, application_id: _Optional[str] = ..., attachment_id: _Optional[str] = ...) -> None: ...

class DownloadAttachmentRequest(_message.Message):
    __slots__ = ("application_id", "attachment_id")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENT_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    attachment_id: str
    def __init__(self, application_id: _Optional[str] = ..., attachment_id: _Optional[str] = ...) -> None: ...

class DownloadChunk(_message.Message):
    __slots__ = ("info", "data")
    INFO_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    info: Attachment
    data: bytes
    def __init__(self, info: _Optional[_Union[Attachment, _Mapping]] = ..., data: _Optional[bytes] = ...) -> None: ...

class SignPledgeRequest(_message.Message):
    __slots__ = ("application_id", "signer_name", "signer_title")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    SIGNER_NAME_FIELD_NUMBER: _ClassVar[int]
    SIGNER_TITLE_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    signer_name: str
    signer_title: str
    def __init__(self, application_id: _Optional[str] = ..., signer_name: _Optional[str] = ..., signer_title: _Optional[str] = ...) -> None: ...

class SubmitRequest(_message.Message):
    __slots__ = ("application_id", "expected_version")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    expected_version: int
    def __init__(self, application_id: _Optional[str] = ..., expected_version: _Optional[int] = ...) -> None: ...

class ResubmitRequest(_message.Message):
    __slots__ = ("application_id", "expected_version")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    expected_version: int
    def __init__(self, application_id: _Optional[str] = ..., expected_version: _Optional[int] = ...) -> None: ...

class SubmitResponse(_message.Message):
    __slots__ = ("application_id", "status", "snapshot_version", "content_hash", "submitted_at", "already_submitted", "round")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_VERSION_FIELD_NUMBER: _ClassVar[int]
    CONTENT_HASH_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    ALREADY_SUBMITTED_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    status: str
    snapshot_version: int
    content_hash: str
    submitted_at: str
    already_submitted: bool
    round: int
    def __init__(self, application_id: _Optional[str] = ..., status: _Optional[str] = ..., snapshot_version: _Optional[int] = ..., content_hash: _Optional[str] = ..., submitted_at: _Optional[str] = ..., already_submitted: _Optional[bool] = ..., round: _Optional[int] = ...) -> None: ...

class WithdrawRequest(_message.Message):
    __slots__ = ("application_id", "reason")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    reason: str
    def __init__(self, application_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class GetSnapshotRequest(_message.Message):
    __slots__ = ("application_id", "snapshot_version")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_VERSION_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    snapshot_version: int
    def __init__(self, application_id: _Optional[str] = ..., snapshot_version: _Optional[int] = ...) -> None: ...

class ListApplicationHistoryRequest(_message.Message):
    __slots__ = ("application_id",)
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    def __init__(self, application_id: _Optional[str] = ...) -> None: ...

class HistoryEntry(_message.Message):
    __slots__ = ("at", "actor", "role", "action", "detail", "reason", "version", "data")
    AT_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    at: str
    actor: str
    role: str
    action: str
    detail: str
    reason: str
    version: int
    data: _struct_pb2.Struct
    def __init__(self, at: _Optional[str] = ..., actor: _Optional[str] = ..., role: _Optional[str] = ..., action: _Optional[str] = ..., detail: _Optional[str] = ..., reason: _Optional[str] = ..., version: _Optional[int] = ..., data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class ListApplicationHistoryResponse(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[HistoryEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[HistoryEntry, _Mapping]]] = ...) -> None: ...

class EnterpriseRegistered(_message.Message):
    __slots__ = ("enterprise_id", "uscc", "name", "region_code", "industry", "park_id", "contact", "sealed_contact")
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    PARK_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    SEALED_CONTACT_FIELD_NUMBER: _ClassVar[int]
    enterprise_id: str
    uscc: str
    name: str
    region_code: str
    industry: str
    park_id: str
    contact: Contact
    sealed_contact: Contact
    def __init__(self, enterprise_id: _Optional[str] = ..., uscc: _Optional[str] = ..., name: _Optional[str] = ..., region_code: _Optional[str] = ..., industry: _Optional[str] = ..., park_id: _Optional[str] = ..., contact: _Optional[_Union[Contact, _Mapping]] = ..., sealed_contact: _Optional[_Union[Contact, _Mapping]] = ...) -> None: ...

class EnterpriseProfileChanged(_message.Message):
    __slots__ = ("enterprise_id", "version", "name", "region_code", "industry", "park_id", "contact", "changed_at", "sealed_contact")
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    PARK_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    SEALED_CONTACT_FIELD_NUMBER: _ClassVar[int]
    enterprise_id: str
    version: int
    name: str
    region_code: str
    industry: str
    park_id: str
    contact: Contact
    changed_at: str
    sealed_contact: Contact
    def __init__(self, enterprise_id: _Optional[str] = ..., version: _Optional[int] = ..., name: _Optional[str] = ..., region_code: _Optional[str] = ..., industry: _Optional[str] = ..., park_id: _Optional[str] = ..., contact: _Optional[_Union[Contact, _Mapping]] = ..., changed_at: _Optional[str] = ..., sealed_contact: _Optional[_Union[Contact, _Mapping]] = ...) -> None: ...

class EnterpriseSnapshot(_message.Message):
    __slots__ = ("enterprise_id", "uscc", "name", "region_code", "region_name", "industry", "park_id", "contact", "profile_version", "sealed_contact")
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    REGION_NAME_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    PARK_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    PROFILE_VERSION_FIELD_NUMBER: _ClassVar[int]
    SEALED_CONTACT_FIELD_NUMBER: _ClassVar[int]
    enterprise_id: str
    uscc: str
    name: str
    region_code: str
    region_name: str
    industry: str
    park_id: str
    contact: Contact
    profile_version: int
    sealed_contact: Contact
    def __init__(self, enterprise_id: _Optional[str] = ..., uscc: _Optional[str] = ..., name: _Optional[str] = ..., region_code: _Optional[str] = ..., region_name: _Optional[str] = ..., industry: _Optional[str] = ..., park_id: _Optional[str] = ..., contact: _Optional[_Union[Contact, _Mapping]] = ..., profile_version: _Optional[int] = ..., sealed_contact: _Optional[_Union[Contact, _Mapping]] = ...) -> None: ...

class AttachmentRef(_message.Message):
    __slots__ = ("attachment_id", "kind", "filename", "media_type", "size", "sha256", "digest_alg", "digest")
    ATTACHMENT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    DIGEST_ALG_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    attachment_id: str
    kind: str
    filename: str
    media_type: str
    size: int
    sha256: str
    digest_alg: str
    digest: str
    def __init__(self, attachment_id: _Optional[str] = ..., kind: _Optional[str] = ..., filename: _Optional[str] = ..., media_type: _Optional[str] = ..., size: _Optional[int] = ..., sha256: _Optional[str] = ..., digest_alg: _Optional[str] = ..., digest: _Optional[str] = ...) -> None: ...

class PledgeSignature(_message.Message):
    __slots__ = ("signer_name", "signer_title", "signed_at", "text_sha256")
    SIGNER_NAME_FIELD_NUMBER: _ClassVar[int]
    SIGNER_TITLE_FIELD_NUMBER: _ClassVar[int]
    SIGNED_AT_FIELD_NUMBER: _ClassVar[int]
    TEXT_SHA256_FIELD_NUMBER: _ClassVar[int]
    signer_name: str
    signer_title: str
    signed_at: str
    text_sha256: str
    def __init__(self, signer_name: _Optional[str] = ..., signer_title: _Optional[str] = ..., signed_at: _Optional[str] = ..., text_sha256: _Optional[str] = ...) -> None: ...

class ApplicationSnapshot(_message.Message):
    __slots__ = ("application_id", "programme_id", "programme_version", "enterprise", "snapshot_version", "content_hash", "submitted_at", "sections", "attachments", "pledge", "focus_category", "first_submitted_at", "programme_title", "sealed_fields", "content_hash_alg")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_VERSION_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_VERSION_FIELD_NUMBER: _ClassVar[int]
    CONTENT_HASH_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    SECTIONS_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    PLEDGE_FIELD_NUMBER: _ClassVar[int]
    FOCUS_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    FIRST_SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_TITLE_FIELD_NUMBER: _ClassVar[int]
    SEALED_FIELDS_FIELD_NUMBER: _ClassVar[int]
    CONTENT_HASH_ALG_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    programme_id: str
    programme_version: int
    enterprise: EnterpriseSnapshot
    snapshot_version: int
    content_hash: str
    submitted_at: str
    sections: _struct_pb2.Struct
    attachments: _containers.RepeatedCompositeFieldContainer[AttachmentRef]
    pledge: PledgeSignature
    focus_category: str
    first_submitted_at: str
    programme_title: str
    sealed_fields: _containers.RepeatedScalarFieldContainer[str]
    content_hash_alg: str
    def __init__(self, application_id: _Optional[str] = ..., programme_id: _Optional[str] = ..., programme_version: _Optional[int] = ..., enterprise: _Optional[_Union[EnterpriseSnapshot, _Mapping]] = ..., snapshot_version: _Optional[int] = ..., content_hash: _Optional[str] = ..., submitted_at: _Optional[str] = ..., sections: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., attachments: _Optional[_Iterable[_Union[AttachmentRef, _Mapping]]] = ..., pledge: _Optional[_Union[PledgeSignature, _Mapping]] = ..., focus_category: _Optional[str] = ..., first_submitted_at: _Optional[str] = ..., programme_title: _Optional[str] = ..., sealed_fields: _Optional[_Iterable[str]] = ..., content_hash_alg: _Optional[str] = ...) -> None: ...

class ApplicationSubmitted(_message.Message):
    __slots__ = ("application",)
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    application: ApplicationSnapshot
    def __init__(self, application: _Optional[_Union[ApplicationSnapshot, _Mapping]] = ...) -> None: ...

class ApplicationResubmitted(_message.Message):
    __slots__ = ("application", "round", "returned_task_id")
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    RETURNED_TASK_ID_FIELD_NUMBER: _ClassVar[int]
    application: ApplicationSnapshot
    round: int
    returned_task_id: str
    def __init__(self, application: _Optional[_Union[ApplicationSnapshot, _Mapping]] = ..., round: _Optional[int] = ..., returned_task_id: _Optional[str] = ...) -> None: ...

class ErasePersonalDataRequest(_message.Message):
    __slots__ = ("enterprise_id", "reason")
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    enterprise_id: str
    reason: str
    def __init__(self, enterprise_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class PersonalDataErased(_message.Message):
    __slots__ = ("enterprise_id", "application_ids", "erased_at", "erased_by", "reason", "archived_until", "erased_marker")
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_IDS_FIELD_NUMBER: _ClassVar[int]
    ERASED_AT_FIELD_NUMBER: _ClassVar[int]
    ERASED_BY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ARCHIVED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    ERASED_MARKER_FIELD_NUMBER: _ClassVar[int]
    enterprise_id: str
    application_ids: _containers.RepeatedScalarFieldContainer[str]
    erased_at: str
    erased_by: str
    reason: str
    archived_until: str
    erased_marker: str
    def __init__(self, enterprise_id: _Optional[str] = ..., application_ids: _Optional[_Iterable[str]] = ..., erased_at: _Optional[str] = ..., erased_by: _Optional[str] = ..., reason: _Optional[str] = ..., archived_until: _Optional[str] = ..., erased_marker: _Optional[str] = ...) -> None: ...

class ApplicationExpired(_message.Message):
    __slots__ = ("application_id", "programme_id", "enterprise_id", "reason", "expired_at")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXPIRED_AT_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    programme_id: str
    enterprise_id: str
    reason: str
    expired_at: str
    def __init__(self, application_id: _Optional[str] = ..., programme_id: _Optional[str] = ..., enterprise_id: _Optional[str] = ..., reason: _Optional[str] = ..., expired_at: _Optional[str] = ...) -> None: ...

class ApplicationWithdrawn(_message.Message):
    __slots__ = ("application_id", "programme_id", "enterprise_id", "reason", "withdrawn_at", "withdrawn_by", "snapshot_version", "status_before")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_AT_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_BY_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_VERSION_FIELD_NUMBER: _ClassVar[int]
    STATUS_BEFORE_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    programme_id: str
    enterprise_id: str
    reason: str
    withdrawn_at: str
    withdrawn_by: str
    snapshot_version: int
    status_before: str
    def __init__(self, application_id: _Optional[str] = ..., programme_id: _Optional[str] = ..., enterprise_id: _Optional[str] = ..., reason: _Optional[str] = ..., withdrawn_at: _Optional[str] = ..., withdrawn_by: _Optional[str] = ..., snapshot_version: _Optional[int] = ..., status_before: _Optional[str] = ...) -> None: ...

class FindSubmittedRequest(_message.Message):
    __slots__ = ("programme_id", "enterprise_ids")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_IDS_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    enterprise_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, programme_id: _Optional[str] = ..., enterprise_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class FindSubmittedResponse(_message.Message):
    __slots__ = ("enterprise_ids",)
    ENTERPRISE_IDS_FIELD_NUMBER: _ClassVar[int]
    enterprise_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, enterprise_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class OperatingReport(_message.Message):
    __slots__ = ("id", "programme_id", "period", "period_label", "enterprise_id", "enterprise_name", "region_code", "basis", "figures", "note", "submitted_at", "version", "window_closes_at", "focus_category", "kind")
    class FiguresEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PERIOD_LABEL_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    BASIS_FIELD_NUMBER: _ClassVar[int]
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    FOCUS_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    id: str
    programme_id: str
    period: str
    period_label: str
    enterprise_id: str
    enterprise_name: str
    region_code: str
    basis: str
    figures: _containers.ScalarMap[str, str]
    note: str
    submitted_at: str
    version: int
    window_closes_at: str
    focus_category: str
    kind: str
    def __init__(self, id: _Optional[str] = ..., programme_id: _Optional[str] = ..., period: _Optional[str] = ..., period_label: _Optional[str] = ..., enterprise_id: _Optional[str] = ..., enterprise_name: _Optional[str] = ..., region_code: _Optional[str] = ..., basis: _Optional[str] = ..., figures: _Optional[_Mapping[str, str]] = ..., note: _Optional[str] = ..., submitted_at: _Optional[str] = ..., version: _Optional[int] = ..., window_closes_at: _Optional[str] = ..., focus_category: _Optional[str] = ..., kind: _Optional[str] = ...) -> None: ...

class OperatingReportSubmitted(_message.Message):
    __slots__ = ("report",)
    REPORT_FIELD_NUMBER: _ClassVar[int]
    report: OperatingReport
    def __init__(self, report: _Optional[_Union[OperatingReport, _Mapping]] = ...) -> None: ...

class SubmitOperatingReportRequest(_message.Message):
    __slots__ = ("enterprise_id", "programme_id", "period", "figures", "note")
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    enterprise_id: str
    programme_id: str
    period: str
    figures: _struct_pb2.Struct
    note: str
    def __init__(self, enterprise_id: _Optional[str] = ..., programme_id: _Optional[str] = ..., period: _Optional[str] = ..., figures: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., note: _Optional[str] = ...) -> None: ...

class ListOperatingReportsRequest(_message.Message):
    __slots__ = ("programme_id", "period", "enterprise_id")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    period: str
    enterprise_id: str
    def __init__(self, programme_id: _Optional[str] = ..., period: _Optional[str] = ..., enterprise_id: _Optional[str] = ...) -> None: ...

class ListOperatingReportsResponse(_message.Message):
    __slots__ = ("reports",)
    REPORTS_FIELD_NUMBER: _ClassVar[int]
    reports: _containers.RepeatedCompositeFieldContainer[OperatingReport]
    def __init__(self, reports: _Optional[_Iterable[_Union[OperatingReport, _Mapping]]] = ...) -> None: ...

class ListLateFilersRequest(_message.Message):
    __slots__ = ("programme_id", "period", "open_window", "annual_update")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    OPEN_WINDOW_FIELD_NUMBER: _ClassVar[int]
    ANNUAL_UPDATE_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    period: str
    open_window: bool
    annual_update: bool
    def __init__(self, programme_id: _Optional[str] = ..., period: _Optional[str] = ..., open_window: _Optional[bool] = ..., annual_update: _Optional[bool] = ...) -> None: ...

class LateFiler(_message.Message):
    __slots__ = ("enterprise_id", "enterprise_name", "region_code", "basis")
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    BASIS_FIELD_NUMBER: _ClassVar[int]
    enterprise_id: str
    enterprise_name: str
    region_code: str
    basis: str
    def __init__(self, enterprise_id: _Optional[str] = ..., enterprise_name: _Optional[str] = ..., region_code: _Optional[str] = ..., basis: _Optional[str] = ...) -> None: ...

class ListLateFilersResponse(_message.Message):
    __slots__ = ("programme_id", "period", "period_label", "window_closes_at", "window_closed", "late", "due")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PERIOD_LABEL_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CLOSED_FIELD_NUMBER: _ClassVar[int]
    LATE_FIELD_NUMBER: _ClassVar[int]
    DUE_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    period: str
    period_label: str
    window_closes_at: str
    window_closed: bool
    late: _containers.RepeatedCompositeFieldContainer[LateFiler]
    due: int
    def __init__(self, programme_id: _Optional[str] = ..., period: _Optional[str] = ..., period_label: _Optional[str] = ..., window_closes_at: _Optional[str] = ..., window_closed: _Optional[bool] = ..., late: _Optional[_Iterable[_Union[LateFiler, _Mapping]]] = ..., due: _Optional[int] = ...) -> None: ...
