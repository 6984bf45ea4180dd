from google.protobuf import struct_pb2 as _struct_pb2
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
    __slots__ = ("id", "name", "kind", "division_code", "parent", "reviewers", "covers", "excludes", "division_name")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DIVISION_CODE_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REVIEWERS_FIELD_NUMBER: _ClassVar[int]
    COVERS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDES_FIELD_NUMBER: _ClassVar[int]
    DIVISION_NAME_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    kind: str
    division_code: str
    parent: str
    reviewers: _containers.RepeatedCompositeFieldContainer[Reviewer]
    covers: _containers.RepeatedScalarFieldContainer[str]
    excludes: _containers.RepeatedScalarFieldContainer[str]
    division_name: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., kind: _Optional[str] = ..., division_code: _Optional[str] = ..., parent: _Optional[str] = ..., reviewers: _Optional[_Iterable[_Union[Reviewer, _Mapping]]] = ..., covers: _Optional[_Iterable[str]] = ..., excludes: _Optional[_Iterable[str]] = ..., division_name: _Optional[str] = ...) -> None: ...

class ListUnitsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListUnitsResponse(_message.Message):
    __slots__ = ("version", "units", "changes")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    version: int
    units: _containers.RepeatedCompositeFieldContainer[Unit]
    changes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, version: _Optional[int] = ..., units: _Optional[_Iterable[_Union[Unit, _Mapping]]] = ..., changes: _Optional[_Iterable[str]] = ...) -> None: ...

class AmendUnitsRequest(_message.Message):
    __slots__ = ("expected_version", "units_json", "reason")
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    UNITS_JSON_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    expected_version: int
    units_json: str
    reason: str
    def __init__(self, expected_version: _Optional[int] = ..., units_json: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class UnitDirectoryVersion(_message.Message):
    __slots__ = ("version", "kind", "changed_by", "role", "unit_id", "changed_at", "reason", "changes", "client_address", "current")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    version: int
    kind: str
    changed_by: str
    role: str
    unit_id: str
    changed_at: str
    reason: str
    changes: _containers.RepeatedScalarFieldContainer[str]
    client_address: str
    current: bool
    def __init__(self, version: _Optional[int] = ..., kind: _Optional[str] = ..., changed_by: _Optional[str] = ..., role: _Optional[str] = ..., unit_id: _Optional[str] = ..., changed_at: _Optional[str] = ..., reason: _Optional[str] = ..., changes: _Optional[_Iterable[str]] = ..., client_address: _Optional[str] = ..., current: _Optional[bool] = ...) -> None: ...

class ListUnitVersionsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListUnitVersionsResponse(_message.Message):
    __slots__ = ("versions",)
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    versions: _containers.RepeatedCompositeFieldContainer[UnitDirectoryVersion]
    def __init__(self, versions: _Optional[_Iterable[_Union[UnitDirectoryVersion, _Mapping]]] = ...) -> None: ...

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
    __slots__ = ("programme_id", "version")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    version: int
    def __init__(self, programme_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class ProgrammeVersion(_message.Message):
    __slots__ = ("programme_id", "version", "kind", "changed_by", "role", "unit_id", "changed_at", "reason", "changes", "client_address", "extended", "current")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    EXTENDED_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    version: int
    kind: str
    changed_by: str
    role: str
    unit_id: str
    changed_at: str
    reason: str
    changes: _containers.RepeatedScalarFieldContainer[str]
    client_address: str
    extended: bool
    current: bool
    def __init__(self, programme_id: _Optional[str] = ..., version: _Optional[int] = ..., kind: _Optional[str] = ..., changed_by: _Optional[str] = ..., role: _Optional[str] = ..., unit_id: _Optional[str] = ..., changed_at: _Optional[str] = ..., reason: _Optional[str] = ..., changes: _Optional[_Iterable[str]] = ..., client_address: _Optional[str] = ..., extended: _Optional[bool] = ..., current: _Optional[bool] = ...) -> None: ...

class ListProgrammeVersionsRequest(_message.Message):
    __slots__ = ("programme_id",)
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    def __init__(self, programme_id: _Optional[str] = ...) -> None: ...

class ListProgrammeVersionsResponse(_message.Message):
    __slots__ = ("versions",)
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    versions: _containers.RepeatedCompositeFieldContainer[ProgrammeVersion]
    def __init__(self, versions: _Optional[_Iterable[_Union[ProgrammeVersion, _Mapping]]] = ...) -> None: ...

class CreateProgrammeRequest(_message.Message):
    __slots__ = ("programme_id", "from_programme_id", "year", "title", "opens_at", "closes_at", "review_closes_at", "reason")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    YEAR_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    OPENS_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    REVIEW_CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    from_programme_id: str
    year: int
    title: str
    opens_at: str
    closes_at: str
    review_closes_at: str
    reason: str
    def __init__(self, programme_id: _Optional[str] = ..., from_programme_id: _Optional[str] = ..., year: _Optional[int] = ..., title: _Optional[str] = ..., opens_at: _Optional[str] = ..., closes_at: _Optional[str] = ..., review_closes_at: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class AmendProgrammeRequest(_message.Message):
    __slots__ = ("programme_id", "expected_version", "changes_json", "reason")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    CHANGES_JSON_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    expected_version: int
    changes_json: str
    reason: str
    def __init__(self, programme_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., changes_json: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

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
    __slots__ = ("id", "version", "title", "year", "level", "owner", "owner_name", "target_count", "publicity_days", "window", "max_return_rounds", "review_chain", "sections", "attachments", "pledge", "eligibility_gates", "priority_markers", "focus_categories", "summary_table_columns", "recommend_to", "has_rubric", "document_json", "target_tolerance", "return_grace_days", "undecided_at_review_deadline", "changed_at", "changed_by", "change_reason")
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
    TARGET_TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    RETURN_GRACE_DAYS_FIELD_NUMBER: _ClassVar[int]
    UNDECIDED_AT_REVIEW_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    CHANGE_REASON_FIELD_NUMBER: _ClassVar[int]
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
    target_tolerance: int
    return_grace_days: int
    undecided_at_review_deadline: str
    changed_at: str
    changed_by: str
    change_reason: str
    def __init__(self, id: _Optional[str] = ..., version: _Optional[int] = ..., title: _Optional[str] = ..., year: _Optional[int] = ..., level: _Optional[str] = ..., owner: _Optional[str] = ..., owner_name: _Optional[str] = ..., target_count: _Optional[int] = ..., publicity_days: _Optional[int] = ..., window: _Optional[_Union[Window, _Mapping]] = ..., max_return_rounds: _Optional[int] = ..., review_chain: _Optional[_Iterable[_Union[ChainLevel, _Mapping]]] = ..., sections: _Optional[_Iterable[_Union[Section, _Mapping]]] = ..., attachments: _Optional[_Iterable[_Union[AttachmentSpec, _Mapping]]] = ..., pledge: _Optional[_Union[Pledge, _Mapping]] = ..., eligibility_gates: _Optional[_Iterable[_Union[Gate, _Mapping]]] = ..., priority_markers: _Optional[_Iterable[_Union[PriorityMarker, _Mapping]]] = ..., focus_categories: _Optional[_Iterable[_Union[FocusCategory, _Mapping]]] = ..., summary_table_columns: _Optional[_Iterable[_Union[SummaryColumn, _Mapping]]] = ..., recommend_to: _Optional[str] = ..., has_rubric: _Optional[bool] = ..., document_json: _Optional[str] = ..., target_tolerance: _Optional[int] = ..., return_grace_days: _Optional[int] = ..., undecided_at_review_deadline: _Optional[str] = ..., changed_at: _Optional[str] = ..., changed_by: _Optional[str] = ..., change_reason: _Optional[str] = ...) -> None: ...

class EnterpriseBrief(_message.Message):
    __slots__ = ("enterprise_id", "uscc", "name", "region_code", "region_name", "park_id", "industry")
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    REGION_NAME_FIELD_NUMBER: _ClassVar[int]
    PARK_ID_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    enterprise_id: str
    uscc: str
    name: str
    region_code: str
    region_name: str
    park_id: str
    industry: str
    def __init__(self, enterprise_id: _Optional[str] = ..., uscc: _Optional[str] = ..., name: _Optional[str] = ..., region_code: _Optional[str] = ..., region_name: _Optional[str] = ..., park_id: _Optional[str] = ..., industry: _Optional[str] = ...) -> None: ...

class AttachmentInfo(_message.Message):
    __slots__ = ("attachment_id", "kind", "title", "filename", "media_type", "size", "sha256")
    ATTACHMENT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    attachment_id: str
    kind: str
    title: str
    filename: str
    media_type: str
    size: int
    sha256: str
    def __init__(self, attachment_id: _Optional[str] = ..., kind: _Optional[str] = ..., title: _Optional[str] = ..., filename: _Optional[str] = ..., media_type: _Optional[str] = ..., size: _Optional[int] = ..., sha256: _Optional[str] = ...) -> None: ...

class Task(_message.Message):
    __slots__ = ("id", "application_id", "programme_id", "level", "level_title", "unit_id", "unit_name", "round", "status", "status_label", "opened_at", "due_at", "decided_at", "decided_by", "opinion", "reasons", "reason", "enterprise", "snapshot_version", "content_hash", "submitted_at", "sections", "attachments", "focus_category", "score", "checks", "reserve_note", "city_recommendations")
    ID_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    LEVEL_TITLE_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_NAME_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_LABEL_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    OPINION_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_VERSION_FIELD_NUMBER: _ClassVar[int]
    CONTENT_HASH_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    SECTIONS_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    FOCUS_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    CHECKS_FIELD_NUMBER: _ClassVar[int]
    RESERVE_NOTE_FIELD_NUMBER: _ClassVar[int]
    CITY_RECOMMENDATIONS_FIELD_NUMBER: _ClassVar[int]
    id: str
    application_id: str
    programme_id: str
    level: int
    level_title: str
    unit_id: str
    unit_name: str
    round: int
    status: str
    status_label: str
    opened_at: str
    due_at: str
    decided_at: str
    decided_by: str
    opinion: str
    reasons: _containers.RepeatedCompositeFieldContainer[ReturnReason]
    reason: str
    enterprise: EnterpriseBrief
    snapshot_version: int
    content_hash: str
    submitted_at: str
    sections: _struct_pb2.Struct
    attachments: _containers.RepeatedCompositeFieldContainer[AttachmentInfo]
    focus_category: str
    score: str
    checks: _containers.RepeatedScalarFieldContainer[str]
    reserve_note: str
    city_recommendations: _containers.RepeatedCompositeFieldContainer[CityRecommendation]
    def __init__(self, id: _Optional[str] = ..., application_id: _Optional[str] = ..., programme_id: _Optional[str] = ..., level: _Optional[int] = ..., level_title: _Optional[str] = ..., unit_id: _Optional[str] = ..., unit_name: _Optional[str] = ..., round: _Optional[int] = ..., status: _Optional[str] = ..., status_label: _Optional[str] = ..., opened_at: _Optional[str] = ..., due_at: _Optional[str] = ..., decided_at: _Optional[str] = ..., decided_by: _Optional[str] = ..., opinion: _Optional[str] = ..., reasons: _Optional[_Iterable[_Union[ReturnReason, _Mapping]]] = ..., reason: _Optional[str] = ..., enterprise: _Optional[_Union[EnterpriseBrief, _Mapping]] = ..., snapshot_version: _Optional[int] = ..., content_hash: _Optional[str] = ..., submitted_at: _Optional[str] = ..., sections: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., attachments: _Optional[_Iterable[_Union[AttachmentInfo, _Mapping]]] = ..., focus_category: _Optional[str] = ..., score: _Optional[str] = ..., checks: _Optional[_Iterable[str]] = ..., reserve_note: _Optional[str] = ..., city_recommendations: _Optional[_Iterable[_Union[CityRecommendation, _Mapping]]] = ...) -> None: ...

class ListTasksRequest(_message.Message):
    __slots__ = ("unit_id", "programme_id", "status")
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    unit_id: str
    programme_id: str
    status: str
    def __init__(self, unit_id: _Optional[str] = ..., programme_id: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class ListTasksResponse(_message.Message):
    __slots__ = ("tasks",)
    TASKS_FIELD_NUMBER: _ClassVar[int]
    tasks: _containers.RepeatedCompositeFieldContainer[Task]
    def __init__(self, tasks: _Optional[_Iterable[_Union[Task, _Mapping]]] = ...) -> None: ...

class GetTaskRequest(_message.Message):
    __slots__ = ("task_id",)
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    def __init__(self, task_id: _Optional[str] = ...) -> None: ...

class PassTaskRequest(_message.Message):
    __slots__ = ("task_id", "opinion")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    OPINION_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    opinion: str
    def __init__(self, task_id: _Optional[str] = ..., opinion: _Optional[str] = ...) -> None: ...

class ReturnTaskRequest(_message.Message):
    __slots__ = ("task_id", "reasons")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    reasons: _containers.RepeatedCompositeFieldContainer[ReturnReason]
    def __init__(self, task_id: _Optional[str] = ..., reasons: _Optional[_Iterable[_Union[ReturnReason, _Mapping]]] = ...) -> None: ...

class RejectTaskRequest(_message.Message):
    __slots__ = ("task_id", "reason")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    reason: str
    def __init__(self, task_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class DecisionResult(_message.Message):
    __slots__ = ("task", "application", "next_task")
    TASK_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    NEXT_TASK_FIELD_NUMBER: _ClassVar[int]
    task: Task
    application: ReviewApplication
    next_task: Task
    def __init__(self, task: _Optional[_Union[Task, _Mapping]] = ..., application: _Optional[_Union[ReviewApplication, _Mapping]] = ..., next_task: _Optional[_Union[Task, _Mapping]] = ...) -> None: ...

class ReviewApplication(_message.Message):
    __slots__ = ("application_id", "programme_id", "status", "status_label", "level", "unit_id", "unit_name", "returns", "max_return_rounds", "enterprise", "first_submitted_at", "submitted_at", "snapshot_version", "content_hash", "open_task_id", "score", "rubric_note", "rubric_passed", "unit_rank", "rank", "reason", "recommended_at", "version", "city_recommendations")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_LABEL_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_NAME_FIELD_NUMBER: _ClassVar[int]
    RETURNS_FIELD_NUMBER: _ClassVar[int]
    MAX_RETURN_ROUNDS_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    FIRST_SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_VERSION_FIELD_NUMBER: _ClassVar[int]
    CONTENT_HASH_FIELD_NUMBER: _ClassVar[int]
    OPEN_TASK_ID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_NOTE_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_PASSED_FIELD_NUMBER: _ClassVar[int]
    UNIT_RANK_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CITY_RECOMMENDATIONS_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    programme_id: str
    status: str
    status_label: str
    level: int
    unit_id: str
    unit_name: str
    returns: int
    max_return_rounds: int
    enterprise: EnterpriseBrief
    first_submitted_at: str
    submitted_at: str
    snapshot_version: int
    content_hash: str
    open_task_id: str
    score: str
    rubric_note: str
    rubric_passed: bool
    unit_rank: int
    rank: int
    reason: str
    recommended_at: str
    version: int
    city_recommendations: _containers.RepeatedCompositeFieldContainer[CityRecommendation]
    def __init__(self, application_id: _Optional[str] = ..., programme_id: _Optional[str] = ..., status: _Optional[str] = ..., status_label: _Optional[str] = ..., level: _Optional[int] = ..., unit_id: _Optional[str] = ..., unit_name: _Optional[str] = ..., returns: _Optional[int] = ..., max_return_rounds: _Optional[int] = ..., enterprise: _Optional[_Union[EnterpriseBrief, _Mapping]] = ..., first_submitted_at: _Optional[str] = ..., submitted_at: _Optional[str] = ..., snapshot_version: _Optional[int] = ..., content_hash: _Optional[str] = ..., open_task_id: _Optional[str] = ..., score: _Optional[str] = ..., rubric_note: _Optional[str] = ..., rubric_passed: _Optional[bool] = ..., unit_rank: _Optional[int] = ..., rank: _Optional[int] = ..., reason: _Optional[str] = ..., recommended_at: _Optional[str] = ..., version: _Optional[int] = ..., city_recommendations: _Optional[_Iterable[_Union[CityRecommendation, _Mapping]]] = ...) -> None: ...

class GetApplicationRequest(_message.Message):
    __slots__ = ("application_id",)
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    def __init__(self, application_id: _Optional[str] = ...) -> None: ...

class HistoryEntry(_message.Message):
    __slots__ = ("seq", "at", "actor", "role", "unit_id", "unit_name", "level", "action", "action_label", "detail", "opinion", "reason", "reasons", "task_id", "round")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_NAME_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    ACTION_LABEL_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    OPINION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    seq: int
    at: str
    actor: str
    role: str
    unit_id: str
    unit_name: str
    level: int
    action: str
    action_label: str
    detail: str
    opinion: str
    reason: str
    reasons: _containers.RepeatedCompositeFieldContainer[ReturnReason]
    task_id: str
    round: int
    def __init__(self, seq: _Optional[int] = ..., at: _Optional[str] = ..., actor: _Optional[str] = ..., role: _Optional[str] = ..., unit_id: _Optional[str] = ..., unit_name: _Optional[str] = ..., level: _Optional[int] = ..., action: _Optional[str] = ..., action_label: _Optional[str] = ..., detail: _Optional[str] = ..., opinion: _Optional[str] = ..., reason: _Optional[str] = ..., reasons: _Optional[_Iterable[_Union[ReturnReason, _Mapping]]] = ..., task_id: _Optional[str] = ..., round: _Optional[int] = ...) -> None: ...

class ListHistoryRequest(_message.Message):
    __slots__ = ("application_id",)
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    def __init__(self, application_id: _Optional[str] = ...) -> None: ...

class ListHistoryResponse(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[HistoryEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[HistoryEntry, _Mapping]]] = ...) -> None: ...

class Unroutable(_message.Message):
    __slots__ = ("application_id", "programme_id", "enterprise", "level", "unit_kind", "reason", "at")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    UNIT_KIND_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    programme_id: str
    enterprise: EnterpriseBrief
    level: int
    unit_kind: str
    reason: str
    at: str
    def __init__(self, application_id: _Optional[str] = ..., programme_id: _Optional[str] = ..., enterprise: _Optional[_Union[EnterpriseBrief, _Mapping]] = ..., level: _Optional[int] = ..., unit_kind: _Optional[str] = ..., reason: _Optional[str] = ..., at: _Optional[str] = ...) -> None: ...

class ListUnroutableRequest(_message.Message):
    __slots__ = ("programme_id",)
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    def __init__(self, programme_id: _Optional[str] = ...) -> None: ...

class ListUnroutableResponse(_message.Message):
    __slots__ = ("applications",)
    APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    applications: _containers.RepeatedCompositeFieldContainer[Unroutable]
    def __init__(self, applications: _Optional[_Iterable[_Union[Unroutable, _Mapping]]] = ...) -> None: ...

class RetryRoutingRequest(_message.Message):
    __slots__ = ("application_id",)
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    def __init__(self, application_id: _Optional[str] = ...) -> None: ...

class SummaryChunk(_message.Message):
    __slots__ = ("programme_id", "unit_id", "kind", "filename", "data")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    unit_id: str
    kind: str
    filename: str
    data: bytes
    def __init__(self, programme_id: _Optional[str] = ..., unit_id: _Optional[str] = ..., kind: _Optional[str] = ..., filename: _Optional[str] = ..., data: _Optional[bytes] = ...) -> None: ...

class SummaryUpload(_message.Message):
    __slots__ = ("file_id", "programme_id", "unit_id", "unit_name", "level", "kind", "filename", "media_type", "size", "sha256", "uploaded_by", "uploaded_at", "finalised_application_ids")
    FILE_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_NAME_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    UPLOADED_BY_FIELD_NUMBER: _ClassVar[int]
    UPLOADED_AT_FIELD_NUMBER: _ClassVar[int]
    FINALISED_APPLICATION_IDS_FIELD_NUMBER: _ClassVar[int]
    file_id: str
    programme_id: str
    unit_id: str
    unit_name: str
    level: int
    kind: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: str
    finalised_application_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, file_id: _Optional[str] = ..., programme_id: _Optional[str] = ..., unit_id: _Optional[str] = ..., unit_name: _Optional[str] = ..., level: _Optional[int] = ..., kind: _Optional[str] = ..., filename: _Optional[str] = ..., media_type: _Optional[str] = ..., size: _Optional[int] = ..., sha256: _Optional[str] = ..., uploaded_by: _Optional[str] = ..., uploaded_at: _Optional[str] = ..., finalised_application_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class DownloadSummaryRequest(_message.Message):
    __slots__ = ("file_id",)
    FILE_ID_FIELD_NUMBER: _ClassVar[int]
    file_id: str
    def __init__(self, file_id: _Optional[str] = ...) -> None: ...

class FileChunk(_message.Message):
    __slots__ = ("filename", "media_type", "sha256", "data")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    filename: str
    media_type: str
    sha256: str
    data: bytes
    def __init__(self, filename: _Optional[str] = ..., media_type: _Optional[str] = ..., sha256: _Optional[str] = ..., data: _Optional[bytes] = ...) -> None: ...

class UnitProgressRequest(_message.Message):
    __slots__ = ("programme_id", "unit_id")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    unit_id: str
    def __init__(self, programme_id: _Optional[str] = ..., unit_id: _Optional[str] = ...) -> None: ...

class UnitProgress(_message.Message):
    __slots__ = ("programme_id", "unit_id", "unit_name", "level", "open_tasks", "pending_summary", "recommended", "returned", "rejected", "pending_application_ids", "missing", "uploads", "finalised_at", "note")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_NAME_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    OPEN_TASKS_FIELD_NUMBER: _ClassVar[int]
    PENDING_SUMMARY_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDED_FIELD_NUMBER: _ClassVar[int]
    RETURNED_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    PENDING_APPLICATION_IDS_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    UPLOADS_FIELD_NUMBER: _ClassVar[int]
    FINALISED_AT_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    unit_id: str
    unit_name: str
    level: int
    open_tasks: int
    pending_summary: int
    recommended: int
    returned: int
    rejected: int
    pending_application_ids: _containers.RepeatedScalarFieldContainer[str]
    missing: _containers.RepeatedScalarFieldContainer[str]
    uploads: _containers.RepeatedCompositeFieldContainer[SummaryUpload]
    finalised_at: str
    note: str
    def __init__(self, programme_id: _Optional[str] = ..., unit_id: _Optional[str] = ..., unit_name: _Optional[str] = ..., level: _Optional[int] = ..., open_tasks: _Optional[int] = ..., pending_summary: _Optional[int] = ..., recommended: _Optional[int] = ..., returned: _Optional[int] = ..., rejected: _Optional[int] = ..., pending_application_ids: _Optional[_Iterable[str]] = ..., missing: _Optional[_Iterable[str]] = ..., uploads: _Optional[_Iterable[_Union[SummaryUpload, _Mapping]]] = ..., finalised_at: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class GetProgrammeStatusRequest(_message.Message):
    __slots__ = ("programme_id",)
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    def __init__(self, programme_id: _Optional[str] = ...) -> None: ...

class StatusCount(_message.Message):
    __slots__ = ("status", "status_label", "count")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_LABEL_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    status: str
    status_label: str
    count: int
    def __init__(self, status: _Optional[str] = ..., status_label: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class ProgrammeStatus(_message.Message):
    __slots__ = ("programme_id", "window_state", "reviews_closed", "recommendations_complete_at", "publicity_state", "counts", "now")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    WINDOW_STATE_FIELD_NUMBER: _ClassVar[int]
    REVIEWS_CLOSED_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDATIONS_COMPLETE_AT_FIELD_NUMBER: _ClassVar[int]
    PUBLICITY_STATE_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    NOW_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    window_state: str
    reviews_closed: bool
    recommendations_complete_at: str
    publicity_state: str
    counts: _containers.RepeatedCompositeFieldContainer[StatusCount]
    now: str
    def __init__(self, programme_id: _Optional[str] = ..., window_state: _Optional[str] = ..., reviews_closed: _Optional[bool] = ..., recommendations_complete_at: _Optional[str] = ..., publicity_state: _Optional[str] = ..., counts: _Optional[_Iterable[_Union[StatusCount, _Mapping]]] = ..., now: _Optional[str] = ...) -> None: ...

class MarkerValue(_message.Message):
    __slots__ = ("id", "title", "value")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    value: str
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class RankedApplication(_message.Message):
    __slots__ = ("rank", "application_id", "enterprise", "unit_id", "unit_name", "unit_rank", "score", "rubric_passed", "rubric_note", "markers", "first_submitted_at", "within_target", "status", "band", "reserve_note")
    RANK_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_NAME_FIELD_NUMBER: _ClassVar[int]
    UNIT_RANK_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_PASSED_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_NOTE_FIELD_NUMBER: _ClassVar[int]
    MARKERS_FIELD_NUMBER: _ClassVar[int]
    FIRST_SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    WITHIN_TARGET_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    BAND_FIELD_NUMBER: _ClassVar[int]
    RESERVE_NOTE_FIELD_NUMBER: _ClassVar[int]
    rank: int
    application_id: str
    enterprise: EnterpriseBrief
    unit_id: str
    unit_name: str
    unit_rank: int
    score: str
    rubric_passed: bool
    rubric_note: str
    markers: _containers.RepeatedCompositeFieldContainer[MarkerValue]
    first_submitted_at: str
    within_target: bool
    status: str
    band: str
    reserve_note: str
    def __init__(self, rank: _Optional[int] = ..., application_id: _Optional[str] = ..., enterprise: _Optional[_Union[EnterpriseBrief, _Mapping]] = ..., unit_id: _Optional[str] = ..., unit_name: _Optional[str] = ..., unit_rank: _Optional[int] = ..., score: _Optional[str] = ..., rubric_passed: _Optional[bool] = ..., rubric_note: _Optional[str] = ..., markers: _Optional[_Iterable[_Union[MarkerValue, _Mapping]]] = ..., first_submitted_at: _Optional[str] = ..., within_target: _Optional[bool] = ..., status: _Optional[str] = ..., band: _Optional[str] = ..., reserve_note: _Optional[str] = ...) -> None: ...

class RankRecommendedRequest(_message.Message):
    __slots__ = ("programme_id",)
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    def __init__(self, programme_id: _Optional[str] = ...) -> None: ...

class RankRecommendedResponse(_message.Message):
    __slots__ = ("programme_id", "target_count", "ranked", "order", "target_tolerance", "band_low", "band_high", "line")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_COUNT_FIELD_NUMBER: _ClassVar[int]
    RANKED_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    TARGET_TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    BAND_LOW_FIELD_NUMBER: _ClassVar[int]
    BAND_HIGH_FIELD_NUMBER: _ClassVar[int]
    LINE_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    target_count: int
    ranked: _containers.RepeatedCompositeFieldContainer[RankedApplication]
    order: str
    target_tolerance: int
    band_low: int
    band_high: int
    line: str
    def __init__(self, programme_id: _Optional[str] = ..., target_count: _Optional[int] = ..., ranked: _Optional[_Iterable[_Union[RankedApplication, _Mapping]]] = ..., order: _Optional[str] = ..., target_tolerance: _Optional[int] = ..., band_low: _Optional[int] = ..., band_high: _Optional[int] = ..., line: _Optional[str] = ...) -> None: ...

class RecogniseRequest(_message.Message):
    __slots__ = ("programme_id", "application_ids")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_IDS_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    application_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, programme_id: _Optional[str] = ..., application_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ListedApplication(_message.Message):
    __slots__ = ("application_id", "enterprise", "rank", "score", "status", "removed_reason")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REMOVED_REASON_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    enterprise: EnterpriseBrief
    rank: int
    score: str
    status: str
    removed_reason: str
    def __init__(self, application_id: _Optional[str] = ..., enterprise: _Optional[_Union[EnterpriseBrief, _Mapping]] = ..., rank: _Optional[int] = ..., score: _Optional[str] = ..., status: _Optional[str] = ..., removed_reason: _Optional[str] = ...) -> None: ...

class Objection(_message.Message):
    __slots__ = ("id", "programme_id", "application_id", "enterprise_name", "objector", "contact", "content", "received_at", "recorded_by", "status", "resolution", "resolved_by", "resolved_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_NAME_FIELD_NUMBER: _ClassVar[int]
    OBJECTOR_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    RECORDED_BY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_BY_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    programme_id: str
    application_id: str
    enterprise_name: str
    objector: str
    contact: str
    content: str
    received_at: str
    recorded_by: str
    status: str
    resolution: str
    resolved_by: str
    resolved_at: str
    def __init__(self, id: _Optional[str] = ..., programme_id: _Optional[str] = ..., application_id: _Optional[str] = ..., enterprise_name: _Optional[str] = ..., objector: _Optional[str] = ..., contact: _Optional[str] = ..., content: _Optional[str] = ..., received_at: _Optional[str] = ..., recorded_by: _Optional[str] = ..., status: _Optional[str] = ..., resolution: _Optional[str] = ..., resolved_by: _Optional[str] = ..., resolved_at: _Optional[str] = ...) -> None: ...

class Publicity(_message.Message):
    __slots__ = ("programme_id", "state", "opens_at", "closes_at", "recognised_by", "recognised_at", "listed", "objections", "published_at")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    OPENS_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    RECOGNISED_BY_FIELD_NUMBER: _ClassVar[int]
    RECOGNISED_AT_FIELD_NUMBER: _ClassVar[int]
    LISTED_FIELD_NUMBER: _ClassVar[int]
    OBJECTIONS_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    state: str
    opens_at: str
    closes_at: str
    recognised_by: str
    recognised_at: str
    listed: _containers.RepeatedCompositeFieldContainer[ListedApplication]
    objections: _containers.RepeatedCompositeFieldContainer[Objection]
    published_at: str
    def __init__(self, programme_id: _Optional[str] = ..., state: _Optional[str] = ..., opens_at: _Optional[str] = ..., closes_at: _Optional[str] = ..., recognised_by: _Optional[str] = ..., recognised_at: _Optional[str] = ..., listed: _Optional[_Iterable[_Union[ListedApplication, _Mapping]]] = ..., objections: _Optional[_Iterable[_Union[Objection, _Mapping]]] = ..., published_at: _Optional[str] = ...) -> None: ...

class GetPublicityRequest(_message.Message):
    __slots__ = ("programme_id",)
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    def __init__(self, programme_id: _Optional[str] = ...) -> None: ...

class RecordObjectionRequest(_message.Message):
    __slots__ = ("programme_id", "application_id", "objector", "contact", "content")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    OBJECTOR_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    application_id: str
    objector: str
    contact: str
    content: str
    def __init__(self, programme_id: _Optional[str] = ..., application_id: _Optional[str] = ..., objector: _Optional[str] = ..., contact: _Optional[str] = ..., content: _Optional[str] = ...) -> None: ...

class ResolveObjectionRequest(_message.Message):
    __slots__ = ("objection_id", "upheld", "resolution")
    OBJECTION_ID_FIELD_NUMBER: _ClassVar[int]
    UPHELD_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    objection_id: str
    upheld: bool
    resolution: str
    def __init__(self, objection_id: _Optional[str] = ..., upheld: _Optional[bool] = ..., resolution: _Optional[str] = ...) -> None: ...

class PublishRequest(_message.Message):
    __slots__ = ("programme_id",)
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    def __init__(self, programme_id: _Optional[str] = ...) -> None: ...

class PublishResult(_message.Message):
    __slots__ = ("programme_id", "published_at", "recognised", "not_recognised", "expired")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_FIELD_NUMBER: _ClassVar[int]
    RECOGNISED_FIELD_NUMBER: _ClassVar[int]
    NOT_RECOGNISED_FIELD_NUMBER: _ClassVar[int]
    EXPIRED_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    published_at: str
    recognised: _containers.RepeatedCompositeFieldContainer[Recognition]
    not_recognised: _containers.RepeatedCompositeFieldContainer[Recognition]
    expired: _containers.RepeatedCompositeFieldContainer[Recognition]
    def __init__(self, programme_id: _Optional[str] = ..., published_at: _Optional[str] = ..., recognised: _Optional[_Iterable[_Union[Recognition, _Mapping]]] = ..., not_recognised: _Optional[_Iterable[_Union[Recognition, _Mapping]]] = ..., expired: _Optional[_Iterable[_Union[Recognition, _Mapping]]] = ...) -> None: ...

class AmendRecognitionRequest(_message.Message):
    __slots__ = ("programme_id", "remove_application_ids", "add_application_ids", "reason", "expected_list_version")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    REMOVE_APPLICATION_IDS_FIELD_NUMBER: _ClassVar[int]
    ADD_APPLICATION_IDS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_LIST_VERSION_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    remove_application_ids: _containers.RepeatedScalarFieldContainer[str]
    add_application_ids: _containers.RepeatedScalarFieldContainer[str]
    reason: str
    expected_list_version: int
    def __init__(self, programme_id: _Optional[str] = ..., remove_application_ids: _Optional[_Iterable[str]] = ..., add_application_ids: _Optional[_Iterable[str]] = ..., reason: _Optional[str] = ..., expected_list_version: _Optional[int] = ...) -> None: ...

class RecognitionAmended(_message.Message):
    __slots__ = ("programme_id", "list_version", "reason", "removed", "added", "amended_by", "at", "client_address")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    LIST_VERSION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    ADDED_FIELD_NUMBER: _ClassVar[int]
    AMENDED_BY_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    list_version: int
    reason: str
    removed: _containers.RepeatedCompositeFieldContainer[Recognition]
    added: _containers.RepeatedCompositeFieldContainer[Recognition]
    amended_by: str
    at: str
    client_address: str
    def __init__(self, programme_id: _Optional[str] = ..., list_version: _Optional[int] = ..., reason: _Optional[str] = ..., removed: _Optional[_Iterable[_Union[Recognition, _Mapping]]] = ..., added: _Optional[_Iterable[_Union[Recognition, _Mapping]]] = ..., amended_by: _Optional[str] = ..., at: _Optional[str] = ..., client_address: _Optional[str] = ...) -> None: ...

class ResultsPublished(_message.Message):
    __slots__ = ("programme_id", "title", "published_at", "recognised", "not_recognised", "expired")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_FIELD_NUMBER: _ClassVar[int]
    RECOGNISED_FIELD_NUMBER: _ClassVar[int]
    NOT_RECOGNISED_FIELD_NUMBER: _ClassVar[int]
    EXPIRED_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    title: str
    published_at: str
    recognised: int
    not_recognised: int
    expired: int
    def __init__(self, programme_id: _Optional[str] = ..., title: _Optional[str] = ..., published_at: _Optional[str] = ..., recognised: _Optional[int] = ..., not_recognised: _Optional[int] = ..., expired: _Optional[int] = ...) -> None: ...

class ProgrammeAmended(_message.Message):
    __slots__ = ("programme_id", "version", "previous_version", "title", "changes", "reason", "extended", "closes_at", "previous_closes_at", "review_closes_at", "previous_review_closes_at", "changed_by", "at", "target_count", "target_tolerance")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_VERSION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXTENDED_FIELD_NUMBER: _ClassVar[int]
    CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    REVIEW_CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_REVIEW_CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    TARGET_COUNT_FIELD_NUMBER: _ClassVar[int]
    TARGET_TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    version: int
    previous_version: int
    title: str
    changes: _containers.RepeatedScalarFieldContainer[str]
    reason: str
    extended: bool
    closes_at: str
    previous_closes_at: str
    review_closes_at: str
    previous_review_closes_at: str
    changed_by: str
    at: str
    target_count: int
    target_tolerance: int
    def __init__(self, programme_id: _Optional[str] = ..., version: _Optional[int] = ..., previous_version: _Optional[int] = ..., title: _Optional[str] = ..., changes: _Optional[_Iterable[str]] = ..., reason: _Optional[str] = ..., extended: _Optional[bool] = ..., closes_at: _Optional[str] = ..., previous_closes_at: _Optional[str] = ..., review_closes_at: _Optional[str] = ..., previous_review_closes_at: _Optional[str] = ..., changed_by: _Optional[str] = ..., at: _Optional[str] = ..., target_count: _Optional[int] = ..., target_tolerance: _Optional[int] = ...) -> None: ...

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
    __slots__ = ("application_id", "programme_id", "enterprise_id", "enterprise_name", "recognised", "rank", "score", "recommend_to", "published_at", "reason", "cause", "uscc", "region_code", "programme_title", "owner", "owner_name")
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
    CAUSE_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_TITLE_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    OWNER_NAME_FIELD_NUMBER: _ClassVar[int]
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
    cause: str
    uscc: str
    region_code: str
    programme_title: str
    owner: str
    owner_name: str
    def __init__(self, application_id: _Optional[str] = ..., programme_id: _Optional[str] = ..., enterprise_id: _Optional[str] = ..., enterprise_name: _Optional[str] = ..., recognised: _Optional[bool] = ..., rank: _Optional[int] = ..., score: _Optional[str] = ..., recommend_to: _Optional[str] = ..., published_at: _Optional[str] = ..., reason: _Optional[str] = ..., cause: _Optional[str] = ..., uscc: _Optional[str] = ..., region_code: _Optional[str] = ..., programme_title: _Optional[str] = ..., owner: _Optional[str] = ..., owner_name: _Optional[str] = ...) -> None: ...

class AssessRequest(_message.Message):
    __slots__ = ("programme_id", "sections_json", "application_id")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    SECTIONS_JSON_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    sections_json: str
    application_id: str
    def __init__(self, programme_id: _Optional[str] = ..., sections_json: _Optional[str] = ..., application_id: _Optional[str] = ...) -> None: ...

class IndicatorAssessment(_message.Message):
    __slots__ = ("id", "title", "group", "points", "max_points", "value", "missing", "hints")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    MAX_POINTS_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    HINTS_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    group: str
    points: int
    max_points: int
    value: str
    missing: _containers.RepeatedScalarFieldContainer[str]
    hints: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., group: _Optional[str] = ..., points: _Optional[int] = ..., max_points: _Optional[int] = ..., value: _Optional[str] = ..., missing: _Optional[_Iterable[str]] = ..., hints: _Optional[_Iterable[str]] = ...) -> None: ...

class GroupAssessment(_message.Message):
    __slots__ = ("id", "title", "points", "max_points", "min_points")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    MAX_POINTS_FIELD_NUMBER: _ClassVar[int]
    MIN_POINTS_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    points: int
    max_points: int
    min_points: int
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., points: _Optional[int] = ..., max_points: _Optional[int] = ..., min_points: _Optional[int] = ...) -> None: ...

class RouteAssessment(_message.Message):
    __slots__ = ("id", "title", "met")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    MET_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    met: bool
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., met: _Optional[bool] = ...) -> None: ...

class Assessment(_message.Message):
    __slots__ = ("programme_id", "application_id", "rubric_title", "source", "rules_id", "total", "max_total", "pass_line", "score_passed", "passed", "groups", "indicators", "routes", "summary")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    RUBRIC_TITLE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    RULES_ID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    MAX_TOTAL_FIELD_NUMBER: _ClassVar[int]
    PASS_LINE_FIELD_NUMBER: _ClassVar[int]
    SCORE_PASSED_FIELD_NUMBER: _ClassVar[int]
    PASSED_FIELD_NUMBER: _ClassVar[int]
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    INDICATORS_FIELD_NUMBER: _ClassVar[int]
    ROUTES_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    application_id: str
    rubric_title: str
    source: str
    rules_id: str
    total: int
    max_total: int
    pass_line: int
    score_passed: bool
    passed: bool
    groups: _containers.RepeatedCompositeFieldContainer[GroupAssessment]
    indicators: _containers.RepeatedCompositeFieldContainer[IndicatorAssessment]
    routes: _containers.RepeatedCompositeFieldContainer[RouteAssessment]
    summary: str
    def __init__(self, programme_id: _Optional[str] = ..., application_id: _Optional[str] = ..., rubric_title: _Optional[str] = ..., source: _Optional[str] = ..., rules_id: _Optional[str] = ..., total: _Optional[int] = ..., max_total: _Optional[int] = ..., pass_line: _Optional[int] = ..., score_passed: _Optional[bool] = ..., passed: _Optional[bool] = ..., groups: _Optional[_Iterable[_Union[GroupAssessment, _Mapping]]] = ..., indicators: _Optional[_Iterable[_Union[IndicatorAssessment, _Mapping]]] = ..., routes: _Optional[_Iterable[_Union[RouteAssessment, _Mapping]]] = ..., summary: _Optional[str] = ...) -> None: ...

class ReserveEntry(_message.Message):
    __slots__ = ("id", "owner", "programme_id", "year", "application_id", "enterprise", "score", "source", "source_label", "reason", "listed_at", "status", "status_label", "recognised_in")
    ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    YEAR_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_LABEL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    LISTED_AT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_LABEL_FIELD_NUMBER: _ClassVar[int]
    RECOGNISED_IN_FIELD_NUMBER: _ClassVar[int]
    id: str
    owner: str
    programme_id: str
    year: int
    application_id: str
    enterprise: EnterpriseBrief
    score: str
    source: str
    source_label: str
    reason: str
    listed_at: str
    status: str
    status_label: str
    recognised_in: str
    def __init__(self, id: _Optional[str] = ..., owner: _Optional[str] = ..., programme_id: _Optional[str] = ..., year: _Optional[int] = ..., application_id: _Optional[str] = ..., enterprise: _Optional[_Union[EnterpriseBrief, _Mapping]] = ..., score: _Optional[str] = ..., source: _Optional[str] = ..., source_label: _Optional[str] = ..., reason: _Optional[str] = ..., listed_at: _Optional[str] = ..., status: _Optional[str] = ..., status_label: _Optional[str] = ..., recognised_in: _Optional[str] = ...) -> None: ...

class ReserveListed(_message.Message):
    __slots__ = ("entry",)
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    entry: ReserveEntry
    def __init__(self, entry: _Optional[_Union[ReserveEntry, _Mapping]] = ...) -> None: ...

class ListReserveRequest(_message.Message):
    __slots__ = ("owner", "programme_id", "year", "region_prefix", "status", "source")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    YEAR_FIELD_NUMBER: _ClassVar[int]
    REGION_PREFIX_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    owner: str
    programme_id: str
    year: int
    region_prefix: str
    status: str
    source: str
    def __init__(self, owner: _Optional[str] = ..., programme_id: _Optional[str] = ..., year: _Optional[int] = ..., region_prefix: _Optional[str] = ..., status: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class ListReserveResponse(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[ReserveEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[ReserveEntry, _Mapping]]] = ...) -> None: ...

class Renewal(_message.Message):
    __slots__ = ("programme_id", "application_id", "renewed_at", "valid_until")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    RENEWED_AT_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    application_id: str
    renewed_at: str
    valid_until: str
    def __init__(self, programme_id: _Optional[str] = ..., application_id: _Optional[str] = ..., renewed_at: _Optional[str] = ..., valid_until: _Optional[str] = ...) -> None: ...

class RecognitionRecord(_message.Message):
    __slots__ = ("id", "programme_id", "programme_title", "owner", "application_id", "enterprise", "rules_id", "validity_years", "recognised_at", "valid_until", "status", "status_label", "renewals", "revoked_at", "revoked_reason", "lapsed_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_TITLE_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    RULES_ID_FIELD_NUMBER: _ClassVar[int]
    VALIDITY_YEARS_FIELD_NUMBER: _ClassVar[int]
    RECOGNISED_AT_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_LABEL_FIELD_NUMBER: _ClassVar[int]
    RENEWALS_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    REVOKED_REASON_FIELD_NUMBER: _ClassVar[int]
    LAPSED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    programme_id: str
    programme_title: str
    owner: str
    application_id: str
    enterprise: EnterpriseBrief
    rules_id: str
    validity_years: int
    recognised_at: str
    valid_until: str
    status: str
    status_label: str
    renewals: _containers.RepeatedCompositeFieldContainer[Renewal]
    revoked_at: str
    revoked_reason: str
    lapsed_at: str
    def __init__(self, id: _Optional[str] = ..., programme_id: _Optional[str] = ..., programme_title: _Optional[str] = ..., owner: _Optional[str] = ..., application_id: _Optional[str] = ..., enterprise: _Optional[_Union[EnterpriseBrief, _Mapping]] = ..., rules_id: _Optional[str] = ..., validity_years: _Optional[int] = ..., recognised_at: _Optional[str] = ..., valid_until: _Optional[str] = ..., status: _Optional[str] = ..., status_label: _Optional[str] = ..., renewals: _Optional[_Iterable[_Union[Renewal, _Mapping]]] = ..., revoked_at: _Optional[str] = ..., revoked_reason: _Optional[str] = ..., lapsed_at: _Optional[str] = ...) -> None: ...

class RecognitionChanged(_message.Message):
    __slots__ = ("recognition", "change", "reason", "notice", "at")
    RECOGNITION_FIELD_NUMBER: _ClassVar[int]
    CHANGE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    NOTICE_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    recognition: RecognitionRecord
    change: str
    reason: str
    notice: str
    at: str
    def __init__(self, recognition: _Optional[_Union[RecognitionRecord, _Mapping]] = ..., change: _Optional[str] = ..., reason: _Optional[str] = ..., notice: _Optional[str] = ..., at: _Optional[str] = ...) -> None: ...

class ListRecognitionsRequest(_message.Message):
    __slots__ = ("owner", "programme_id", "status", "expiring_before", "enterprise_id")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    EXPIRING_BEFORE_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_ID_FIELD_NUMBER: _ClassVar[int]
    owner: str
    programme_id: str
    status: str
    expiring_before: str
    enterprise_id: str
    def __init__(self, owner: _Optional[str] = ..., programme_id: _Optional[str] = ..., status: _Optional[str] = ..., expiring_before: _Optional[str] = ..., enterprise_id: _Optional[str] = ...) -> None: ...

class ListRecognitionsResponse(_message.Message):
    __slots__ = ("recognitions",)
    RECOGNITIONS_FIELD_NUMBER: _ClassVar[int]
    recognitions: _containers.RepeatedCompositeFieldContainer[RecognitionRecord]
    def __init__(self, recognitions: _Optional[_Iterable[_Union[RecognitionRecord, _Mapping]]] = ...) -> None: ...

class RevokeRecognitionRequest(_message.Message):
    __slots__ = ("id", "reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    reason: str
    def __init__(self, id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class TypicalCase(_message.Message):
    __slots__ = ("id", "owner", "programme_id", "enterprise", "title", "summary", "selected_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    SELECTED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    owner: str
    programme_id: str
    enterprise: EnterpriseBrief
    title: str
    summary: str
    selected_at: str
    def __init__(self, id: _Optional[str] = ..., owner: _Optional[str] = ..., programme_id: _Optional[str] = ..., enterprise: _Optional[_Union[EnterpriseBrief, _Mapping]] = ..., title: _Optional[str] = ..., summary: _Optional[str] = ..., selected_at: _Optional[str] = ...) -> None: ...

class SelectTypicalCaseRequest(_message.Message):
    __slots__ = ("recognition_id", "title", "summary")
    RECOGNITION_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    recognition_id: str
    title: str
    summary: str
    def __init__(self, recognition_id: _Optional[str] = ..., title: _Optional[str] = ..., summary: _Optional[str] = ...) -> None: ...

class ListTypicalCasesRequest(_message.Message):
    __slots__ = ("owner",)
    OWNER_FIELD_NUMBER: _ClassVar[int]
    owner: str
    def __init__(self, owner: _Optional[str] = ...) -> None: ...

class ListTypicalCasesResponse(_message.Message):
    __slots__ = ("cases",)
    CASES_FIELD_NUMBER: _ClassVar[int]
    cases: _containers.RepeatedCompositeFieldContainer[TypicalCase]
    def __init__(self, cases: _Optional[_Iterable[_Union[TypicalCase, _Mapping]]] = ...) -> None: ...

class WhitelistEntry(_message.Message):
    __slots__ = ("enterprise", "basis", "basis_label", "programme_id", "valid_until")
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    BASIS_FIELD_NUMBER: _ClassVar[int]
    BASIS_LABEL_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    enterprise: EnterpriseBrief
    basis: str
    basis_label: str
    programme_id: str
    valid_until: str
    def __init__(self, enterprise: _Optional[_Union[EnterpriseBrief, _Mapping]] = ..., basis: _Optional[str] = ..., basis_label: _Optional[str] = ..., programme_id: _Optional[str] = ..., valid_until: _Optional[str] = ...) -> None: ...

class WhitelistBatch(_message.Message):
    __slots__ = ("id", "owner", "recommended_at", "note", "entries")
    ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDED_AT_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    id: str
    owner: str
    recommended_at: str
    note: str
    entries: _containers.RepeatedCompositeFieldContainer[WhitelistEntry]
    def __init__(self, id: _Optional[str] = ..., owner: _Optional[str] = ..., recommended_at: _Optional[str] = ..., note: _Optional[str] = ..., entries: _Optional[_Iterable[_Union[WhitelistEntry, _Mapping]]] = ...) -> None: ...

class RecommendWhitelistRequest(_message.Message):
    __slots__ = ("owner", "note", "include_reserve")
    OWNER_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_RESERVE_FIELD_NUMBER: _ClassVar[int]
    owner: str
    note: str
    include_reserve: bool
    def __init__(self, owner: _Optional[str] = ..., note: _Optional[str] = ..., include_reserve: _Optional[bool] = ...) -> None: ...

class CityRecommendation(_message.Message):
    __slots__ = ("event_id", "uscc", "enterprise_name", "region_code", "from_programme_id", "from_programme_title", "from_owner", "from_owner_name", "rank", "score", "published_at", "recommend_to", "received_at", "application_id")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_NAME_FIELD_NUMBER: _ClassVar[int]
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    FROM_PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_PROGRAMME_TITLE_FIELD_NUMBER: _ClassVar[int]
    FROM_OWNER_FIELD_NUMBER: _ClassVar[int]
    FROM_OWNER_NAME_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_FIELD_NUMBER: _ClassVar[int]
    RECOMMEND_TO_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    uscc: str
    enterprise_name: str
    region_code: str
    from_programme_id: str
    from_programme_title: str
    from_owner: str
    from_owner_name: str
    rank: int
    score: str
    published_at: str
    recommend_to: str
    received_at: str
    application_id: str
    def __init__(self, event_id: _Optional[str] = ..., uscc: _Optional[str] = ..., enterprise_name: _Optional[str] = ..., region_code: _Optional[str] = ..., from_programme_id: _Optional[str] = ..., from_programme_title: _Optional[str] = ..., from_owner: _Optional[str] = ..., from_owner_name: _Optional[str] = ..., rank: _Optional[int] = ..., score: _Optional[str] = ..., published_at: _Optional[str] = ..., recommend_to: _Optional[str] = ..., received_at: _Optional[str] = ..., application_id: _Optional[str] = ...) -> None: ...

class ListCityRecommendationsRequest(_message.Message):
    __slots__ = ("programme_id",)
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    def __init__(self, programme_id: _Optional[str] = ...) -> None: ...

class ListCityRecommendationsResponse(_message.Message):
    __slots__ = ("recommendations",)
    RECOMMENDATIONS_FIELD_NUMBER: _ClassVar[int]
    recommendations: _containers.RepeatedCompositeFieldContainer[CityRecommendation]
    def __init__(self, recommendations: _Optional[_Iterable[_Union[CityRecommendation, _Mapping]]] = ...) -> None: ...
