from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

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

class StatisticsRequest(_message.Message):
    __slots__ = ("programme_id", "region_prefix")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    REGION_PREFIX_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    region_prefix: str
    def __init__(self, programme_id: _Optional[str] = ..., region_prefix: _Optional[str] = ...) -> None: ...

class Bucket(_message.Message):
    __slots__ = ("key", "label", "count")
    KEY_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    key: str
    label: str
    count: int
    def __init__(self, key: _Optional[str] = ..., label: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class DailyCount(_message.Message):
    __slots__ = ("date", "count", "cumulative")
    DATE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    CUMULATIVE_FIELD_NUMBER: _ClassVar[int]
    date: str
    count: int
    cumulative: int
    def __init__(self, date: _Optional[str] = ..., count: _Optional[int] = ..., cumulative: _Optional[int] = ...) -> None: ...

class RegionRecognition(_message.Message):
    __slots__ = ("region_code", "region_name", "applications", "recommended", "recognised", "not_recognised", "rate", "rate_text")
    REGION_CODE_FIELD_NUMBER: _ClassVar[int]
    REGION_NAME_FIELD_NUMBER: _ClassVar[int]
    APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDED_FIELD_NUMBER: _ClassVar[int]
    RECOGNISED_FIELD_NUMBER: _ClassVar[int]
    NOT_RECOGNISED_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    RATE_TEXT_FIELD_NUMBER: _ClassVar[int]
    region_code: str
    region_name: str
    applications: int
    recommended: int
    recognised: int
    not_recognised: int
    rate: float
    rate_text: str
    def __init__(self, region_code: _Optional[str] = ..., region_name: _Optional[str] = ..., applications: _Optional[int] = ..., recommended: _Optional[int] = ..., recognised: _Optional[int] = ..., not_recognised: _Optional[int] = ..., rate: _Optional[float] = ..., rate_text: _Optional[str] = ...) -> None: ...

class Statistics(_message.Message):
    __slots__ = ("programme_id", "programme_title", "as_of", "scope", "applications", "by_status", "by_city", "by_county", "by_industry", "by_focus_category", "by_level", "submissions_per_day", "recognition_by_city", "region_prefix")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_TITLE_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    BY_STATUS_FIELD_NUMBER: _ClassVar[int]
    BY_CITY_FIELD_NUMBER: _ClassVar[int]
    BY_COUNTY_FIELD_NUMBER: _ClassVar[int]
    BY_INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    BY_FOCUS_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    BY_LEVEL_FIELD_NUMBER: _ClassVar[int]
    SUBMISSIONS_PER_DAY_FIELD_NUMBER: _ClassVar[int]
    RECOGNITION_BY_CITY_FIELD_NUMBER: _ClassVar[int]
    REGION_PREFIX_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    programme_title: str
    as_of: str
    scope: str
    applications: int
    by_status: _containers.RepeatedCompositeFieldContainer[Bucket]
    by_city: _containers.RepeatedCompositeFieldContainer[Bucket]
    by_county: _containers.RepeatedCompositeFieldContainer[Bucket]
    by_industry: _containers.RepeatedCompositeFieldContainer[Bucket]
    by_focus_category: _containers.RepeatedCompositeFieldContainer[Bucket]
    by_level: _containers.RepeatedCompositeFieldContainer[Bucket]
    submissions_per_day: _containers.RepeatedCompositeFieldContainer[DailyCount]
    recognition_by_city: _containers.RepeatedCompositeFieldContainer[RegionRecognition]
    region_prefix: str
    def __init__(self, programme_id: _Optional[str] = ..., programme_title: _Optional[str] = ..., as_of: _Optional[str] = ..., scope: _Optional[str] = ..., applications: _Optional[int] = ..., by_status: _Optional[_Iterable[_Union[Bucket, _Mapping]]] = ..., by_city: _Optional[_Iterable[_Union[Bucket, _Mapping]]] = ..., by_county: _Optional[_Iterable[_Union[Bucket, _Mapping]]] = ..., by_industry: _Optional[_Iterable[_Union[Bucket, _Mapping]]] = ..., by_focus_category: _Optional[_Iterable[_Union[Bucket, _Mapping]]] = ..., by_level: _Optional[_Iterable[_Union[Bucket, _Mapping]]] = ..., submissions_per_day: _Optional[_Iterable[_Union[DailyCount, _Mapping]]] = ..., recognition_by_city: _Optional[_Iterable[_Union[RegionRecognition, _Mapping]]] = ..., region_prefix: _Optional[str] = ...) -> None: ...

class SummaryRowsRequest(_message.Message):
    __slots__ = ("programme_id", "unit_id", "include_pending", "limit")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_PENDING_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    unit_id: str
    include_pending: bool
    limit: int
    def __init__(self, programme_id: _Optional[str] = ..., unit_id: _Optional[str] = ..., include_pending: _Optional[bool] = ..., limit: _Optional[int] = ...) -> None: ...

class SummaryRow(_message.Message):
    __slots__ = ("application_id", "cells", "unit_id")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    CELLS_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    cells: _containers.RepeatedScalarFieldContainer[str]
    unit_id: str
    def __init__(self, application_id: _Optional[str] = ..., cells: _Optional[_Iterable[str]] = ..., unit_id: _Optional[str] = ...) -> None: ...

class SummaryRows(_message.Message):
    __slots__ = ("title", "unit_id", "unit_name", "headers", "rows", "total", "truncated")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_NAME_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    title: str
    unit_id: str
    unit_name: str
    headers: _containers.RepeatedScalarFieldContainer[str]
    rows: _containers.RepeatedCompositeFieldContainer[SummaryRow]
    total: int
    truncated: bool
    def __init__(self, title: _Optional[str] = ..., unit_id: _Optional[str] = ..., unit_name: _Optional[str] = ..., headers: _Optional[_Iterable[str]] = ..., rows: _Optional[_Iterable[_Union[SummaryRow, _Mapping]]] = ..., total: _Optional[int] = ..., truncated: _Optional[bool] = ...) -> None: ...

class GenerateReportRequest(_message.Message):
    __slots__ = ("kind", "programme_id", "unit_id", "application_id", "output_dir", "stage", "include_pending", "formats", "group_by")
    KIND_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_DIR_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_PENDING_FIELD_NUMBER: _ClassVar[int]
    FORMATS_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    kind: str
    programme_id: str
    unit_id: str
    application_id: str
    output_dir: str
    stage: str
    include_pending: bool
    formats: _containers.RepeatedScalarFieldContainer[str]
    group_by: str
    def __init__(self, kind: _Optional[str] = ..., programme_id: _Optional[str] = ..., unit_id: _Optional[str] = ..., application_id: _Optional[str] = ..., output_dir: _Optional[str] = ..., stage: _Optional[str] = ..., include_pending: _Optional[bool] = ..., formats: _Optional[_Iterable[str]] = ..., group_by: _Optional[str] = ...) -> None: ...

class Report(_message.Message):
    __slots__ = ("id", "kind", "programme_id", "unit_id", "application_id", "format", "filename", "title", "sha256", "size", "rows", "created_at", "path", "warnings", "job_id", "chart", "media_type")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    CHART_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: str
    programme_id: str
    unit_id: str
    application_id: str
    format: str
    filename: str
    title: str
    sha256: str
    size: int
    rows: int
    created_at: str
    path: str
    warnings: _containers.RepeatedScalarFieldContainer[str]
    job_id: str
    chart: str
    media_type: str
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[str] = ..., programme_id: _Optional[str] = ..., unit_id: _Optional[str] = ..., application_id: _Optional[str] = ..., format: _Optional[str] = ..., filename: _Optional[str] = ..., title: _Optional[str] = ..., sha256: _Optional[str] = ..., size: _Optional[int] = ..., rows: _Optional[int] = ..., created_at: _Optional[str] = ..., path: _Optional[str] = ..., warnings: _Optional[_Iterable[str]] = ..., job_id: _Optional[str] = ..., chart: _Optional[str] = ..., media_type: _Optional[str] = ...) -> None: ...

class ReportProgress(_message.Message):
    __slots__ = ("job_id", "stage", "done", "total", "message", "reports", "finished")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    REPORTS_FIELD_NUMBER: _ClassVar[int]
    FINISHED_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    stage: str
    done: int
    total: int
    message: str
    reports: _containers.RepeatedCompositeFieldContainer[Report]
    finished: bool
    def __init__(self, job_id: _Optional[str] = ..., stage: _Optional[str] = ..., done: _Optional[int] = ..., total: _Optional[int] = ..., message: _Optional[str] = ..., reports: _Optional[_Iterable[_Union[Report, _Mapping]]] = ..., finished: _Optional[bool] = ...) -> None: ...

class GetJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class Job(_message.Message):
    __slots__ = ("id", "kind", "programme_id", "state", "stage", "done", "total", "message", "report_ids", "started_at", "finished_at", "error")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    REPORT_IDS_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: str
    programme_id: str
    state: str
    stage: str
    done: int
    total: int
    message: str
    report_ids: _containers.RepeatedScalarFieldContainer[str]
    started_at: str
    finished_at: str
    error: str
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[str] = ..., programme_id: _Optional[str] = ..., state: _Optional[str] = ..., stage: _Optional[str] = ..., done: _Optional[int] = ..., total: _Optional[int] = ..., message: _Optional[str] = ..., report_ids: _Optional[_Iterable[str]] = ..., started_at: _Optional[str] = ..., finished_at: _Optional[str] = ..., error: _Optional[str] = ...) -> None: ...

class GetReportRequest(_message.Message):
    __slots__ = ("report_id",)
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    report_id: str
    def __init__(self, report_id: _Optional[str] = ...) -> None: ...

class ListReportsRequest(_message.Message):
    __slots__ = ("programme_id", "kind", "unit_id", "limit")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    kind: str
    unit_id: str
    limit: int
    def __init__(self, programme_id: _Optional[str] = ..., kind: _Optional[str] = ..., unit_id: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ListReportsResponse(_message.Message):
    __slots__ = ("reports",)
    REPORTS_FIELD_NUMBER: _ClassVar[int]
    reports: _containers.RepeatedCompositeFieldContainer[Report]
    def __init__(self, reports: _Optional[_Iterable[_Union[Report, _Mapping]]] = ...) -> None: ...

class DownloadReportRequest(_message.Message):
    __slots__ = ("report_id", "chunk_size")
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    CHUNK_SIZE_FIELD_NUMBER: _ClassVar[int]
    report_id: str
    chunk_size: int
    def __init__(self, report_id: _Optional[str] = ..., chunk_size: _Optional[int] = ...) -> None: ...

class ReportChunk(_message.Message):
    __slots__ = ("data", "offset", "size", "sha256", "filename", "media_type")
    DATA_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    data: bytes
    offset: int
    size: int
    sha256: str
    filename: str
    media_type: str
    def __init__(self, data: _Optional[bytes] = ..., offset: _Optional[int] = ..., size: _Optional[int] = ..., sha256: _Optional[str] = ..., filename: _Optional[str] = ..., media_type: _Optional[str] = ...) -> None: ...

class RebuildRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListArchivedEventsRequest(_message.Message):
    __slots__ = ("types", "since")
    TYPES_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    types: _containers.RepeatedScalarFieldContainer[str]
    since: str
    def __init__(self, types: _Optional[_Iterable[str]] = ..., since: _Optional[str] = ...) -> None: ...

class ArchivedEvent(_message.Message):
    __slots__ = ("id", "type", "envelope_json")
    ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ENVELOPE_JSON_FIELD_NUMBER: _ClassVar[int]
    id: str
    type: str
    envelope_json: str
    def __init__(self, id: _Optional[str] = ..., type: _Optional[str] = ..., envelope_json: _Optional[str] = ...) -> None: ...

class ReportReady(_message.Message):
    __slots__ = ("report_id", "kind", "programme_id", "unit_id", "format", "sha256", "rows", "at", "application_id", "filename", "title", "size", "job_id")
    REPORT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    UNIT_ID_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    report_id: str
    kind: str
    programme_id: str
    unit_id: str
    format: str
    sha256: str
    rows: int
    at: str
    application_id: str
    filename: str
    title: str
    size: int
    job_id: str
    def __init__(self, report_id: _Optional[str] = ..., kind: _Optional[str] = ..., programme_id: _Optional[str] = ..., unit_id: _Optional[str] = ..., format: _Optional[str] = ..., sha256: _Optional[str] = ..., rows: _Optional[int] = ..., at: _Optional[str] = ..., application_id: _Optional[str] = ..., filename: _Optional[str] = ..., title: _Optional[str] = ..., size: _Optional[int] = ..., job_id: _Optional[str] = ...) -> None: ...

class OperatingStatisticsRequest(_message.Message):
    __slots__ = ("programme_id", "group_by")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    group_by: str
    def __init__(self, programme_id: _Optional[str] = ..., group_by: _Optional[str] = ...) -> None: ...

class OperatingRow(_message.Message):
    __slots__ = ("period", "period_label", "key", "label", "reports", "totals")
    class TotalsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PERIOD_LABEL_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    REPORTS_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    period: str
    period_label: str
    key: str
    label: str
    reports: int
    totals: _containers.ScalarMap[str, str]
    def __init__(self, period: _Optional[str] = ..., period_label: _Optional[str] = ..., key: _Optional[str] = ..., label: _Optional[str] = ..., reports: _Optional[int] = ..., totals: _Optional[_Mapping[str, str]] = ...) -> None: ...

class OperatingPeriod(_message.Message):
    __slots__ = ("key", "label")
    KEY_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    key: str
    label: str
    def __init__(self, key: _Optional[str] = ..., label: _Optional[str] = ...) -> None: ...

class OperatingStatistics(_message.Message):
    __slots__ = ("programme_id", "group_by", "scope", "periods", "rows", "as_of")
    PROGRAMME_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    PERIODS_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    programme_id: str
    group_by: str
    scope: str
    periods: _containers.RepeatedCompositeFieldContainer[OperatingPeriod]
    rows: _containers.RepeatedCompositeFieldContainer[OperatingRow]
    as_of: str
    def __init__(self, programme_id: _Optional[str] = ..., group_by: _Optional[str] = ..., scope: _Optional[str] = ..., periods: _Optional[_Iterable[_Union[OperatingPeriod, _Mapping]]] = ..., rows: _Optional[_Iterable[_Union[OperatingRow, _Mapping]]] = ..., as_of: _Optional[str] = ...) -> None: ...
