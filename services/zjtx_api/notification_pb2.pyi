from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SendAccountCodeRequest(_message.Message):
    __slots__ = ("request_id", "recipient", "name", "channel", "address", "code", "expires_at", "purpose")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    recipient: str
    name: str
    channel: str
    address: str
    code: str
    expires_at: str
    purpose: str
    def __init__(self, request_id: _Optional[str] = ..., recipient: _Optional[str] = ..., name: _Optional[str] = ..., channel: _Optional[str] = ..., address: _Optional[str] = ..., code: _Optional[str] = ..., expires_at: _Optional[str] = ..., purpose: _Optional[str] = ...) -> None: ...

class SendAccountCodeResponse(_message.Message):
    __slots__ = ("recorded",)
    RECORDED_FIELD_NUMBER: _ClassVar[int]
    recorded: bool
    def __init__(self, recorded: _Optional[bool] = ...) -> None: ...

class ListInboxRequest(_message.Message):
    __slots__ = ("recipient", "unread_only", "limit")
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    UNREAD_ONLY_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    recipient: str
    unread_only: bool
    limit: int
    def __init__(self, recipient: _Optional[str] = ..., unread_only: _Optional[bool] = ..., limit: _Optional[int] = ...) -> None: ...

class InboxMessage(_message.Message):
    __slots__ = ("id", "recipient", "event_type", "subject", "title", "body", "created_at", "read", "read_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    READ_FIELD_NUMBER: _ClassVar[int]
    READ_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    recipient: str
    event_type: str
    subject: str
    title: str
    body: str
    created_at: str
    read: bool
    read_at: str
    def __init__(self, id: _Optional[str] = ..., recipient: _Optional[str] = ..., event_type: _Optional[str] = ..., subject: _Optional[str] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., created_at: _Optional[str] = ..., read: _Optional[bool] = ..., read_at: _Optional[str] = ...) -> None: ...

class ListInboxResponse(_message.Message):
    __slots__ = ("messages", "unread")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    UNREAD_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[InboxMessage]
    unread: int
    def __init__(self, messages: _Optional[_Iterable[_Union[InboxMessage, _Mapping]]] = ..., unread: _Optional[int] = ...) -> None: ...

class CountUnreadRequest(_message.Message):
    __slots__ = ("recipient",)
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    recipient: str
    def __init__(self, recipient: _Optional[str] = ...) -> None: ...

class CountUnreadResponse(_message.Message):
    __slots__ = ("unread",)
    UNREAD_FIELD_NUMBER: _ClassVar[int]
    unread: int
    def __init__(self, unread: _Optional[int] = ...) -> None: ...

class MarkReadRequest(_message.Message):
    __slots__ = ("recipient", "message_ids", "all")
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_IDS_FIELD_NUMBER: _ClassVar[int]
    ALL_FIELD_NUMBER: _ClassVar[int]
    recipient: str
    message_ids: _containers.RepeatedScalarFieldContainer[str]
    all: bool
    def __init__(self, recipient: _Optional[str] = ..., message_ids: _Optional[_Iterable[str]] = ..., all: _Optional[bool] = ...) -> None: ...

class MarkReadResponse(_message.Message):
    __slots__ = ("marked", "unread")
    MARKED_FIELD_NUMBER: _ClassVar[int]
    UNREAD_FIELD_NUMBER: _ClassVar[int]
    marked: int
    unread: int
    def __init__(self, marked: _Optional[int] = ..., unread: _Optional[int] = ...) -> None: ...

class ChannelSetting(_message.Message):
    __slots__ = ("channel", "enabled")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    channel: str
    enabled: bool
    def __init__(self, channel: _Optional[str] = ..., enabled: _Optional[bool] = ...) -> None: ...

class GetPreferencesRequest(_message.Message):
    __slots__ = ("recipient",)
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    recipient: str
    def __init__(self, recipient: _Optional[str] = ...) -> None: ...

class SetPreferencesRequest(_message.Message):
    __slots__ = ("recipient", "settings")
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    recipient: str
    settings: _containers.RepeatedCompositeFieldContainer[ChannelSetting]
    def __init__(self, recipient: _Optional[str] = ..., settings: _Optional[_Iterable[_Union[ChannelSetting, _Mapping]]] = ...) -> None: ...

class Preferences(_message.Message):
    __slots__ = ("recipient", "settings", "updated_at")
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    recipient: str
    settings: _containers.RepeatedCompositeFieldContainer[ChannelSetting]
    updated_at: str
    def __init__(self, recipient: _Optional[str] = ..., settings: _Optional[_Iterable[_Union[ChannelSetting, _Mapping]]] = ..., updated_at: _Optional[str] = ...) -> None: ...

class Delivery(_message.Message):
    __slots__ = ("id", "event_id", "event_type", "subject", "recipient", "channel", "address", "state", "attempts", "max_attempts", "last_error", "title", "created_at", "sent_at", "next_attempt_at", "skip_reason", "total_attempts", "retries")
    ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    MAX_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_AT_FIELD_NUMBER: _ClassVar[int]
    SKIP_REASON_FIELD_NUMBER: _ClassVar[int]
    TOTAL_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    RETRIES_FIELD_NUMBER: _ClassVar[int]
    id: str
    event_id: str
    event_type: str
    subject: str
    recipient: str
    channel: str
    address: str
    state: str
    attempts: int
    max_attempts: int
    last_error: str
    title: str
    created_at: str
    sent_at: str
    next_attempt_at: str
    skip_reason: str
    total_attempts: int
    retries: int
    def __init__(self, id: _Optional[str] = ..., event_id: _Optional[str] = ..., event_type: _Optional[str] = ..., subject: _Optional[str] = ..., recipient: _Optional[str] = ..., channel: _Optional[str] = ..., address: _Optional[str] = ..., state: _Optional[str] = ..., attempts: _Optional[int] = ..., max_attempts: _Optional[int] = ..., last_error: _Optional[str] = ..., title: _Optional[str] = ..., created_at: _Optional[str] = ..., sent_at: _Optional[str] = ..., next_attempt_at: _Optional[str] = ..., skip_reason: _Optional[str] = ..., total_attempts: _Optional[int] = ..., retries: _Optional[int] = ...) -> None: ...

class ListDeliveriesRequest(_message.Message):
    __slots__ = ("state", "channel", "recipient", "event_id", "subject", "limit")
    STATE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    state: str
    channel: str
    recipient: str
    event_id: str
    subject: str
    limit: int
    def __init__(self, state: _Optional[str] = ..., channel: _Optional[str] = ..., recipient: _Optional[str] = ..., event_id: _Optional[str] = ..., subject: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ListDeliveriesResponse(_message.Message):
    __slots__ = ("deliveries", "total")
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    deliveries: _containers.RepeatedCompositeFieldContainer[Delivery]
    total: int
    def __init__(self, deliveries: _Optional[_Iterable[_Union[Delivery, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...

class RetryDeliveryRequest(_message.Message):
    __slots__ = ("delivery_id",)
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    delivery_id: str
    def __init__(self, delivery_id: _Optional[str] = ...) -> None: ...

class DeliveryStatsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ChannelStateCount(_message.Message):
    __slots__ = ("channel", "state", "count")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    channel: str
    state: str
    count: int
    def __init__(self, channel: _Optional[str] = ..., state: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class DeliveryStatsResponse(_message.Message):
    __slots__ = ("counts",)
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    counts: _containers.RepeatedCompositeFieldContainer[ChannelStateCount]
    def __init__(self, counts: _Optional[_Iterable[_Union[ChannelStateCount, _Mapping]]] = ...) -> None: ...

class DeliveryOutcome(_message.Message):
    __slots__ = ("delivery_id", "recipient", "channel", "event_id", "event_type", "attempts", "error", "at")
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    delivery_id: str
    recipient: str
    channel: str
    event_id: str
    event_type: str
    attempts: int
    error: str
    at: str
    def __init__(self, delivery_id: _Optional[str] = ..., recipient: _Optional[str] = ..., channel: _Optional[str] = ..., event_id: _Optional[str] = ..., event_type: _Optional[str] = ..., attempts: _Optional[int] = ..., error: _Optional[str] = ..., at: _Optional[str] = ...) -> None: ...
