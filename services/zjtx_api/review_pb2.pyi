from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateReviewerRequest(_message.Message):
    __slots__ = ("unit_id", "name", "email", "mobile", "role")
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    MOBILE_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    unit_id: str
    name: str
    email: str
    mobile: str
    role: str
    def __init__(self, unit_id: _Optional[str] = ..., name: _Optional[str] = ..., email: _Optional[str] = ..., mobile: _Optional[str] = ..., role: _Optional[str] = ...) -> None: ...

class GetUnitRequest(_message.Message):
    __slots__ = ("unit_id",)
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    unit_id: str
    def __init__(self, unit_id: _Optional[str] = ...) -> None: ...

class Reviewer(_message.Message):
    __slots__ = ("account_id", "name", "email", "mobile", "unit_id", "role")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    MOBILE_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    name: str
    email: str
    mobile: str
    unit_id: str
    role: str
    def __init__(self, account_id: _Optional[str] = ..., name: _Optional[str] = ..., email: _Optional[str] = ..., mobile: _Optional[str] = ..., unit_id: _Optional[str] = ..., role: _Optional[str] = ...) -> None: ...

class Unit(_message.Message):
    __slots__ = ("id", "name", "kind", "division_code", "parent", "reviewers")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DIVISION_CODE_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REVIEWERS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    kind: str
    division_code: str
    parent: str
    reviewers: _containers.RepeatedCompositeFieldContainer[Reviewer]
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., kind: _Optional[str] = ..., division_code: _Optional[str] = ..., parent: _Optional[str] = ..., reviewers: _Optional[_Iterable[_Union[Reviewer, _Mapping]]] = ...) -> None: ...

class ListProgrammesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ProgrammeSummary(_message.Message):
    __slots__ = ("id", "version", "title", "year", "level", "owner")
    ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    YEAR_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    id: str
    version: int
    title: str
    year: int
    level: str
    owner: str
    def __init__(self, id: _Optional[str] = ..., version: _Optional[int] = ..., title: _Optional[str] = ..., year: _Optional[int] = ..., level: _Optional[str] = ..., owner: _Optional[str] = ...) -> None: ...

class ListProgrammesResponse(_message.Message):
    __slots__ = ("programmes",)
    PROGRAMMES_FIELD_NUMBER: _ClassVar[int]
    programmes: _containers.RepeatedCompositeFieldContainer[ProgrammeSummary]
    def __init__(self, programmes: _Optional[_Iterable[_Union[ProgrammeSummary, _Mapping]]] = ...) -> None: ...

class GetProgrammeRequest(_message.Message):
    __slots__ = ("programme_id",)
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    def __init__(self, programme_id: _Optional[str] = ...) -> None: ...

class Option(_message.Message):
    __slots__ = ("value", "label")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    value: str
    label: str
    def __init__(self, value: _Optional[str] = ..., label: _Optional[str] = ...) -> None: ...

class Field(_message.Message):
    __slots__ = ("id", "label", "type", "required", "min", "max", "min_length", "max_length", "pattern", "options", "unit", "help")
    ID_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    MIN_LENGTH_FIELD_NUMBER: _ClassVar[int]
    MAX_LENGTH_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    HELP_FIELD_NUMBER: _ClassVar[int]
    id: str
    label: str
    type: str
    required: bool
    min: str
    max: str
    min_length: int
    max_length: int
    pattern: str
    options: _containers.RepeatedCompositeFieldContainer[Option]
    unit: str
    help: str
    def __init__(self, id: _Optional[str] = ..., label: _Optional[str] = ..., type: _Optional[str] = ..., required: _Optional[bool] = ..., min: _Optional[str] = ..., max: _Optional[str] = ..., min_length: _Optional[int] = ..., max_length: _Optional[int] = ..., pattern: _Optional[str] = ..., options: _Optional[_Iterable[_Union[Option, _Mapping]]] = ..., unit: _Optional[str] = ..., help: _Optional[str] = ...) -> None: ...

class Section(_message.Message):
    __slots__ = ("id", "title", "fields")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    fields: _containers.RepeatedCompositeFieldContainer[Field]
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., fields: _Optional[_Iterable[_Union[Field, _Mapping]]] = ...) -> None: ...

class Window(_message.Message):
    __slots__ = ("opens_at", "closes_at", "review_closes_at")
    OPENS_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    REVIEW_CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    opens_at: str
    closes_at: str
    review_closes_at: str
    def __init__(self, opens_at: _Optional[str] = ..., closes_at: _Optional[str] = ..., review_closes_at: _Optional[str] = ...) -> None: ...

class ChainLevel(_message.Message):
    __slots__ = ("level", "unit_kind", "title", "checks", "requires_summary_upload", "final", "requires_report_upload", "review_closes_at")
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    UNIT_KIND_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CHECKS_FIELD_NUMBER: _ClassVar[int]
    REQUIRES_SUMMARY_UPLOAD_FIELD_NUMBER: _ClassVar[int]
    FINAL_FIELD_NUMBER: _ClassVar[int]
    REQUIRES_REPORT_UPLOAD_FIELD_NUMBER: _ClassVar[int]
    REVIEW_CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    level: int
    unit_kind: str
    title: str
    checks: _containers.RepeatedScalarFieldContainer[str]
    requires_summary_upload: bool
    final: bool
    requires_report_upload: bool
    review_closes_at: str
    def __init__(self, level: _Optional[int] = ..., unit_kind: _Optional[str] = ..., title: _Optional[str] = ..., checks: _Optional[_Iterable[str]] = ..., requires_summary_upload: _Optional[bool] = ..., final: _Optional[bool] = ..., requires_report_upload: _Optional[bool] = ..., review_closes_at: _Optional[str] = ...) -> None: ...

class AttachmentSpec(_message.Message):
    __slots__ = ("kind", "title", "min_count", "max_count", "media_types", "max_bytes", "required", "help")
    KIND_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    MIN_COUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_COUNT_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPES_FIELD_NUMBER: _ClassVar[int]
    MAX_BYTES_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    HELP_FIELD_NUMBER: _ClassVar[int]
    kind: str
    title: str
    min_count: int
    max_count: int
    media_types: _containers.RepeatedScalarFieldContainer[str]
    max_bytes: int
    required: bool
    help: str
    def __init__(self, kind: _Optional[str] = ..., title: _Optional[str] = ..., min_count: _Optional[int] = ..., max_count: _Optional[int] = ..., media_types: _Optional[_Iterable[str]] = ..., max_bytes: _Optional[int] = ..., required: _Optional[bool] = ..., help: _Optional[str] = ...) -> None: ...

class Pledge(_message.Message):
    __slots__ = ("required", "title", "text")
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    required: bool
    title: str
    text: str
    def __init__(self, required: _Optional[bool] = ..., title: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class Gate(_message.Message):
    __slots__ = ("id", "field", "operator", "operand_json", "message")
    ID_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    OPERAND_JSON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    id: str
    field: str
    operator: str
    operand_json: str
    message: str
    def __init__(self, id: _Optional[str] = ..., field: _Optional[str] = ..., operator: _Optional[str] = ..., operand_json: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class PriorityMarker(_message.Message):
    __slots__ = ("id", "title", "field")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    field: str
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., field: _Optional[str] = ...) -> None: ...

class FocusCategory(_message.Message):
    __slots__ = ("id", "title", "text")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    text: str
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class SummaryColumn(_message.Message):
    __slots__ = ("title", "source")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    title: str
    source: str
    def __init__(self, title: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class Programme(_message.Message):
    __slots__ = ("id", "version", "title", "year", "level", "owner", "owner_name", "target_count", "publicity_days", "window", "max_return_rounds", "review_chain", "sections", "attachments", "pledge", "eligibility_gates", "priority_markers", "focus_categories", "summary_table_columns", "recommend_to", "has_rubric", "document_json")
    ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    YEAR_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    OWNER_NAME_FIELD_NUMBER: _ClassVar[int]
    TARGET_COUNT_FIELD_NUMBER: _ClassVar[int]
    PUBLICITY_DAYS_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    MAX_RETURN_ROUNDS_FIELD_NUMBER: _ClassVar[int]
    REVIEW_CHAIN_FIELD_NUMBER: _ClassVar[int]
    SECTIONS_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    PLEDGE_FIELD_NUMBER: _ClassVar[int]
    ELIGIBILITY_GATES_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_MARKERS_FIELD_NUMBER: _ClassVar[int]
    FOCUS_CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_TABLE_COLUMNS_FIELD_NUMBER: _ClassVar[int]
    RECOMMEND_TO_FIELD_NUMBER: _ClassVar[int]
    HAS_RUBRIC_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_JSON_FIELD_NUMBER: _ClassVar[int]
    id: str
    version: int
    title: str
    year: int
    level: str
    owner: str
    owner_name: str
    target_count: int
    publicity_days: int
    window: Window
    max_return_rounds: int
    review_chain: _containers.RepeatedCompositeFieldContainer[ChainLevel]
    sections: _containers.RepeatedCompositeFieldContainer[Section]
    attachments: _containers.RepeatedCompositeFieldContainer[AttachmentSpec]
    pledge: Pledge
    eligibility_gates: _containers.RepeatedCompositeFieldContainer[Gate]
    priority_markers: _containers.RepeatedCompositeFieldContainer[PriorityMarker]
    focus_categories: _containers.RepeatedCompositeFieldContainer[FocusCategory]
    summary_table_columns: _containers.RepeatedCompositeFieldContainer[SummaryColumn]
    recommend_to: str
    has_rubric: bool
    document_json: str
    def __init__(self, id: _Optional[str] = ..., version: _Optional[int] = ..., title: _Optional[str] = ..., year: _Optional[int] = ..., level: _Optional[str] = ..., owner: _Optional[str] = ..., owner_name: _Optional[str] = ..., target_count: _Optional[int] = ..., publicity_days: _Optional[int] = ..., window: _Optional[_Union[Window, _Mapping]] = ..., max_return_rounds: _Optional[int] = ..., review_chain: _Optional[_Iterable[_Union[ChainLevel, _Mapping]]] = ..., sections: _Optional[_Iterable[_Union[Section, _Mapping]]] = ..., attachments: _Optional[_Iterable[_Union[AttachmentSpec, _Mapping]]] = ..., pledge: _Optional[_Union[Pledge, _Mapping]] = ..., eligibility_gates: _Optional[_Iterable[_Union[Gate, _Mapping]]] = ..., priority_markers: _Optional[_Iterable[_Union[PriorityMarker, _Mapping]]] = ..., focus_categories: _Optional[_Iterable[_Union[FocusCategory, _Mapping]]] = ..., summary_table_columns: _Optional[_Iterable[_Union[SummaryColumn, _Mapping]]] = ..., recommend_to: _Optional[str] = ..., has_rubric: _Optional[bool] = ..., document_json: _Optional[str] = ...) -> None: ...

class ProgrammeWindowChanged(_message.Message):
    __slots__ = ("programme_id", "version", "title", "opens_at", "closes_at", "review_closes_at", "at")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    OPENS_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    REVIEW_CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    version: int
    title: str
    opens_at: str
    closes_at: str
    review_closes_at: str
    at: str
    def __init__(self, programme_id: _Optional[str] = ..., version: _Optional[int] = ..., title: _Optional[str] = ..., opens_at: _Optional[str] = ..., closes_at: _Optional[str] = ..., review_closes_at: _Optional[str] = ..., at: _Optional[str] = ...) -> None: ...

class ReviewStep(_message.Message):
    __slots__ = ("task_id", "application_id", "programme_id", "level", "unit_id", "unit_name", "enterprise_id", "enterprise_name", "reviewer", "at")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_NAME_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_NAME_FIELD_NUMBER: _ClassVar[int]
    REVIEWER_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    application_id: str
    programme_id: str
    level: int
    unit_id: str
    unit_name: str
    enterprise_id: str
    enterprise_name: str
    reviewer: str
    at: str
    def __init__(self, task_id: _Optional[str] = ..., application_id: _Optional[str] = ..., programme_id: _Optional[str] = ..., level: _Optional[int] = ..., unit_id: _Optional[str] = ..., unit_name: _Optional[str] = ..., enterprise_id: _Optional[str] = ..., enterprise_name: _Optional[str] = ..., reviewer: _Optional[str] = ..., at: _Optional[str] = ...) -> None: ...

class TaskOpened(_message.Message):
    __slots__ = ("step", "due_at", "round")
    STEP_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    step: ReviewStep
    due_at: str
    round: int
    def __init__(self, step: _Optional[_Union[ReviewStep, _Mapping]] = ..., due_at: _Optional[str] = ..., round: _Optional[int] = ...) -> None: ...

class Passed(_message.Message):
    __slots__ = ("step", "opinion", "next_level")
    STEP_FIELD_NUMBER: _ClassVar[int]
    OPINION_FIELD_NUMBER: _ClassVar[int]
    NEXT_LEVEL_FIELD_NUMBER: _ClassVar[int]
    step: ReviewStep
    opinion: str
    next_level: int
    def __init__(self, step: _Optional[_Union[ReviewStep, _Mapping]] = ..., opinion: _Optional[str] = ..., next_level: _Optional[int] = ...) -> None: ...

class ReturnReason(_message.Message):
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

class Returned(_message.Message):
    __slots__ = ("step", "reasons", "round", "max_rounds", "resubmit_by")
    STEP_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    MAX_ROUNDS_FIELD_NUMBER: _ClassVar[int]
    RESUBMIT_BY_FIELD_NUMBER: _ClassVar[int]
    step: ReviewStep
    reasons: _containers.RepeatedCompositeFieldContainer[ReturnReason]
    round: int
    max_rounds: int
    resubmit_by: str
    def __init__(self, step: _Optional[_Union[ReviewStep, _Mapping]] = ..., reasons: _Optional[_Iterable[_Union[ReturnReason, _Mapping]]] = ..., round: _Optional[int] = ..., max_rounds: _Optional[int] = ..., resubmit_by: _Optional[str] = ...) -> None: ...

class Rejected(_message.Message):
    __slots__ = ("step", "reason")
    STEP_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    step: ReviewStep
    reason: str
    def __init__(self, step: _Optional[_Union[ReviewStep, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class Recommended(_message.Message):
    __slots__ = ("step", "opinion", "unit_rank")
    STEP_FIELD_NUMBER: _ClassVar[int]
    OPINION_FIELD_NUMBER: _ClassVar[int]
    UNIT_RANK_FIELD_NUMBER: _ClassVar[int]
    step: ReviewStep
    opinion: str
    unit_rank: int
    def __init__(self, step: _Optional[_Union[ReviewStep, _Mapping]] = ..., opinion: _Optional[str] = ..., unit_rank: _Optional[int] = ...) -> None: ...

class SummaryUploaded(_message.Message):
    __slots__ = ("programme_id", "unit_id", "unit_name", "level", "file_id", "sha256", "media_type", "application_ids", "uploaded_by", "at")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_NAME_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    FILE_ID_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_IDS_FIELD_NUMBER: _ClassVar[int]
    UPLOADED_BY_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    unit_id: str
    unit_name: str
    level: int
    file_id: str
    sha256: str
    media_type: str
    application_ids: _containers.RepeatedScalarFieldContainer[str]
    uploaded_by: str
    at: str
    def __init__(self, programme_id: _Optional[str] = ..., unit_id: _Optional[str] = ..., unit_name: _Optional[str] = ..., level: _Optional[int] = ..., file_id: _Optional[str] = ..., sha256: _Optional[str] = ..., media_type: _Optional[str] = ..., application_ids: _Optional[_Iterable[str]] = ..., uploaded_by: _Optional[str] = ..., at: _Optional[str] = ...) -> None: ...

class RecommendationsComplete(_message.Message):
    __slots__ = ("programme_id", "recommended", "unit_ids", "at")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDED_FIELD_NUMBER: _ClassVar[int]
    UNIT_IDS_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    recommended: int
    unit_ids: _containers.RepeatedScalarFieldContainer[str]
    at: str
    def __init__(self, programme_id: _Optional[str] = ..., recommended: _Optional[int] = ..., unit_ids: _Optional[_Iterable[str]] = ..., at: _Optional[str] = ...) -> None: ...

class PublicityOpened(_message.Message):
    __slots__ = ("programme_id", "application_ids", "opens_at", "closes_at")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_IDS_FIELD_NUMBER: _ClassVar[int]
    OPENS_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    application_ids: _containers.RepeatedScalarFieldContainer[str]
    opens_at: str
    closes_at: str
    def __init__(self, programme_id: _Optional[str] = ..., application_ids: _Optional[_Iterable[str]] = ..., opens_at: _Optional[str] = ..., closes_at: _Optional[str] = ...) -> None: ...

class Recognition(_message.Message):
    __slots__ = ("application_id", "programme_id", "enterprise_id", "enterprise_name", "recognised", "rank", "score", "recommend_to", "published_at", "reason")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_NAME_FIELD_NUMBER: _ClassVar[int]
    RECOGNISED_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    RECOMMEND_TO_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    programme_id: str
    enterprise_id: str
    enterprise_name: str
    recognised: bool
    rank: int
    score: str
    recommend_to: str
    published_at: str
    reason: str
    def __init__(self, application_id: _Optional[str] = ..., programme_id: _Optional[str] = ..., enterprise_id: _Optional[str] = ..., enterprise_name: _Optional[str] = ..., recognised: _Optional[bool] = ..., rank: _Optional[int] = ..., score: _Optional[str] = ..., recommend_to: _Optional[str] = ..., published_at: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...
