from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class CountEnterprisesRequest(_message.Message):
    __slots__ = ("region_prefix",)
    REGION_PREFIX_FIELD_NUMBER: _ClassVar[int]
    region_prefix: str
    def __init__(self, region_prefix: _Optional[str] = ...) -> None: ...

class CountEnterprisesResponse(_message.Message):
    __slots__ = ("count",)
    COUNT_FIELD_NUMBER: _ClassVar[int]
    count: int
    def __init__(self, count: _Optional[int] = ...) -> None: ...

class ReportReady(_message.Message):
    __slots__ = ("report_id", "kind", "programme_id", "unit_id", "format", "sha256", "rows", "at")
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    report_id: str
    kind: str
    programme_id: str
    unit_id: str
    format: str
    sha256: str
    rows: int
    at: str
    def __init__(self, report_id: _Optional[str] = ..., kind: _Optional[str] = ..., programme_id: _Optional[str] = ..., unit_id: _Optional[str] = ..., format: _Optional[str] = ..., sha256: _Optional[str] = ..., rows: _Optional[int] = ..., at: _Optional[str] = ...) -> None: ...
